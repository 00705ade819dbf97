"""The reversible adjoint, written once over the kernel protocol (``revad.kernels``).

Forward: run the program's steps from |0…0⟩ keeping only the current state. Energy:
λ = Hψ, E = Re⟨ψ|λ⟩. Backward (the sweep): walk the steps in reverse; at each step read
the gradient from (ψ, λ) (a generic gate's ``Im⟨λ|P|ψ⟩``, or ``Im Tr(Q_i R)`` for the
gates of a fused block, from its cross-density R), then uncompute ψ ← U†ψ, λ ← U†λ.
Memory is O(1) statevectors and O(chunk) scalars whatever the depth; the traced program
(hence compile time) does not grow with depth. The state recovered at the end (ideally
|0⟩) measures the round-off accumulated by uncomputing: the "drift".

:func:`energy` is a ``jax.custom_vjp`` whose backward rule is the sweep. Everything
differentiable goes through it: ``revad.value_and_grad``, ``revad.expectation`` and
``revad.energy_fn`` on the JAX backend.
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.typing import ArrayLike

from ..compile.fusion import BLOCK, Program
from ..compile.program import PauliArrays
from ..kernels.protocol import Kernels, States
from ..kernels.steps import (
    StepArrays,
    backward_steps,
    chunks,
    complex_dtype,
    forward_steps,
    zero_state,
)


def forward(theta: jax.Array, program: Program, kernels: Kernels) -> jax.Array:
    """ψ = U(θ)|0…0⟩: a scan over chunks of steps; each chunk's kernel data is built, then run."""
    cdtype = complex_dtype(theta.dtype)

    def chunk(states: States, arrays: StepArrays) -> tuple[States, None]:
        return kernels.forward(states, forward_steps(theta, arrays, cdtype), program), None

    states = kernels.start(zero_state(program.n_qubits, cdtype))
    return lax.scan(chunk, states, chunks(program))[0][0]


def _readout(
    arrays: StepArrays, q: jax.Array, r: jax.Array, g: jax.Array, rdtype: np.dtype
) -> jax.Array:
    """Per-step, per-block-gate gradients (S, K): ``Im Tr(Q_i R)`` for blocks, g for gates."""
    block_grads = jnp.sum(q * jnp.swapaxes(r, -1, -2)[:, None], axis=(-2, -1)).imag.astype(rdtype)
    gate_grads = jnp.zeros_like(block_grads).at[:, 0].set(g.astype(rdtype))
    return jnp.where((arrays.step_type == BLOCK)[:, None], block_grads, gate_grads)


def sweep(
    theta: jax.Array, program: Program, psi: jax.Array, lam: jax.Array, kernels: Kernels
) -> tuple[jax.Array, jax.Array]:
    """The reverse sweep from the final ψ and λ = Hψ: (∂E/∂θ, recovered initial state)."""
    cdtype, n_params = psi.dtype, theta.shape[0]

    def chunk(
        carry: tuple[States, jax.Array], arrays: StepArrays
    ) -> tuple[tuple[States, jax.Array], None]:
        states, grad = carry
        steps, q = backward_steps(theta, arrays, cdtype)
        states, r, g = kernels.backward(states, steps, program, n_params)
        grads = _readout(arrays, q, r, g, theta.dtype)
        return (states, grad.at[arrays.slot.reshape(-1)].add(grads.reshape(-1))), None

    carry = (kernels.start(psi, lam), jnp.zeros(n_params + 1, theta.dtype))
    (states, grad), _ = lax.scan(chunk, carry, chunks(program), reverse=True)
    return grad[:n_params], states[0]


def drift(psi0: jax.Array) -> jax.Array:
    """‖ψ0 − |0…0⟩‖ for the state the sweep recovered."""
    return jnp.sqrt(jnp.abs(psi0[0] - 1) ** 2 + jnp.sum(jnp.abs(psi0[1:]) ** 2))


@partial(jax.custom_vjp, nondiff_argnums=(4,))
def energy(
    theta: jax.Array, probe: ArrayLike, program: Program, ham: PauliArrays, kernels: Kernels
) -> jax.Array:
    """E(θ) = ⟨ψ(θ)|H|ψ(θ)⟩, differentiated by the sweep.

    ``probe`` is a scalar the energy does not depend on: its cotangent carries the
    sweep's drift out of the backward rule (a custom VJP has no other way out), so
    ``jax.value_and_grad(energy, argnums=(0, 1))`` gives ``E, (∂E/∂θ, drift)``. Pass 0."""
    del probe
    return kernels.pauli_sum(forward(theta, program, kernels), ham)[1]


Residuals = tuple[jax.Array, Program, jax.Array, jax.Array]  # θ, program, ψ, λ = Hψ


def _energy_fwd(
    theta: jax.Array, probe: ArrayLike, program: Program, ham: PauliArrays, kernels: Kernels
) -> tuple[jax.Array, Residuals]:
    psi = forward(theta, program, kernels)
    lam, e = kernels.pauli_sum(psi, ham)
    return e, (theta, program, psi, lam)


def _energy_bwd(
    kernels: Kernels, residuals: Residuals, cotangent: jax.Array
) -> tuple[jax.Array, jax.Array, None, None]:
    theta, program, psi, lam = residuals
    grad, psi0 = sweep(theta, program, psi, lam, kernels)
    return cotangent * grad, drift(psi0).astype(theta.dtype), None, None


energy.defvjp(_energy_fwd, _energy_bwd)
