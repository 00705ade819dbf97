"""Hamiltonians as real-weighted sums of Pauli strings.

``H = Σ_t c_t P_t`` with ``P_t = ⊗_q σ_q``. A Pauli string acts on a basis state as
``P|x⟩ = i^{n_Y} (-1)^{popcount(x & zmask)} |x ^ xmask⟩`` (xmask: X and Y qubits,
zmask: Z and Y qubits), which is how the simulators apply it: one bit-flip and one sign
vector per term, never a matrix. ``to_sparse`` builds the matrix for references.

A :class:`Hamiltonian` is immutable (its terms are a tuple of tuples), so it is hashable
and compares by content; it caches nothing.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from ..errors import RevadError
from ..limits import MAX_QUBITS, check_memory, check_qubit_count
from .gates import PAULI

PauliTerm = tuple[float, tuple[tuple[str, int], ...]]
TermLike = tuple[float, Iterable[tuple[str, int]]]
"""A term as :class:`Hamiltonian` takes it: ``(coefficient, [(label, qubit), ...])``."""

MAX_DENSE_QUBITS = 14  # to_dense: a 2^14 x 2^14 complex128 matrix is 4 GiB
MAX_SPARSE_QUBITS = 24  # to_sparse: every term alone has 2^24 nonzeros (384 MiB in CSR)
MAX_EXACT_QUBITS = 22  # ground_energy (sparse Lanczos)

_LABELS = "IXYZ"
# Column form of each 2x2 Pauli (one nonzero per column): column c of PAULI[_LABELS[p]]
# has its nonzero in row _ROW[p, c], with value _VAL[p, c].
_ROW = np.array([np.argmax(np.abs(PAULI[p]), axis=0) for p in _LABELS], dtype=np.int64)
_VAL = np.array([PAULI[p][_ROW[k], [0, 1]] for k, p in enumerate(_LABELS)], dtype=complex)
_BATCH_ENTRIES = 1 << 20  # nonzeros built at once by to_sparse (~32 MiB of COO)
_PROGRESS_ENTRIES = 1 << 26  # to_sparse shows a progress bar (on a terminal) above this


@dataclass(frozen=True)
class PauliMasks:
    """Bit-mask form of a Hamiltonian: term t is ``w[t] * (-1)^popcount(x & z[t]) |x^xmask[t]⟩``."""

    xmask: np.ndarray  # int64, X or Y on the qubit
    zmask: np.ndarray  # int64, Z or Y on the qubit
    weight: np.ndarray  # complex, c_t * i^{n_Y}


class Hamiltonian:
    """``Hamiltonian([(0.5, [("Z", 0), ("Z", 1)]), (-1.0, [("X", 2)])])``.

    Coefficients must be real and finite; labels are I, X, Y, Z; a qubit (below
    ``MAX_QUBITS`` = 30) may appear once per term. ``n_qubits`` (1 to 30) defaults to one
    more than the largest qubit named. Identity factors are dropped and each term's
    operators are sorted by qubit.

    ``==`` compares content: the same ``n_qubits`` and the same terms *in the same order*
    with exactly equal coefficients (a tuple comparison, O(terms)). Equal Hamiltonians have
    equal matrices; the converse does not hold (reordered or split terms compare unequal).
    ``hash`` is consistent with ``==``.
    """

    __slots__ = ("_n_qubits", "_terms", "_hash")

    def __init__(self, terms: Iterable[TermLike], n_qubits: int | None = None):
        if n_qubits is not None:
            n_qubits = check_qubit_count(n_qubits, "n_qubits")
        if isinstance(terms, (str, bytes)) or not isinstance(terms, Iterable):
            raise RevadError(
                "terms must be an iterable of (coefficient, [(label, qubit), ...]) pairs, "
                f"got {type(terms).__name__}"
            )
        parsed = tuple(self._parse_term(i, term, n_qubits) for i, term in enumerate(terms))
        largest = max((q for _, ops in parsed for _, q in ops), default=-1)
        self._n_qubits = max(largest + 1, 1) if n_qubits is None else n_qubits
        self._terms: tuple[PauliTerm, ...] = parsed
        self._hash: int | None = None

    @property
    def n_qubits(self) -> int:
        return self._n_qubits

    @property
    def terms(self) -> tuple[PauliTerm, ...]:
        """``((coefficient, ((label, qubit), ...)), ...)``, immutable."""
        return self._terms

    @staticmethod
    def _parse_term(index: int, term: TermLike, n_qubits: int | None) -> PauliTerm:
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
        if isinstance(ops, (str, bytes)) or not isinstance(ops, Iterable):
            raise RevadError(
                f"term {index}: Pauli operators must be a list of (label, qubit), got {ops!r}"
            )
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
            q = int(q)
            if n_qubits is not None and q >= n_qubits:
                raise RevadError(f"term {index}: qubit {q} is beyond n_qubits={n_qubits}")
            if q >= MAX_QUBITS:
                raise RevadError(
                    f"term {index}: qubit {q} is beyond revad's limit of {MAX_QUBITS} qubits "
                    f"(qubits 0 to {MAX_QUBITS - 1})"
                )
            if q in seen:
                raise RevadError(f"term {index}: qubit {q} appears twice")
            seen.add(q)
            if label.upper() != "I":
                out.append((label.upper(), q))
        return float(coeff), tuple(sorted(out, key=lambda lq: lq[1]))

    def __repr__(self) -> str:
        return f"Hamiltonian(n_qubits={self.n_qubits}, terms={len(self.terms)})"

    def __len__(self) -> int:
        return len(self._terms)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Hamiltonian):
            return NotImplemented
        return self._n_qubits == other._n_qubits and self._terms == other._terms

    def __hash__(self) -> int:
        if self._hash is None:  # computed once: the content never changes
            self._hash = hash((self._n_qubits, self._terms))
        return self._hash

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

    def _matrix_qubits(self, n_qubits: int | None, what: str) -> int:
        """The qubit count a matrix is built on: ``self.n_qubits`` or more."""
        n = self._n_qubits if n_qubits is None else check_qubit_count(n_qubits, "n_qubits")
        if n < self._n_qubits:
            raise RevadError(
                f"{what}(n_qubits={n}): the Hamiltonian acts on {self._n_qubits} qubits"
            )
        return n

    def to_sparse(self, n_qubits: int | None = None, progress: bool | None = None) -> sp.csr_matrix:
        """The ``2^n x 2^n`` CSR matrix, from Kronecker products of the 2x2 Paulis.

        Independent of :meth:`masks` (it is the reference the simulators are checked
        against). A Pauli string has one nonzero per column, so its Kronecker product is
        built in column form: ``row(c) = Σ_q row_q(c_q) 2^q``, ``value(c) = Π_q val_q(c_q)``
        (qubit 0 the least significant bit), vectorised over a batch of terms. Each batch
        becomes one matrix with duplicates summed, and batches are added in a balanced
        tree: O(terms · 2^n · log) time, where adding terms one by one is quadratic.
        Memory: the result plus O(2^20 + 2^n) entries. Limited to ``MAX_SPARSE_QUBITS``.
        A fresh matrix each call (nothing cached); ``progress`` (default: above ~6e7
        nonzeros, on a terminal) shows a tqdm bar.
        """
        n = self._matrix_qubits(n_qubits, "to_sparse")
        if n > MAX_SPARSE_QUBITS:
            raise RevadError(
                f"to_sparse on {n} qubits: every term alone has 2^{n} nonzeros "
                f"({_gib(24 << n)} in CSR); the limit is {MAX_SPARSE_QUBITS} qubits "
                "(the simulators apply H without a matrix)"
            )
        dim = 1 << n
        check_memory(n, 3, what=f"to_sparse on {n} qubits (at least 2^{n} nonzeros)")
        terms = self._terms
        batch = max(1, _BATCH_ENTRIES >> n)
        if progress is None:  # tqdm's disable=None: only on a terminal
            disable = None if len(terms) * dim > _PROGRESS_ENTRIES else True
        else:
            disable = not progress
        from tqdm.auto import tqdm

        stack: list[tuple[int, sp.csr_matrix]] = []  # (level, partial sum): a binary counter
        with tqdm(total=len(terms), unit="term", desc="to_sparse", disable=disable) as bar:
            for start in range(0, len(terms), batch):
                m = _kron_batch(terms[start : start + batch], n)
                level = 0
                while stack and stack[-1][0] == level:
                    m = stack.pop()[1] + m
                    level += 1
                stack.append((level, m))
                bar.update(min(batch, len(terms) - start))
        out = sp.csr_matrix((dim, dim), dtype=complex)
        for _, m in reversed(stack):  # smallest first
            out = out + m
        out.eliminate_zeros()
        return out.tocsr()

    def to_dense(self, n_qubits: int | None = None) -> npt.NDArray[np.complex128]:
        """The dense matrix (from :meth:`to_sparse`); up to ``MAX_DENSE_QUBITS``."""
        n = self._matrix_qubits(n_qubits, "to_dense")
        if n > MAX_DENSE_QUBITS:
            raise RevadError(
                f"to_dense on {n} qubits would need {_gib(16 << 2 * n)} (a 2^{n} x 2^{n} "
                f"complex128 matrix); the limit is {MAX_DENSE_QUBITS} qubits "
                f"({_gib(16 << 2 * MAX_DENSE_QUBITS)}): use to_sparse or ground_energy"
            )
        check_memory(n, 2**n + 3, what=f"to_dense on {n} qubits (a 2^{n} x 2^{n} matrix)")
        dense: npt.NDArray[np.complex128] = self.to_sparse(n).toarray()
        return dense

    def ground_energy(self, n_qubits: int | None = None) -> float:
        """Lowest eigenvalue: dense ``eigvalsh`` up to 2^10, sparse Lanczos (``eigsh``) above."""
        n = self._matrix_qubits(n_qubits, "ground_energy")
        if n > MAX_EXACT_QUBITS:
            raise RevadError(
                f"exact ground energy is limited to {MAX_EXACT_QUBITS} qubits, got {n}"
            )
        if n <= 10:
            return float(np.linalg.eigvalsh(self.to_dense(n))[0])
        from scipy.sparse.linalg import eigsh

        vals = eigsh(self.to_sparse(n), k=1, which="SA", return_eigenvectors=False)
        return float(vals[0])


def _gib(nbytes: int) -> str:
    return f"{nbytes / 2**30:.0f} GiB" if nbytes >= 2**30 else f"{nbytes / 2**20:.0f} MiB"


def _kron_batch(terms: Sequence[PauliTerm], n: int) -> sp.csr_matrix:
    """``Σ_t c_t P_t`` over a batch of terms, as one CSR matrix (duplicates summed)."""
    codes = np.zeros((len(terms), n), dtype=np.int64)  # codes[t, q]: index in "IXYZ"
    for t, (_, ops) in enumerate(terms):
        for label, q in ops:
            codes[t, q] = _LABELS.index(label)
    rows = np.zeros((len(terms), 1), dtype=np.int64)
    vals = np.array([c for c, _ in terms], dtype=complex)[:, None]
    for q in reversed(range(n)):  # qubit n-1 is the first (most significant) factor
        rows = (2 * rows[:, :, None] + _ROW[codes[:, q]][:, None, :]).reshape(len(terms), -1)
        vals = (vals[:, :, None] * _VAL[codes[:, q]][:, None, :]).reshape(len(terms), -1)
    dim = 1 << n
    cols = np.broadcast_to(np.arange(dim, dtype=np.int64), rows.shape)
    coo = sp.coo_matrix((vals.ravel(), (rows.ravel(), cols.ravel())), shape=(dim, dim))
    return coo.tocsr()  # sums duplicates


def _chain(n: int, periodic: bool, what: str) -> list[tuple[int, int]]:
    """Bonds of an open chain or a ring of ``n >= 2`` qubits."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise RevadError(f"{what}: n (the number of qubits) must be an integer, got {n!r}")
    if n < 2:
        raise RevadError(f"{what}: a chain needs at least 2 qubits, got n={n}")
    n = check_qubit_count(n, f"{what}: n")
    return [(i, (i + 1) % n) for i in range(n if periodic else n - 1)]


