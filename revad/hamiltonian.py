"""Hamiltonians as real-weighted sums of Pauli strings.

``H = Σ_t c_t P_t`` with ``P_t = ⊗_q σ_q``. A Pauli string acts on a basis state as
``P|x⟩ = i^{n_Y} (-1)^{popcount(x & zmask)} |x ^ xmask⟩`` (xmask: X and Y qubits,
zmask: Z and Y qubits), which is how the simulators apply it: one bit-flip and one sign
vector per term, never a matrix. ``to_sparse`` builds the matrix for references.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .errors import RevadError
from .gates import PAULI

PauliTerm = tuple[float, tuple[tuple[str, int], ...]]


@dataclass(frozen=True)
class PauliMasks:
    """Bit-mask form of a Hamiltonian: term t is ``w[t] * (-1)^popcount(x & z[t]) |x^xmask[t]⟩``."""

    xmask: np.ndarray  # int64, X or Y on the qubit
    zmask: np.ndarray  # int64, Z or Y on the qubit
    weight: np.ndarray  # complex, c_t * i^{n_Y}


class Hamiltonian:
    """``Hamiltonian([(0.5, [("Z", 0), ("Z", 1)]), (-1.0, [("X", 2)])])``.

    Coefficients must be real and finite; labels are I, X, Y, Z; a qubit may appear
    once per term. ``n_qubits`` defaults to one more than the largest qubit named.
    """

    def __init__(self, terms, n_qubits: int | None = None):
        parsed = [self._parse_term(i, term) for i, term in enumerate(terms)]
        largest = max((q for _, ops in parsed for _, q in ops), default=-1)
        if n_qubits is None:
            n_qubits = max(largest + 1, 1)
        elif isinstance(n_qubits, bool) or not isinstance(n_qubits, numbers.Integral):
            raise RevadError(f"n_qubits must be an integer, got {n_qubits!r}")
        elif largest >= n_qubits:
            raise RevadError(f"a term acts on qubit {largest}, beyond n_qubits={n_qubits}")
        self.n_qubits = int(n_qubits)
        self.terms: tuple[PauliTerm, ...] = tuple(parsed)
        self._sparse: dict[int, sp.csr_matrix] = {}

    @staticmethod
    def _parse_term(index: int, term) -> PauliTerm:
        try:
            coeff, ops = term
        except (TypeError, ValueError):
            raise RevadError(
                f"term {index}: expected (coefficient, [(label, qubit), ...]), got {term!r}"
            ) from None
        if isinstance(coeff, numbers.Complex) and not isinstance(coeff, numbers.Real):
            if coeff.imag != 0:
                raise RevadError(f"term {index}: coefficient {coeff!r} is complex; must be real")
            coeff = coeff.real
        if isinstance(coeff, bool) or not isinstance(coeff, numbers.Real):
            raise RevadError(f"term {index}: coefficient must be a real number, got {coeff!r}")
        if not math.isfinite(coeff):
            raise RevadError(f"term {index}: coefficient must be finite, got {coeff!r}")
        seen: set[int] = set()
        out = []
        for op in ops:
            try:
                label, q = op
            except (TypeError, ValueError):
                raise RevadError(f"term {index}: expected (label, qubit), got {op!r}") from None
            if not isinstance(label, str) or label.upper() not in PAULI:
                raise RevadError(f"term {index}: unknown Pauli label {label!r} (use I, X, Y, Z)")
            if isinstance(q, bool) or not isinstance(q, numbers.Integral) or q < 0:
                raise RevadError(f"term {index}: qubit must be a non-negative integer, got {q!r}")
            if int(q) in seen:
                raise RevadError(f"term {index}: qubit {q} appears twice")
            seen.add(int(q))
            if label.upper() != "I":
                out.append((label.upper(), int(q)))
        return float(coeff), tuple(sorted(out, key=lambda lq: lq[1]))

    def __repr__(self) -> str:
        return f"Hamiltonian(n_qubits={self.n_qubits}, terms={len(self.terms)})"

    def __len__(self) -> int:
        return len(self.terms)

    def masks(self) -> PauliMasks:
        """Bit-mask form used by the simulators (see module docstring)."""
        xm, zm, w = [], [], []
        for coeff, ops in self.terms:
            x = z = ny = 0
            for label, q in ops:
                if label in "XY":
                    x |= 1 << q
                if label in "ZY":
                    z |= 1 << q
                ny += label == "Y"
            xm.append(x)
            zm.append(z)
            w.append(coeff * 1j**ny)
        return PauliMasks(
            np.array(xm, dtype=np.int64),
            np.array(zm, dtype=np.int64),
            np.array(w, dtype=complex),
        )

    def to_sparse(self, n_qubits: int | None = None) -> sp.csr_matrix:
        """The matrix, built by Kronecker products of 2x2 Paulis (independent of ``masks``)."""
        n = self.n_qubits if n_qubits is None else n_qubits
        if n in self._sparse:
            return self._sparse[n]
        dim = 2**n
        out = sp.csr_matrix((dim, dim), dtype=complex)
        for coeff, ops in self.terms:
            labels = dict((q, label) for label, q in ops)
            m = sp.identity(1, dtype=complex, format="csr")
            for q in reversed(range(n)):  # qubit 0 is the least significant bit
                m = sp.kron(m, sp.csr_matrix(PAULI[labels.get(q, "I")]), format="csr")
            out = out + coeff * m
        self._sparse[n] = out.tocsr()
        return self._sparse[n]

    def to_dense(self, n_qubits: int | None = None) -> np.ndarray:
        return self.to_sparse(n_qubits).toarray()

    def ground_energy(self, n_qubits: int | None = None) -> float:
        """Lowest eigenvalue: dense ``eigvalsh`` up to 2^10, sparse Lanczos (``eigsh``) above."""
        n = self.n_qubits if n_qubits is None else n_qubits
        if n > 22:
            raise RevadError(f"exact ground energy is limited to 22 qubits, got {n}")
        if n <= 10:
            return float(np.linalg.eigvalsh(self.to_dense(n))[0])
        from scipy.sparse.linalg import eigsh

        vals = eigsh(self.to_sparse(n), k=1, which="SA", return_eigenvectors=False)
        return float(vals[0])


def _chain_bonds(n: int, periodic: bool) -> list[tuple[int, int]]:
    return [(i, (i + 1) % n) for i in range(n if periodic else n - 1)]


def heisenberg(n: int, periodic: bool = True) -> Hamiltonian:
    """Yao's ``heisenberg``: ``Σ_bonds X_iX_j + Y_iY_j + Z_iZ_j`` on a chain (ring if periodic)."""
    return xxz(n, delta=1.0, periodic=periodic)


def xxz(n: int, delta: float = 1.0, periodic: bool = True) -> Hamiltonian:
    """``Σ_bonds X_iX_j + Y_iY_j + Δ Z_iZ_j``."""
    terms = [
        (c, [(p, i), (p, j)])
        for i, j in _chain_bonds(n, periodic)
        for p, c in (("X", 1.0), ("Y", 1.0), ("Z", delta))
    ]
    return Hamiltonian(terms, n_qubits=n)


def tfim(n: int, h: float = 1.0, periodic: bool = True) -> Hamiltonian:
    """Yao's ``transverse_ising``: ``Σ_bonds Z_iZ_j + h Σ_i X_i``."""
    terms = [(1.0, [("Z", i), ("Z", j)]) for i, j in _chain_bonds(n, periodic)]
    terms += [(h, [("X", i)]) for i in range(n)]
    return Hamiltonian(terms, n_qubits=n)
