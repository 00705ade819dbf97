"""The standard benchmark problem, and the same problem in each peer's terms.

One problem = ``variational_circuit(n, layers)``, ``heisenberg(n)`` (periodic), start
state |0…0⟩, and a parameter vector drawn from ``seed``. Every method gets exactly these
gates, this Hamiltonian and these parameters; the converters below translate revad's
``c.ops`` gate for gate. Qubit labels: revad qubit ``q`` is Qiskit qubit ``q`` (same bit
order) and PennyLane wire ``q`` (PennyLane orders bits the other way round, but circuit
and Hamiltonian carry the same labels, so the energy and the gradient are unchanged).

These exports live here because :mod:`revad.interop` converts the other way only
(``from_qiskit``, ``from_pennylane``, …; ``to_qasm`` binds the angles, and the Qiskit
gradient needs free parameters). Both sides take the gate names from one table,
:func:`revad.ir.gates.peer_names`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from ..ir.ansatz import variational_circuit
from ..ir.circuit import Circuit
from ..ir.gates import GATES, peer_names
from ..ir.hamiltonian import Hamiltonian, heisenberg

if TYPE_CHECKING:
    from qiskit.circuit import ParameterVector, QuantumCircuit
    from qiskit.quantum_info import SparsePauliOp


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


# ---------------------------------------------------------------------------------
# PennyLane.

# revad name -> PennyLane operation class / Qiskit ``QuantumCircuit`` method, each with
# revad's angle convention and control-first qubit order (see revad.ir.gates).
_PL_NAMES = peer_names("pennylane")
_QISKIT_NAMES = peer_names("qiskit")


def pennylane_apply(circuit: Circuit, theta: Any) -> None:
    """Queue ``circuit`` as PennyLane operations (inside a QNode); ``theta`` may be traced."""
    import pennylane as qml

    for op in circuit.ops:
        wires = list(op.qubits)  # control first, as in revad
        gate = getattr(qml, _PL_NAMES[op.name])
        if not GATES[op.name].parametric:
            gate(wires=wires)
        else:
            angle = theta[op.param] if op.param is not None else op.angle
            gate(angle, wires=wires)


def pennylane_hamiltonian(h: Hamiltonian) -> Any:
    """``h`` as ONE PennyLane observable (a linear combination of Pauli words)."""
    import pennylane as qml

    coeffs, ops = [], []
    for coeff, term in h.terms:
        word = [getattr(qml, f"Pauli{label}")(q) for label, q in term]
        ops.append(qml.prod(*word) if len(word) > 1 else word[0] if word else qml.Identity(0))
        coeffs.append(coeff)
    return qml.Hamiltonian(coeffs, ops)


# ---------------------------------------------------------------------------------
# Qiskit.


def qiskit_circuit(circuit: Circuit) -> tuple[QuantumCircuit, ParameterVector]:
    """(QuantumCircuit, ParameterVector): revad qubit q is Qiskit qubit q (both little-endian)."""
    from qiskit.circuit import ParameterVector, QuantumCircuit

    qc = QuantumCircuit(circuit.n_qubits)
    p = ParameterVector("θ", circuit.n_params)
    for op in circuit.ops:
        gate = getattr(qc, _QISKIT_NAMES[op.name])
        if not GATES[op.name].parametric:
            gate(*op.qubits)
        else:
            angle = p[op.param] if op.param is not None else op.angle
            gate(angle, *op.qubits)
    return qc, p


def qiskit_observable(h: Hamiltonian) -> SparsePauliOp:
    """``h`` as one ``SparsePauliOp`` (qubit q = Qiskit qubit q)."""
    from qiskit.quantum_info import SparsePauliOp

    terms = [("".join(label for label, _ in term), [q for _, q in term], coeff)
             for coeff, term in h.terms]  # fmt: skip
    return SparsePauliOp.from_sparse_list(terms, num_qubits=h.n_qubits)
