"""OpenFermion -> revad: ``QubitOperator`` to :class:`Hamiltonian`.

OpenFermion's qubit ``k`` is revad qubit ``k``. (OpenFermion's ``get_sparse_operator``
puts qubit 0 in the *most* significant bit, revad in the least: the matrices are
bit-reversed permutations of each other; expectation values agree.)
"""

from __future__ import annotations

import numbers

from ..errors import RevadError
from ..ir.hamiltonian import Hamiltonian
from ._common import real_number, require


def from_openfermion(op, n_qubits: int) -> Hamiltonian:
    """An OpenFermion ``QubitOperator`` on ``n_qubits`` qubits as a :class:`Hamiltonian`.

    Coefficients must be real up to round-off (the operator Hermitian). A
    ``FermionOperator`` must be mapped to qubits first (``openfermion.jordan_wigner``).
    """
    of = require("openfermion", "from_openfermion", "openfermion")
    if not isinstance(op, of.QubitOperator):
        hint = ""
        if isinstance(op, of.FermionOperator):
            hint = "; map it to qubits first, e.g. openfermion.jordan_wigner(op)"
        raise RevadError(
            f"from_openfermion expects an openfermion QubitOperator, got {type(op).__name__}" + hint
        )
    if isinstance(n_qubits, bool) or not isinstance(n_qubits, numbers.Integral) or n_qubits < 1:
        raise RevadError(f"from_openfermion: n_qubits must be a positive integer, got {n_qubits!r}")
    terms = []
    for word, coeff in op.terms.items():
        for q, _ in word:
            if q >= n_qubits:
                raise RevadError(
                    f"from_openfermion: term {word} acts on qubit {q}, beyond n_qubits={n_qubits}"
                )
        c = real_number(coeff, f"from_openfermion: coefficient of {word or 'the identity'}")
        terms.append((c, [(label, q) for q, label in word]))
    return Hamiltonian(terms, n_qubits=int(n_qubits))
