"""Tape AD, the yardstick: ``jax.grad`` through a plain gate-by-gate simulation.

No fusion and no custom rule: JAX stores every intermediate state, so memory is
O(depth) statevectors. Its time also lacks the fusion, so adjoint-vs-tape time mixes
both effects.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax
from jax.typing import ArrayLike

from ..compile.program import Observables, Ops
from ..kernels.purejax import PureJax, apply
from ..kernels.steps import coefficients, complex_dtype, flip, zero_state

Gate = tuple[ArrayLike, ArrayLike, jax.Array, jax.Array, jax.Array]  # a, b, m, A, B


def forward(theta: jax.Array, ops: Ops, n: int, psi0: jax.Array | None = None) -> jax.Array:
    """ψ = U(θ)ψ0 (ψ0 = |0…0⟩ by default), one scan step per gate."""
    cdtype = complex_dtype(theta.dtype)

    def step(psi: jax.Array, gate: Gate) -> tuple[jax.Array, None]:
        return apply(psi, *gate), None

    coef_a, coef_b = coefficients(theta, ops.kind, ops.slot, ops.angle, cdtype)
    _, m = flip(ops.kind, ops.a, ops.b)
    start = zero_state(n, cdtype) if psi0 is None else psi0
    return lax.scan(step, start, (ops.a, ops.b, m, coef_a, coef_b))[0]


def expvals(
    theta: jax.Array, ops: Ops, observables: Observables, n: int, psi0: jax.Array | None = None
) -> jax.Array:
    """(⟨ψ|H_k|ψ⟩)_k for ψ = U(θ)ψ0, for plain JAX AD."""
    psi = forward(theta, ops, n, psi0)
    return jnp.stack([PureJax().pauli_sum(psi, h)[1] for h in observables.each])
