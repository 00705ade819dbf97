"""The standard benchmark problem, and the same problem in each peer's terms.

One problem = ``variational_circuit(n, layers)``, ``heisenberg(n)`` (periodic), start
state |0…0⟩, and a parameter vector drawn from ``seed``. Every method gets exactly these
gates, this Hamiltonian and these parameters; the interop converters translate
revad's ``c.ops`` gate for gate. Qubit labels: revad qubit ``q`` is Qiskit qubit ``q`` (same bit
order) and PennyLane wire ``q`` (PennyLane orders bits the other way round, but circuit
and Hamiltonian carry the same labels, so the energy and the gradient are unchanged).

The peers get the problem through :mod:`revad.interop` (``to_qiskit``,
``to_qiskit_operator``, ``to_pennylane``, ``to_pennylane_operator``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from ..ir.ansatz import variational_circuit
from ..ir.circuit import Circuit
from ..ir.hamiltonian import Hamiltonian, heisenberg


def parameters(n_params: int, seed: int) -> np.ndarray:
    """The deterministic parameter vector: uniform in [0, 2π), NumPy PCG64 from ``seed``."""
    return np.random.default_rng(seed).uniform(0.0, 2 * np.pi, n_params)


def grad_weights(n_params: int, seed: int) -> np.ndarray:
    """Fixed random weights w: methods report w·∇E, a checksum that catches wrong order/sign."""
    return np.random.default_rng(seed + 1_000_003).standard_normal(n_params)


@dataclass
class Problem:
    n: int
    layers: int
    seed: int = 0
    circuit: Circuit = field(init=False)
    hamiltonian: Hamiltonian = field(init=False)
    theta: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.circuit = variational_circuit(self.n, self.layers)
        self.hamiltonian = heisenberg(self.n, periodic=True)
        self.theta = parameters(self.circuit.n_params, self.seed)

    @property
    def n_params(self) -> int:
        return self.circuit.n_params

    @property
    def n_gates(self) -> int:
        return len(self.circuit.ops)

    def grad_checksum(self, grad: ArrayLike) -> float:
        return float(np.dot(grad_weights(self.n_params, self.seed), np.asarray(grad, float)))
