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
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.complex128]
"""A gate's local matrix or generator (2x2 or 4x4, complex)."""

_I2 = np.eye(2, dtype=complex)
_X = np.array([[0, 1], [1, 0]], dtype=complex)
_Y = np.array([[0, -1j], [1j, 0]], dtype=complex)
_Z = np.array([[1, 0], [0, -1]], dtype=complex)
_H = np.array([[1, 1], [1, -1]], dtype=complex) / np.sqrt(2)
_P0 = np.diag([1, 0]).astype(complex)
_P1 = np.diag([0, 1]).astype(complex)

PAULI = {"I": _I2, "X": _X, "Y": _Y, "Z": _Z}


STRUCTURES = ("diagonal", "permutation", "one-qubit", "two-qubit", "controlled-flip")
"""The values of :attr:`GateDef.structure`."""


@dataclass(frozen=True)
class GateDef:
    """One gate of revad's set: the single place its matrix, generator and peer names live.

    Fields:

    - ``name``: revad's name (``Circuit.add(name, ...)``).
    - ``n_qubits``: arity (1 or 2); for controlled gates the first qubit is the control.
    - ``matrix``: θ -> local unitary (θ ignored for fixed gates).
    - ``generator``: ``P`` with ``U(θ) = exp(-iθP/2)``; None for fixed gates.
    - ``structure``: what the matrix is, one of :data:`STRUCTURES`: ``diagonal`` (at every
      θ), ``permutation`` (a 0/1 permutation matrix), ``controlled-flip`` (``diag(I, V)``
      with ``V`` a one-qubit non-diagonal unitary on the target), or the general
      ``one-qubit`` / ``two-qubit`` case.
    - ``qiskit``, ``pennylane``, ``qasm``: the peer's name of the same gate (Qiskit
      ``QuantumCircuit`` method / instruction name, PennyLane operation class name,
      OpenQASM 2 qelib1 name as the writer emits it), or None if the peer has none. Each
      names a gate with revad's convention: same angle, same matrix, control first (for
      ``phase`` that is Qiskit's ``p``, PennyLane's ``PhaseShift``, qelib1's ``u1``, all
      ``diag(1, e^{iθ})``). Other spellings of a gate (``u1`` in Qiskit, ``U1`` in
      PennyLane) and gates that need a translation (``sdg``, ``tdg``, ...) are the
      import-side aliases of each interop module, next to the table it inverts (OpenQASM
      is read through Qiskit's parser, so through Qiskit's names).
    - ``yao``: the Yao.jl block ``RevadYao.gate_block`` builds for the gate (``a``: first
      Yao qubit, ``b``: second, ``θ``: angle); a fixed-angle gate is that block inside
      ``NoParams``.
    """

    name: str
    n_qubits: int
    matrix: Callable[[float], Matrix]  # θ -> local unitary (θ ignored if fixed)
    generator: Matrix | None = None  # P with U(θ) = exp(-iθP/2); None if fixed
    structure: str = field(kw_only=True)  # one of STRUCTURES
    qiskit: str | None = None
    pennylane: str | None = None
    qasm: str | None = None
    yao: str | None = None

    def __post_init__(self) -> None:
        if self.structure not in STRUCTURES:
            raise ValueError(f"gate {self.name!r}: unknown structure {self.structure!r}")

    @property
    def parametric(self) -> bool:
        return self.generator is not None


def _const(m: Matrix) -> Callable[[float], Matrix]:
    def matrix(theta: float = 0.0) -> Matrix:
        copy: Matrix = m.copy()
        return copy

    return matrix


def _rotation(p: Matrix) -> Callable[[float], Matrix]:
    """exp(-iθP/2) for P with P³ = P (eigenvalues in {0, ±1}): I + (cos-1)P² - i sin P."""
    p2 = p @ p
    eye = np.eye(len(p), dtype=complex)

    def matrix(theta: float) -> Matrix:
        u: Matrix = eye + (np.cos(theta / 2) - 1) * p2 - 1j * np.sin(theta / 2) * p
        return u

    return matrix


def _controlled(p: Matrix) -> Matrix:
    return np.kron(_P0, np.zeros_like(p)) + np.kron(_P1, p)


_SWAP = np.eye(4, dtype=complex)[[0, 2, 1, 3]]


def _phase(theta: float) -> Matrix:
    return np.diag([1.0, np.exp(1j * theta)])


_C_X, _C_Y, _C_Z = _controlled(_X), _controlled(_Y), _controlled(_Z)
_XX, _YY, _ZZ = np.kron(_X, _X), np.kron(_Y, _Y), np.kron(_Z, _Z)

