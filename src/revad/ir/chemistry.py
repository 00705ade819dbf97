"""Fermionic excitations on Jordan-Wigner spin orbitals, for :func:`revad.uccsd`.

Spin orbital ``w`` is qubit ``w``; even ``w`` are alpha (spin up), odd ``w`` beta (spin
down), orbital ``w // 2`` (the order of revad's built-in molecules and of PennyLane's
``qchem``). The Hartree-Fock reference of ``n_electrons`` electrons fills the lowest
``n_electrons`` spin orbitals: qubits ``0 … n_electrons-1``, basis index
``2**n_electrons - 1``.
"""

from __future__ import annotations

from ..errors import RevadError
from ..limits import check_qubit_count
from .circuit import _check_int


def check_electrons(n_qubits: object, n_electrons: object, what: str = "uccsd") -> tuple[int, int]:
    """``(n_qubits, n_electrons)`` as ints, or a RevadError saying what is wrong.

    ``n_qubits`` is the number of spin orbitals: even (alpha and beta of each spatial
    orbital), 2 to ``MAX_QUBITS``; ``n_electrons`` from 1 to ``n_qubits - 1`` (a full or
    empty register has nothing to excite)."""
    n = _check_int(n_qubits, f"{what}: n_qubits")
    e = _check_int(n_electrons, f"{what}: n_electrons")
    check_qubit_count(n, f"{what}: n_qubits")
    if n % 2:
        raise RevadError(
            f"{what}: n_qubits is the number of spin orbitals and must be even "
            f"(alpha and beta of each orbital), got {n}"
        )
    if e < 1:
        raise RevadError(f"{what}: n_electrons must be positive, got {e}")
    if e >= n:
        raise RevadError(
            f"{what}: n_electrons must be fewer than the {n} spin orbitals (n_qubits), got {e}"
        )
    return n, e


def hf_occupation(n_electrons: int) -> list[int]:
    """Qubits occupied in the Hartree-Fock state: the lowest ``n_electrons`` spin orbitals."""
    return list(range(n_electrons))


def excitations(n_qubits: int, n_electrons: int) -> tuple[list[list[int]], list[list[int]]]:
    """``(singles, doubles)``: the spin-conserving excitations out of the Hartree-Fock state,
    as PennyLane's ``qml.qchem.excitations(n_electrons, n_qubits)`` lists them, same order.

    - singles ``[r, p]``: occupied ``r`` to virtual ``p`` with the same spin (``r ≡ p``
      mod 2), ``r`` ascending, then ``p``;
    - doubles ``[s, r, q, p]``: occupied ``s < r`` to virtual ``q < p`` with the total
      spin projection kept, lexicographic in ``(s, r, q, p)``.
    """
    n, e = check_electrons(n_qubits, n_electrons, "excitations")

    def sz(w: int) -> int:  # twice the spin projection: +1 alpha, -1 beta
        return 1 if w % 2 == 0 else -1

    occupied, virtual = range(e), range(e, n)
    singles = [[r, p] for r in occupied for p in virtual if sz(p) == sz(r)]
    doubles = [
        [s, r, q, p]
        for s in occupied
        for r in occupied
        if s < r
        for q in virtual
        for p in virtual
        if q < p and sz(p) + sz(q) == sz(r) + sz(s)
    ]
    return singles, doubles
