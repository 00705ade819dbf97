"""The kernel protocol: what the reversible sweep (``revad.diff.adjoint``) asks of kernels.

Two implementations run the same steps in the same order: ``PureJax``
(``revad.kernels.purejax``: XLA loops under ``lax.switch``, any JAX device, the GPU
path) and ``Native`` (``revad.kernels.native_steps``: one C++ call per chunk of steps,
OpenMP, in place; CPU only). A kernel set is a small frozen object, hashable, so that
``jax.jit`` treats it as static.

States travel as a tuple: ``(ψ,)`` forward and ``(ψ, λ)`` backward, after which an
implementation may carry buffers of its own (the native kernels: one scratch state).
"""

from __future__ import annotations

from typing import Protocol

import jax

from ..compile.fusion import Program
from ..compile.program import PauliArrays
from .steps import Steps

States = tuple[jax.Array, ...]


class Kernels(Protocol):
    @property
    def name(self) -> str:
        """The kernel set's name (``"native"``, ``"jax"``); read-only, as implementations
        are frozen dataclasses."""
        ...

    def start(self, *states: jax.Array) -> States:
        """The carried states from ψ (forward) or ψ, λ (backward), buffers appended."""
        ...

    def forward(self, states: States, steps: Steps, program: Program) -> States:
        """Apply one chunk of steps, first to last: ψ ← U_s ψ."""
        ...

    def backward(
        self, states: States, steps: Steps, program: Program, n_params: int
    ) -> tuple[States, jax.Array, jax.Array]:
        """Reverse one chunk, last step first (``steps`` holds U†): read out, then
        uncompute ψ ← U_s†ψ and λ ← U_s†λ. Returns (states, r, g), per step: for a
        block, ``r = Tr_others |ψ⟩⟨λ|`` (2x2) at its output; for a generic gate,
        ``g = Im⟨λ|P|ψ⟩`` just after it (0 where it has no parameter). The other
        entries are unspecified."""
        ...

    def pauli_sum(self, psi: jax.Array, ham: PauliArrays) -> tuple[jax.Array, jax.Array]:
        """(λ, E): λ = Hψ and E = Re⟨ψ|λ⟩."""
        ...
