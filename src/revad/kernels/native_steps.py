"""Native kernels: one C++ call runs a whole chunk of program steps (``revad.kernels.native``).

The C++ side dispatches on the step type, so XLA neither switches nor copies: ψ and λ
are updated in place, with one scratch state for permutations. The arithmetic is the
pure-JAX kernels' in the same order of steps; sums are reassociated (results agree to
~1e-15). CPU only.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from ..compile.fusion import Program
from ..compile.program import PauliArrays
from . import native
from .protocol import States
from .steps import Steps, generators


def _operands(
    steps: Steps, cols: ArrayLike, cdtype: np.dtype
) -> tuple[jax.Array, jax.Array, jax.Array]:
    """Per-step operands of the native step kernels: ints (type, a, b, m), the 20
    coefficients (2x2 block matrix, A, B, GA, GB) and the permutation's columns."""
    ints = jnp.stack([steps.step_type, steps.a, steps.b, steps.m], axis=1)
    coef = jnp.concatenate(
        [steps.u.reshape(-1, 4), steps.coef_a, steps.coef_b, *generators(steps.kind, cdtype)],
        axis=1,
    )
    return ints, coef, jnp.asarray(cols)[steps.perm]


@dataclass(frozen=True)
class Native:
    """The native CPU kernels (see the module docstring)."""

    name: str = "native"

    def start(self, *states: jax.Array) -> States:
        return (*states, jnp.zeros_like(states[0]))

    def forward(self, states: States, steps: Steps, program: Program) -> States:
        psi, scratch = states
        return native.forward_steps(
            psi, scratch, *_operands(steps, program.cols_forward, psi.dtype)
        )

    def backward(
        self, states: States, steps: Steps, program: Program, n_params: int
    ) -> tuple[States, jax.Array, jax.Array]:
        psi, lam, scratch = states
        data = _operands(steps, program.cols_backward, psi.dtype)
        psi, lam, scratch, r = native.backward_steps(psi, lam, scratch, *data)
        g = jnp.where(steps.slot < n_params, r[:, 0, 0].imag, 0)
        return (psi, lam, scratch), r, g

    def pauli_sum(self, psi: jax.Array, ham: PauliArrays) -> tuple[jax.Array, jax.Array]:
        """All terms and the energy in one tiled pass."""
        return native.pauli_sum(psi, ham.xmask, ham.zmask, jnp.asarray(ham.weight))
