"""Gate definitions: the one place where every gate's matrix and generator live.

Conventions: qubit ``q`` is bit ``q`` of the basis index. A two-qubit gate
on ``(q0, q1)`` has a 4x4 *local* matrix indexed by ``k = 2*bit(q0) + bit(q1)``; for
controlled gates ``q0`` is the control. Every parametric gate is
``U(θ) = exp(-iθP/2)`` with a Hermitian generator ``P``, so
``∂⟨H⟩/∂θ = Im⟨λ|P|ψ⟩`` with ``λ = Hψ`` swept backwards alongside ``ψ``. For ``phase`` that means
``P = -2|1⟩⟨1|``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

_I2 = np.eye(2, dtype=complex)
_X = np.array([[0, 1], [1, 0]], dtype=complex)
_Y = np.array([[0, -1j], [1j, 0]], dtype=complex)
_Z = np.array([[1, 0], [0, -1]], dtype=complex)
_H = np.array([[1, 1], [1, -1]], dtype=complex) / np.sqrt(2)
_P0 = np.diag([1, 0]).astype(complex)
_P1 = np.diag([0, 1]).astype(complex)

PAULI = {"I": _I2, "X": _X, "Y": _Y, "Z": _Z}


@dataclass(frozen=True)
class GateDef:
    """A gate of revad's set: arity, and its local matrix (and generator if parametric)."""

    name: str
    n_qubits: int
    matrix: Callable[[float], np.ndarray]  # θ -> local unitary (θ ignored if fixed)
    generator: np.ndarray | None = None  # P with U(θ) = exp(-iθP/2); None if fixed

    @property
    def parametric(self) -> bool:
        return self.generator is not None


def _const(m: np.ndarray) -> Callable[[float], np.ndarray]:
    return lambda theta=0.0: m.copy()


def _rotation(p: np.ndarray) -> Callable[[float], np.ndarray]:
    """exp(-iθP/2) for P with P³ = P (eigenvalues in {0, ±1}): I + (cos-1)P² - i sin P."""
    p2 = p @ p
    eye = np.eye(len(p), dtype=complex)
    return lambda theta: eye + (np.cos(theta / 2) - 1) * p2 - 1j * np.sin(theta / 2) * p


def _controlled(p: np.ndarray) -> np.ndarray:
    return np.kron(_P0, np.zeros_like(p)) + np.kron(_P1, p)


_SWAP = np.eye(4, dtype=complex)[[0, 2, 1, 3]]


def _phase(theta: float) -> np.ndarray:
    return np.diag([1.0, np.exp(1j * theta)])


GATES: dict[str, GateDef] = {
    g.name: g
    for g in [
        GateDef("x", 1, _const(_X)),
        GateDef("y", 1, _const(_Y)),
        GateDef("z", 1, _const(_Z)),
        GateDef("h", 1, _const(_H)),
        GateDef("s", 1, _const(_phase(np.pi / 2))),
        GateDef("t", 1, _const(_phase(np.pi / 4))),
        GateDef("rx", 1, _rotation(_X), _X),
        GateDef("ry", 1, _rotation(_Y), _Y),
        GateDef("rz", 1, _rotation(_Z), _Z),
        GateDef("phase", 1, _phase, -2 * _P1),
        GateDef("cnot", 2, _const(_controlled(_X) + np.kron(_P0, _I2))),
        GateDef("cz", 2, _const(np.diag([1, 1, 1, -1]).astype(complex))),
        GateDef("swap", 2, _const(_SWAP)),
        GateDef("crx", 2, _rotation(_controlled(_X)), _controlled(_X)),
        GateDef("cry", 2, _rotation(_controlled(_Y)), _controlled(_Y)),
        GateDef("crz", 2, _rotation(_controlled(_Z)), _controlled(_Z)),
        GateDef("rxx", 2, _rotation(np.kron(_X, _X)), np.kron(_X, _X)),
        GateDef("ryy", 2, _rotation(np.kron(_Y, _Y)), np.kron(_Y, _Y)),
        GateDef("rzz", 2, _rotation(np.kron(_Z, _Z)), np.kron(_Z, _Z)),
    ]
}

GATE_NAMES = tuple(GATES)
