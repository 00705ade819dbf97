"""Native kernels: one C++ call (XLA FFI) runs a whole chunk of program steps.

``revad.kernels.native`` builds, verifies and registers the library; this module calls it.

The C++ side dispatches on the step type, so XLA neither switches nor copies: ψ and λ
are updated in place, with one scratch state for permutations. The arithmetic is the
pure-JAX kernels' in the same order of steps; sums are reassociated (results agree to
~1e-15). CPU only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from ..compile.fusion import DIAG, Program
from ..compile.program import PauliArrays
from .protocol import States
from .steps import Steps, generators


def _call(
    name: str,
    outputs: Sequence[jax.ShapeDtypeStruct],
    *args: ArrayLike,
    aliases: dict[int, int] | None = None,
) -> Sequence[jax.Array]:
    return jax.ffi.ffi_call(
        name, outputs, input_output_aliases=aliases or {}, vmap_method="sequential"
    )(*args)


def ffi_forward(
    psi: jax.Array,
    scratch: jax.Array,
    ints: jax.Array,
    coef: jax.Array,
    cols: jax.Array,
    dense: jax.Array,
) -> tuple[jax.Array, jax.Array]:
    """Run S program steps on ψ in place, in one call. Per step: ``ints`` (type, a, b, m,
    z, cm, cv, cv2), ``coef`` (20: the block's 2x2 matrix, then a gate's A, B, GA, GB),
    ``cols`` (n: the permutation's columns), ``dense`` (64: a DENSE step's 8x8 matrix;
    empty when the program has none). ``scratch``, a state-sized buffer, receives
    permutations."""
    state = jax.ShapeDtypeStruct(psi.shape, psi.dtype)
    args = (psi, scratch, ints, coef.astype(psi.dtype), cols, dense.astype(psi.dtype))
    psi, scratch = _call("revad_forward_steps", (state, state), *args, aliases={0: 0, 1: 1})
    return psi, scratch


def ffi_backward(
    psi: jax.Array,
    lam: jax.Array,
    scratch: jax.Array,
    ints: jax.Array,
    coef: jax.Array,
    cols: jax.Array,
    dense: jax.Array,
) -> tuple[jax.Array, jax.Array, jax.Array, jax.Array]:
    """Reverse S steps (last first) on ψ and λ in place (``coef`` and ``dense`` hold U†);
    returns (ψ, λ, scratch, r): r[s] (2x2) is a block's cross-density ``Tr_others|ψ⟩⟨λ|``
    of its inputs, or for a gate ``r[s, 0, 0] = ⟨λ|P|ψ⟩`` with P = (GA, GB)."""
    state = jax.ShapeDtypeStruct(psi.shape, psi.dtype)
    r = jax.ShapeDtypeStruct((ints.shape[0], 2, 2), psi.dtype)
    args = (psi, lam, scratch, ints, coef.astype(psi.dtype), cols, dense.astype(psi.dtype))
    psi, lam, scratch, r_out = _call(
        "revad_backward_steps", (state, state, state, r), *args, aliases={0: 0, 1: 1, 2: 2}
    )
    return psi, lam, scratch, r_out


def ffi_pauli_sum(
    psi: jax.Array, xmask: ArrayLike, zmask: ArrayLike, weight: jax.Array
) -> tuple[jax.Array, jax.Array]:
    """(λ, E): λ = Hψ for the Pauli sum in revad's mask form (``Hamiltonian.masks``;
    sorted by X mask, runs of equal X are added at once), and E = Re⟨ψ|λ⟩ from the same
    pass (summed in float64)."""
    real = jnp.finfo(psi.dtype).dtype
    outputs = (jax.ShapeDtypeStruct(psi.shape, psi.dtype), jax.ShapeDtypeStruct((), real))
    lam, energy = _call("revad_pauli_sum", outputs, psi, xmask, zmask, weight.astype(psi.dtype))
    return lam, energy


def _operands(
    steps: Steps, cols: ArrayLike, cdtype: np.dtype
) -> tuple[jax.Array, jax.Array, jax.Array, jax.Array]:
    """Per-step operands of the native step kernels: ints (type, a, b, m, z, cm, cv, cv2,
    then a DIAG step's entries' a, b, z), the 20 coefficients (2x2 block matrix, A, B, GA,
    GB), the permutation's columns and 64 more (a DENSE matrix or a DIAG step's entries'
    A, B, GA, GB; none in a program without either)."""
    fields = (steps.step_type, steps.a, steps.b, steps.m, steps.z, steps.cm, steps.cv, steps.cv2)
    local = jnp.zeros((steps.a.shape[0], 12), jnp.int32)
    if steps.diag is not None:  # DIAG entries' (a, b, z), entry after entry
        local = jnp.stack([steps.ea, steps.eb, steps.ez], axis=2).reshape(-1, 12)
    ints = jnp.concatenate([jnp.stack(fields, axis=1), local], axis=1)
    coef = jnp.concatenate(
        [steps.u.reshape(-1, 4), steps.coef_a, steps.coef_b, *generators(steps.kind, cdtype)],
        axis=1,
    )
    extra = [x.reshape(-1, 64) for x in (steps.dense, steps.diag) if x is not None]
    if len(extra) == 2:  # DENSE matrices and DIAG coefficients share the operand
        extra = [jnp.where((steps.step_type == DIAG)[:, None], extra[1], extra[0])]
    dense = extra[0] if extra else jnp.zeros((0,), cdtype)
    return ints, coef, jnp.asarray(cols)[steps.perm], dense


@dataclass(frozen=True)
class Native:
    """The native CPU kernels (see the module docstring)."""

    name: str = "native"

    def start(self, *states: jax.Array) -> States:
        return (*states, jnp.zeros_like(states[0]))

    def forward(self, states: States, steps: Steps, program: Program) -> States:
        psi, scratch = states
        return ffi_forward(psi, scratch, *_operands(steps, program.cols_forward, psi.dtype))

    def backward(
        self, states: States, steps: Steps, program: Program, n_params: int
    ) -> tuple[States, jax.Array, jax.Array]:
        psi, lam, scratch = states
        data = _operands(steps, program.cols_backward, psi.dtype)
        psi, lam, scratch, r = ffi_backward(psi, lam, scratch, *data)
        g = jnp.where(steps.slot < n_params, r[:, 0, 0].imag, 0)
        return (psi, lam, scratch), r, g

    def pauli_sum(self, psi: jax.Array, ham: PauliArrays) -> tuple[jax.Array, jax.Array]:
        """All terms and the energy in one tiled pass."""
        return ffi_pauli_sum(psi, ham.xmask, ham.zmask, jnp.asarray(ham.weight))
