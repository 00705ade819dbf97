"""Tape AD, the yardstick: ``jax.grad`` through a plain gate-by-gate simulation.

No fusion and no custom rule: JAX stores every intermediate state, so memory is
O(depth) statevectors. Its time also lacks the fusion, so adjoint-vs-tape time mixes
both effects.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
from jax import lax

from ..compile.program import Observables, Ops
from ..kernels.purejax import PureJax, apply, apply_dense
from ..kernels.steps import coefficients, complex_dtype, zero_state


def forward(theta: jax.Array, ops: Ops, n: int, psi0: jax.Array | None = None) -> jax.Array:
    """ψ = U(θ)ψ0 (ψ0 = |0…0⟩ by default), one scan step per gate. A circuit with fixed
    unitaries picks each step's kernel with ``lax.cond`` (which stores two states per
    step for AD instead of one)."""
    cdtype = complex_dtype(theta.dtype)
    coef_a, coef_b = coefficients(theta, ops.kind, ops.slot, ops.angle, cdtype)
    masks = (ops.z, ops.cm, ops.cv, ops.cv2)
    gates = (ops.a, ops.b, ops.x, coef_a, coef_b, masks)
    with_dense = ops.dense.shape[0] > 0

    def step(psi: jax.Array, gate: tuple[Any, ...]) -> tuple[jax.Array, None]:
        if not with_dense:
            return apply(psi, *gate), None
        *generic, u = gate
        is_dense = jnp.any(u != 0)
        out = lax.cond(is_dense, lambda: apply_dense(psi, generic[-1][1], u),
                       lambda: apply(psi, *generic))  # fmt: skip
        return out, None

    start = zero_state(n, cdtype) if psi0 is None else psi0
    xs = (*gates, jnp.asarray(ops.dense, cdtype)) if with_dense else gates
    return lax.scan(step, start, xs)[0]


def expvals(
    theta: jax.Array, ops: Ops, observables: Observables, n: int, psi0: jax.Array | None = None
) -> jax.Array:
    """(⟨ψ|H_k|ψ⟩)_k for ψ = U(θ)ψ0, for plain JAX AD."""
    psi = forward(theta, ops, n, psi0)
    return jnp.stack([PureJax().pauli_sum(psi, h)[1] for h in observables.each])
