"""Qiskit gates for revad gates Qiskit's library lacks (imports Qiskit: load it lazily).

``double_excitation`` has no Qiskit gate: :class:`DoubleExcitationGate` is revad's, with
an exact definition (its eight commuting Pauli rotations in ``h``, ``rx``, ``cx``,
``rz``), so every Qiskit tool can simulate or transpile it, and ``from_qiskit`` reads it
back as ``double_excitation``. (``single_excitation`` is Qiskit's ``XXPlusYYGate(θ, -π/2)``.)
"""

from __future__ import annotations

import numpy as np
from qiskit.circuit import Gate, QuantumCircuit

from ..ir.gates import GATES
from ._common import ANGLE, pauli_rotation_steps, pauli_terms


def little_endian(matrix: np.ndarray) -> np.ndarray:
    """A local matrix with its first qubit most significant (revad) as Qiskit's, first
    qubit least significant, or back (the same bit-reversal permutation both ways)."""
    dim = len(matrix)
    n = dim.bit_length() - 1
    order = [int(format(i, f"0{n}b")[::-1], 2) if n else 0 for i in range(dim)]
    return np.asarray(matrix)[np.ix_(order, order)]


def rotations_circuit(terms, n_qubits: int, theta) -> QuantumCircuit:
    """Π exp(-i c·θ/2·P) over ``(P, c)`` in ``terms`` (commuting words, ``P[i]`` on qubit
    ``i``), exactly, in Qiskit's standard gates; ``θ`` may be a parameter."""
    qc = QuantumCircuit(n_qubits)
    for word, c in terms:
        for gate, local, angle in pauli_rotation_steps(word):
            if angle is None:
                getattr(qc, gate)(*local)
            elif angle == ANGLE:
                getattr(qc, gate)(theta * c, *local)
            else:
                getattr(qc, gate)(angle, *local)
    return qc


class DoubleExcitationGate(Gate):
    """revad's ``double_excitation(θ)`` on ``(q0, q1, q2, q3)`` (PennyLane's
    ``DoubleExcitation(θ, wires=[q0, q1, q2, q3])``): ``|0011⟩ → cos(θ/2)|0011⟩ +
    sin(θ/2)|1100⟩`` with ``q0`` the most significant bit of the label."""

    def __init__(self, theta, label: str | None = None):
        super().__init__("double_excitation", 4, [theta], label=label)

    def _define(self) -> None:
        terms = pauli_terms("double_excitation")
        self.definition = rotations_circuit(terms, 4, self.params[0])

    def inverse(self, annotated: bool = False) -> DoubleExcitationGate:
        return DoubleExcitationGate(-self.params[0])

    def __array__(self, dtype=None, copy=None):
        matrix = little_endian(GATES["double_excitation"].matrix(float(self.params[0])))
        return matrix if dtype is None else matrix.astype(dtype)
