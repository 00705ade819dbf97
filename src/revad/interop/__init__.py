"""Interop: circuits and Hamiltonians from Qiskit, PennyLane, OpenFermion and OpenQASM.

Each foreign library is imported only when its converter is called; a missing one gives
a :class:`revad.RevadError` naming the extra to install (``pip install 'revad[qiskit]'``;
the OpenQASM reader uses Qiskit's parsers, OpenQASM 3 also ``'revad[qasm]'``).
See ``docs/interop.md``.
"""

from .openfermion import from_openfermion
from .pennylane import from_pennylane, pennylane_params
from .qasm import from_qasm, to_qasm
from .qiskit import from_qiskit, from_qiskit_operator

__all__ = [
    "from_openfermion",
    "from_pennylane",
    "from_qasm",
    "from_qiskit",
    "from_qiskit_operator",
    "pennylane_params",
    "to_qasm",
]
