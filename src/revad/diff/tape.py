"""Tape AD, the yardstick: ``jax.grad`` through a plain gate-by-gate simulation.

No fusion and no custom rule: JAX stores every intermediate state, so memory is
O(depth) statevectors. Its time also lacks the fusion, so adjoint-vs-tape time mixes
both effects.
"""

from __future__ import annotations

import jax
from jax import lax
from jax.typing import ArrayLike

from ..compile.program import Ops, PauliArrays
from ..kernels.purejax import PureJax, apply
from ..kernels.steps import coefficients, complex_dtype, flip, zero_state

Gate = tuple[ArrayLike, ArrayLike, jax.Array, jax.Array, jax.Array]  # a, b, m, A, B


def forward(theta: jax.Array, ops: Ops, n: int) -> jax.Array:
    """ψ = U(θ)|0…0⟩, one scan step per gate."""
    cdtype = complex_dtype(theta.dtype)

    def step(psi: jax.Array, gate: Gate) -> tuple[jax.Array, None]:
        return apply(psi, *gate), None

    coef_a, coef_b = coefficients(theta, ops.kind, ops.slot, ops.angle, cdtype)
    _, m = flip(ops.kind, ops.a, ops.b)
    return lax.scan(step, zero_state(n, cdtype), (ops.a, ops.b, m, coef_a, coef_b))[0]


def energy(theta: jax.Array, ops: Ops, ham: PauliArrays, n: int) -> jax.Array:
    """E(θ) = ⟨ψ(θ)|H|ψ(θ)⟩, for plain JAX AD."""
    return PureJax().pauli_sum(forward(theta, ops, n), ham)[1]
