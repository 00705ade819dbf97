"""The reversible adjoint, written once over the kernel protocol (``revad.kernels``).

Forward: run the program's steps from ψ0 (default |0…0⟩) keeping only the current
state. Backward (the sweep): start from the final ψ and a cotangent state λ, walk the
steps in reverse; at each step read the gradient from (ψ, λ) (a generic gate's
``Im⟨λ|P|ψ⟩``, or ``Im Tr(Q_i R)`` for the gates of a fused block, from its
cross-density R), then uncompute ψ ← U†ψ, λ ← U†λ. That reads ``2 Re⟨λ|∂ψ/∂θ_k⟩`` for
every k; after the sweep λ has become ``U†λ``, which gives the cotangent of ψ0.
Memory is O(1) statevectors and O(chunk) scalars whatever the depth; the traced
program (hence compile time) does not grow with depth. The state recovered at the end
(ideally ψ0) measures the round-off accumulated by uncomputing: the "drift".

Two ``jax.custom_vjp`` functions share that backward rule; everything differentiable on
the JAX backend goes through them:

- :func:`state`: ψ(θ, ψ0). For JAX's cotangent ψ̄ (``θ̄_k = Re Σ_j ψ̄_j ∂ψ_j/∂θ_k``)
  the sweep starts from ``λ = conj(ψ̄)/2``.
- :func:`expvals`: ``E_k = ⟨ψ|H_k|ψ⟩`` for K observables. For cotangent weights w one
  sweep starts from ``λ = Σ_k w_k H_k ψ`` (one Pauli pass over all terms), whatever K.
  With one observable the forward's λ = Hψ is kept instead of recomputed.

In both, ``ψ̄0 = 2·conj(U†λ)``.
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ..compile.fusion import BLOCK, DIAG, Program
from ..compile.program import Observables, PauliArrays
from ..kernels.protocol import Kernels, States
from ..kernels.steps import (
    StepArrays,
    backward_steps,
    chunks,
    complex_dtype,
    forward_steps,
    zero_state,
)

State = jax.Array | None  # an input state ψ0; None is |0…0⟩


def forward(theta: jax.Array, program: Program, kernels: Kernels, psi0: State = None) -> jax.Array:
    """ψ = U(θ)ψ0: a scan over chunks of steps; each chunk's kernel data is built, then run."""
    start = zero_state(program.n_qubits, complex_dtype(theta.dtype)) if psi0 is None else psi0
    return run_forward(theta, program, kernels, kernels.start(start))[0]


def run_forward(theta: jax.Array, program: Program, kernels: Kernels, states: States) -> States:
    """:func:`forward` on the kernels' carried states (ψ and their buffers), which a
    caller running several programs in a row passes on (``revad.distributed``)."""
    cdtype = states[0].dtype

    def chunk(states: States, arrays: StepArrays) -> tuple[States, None]:
        steps = forward_steps(theta, arrays, program.dense, cdtype)
        return kernels.forward(states, steps, program), None

    return lax.scan(chunk, states, chunks(program))[0]


def _readout(
    arrays: StepArrays, q: jax.Array, r: jax.Array, g: jax.Array, rdtype: np.dtype
) -> jax.Array:
    """Per-step, per-entry gradients (S, K): ``Im Tr(Q_i R)`` for blocks, ``Im r.flat[i]``
    (= Im⟨λ|G_i|ψ⟩) for the entries of a diagonal run, g for gates."""
    block_grads = jnp.sum(q * jnp.swapaxes(r, -1, -2)[:, None], axis=(-2, -1)).imag.astype(rdtype)
    gate_grads = jnp.zeros_like(block_grads).at[:, 0].set(g.astype(rdtype))
    diag_grads = r.reshape(r.shape[0], -1)[:, : block_grads.shape[1]].imag.astype(rdtype)
    kind = arrays.step_type[:, None]
    return jnp.where(kind == BLOCK, block_grads, jnp.where(kind == DIAG, diag_grads, gate_grads))


def sweep(
    theta: jax.Array, program: Program, psi: jax.Array, lam: jax.Array, kernels: Kernels
) -> tuple[jax.Array, jax.Array, jax.Array]:
    """The reverse sweep from the final ψ and λ: (``2 Re⟨λ|∂ψ/∂θ⟩``, recovered ψ0, U†λ)."""
    grad, states = run_sweep(theta, program, kernels.start(psi, lam), kernels)
    return grad, states[0], states[1]


