"""The backend interface: one signature for every simulator.

``revad.api`` validates the input (circuit, Hamiltonian, θ as float64, dtype, memory) and
calls a backend object's methods with it and the differentiation strategy
(``revad.diff.strategies``); for ``statevector`` and ``expectation`` the strategy only
carries the kernel choice. A backend says which strategies it runs: :meth:`check`
refuses the others with a clear error.
"""

from __future__ import annotations

import numpy as np

from ..diff.strategies import Adjoint, Strategy, Tape
from ..errors import RevadError
from ..ir.circuit import Circuit
from ..ir.hamiltonian import Hamiltonian


class Backend:
    name: str = ""
    kernels: tuple[str, ...] = ("auto",)  # the Adjoint(kernels=...) choices it takes
    tape: bool = False  # whether it runs Tape()

    def check(self, strategy: Strategy) -> None:
        """Raise a RevadError if this backend does not run ``strategy``."""
        if isinstance(strategy, Tape) and not self.tape:
            raise RevadError(f"method 'tape' needs backend 'jax' (got backend {self.name!r})")
        if isinstance(strategy, Adjoint) and strategy.kernels not in self.kernels:
            raise RevadError(
                f"kernels={strategy.kernels!r} chooses the JAX backend's kernels; backend "
                f"{self.name!r} has its own (leave kernels='auto')"
            )

    def kernels_in_use(self, strategy: Strategy) -> str | None:
        """Which kernels ``strategy`` runs here, or None where there is no choice."""
        return None

    def statevector(
        self,
        circuit: Circuit,
        theta: np.ndarray,
        dtype: np.dtype,
        strategy: Strategy,
        psi0: np.ndarray | None = None,
    ) -> np.ndarray:
        """ψ = U(θ)ψ0 (qubit 0 = least significant bit); ψ0 = None is |0…0⟩, else a
        checked complex128 state (``revad.ir.states.initial_state``)."""
        raise NotImplementedError

    def expectation(
        self,
        circuit: Circuit,
        h: Hamiltonian,
        theta: np.ndarray,
        dtype: np.dtype,
        strategy: Strategy,
        psi0: np.ndarray | None = None,
    ) -> float:
        """⟨ψ|H|ψ⟩ for ψ = U(θ)ψ0."""
        raise NotImplementedError

    def value_and_grad(
        self,
        circuit: Circuit,
        h: Hamiltonian,
        theta: np.ndarray,
        dtype: np.dtype,
        strategy: Strategy,
        psi0: np.ndarray | None = None,
    ) -> tuple[float, np.ndarray, float | None]:
        """(E, ∂E/∂θ, drift); drift is None where the strategy or backend has none."""
        raise NotImplementedError