def _real(x: float, name: str, what: str) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x):
        raise RevadError(f"{what}: {name} must be a finite real number, got {x!r}")
    return float(x)


def heisenberg(n: int, periodic: bool = True) -> Hamiltonian:
    """Yao's ``heisenberg``: ``Σ_bonds X_iX_j + Y_iY_j + Z_iZ_j`` on a chain (ring if periodic)."""
    return _xxz(n, 1.0, periodic, "heisenberg")


def xxz(n: int, delta: float = 1.0, periodic: bool = True) -> Hamiltonian:
    """``Σ_bonds X_iX_j + Y_iY_j + Δ Z_iZ_j``."""
    return _xxz(n, delta, periodic, "xxz")


def _xxz(n: int, delta: float, periodic: bool, what: str) -> Hamiltonian:
    bonds = _chain(n, periodic, what)
    delta = _real(delta, "delta", what)
    terms = [
        (c, [(p, i), (p, j)]) for i, j in bonds for p, c in (("X", 1.0), ("Y", 1.0), ("Z", delta))
    ]
    return Hamiltonian(terms, n_qubits=n)


def tfim(n: int, h: float = 1.0, periodic: bool = True) -> Hamiltonian:
    """Yao's ``transverse_ising``: ``Σ_bonds Z_iZ_j + h Σ_i X_i``."""
    bonds = _chain(n, periodic, "tfim")
    h = _real(h, "h", "tfim")
    terms = [(1.0, [("Z", i), ("Z", j)]) for i, j in bonds]
    terms += [(h, [("X", i)]) for i in range(n)]
    return Hamiltonian(terms, n_qubits=n)