def run_sweep(
    theta: jax.Array, program: Program, states: States, kernels: Kernels
) -> tuple[jax.Array, States]:
    """:func:`sweep` on the kernels' carried states (ψ, λ and their buffers)."""
    cdtype, n_params = states[0].dtype, theta.shape[0]

    def chunk(
        carry: tuple[States, jax.Array], arrays: StepArrays
    ) -> tuple[tuple[States, jax.Array], None]:
        states, grad = carry
        steps, q = backward_steps(theta, arrays, program.dense, cdtype)
        states, r, g = kernels.backward(states, steps, program, n_params)
        grads = _readout(arrays, q, r, g, theta.dtype)
        return (states, grad.at[arrays.slot.reshape(-1)].add(grads.reshape(-1))), None

    carry = (states, jnp.zeros(n_params + 1, theta.dtype))
    (states, grad), _ = lax.scan(chunk, carry, chunks(program), reverse=True)
    return grad[:n_params], states


def drift(recovered: jax.Array, psi0: State = None) -> jax.Array:
    """‖recovered − ψ0‖ for the input state the sweep recovered (ψ0 = |0…0⟩ by default)."""
    if psi0 is not None:
        return jnp.sqrt(jnp.sum(jnp.abs(recovered - psi0) ** 2))
    return jnp.sqrt(jnp.abs(recovered[0] - 1) ** 2 + jnp.sum(jnp.abs(recovered[1:]) ** 2))


def _pullback(
    kernels: Kernels,
    theta: jax.Array,
    psi0: State,
    program: Program,
    psi: jax.Array,
    lam: jax.Array,
) -> tuple[jax.Array, State, jax.Array]:
    """(θ̄, ψ̄0, drift) from one sweep started at the final ψ and λ."""
    grad, recovered, lam0 = sweep(theta, program, psi, lam, kernels)
    psi0_bar = None if psi0 is None else 2 * jnp.conj(lam0)
    return grad, psi0_bar, drift(recovered, psi0).astype(theta.dtype)


StateResiduals = tuple[jax.Array, State, Program, jax.Array]  # θ, ψ0, program, ψ


@partial(jax.custom_vjp, nondiff_argnums=(4,))
def state(
    theta: jax.Array, psi0: State, probe: jax.Array, program: Program, kernels: Kernels
) -> jax.Array:
    """ψ(θ) = U(θ)ψ0, differentiated by the sweep (θ and ψ0).

    ``probe`` is a scalar the result does not depend on: its cotangent carries the
    sweep's drift out of the backward rule (a custom VJP has no other way out), so
    ``jax.vjp`` with respect to it gives the drift. Pass 0."""
    del probe
    return forward(theta, program, kernels, psi0)


def _state_fwd(
    theta: jax.Array, psi0: State, probe: jax.Array, program: Program, kernels: Kernels
) -> tuple[jax.Array, StateResiduals]:
    psi = forward(theta, program, kernels, psi0)
    return psi, (theta, psi0, program, psi)


def _state_bwd(
    kernels: Kernels, residuals: StateResiduals, psi_bar: jax.Array
) -> tuple[jax.Array, State, jax.Array, None]:
    theta, psi0, program, psi = residuals
    return (*_pullback(kernels, theta, psi0, program, psi, jnp.conj(psi_bar) / 2), None)


state.defvjp(_state_fwd, _state_bwd)

# θ, ψ0, program, observables, ψ, and λ = Hψ where there is one observable
ExpvalResiduals = tuple[jax.Array, State, Program, Observables, jax.Array, jax.Array | None]


@partial(jax.custom_vjp, nondiff_argnums=(5,))
def expvals(
    theta: jax.Array,
    psi0: State,
    probe: jax.Array,
    program: Program,
    observables: Observables,
    kernels: Kernels,
) -> jax.Array:
    """(⟨ψ|H_k|ψ⟩)_k for ψ = U(θ)ψ0, differentiated by one sweep; ``probe`` as in :func:`state`."""
    return _expvals_fwd(theta, psi0, probe, program, observables, kernels)[0]


def _expvals_fwd(
    theta: jax.Array,
    psi0: State,
    probe: jax.Array,
    program: Program,
    observables: Observables,
    kernels: Kernels,
) -> tuple[jax.Array, ExpvalResiduals]:
    psi = forward(theta, program, kernels, psi0)
    pairs = [kernels.pauli_sum(psi, h) for h in observables.each]
    values = jnp.stack([e for _, e in pairs])
    lam = pairs[0][0] if len(pairs) == 1 else None
    return values, (theta, psi0, program, observables, psi, lam)


def _expvals_bwd(
    kernels: Kernels, residuals: ExpvalResiduals, weights: jax.Array
) -> tuple[jax.Array, State, jax.Array, None, None]:
    theta, psi0, program, observables, psi, lam = residuals
    if lam is None:  # λ = Σ_k w_k H_k ψ: every term once, weighted by its observable's w_k
        merged = observables.merged
        weight = jnp.asarray(merged.weight) * weights[jnp.asarray(observables.owner)]
        lam = kernels.pauli_sum(psi, PauliArrays(merged.xmask, merged.zmask, weight))[0]
    else:
        lam = weights[0] * lam
    return (*_pullback(kernels, theta, psi0, program, psi, lam), None, None)


expvals.defvjp(_expvals_fwd, _expvals_bwd)
