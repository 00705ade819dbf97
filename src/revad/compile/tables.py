"""Gate tables: each gate's local coefficients as linear combinations of an angle basis.

Every one- and two-qubit gate of revad's registry (and every generator) has the form
``(Uψ)[j] = A[k(j)]·ψ[j] + B[k(j)]·ψ[j ^ m]`` with ``k(j) = 2·bit_a(j) + bit_b(j)``;
wider gates and Pauli rotations use these rows with masks (``revad.compile.lowering``).
``A(θ)`` and ``B(θ)`` are exact combinations of ``(1, cos θ/2, sin θ/2, cos θ, sin θ)``,
fitted here once by discrete Fourier sums. One schema serves both kernels: the pure-JAX
kernels and the native C++ kernels read the same ``TA, TB`` (gate) and ``GA, GB``
(generator) rows, indexed by ``KIND[name]``; ``KF[kind]`` says which of ``a, b`` the
partner index flips.
"""

from __future__ import annotations

from types import ModuleType
from typing import TypeVar

import jax
import jax.numpy as jnp
import numpy as np
import numpy.typing as npt

from ..ir.gates import GATES, GateDef, Matrix

Angles = TypeVar("Angles", jax.Array, npt.NDArray[np.float64])
Table = npt.NDArray[np.complex128]


def angle_basis(theta: Angles, axis: int = 0) -> Angles:
    """(1, cos θ/2, sin θ/2, cos θ, sin θ), the last two by double-angle formulas (two
    transcendentals per angle instead of four). NumPy in, NumPy out; JAX in, JAX out."""
    xp: ModuleType = jnp if isinstance(theta, jax.Array) else np
    c, s = xp.cos(theta / 2), xp.sin(theta / 2)
    basis: Angles = xp.stack([xp.ones_like(theta), c, s, c * c - s * s, 2 * s * c], axis=axis)
    return basis


def _local4(gate: GateDef, m: Matrix) -> Matrix:
    """Embed a 1-qubit matrix at local indices {0, 3} (a = b = q, so k = 3·bit)."""
    if gate.n_qubits == 2:
        return m
    out = np.zeros((4, 4), dtype=complex)
    out[np.ix_([0, 3], [0, 3])] = m
    return out


def _flip_kind(mats: list[np.ndarray]) -> int:
    """The ``kf`` in {0,1,2,3} such that every off-diagonal entry sits at (k, k^kf)."""
    support = {(k, l) for m in mats for k, l in np.argwhere(np.abs(m) > 1e-14) if k != l}
    for kf in (1, 2, 3) if support else (0,):
        if all(l == k ^ kf for k, l in support):
            return kf
    raise AssertionError(f"gate matrix does not have the single-partner form: {support}")


def _fit(values: Table, samples: npt.NDArray[np.float64]) -> Table:
    """Coefficients of ``values(θ)`` in the angle basis, by exact discrete Fourier sums.

    With φ = θ/2 on 8 equispaced points of [0, 2π) the basis (1, cos φ, sin φ, cos 2φ,
    sin 2φ) is orthogonal, so the sums below are exact up to one rounding.
    """
    basis = angle_basis(samples)  # (5, samples)
    norms = np.array([1, 0.5, 0.5, 0.5, 0.5]) * len(samples)
    coef: Table = basis @ values / norms[:, None]
    coef[np.abs(coef) < 1e-15] = 0
    return coef


def _identity(theta: float = 0.0) -> Matrix:
    return np.eye(2, dtype=complex)


PAULI_PHASES = {1: "pauli:+1", 1j: "pauli:+i", -1: "pauli:-1", -1j: "pauli:-i"}
"""Rows of the Pauli rotations (``revad.compile.lowering``): ``A = cos θ/2`` and
``B = −i·ph·sin θ/2``, generator ``B = ph``, where ph ∈ {±1, ±i} is the word's phase."""


def _pauli_row(phase: complex) -> GateDef:
    gen = np.array([[0, phase], [phase, 0]], dtype=complex)

    def matrix(theta: float) -> Matrix:
        u: Matrix = np.cos(theta / 2) * np.eye(2) - 1j * np.sin(theta / 2) * gen
        return u

    return GateDef(PAULI_PHASES[phase], 1, matrix, gen, structure="one-qubit")


_IDENTITY = GateDef("identity", 1, _identity, structure="diagonal")
_TABLE_GATES = {
    **{name: gate for name, gate in GATES.items() if gate.n_qubits <= 2},
    "identity": _IDENTITY,
    **{name: _pauli_row(phase) for phase, name in PAULI_PHASES.items()},
}
"""Rows of the tables: the registry's one- and two-qubit gates, the identity (padding)
and the Pauli rotations' rows; wider gates run on these rows with masks."""


def _build_tables() -> tuple[Table, Table, Table, Table, npt.NDArray[np.int64]]:
    samples = 4 * np.pi * np.arange(8) / 8
    ta, tb, ga, gb, kfs = [], [], [], [], []
    for gate in _TABLE_GATES.values():
        mats = [_local4(gate, gate.matrix(t)) for t in samples]
        gen = _local4(gate, gate.generator) if gate.generator is not None else np.zeros((4, 4))
        kf = _flip_kind(mats + [gen])
        partner = np.arange(4) ^ kf
        has_partner = kf != 0  # diagonal gates: B = 0 (j ^ 0 = j is no partner)
        ta.append(_fit(np.array([np.diag(m) for m in mats]), samples))
        tb.append(_fit(np.array([m[np.arange(4), partner] * has_partner for m in mats]), samples))
        ga.append(np.diag(gen))
        gb.append(gen[np.arange(4), partner] * has_partner)
        kfs.append(kf)
    return (np.array(ta), np.array(tb), np.array(ga), np.array(gb), np.array(kfs))


TA, TB, GA, GB, KF = _build_tables()
KIND = {name: i for i, name in enumerate(_TABLE_GATES)}