# The order is the Yao encoding's gate codes (1, 2, ...): add new gates at the end.
# fmt: off
GATES: dict[str, GateDef] = {
    g.name: g
    for g in [
        GateDef("x", 1, _const(_X), structure="permutation",
                qiskit="x", pennylane="PauliX", qasm="x", yao="put(n, a => X)"),
        GateDef("y", 1, _const(_Y), structure="one-qubit",
                qiskit="y", pennylane="PauliY", qasm="y", yao="put(n, a => Y)"),
        GateDef("z", 1, _const(_Z), structure="diagonal",
                qiskit="z", pennylane="PauliZ", qasm="z", yao="put(n, a => Z)"),
        GateDef("h", 1, _const(_H), structure="one-qubit",
                qiskit="h", pennylane="Hadamard", qasm="h", yao="put(n, a => H)"),
        GateDef("s", 1, _const(_phase(np.pi / 2)), structure="diagonal",
                qiskit="s", pennylane="S", qasm="s", yao="put(n, a => ConstGate.S)"),
        GateDef("t", 1, _const(_phase(np.pi / 4)), structure="diagonal",
                qiskit="t", pennylane="T", qasm="t", yao="put(n, a => ConstGate.T)"),
        GateDef("rx", 1, _rotation(_X), _X, structure="one-qubit",
                qiskit="rx", pennylane="RX", qasm="rx", yao="put(n, a => Rx(θ))"),
        GateDef("ry", 1, _rotation(_Y), _Y, structure="one-qubit",
                qiskit="ry", pennylane="RY", qasm="ry", yao="put(n, a => Ry(θ))"),
        GateDef("rz", 1, _rotation(_Z), _Z, structure="diagonal",
                qiskit="rz", pennylane="RZ", qasm="rz", yao="put(n, a => Rz(θ))"),
        # diag(1, e^{iθ}) everywhere: Qiskit p, PennyLane PhaseShift, qelib1 u1, Yao shift.
        GateDef("phase", 1, _phase, -2 * _P1, structure="diagonal",
                qiskit="p", pennylane="PhaseShift", qasm="u1", yao="put(n, a => shift(θ))"),
        GateDef("cnot", 2, _const(_C_X + np.kron(_P0, _I2)), structure="permutation",
                qiskit="cx", pennylane="CNOT", qasm="cx", yao="control(n, a, b => X)"),
        GateDef("cz", 2, _const(np.diag([1, 1, 1, -1]).astype(complex)), structure="diagonal",
                qiskit="cz", pennylane="CZ", qasm="cz", yao="control(n, a, b => Z)"),
        GateDef("swap", 2, _const(_SWAP), structure="permutation",
                qiskit="swap", pennylane="SWAP", qasm="swap", yao="swap(n, minmax(a, b)...)"),
        GateDef("crx", 2, _rotation(_C_X), _C_X, structure="controlled-flip",
                qiskit="crx", pennylane="CRX", qasm="crx", yao="control(n, a, b => Rx(θ))"),
        GateDef("cry", 2, _rotation(_C_Y), _C_Y, structure="controlled-flip",
                qiskit="cry", pennylane="CRY", qasm="cry", yao="control(n, a, b => Ry(θ))"),
        GateDef("crz", 2, _rotation(_C_Z), _C_Z, structure="diagonal",
                qiskit="crz", pennylane="CRZ", qasm="crz", yao="control(n, a, b => Rz(θ))"),
        GateDef("rxx", 2, _rotation(_XX), _XX, structure="two-qubit",
                qiskit="rxx", pennylane="IsingXX", qasm="rxx",
                yao="put(n, minmax(a, b) => rot(kron(X, X), θ))"),
        GateDef("ryy", 2, _rotation(_YY), _YY, structure="two-qubit",
                qiskit="ryy", pennylane="IsingYY", qasm="ryy",
                yao="put(n, minmax(a, b) => rot(kron(Y, Y), θ))"),
        GateDef("rzz", 2, _rotation(_ZZ), _ZZ, structure="diagonal",
                qiskit="rzz", pennylane="IsingZZ", qasm="rzz",
                yao="put(n, minmax(a, b) => rot(kron(Z, Z), θ))"),
    ]
}
# fmt: on


def peer_names(peer: str) -> dict[str, str]:
    """revad name -> ``peer``'s name (``"qiskit"``, ``"pennylane"``, ``"qasm"``, ``"yao"``),
    for the gates that peer has, in registry order."""
    return {g.name: getattr(g, peer) for g in GATES.values() if getattr(g, peer) is not None}


def from_peer(peer: str, aliases: dict[str, str] | None = None) -> dict[str, str]:
    """``peer``'s name -> revad name: :func:`peer_names` inverted, then ``aliases`` (other
    spellings of the same gates in that peer, revad's convention) added."""
    out: dict[str, str] = {}
    for name, peer_name in peer_names(peer).items():
        if peer_name in out:
            raise ValueError(f"{peer} name {peer_name!r} used by {out[peer_name]!r} and {name!r}")
        out[peer_name] = name
    for alias, name in (aliases or {}).items():
        if alias in out or name not in GATES:
            raise ValueError(f"{peer} alias {alias!r} -> {name!r} clashes or names no gate")
        out[alias] = name
    return out
