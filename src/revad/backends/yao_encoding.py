"""Circuits and Hamiltonians as the small arrays that the Yao backend sends to Julia.

Pure NumPy: importable and testable without Julia or juliacall. The Julia side
(``julia/src/RevadYao.jl``) turns these arrays back into Yao blocks; the two gate tables
below (derived from :data:`revad.ir.gates.GATES`) are mirrored there and a test checks
that they agree.

Circuit, one entry per gate (all ``int64`` except ``angles``):

- ``codes``: the gate code (:data:`GATE_CODES`);
- ``q1``, ``q2``: Yao qubits, i.e. revad qubit + 1 (Yao counts from 1; both number
  qubits from the least significant bit). ``q2`` is 0 for one-qubit gates; for
  controlled gates ``q1`` is the control;
- ``slots``: the trainable parameter slot + 1, or 0 for a gate without angle or with a
  fixed angle;
- ``angles``: the fixed angle (0.0 otherwise).

Yao's parameters. Julia builds a trainable gate with ``θ = theta[slot]`` and wraps a
fixed-angle gate in ``NoParams``, so ``parameters(circuit)`` (and the gradient that
``expect'`` returns, which follows the block tree) has exactly one entry per gate with a
slot, in circuit order: :meth:`EncodedCircuit.yao_param_slots`. Shared slots appear once
per gate and their gradients are added (:func:`scatter_gradient`; the Julia side does the
same in ``slot_gradient``).

Hamiltonian: ``coeffs`` (one per term) and one entry per Pauli factor: ``term`` (term
index + 1), ``pauli`` (:data:`PAULI_CODES`) and ``qubit`` (Yao qubit). A term without
factors is a multiple of the identity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import RevadError
from ..ir.circuit import Circuit
from ..ir.gates import peer_names
from ..ir.hamiltonian import Hamiltonian

GATE_CODES: dict[str, int] = {name: code for code, name in enumerate(peer_names("yao"), 1)}
"""revad gate name -> code (``GATE_CODES`` in ``RevadYao.jl``): registry order, from 1."""

PAULI_CODES: dict[str, int] = {"X": 1, "Y": 2, "Z": 3}
"""Pauli label -> code (``PAULI_CODES`` in ``RevadYao.jl``)."""

YAO_BLOCKS: dict[str, str] = peer_names("yao")
"""The Yao block that ``RevadYao.gate_block`` builds for each gate (``a = q1``, ``b = q2``).

A fixed-angle gate is the same block inside ``NoParams``. The uncontrolled two-qubit
gates are symmetric in their qubits, so the order of ``(a, b)`` does not matter for them.
"""

_INT = np.int64


@dataclass(frozen=True)
class EncodedCircuit:
    """A :class:`~revad.Circuit` as arrays (see the module docstring)."""

    n_qubits: int
    n_params: int
    codes: np.ndarray
    q1: np.ndarray
    q2: np.ndarray
    slots: np.ndarray
    angles: np.ndarray

    def yao_param_slots(self) -> np.ndarray:
        """revad slot (0-based) of each entry of Yao's ``parameters(circuit)``, in order."""
        return self.slots[self.slots > 0] - 1

    def yao_parameters(self, theta: np.ndarray) -> np.ndarray:
        """What Yao's ``parameters(circuit)`` holds for revad parameters ``theta``."""
        return np.asarray(theta, dtype=np.float64)[self.yao_param_slots()]


@dataclass(frozen=True)
class EncodedHamiltonian:
    """A :class:`~revad.Hamiltonian` as arrays (see the module docstring)."""

    n_qubits: int
    coeffs: np.ndarray
    term: np.ndarray
    pauli: np.ndarray
    qubit: np.ndarray


def encode_circuit(circuit: Circuit) -> EncodedCircuit:
    """Encode ``circuit`` gate by gate (qubits shifted to Yao's 1-based order)."""
    m = len(circuit.ops)
    codes = np.zeros(m, dtype=_INT)
    q1 = np.zeros(m, dtype=_INT)
    q2 = np.zeros(m, dtype=_INT)
    slots = np.zeros(m, dtype=_INT)
    angles = np.zeros(m, dtype=np.float64)
    for i, op in enumerate(circuit.ops):
        if op.name not in GATE_CODES:
            raise RevadError(f"the Yao backend has no encoding for gate {op.name!r}")
        codes[i] = GATE_CODES[op.name]
        q1[i] = op.qubits[0] + 1
        if len(op.qubits) == 2:
            q2[i] = op.qubits[1] + 1
        if op.param is not None:
            slots[i] = op.param + 1
        elif op.angle is not None:
            angles[i] = op.angle
    return EncodedCircuit(circuit.n_qubits, circuit.n_params, codes, q1, q2, slots, angles)


def encode_hamiltonian(h: Hamiltonian) -> EncodedHamiltonian:
    """Encode ``h`` term by term; factors keep revad's order (sorted by qubit)."""
    coeffs = np.array([c for c, _ in h.terms], dtype=np.float64)
    term, pauli, qubit = [], [], []
    for t, (_, ops) in enumerate(h.terms):
        for label, q in ops:
            term.append(t + 1)
            pauli.append(PAULI_CODES[label])
            qubit.append(q + 1)
    return EncodedHamiltonian(
        h.n_qubits,
        coeffs,
        np.array(term, dtype=_INT),
        np.array(pauli, dtype=_INT),
        np.array(qubit, dtype=_INT),
    )


def scatter_gradient(enc: EncodedCircuit, yao_grad) -> np.ndarray:
    """Yao's gradient (``parameters(circuit)`` order) -> revad's slots, shared slots added."""
    yao_grad = np.asarray(yao_grad, dtype=np.float64)
    slots = enc.yao_param_slots()
    if yao_grad.shape != slots.shape:
        raise RevadError(
            f"Yao returned {yao_grad.size} parameter gradients for {slots.size} trainable gates"
        )
    return np.bincount(slots, weights=yao_grad, minlength=enc.n_params).astype(np.float64)
