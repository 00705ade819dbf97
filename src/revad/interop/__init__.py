"""Interop: circuits and Hamiltonians from and to Qiskit, PennyLane and OpenQASM; from
OpenFermion.

Each foreign library is imported only when its converter is called; a missing one gives
a :class:`revad.RevadError` naming the extra to install (``pip install 'revad[qiskit]'``;
the OpenQASM reader uses Qiskit's parsers, OpenQASM 3 also ``'revad[qasm]'``).
See ``docs/interop.md``.
"""

from .openfermion import from_openfermion
from .pennylane import from_pennylane, pennylane_params, to_pennylane, to_pennylane_operator
from .qasm import from_qasm, to_qasm
from .qiskit import from_qiskit, from_qiskit_operator, to_qiskit, to_qiskit_operator

__all__ = [
    "from_openfermion",
    "from_pennylane",
    "from_qasm",
    "from_qiskit",
    "from_qiskit_operator",
    "pennylane_params",
    "to_pennylane",
    "to_pennylane_operator",
    "to_qasm",
    "to_qiskit",
    "to_qiskit_operator",
]
