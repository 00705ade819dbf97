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


STRUCTURES = (
    "diagonal",
    "permutation",
    "one-qubit",
    "two-qubit",
    "controlled-flip",
    "multi-qubit",
)
"""The values of :attr:`GateDef.structure`."""


@dataclass(frozen=True)
class GateDef:
    """One gate of revad's set: the single place its matrix, generator and peer names live.

    Fields:

    - ``name``: revad's name (``Circuit.add(name, ...)``).
    - ``n_qubits``: arity (1 to 4); for controlled gates the control(s) come first.
    - ``matrix``: θ -> local unitary (θ ignored for fixed gates), local index
      ``k = Σ_i bit(qubits[i]) << (n_qubits − 1 − i)`` (the first qubit most significant).
    - ``generator``: ``P`` with ``U(θ) = exp(-iθP/2)``; None for fixed gates.
    - ``structure``: what the matrix is, one of :data:`STRUCTURES`: ``diagonal`` (at every
      θ), ``permutation`` (a 0/1 permutation matrix), ``controlled-flip`` (``diag(I, V)``
      with ``V`` a one-qubit non-diagonal unitary on the target), or the general
      ``one-qubit`` / ``two-qubit`` case, ``multi-qubit`` for three or more qubits.
    - ``qiskit``, ``pennylane``, ``qasm``: the peer's name of the same gate (Qiskit
      ``QuantumCircuit`` method / instruction name, PennyLane operation class name,
      OpenQASM 2 qelib1 name as the writer emits it), or None if the peer has none. Each
      names a gate with revad's convention: same angle, same matrix, control first (for
      ``phase`` that is Qiskit's ``p``, PennyLane's ``PhaseShift``, qelib1's ``u1``, all
      ``diag(1, e^{iθ})``). Other spellings of a gate (``u1`` in Qiskit, ``U1`` in
      PennyLane) and gates that need a translation (``sdg``, ``tdg``, ...) are the
      import-side aliases of each interop module, next to the table it inverts (OpenQASM
      is read through Qiskit's parser, so through Qiskit's names).
    - ``yao``: the Yao.jl block ``RevadYao.gate_block`` builds for the gate (``a``, ``b``,
      ``c``, ``d``: the gate's Yao qubits in order, ``θ``: angle); a fixed-angle gate is
      that block inside ``NoParams``.
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


def _two_level(dim: int, low: int, high: int, block: Matrix) -> Matrix:
    """The identity on ``dim`` levels with ``block`` on levels (low, high)."""
    out = np.eye(dim, dtype=complex)
    out[np.ix_([low, high], [low, high])] = block
    return out


def _givens_generator(dim: int, low: int, high: int) -> Matrix:
    """Y on levels (low, high), 0 elsewhere: exp(-iθ/2 ·) takes |low⟩ to cos|low⟩ + sin|high⟩."""
    out = np.zeros((dim, dim), dtype=complex)
    out[np.ix_([low, high], [low, high])] = _Y
    return out


_SINGLE_EXCITATION = _givens_generator(4, 0b01, 0b10)  # PennyLane SingleExcitation
_DOUBLE_EXCITATION = _givens_generator(16, 0b0011, 0b1100)  # PennyLane DoubleExcitation
_CPHASE = -2 * np.diag([0, 0, 0, 1]).astype(complex)  # exp(-iθP/2) = diag(1, 1, 1, e^{iθ})


def _cphase(theta: float) -> Matrix:
    return np.diag([1.0, 1.0, 1.0, np.exp(1j * theta)])


def multi_controlled_x(n_controls: int) -> Matrix:
    """X on the last qubit when all ``n_controls`` first ones are 1 (local index order)."""
    dim = 2 ** (n_controls + 1)
    return _two_level(dim, dim - 2, dim - 1, _X)


def pauli_word(word: str) -> Matrix:
    """The local matrix of a Pauli word, its first letter on the most significant qubit."""
    out = np.eye(1, dtype=complex)
    for letter in word:
        out = np.kron(out, PAULI[letter])
    return out


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
        GateDef("cphase", 2, _cphase, _CPHASE, structure="diagonal",
                qiskit="cp", pennylane="ControlledPhaseShift", qasm="cu1",
                yao="control(n, a, b => shift(θ))"),
        GateDef("single_excitation", 2, _rotation(_SINGLE_EXCITATION), _SINGLE_EXCITATION,
                structure="two-qubit", pennylane="SingleExcitation",
                yao="chain(n, cnot(n, a, b), control(n, b, a => Ry(θ)), cnot(n, a, b))"),
        GateDef("double_excitation", 4, _rotation(_DOUBLE_EXCITATION), _DOUBLE_EXCITATION,
                structure="multi-qubit", pennylane="DoubleExcitation",
                yao="chain(n, fanout(n, a, (b, c, d)), control(n, (-b, c, d), a => Ry(θ)), "
                    "fanout(n, a, (b, c, d)))"),
        GateDef("ccx", 3, _const(multi_controlled_x(2)), structure="multi-qubit",
                qiskit="ccx", pennylane="Toffoli", qasm="ccx", yao="control(n, (a, b), c => X)"),
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


@dataclass(frozen=True)
class Family:
    """Gates whose arity or matrix come with each use (an Op's qubits and ``data``).

    ``check(n_qubits, data)`` validates a use and returns its ``data`` in canonical,
    hashable form (or raises ValueError with the reason); ``instance(n_qubits, data)`` is
    that use as a :class:`GateDef`. Peer names as for :class:`GateDef`."""

    name: str
    parametric: bool
    check: Callable[[int, object], object]
    instance: Callable[[int, object], GateDef]
    qiskit: str | None = None
    pennylane: str | None = None
    qasm: str | None = None


def _check_word(n_qubits: int, word: object) -> str:
    if not isinstance(word, str) or not word or set(word) - set("XYZ"):
        raise ValueError(f"a Pauli word is a string of X, Y and Z, got {word!r}")
    if len(word) != n_qubits:
        raise ValueError(f"Pauli word {word!r} has {len(word)} letters for {n_qubits} qubit(s)")
    return word


def _pauli_rotation(n_qubits: int, word: object) -> GateDef:
    p = pauli_word(str(word))
    return GateDef("pauli_rot", n_qubits, _rotation(p), p, structure="multi-qubit")


def _check_controls(n_qubits: int, data: object) -> None:
    if n_qubits < 2:
        raise ValueError(f"mcx needs at least one control and a target, got {n_qubits} qubit(s)")
    if data is not None:
        raise ValueError("mcx takes no data")


def _mcx(n_qubits: int, data: object) -> GateDef:
    return GateDef("mcx", n_qubits, _const(multi_controlled_x(n_qubits - 1)),
                   structure="multi-qubit")  # fmt: skip


UNITARY_MAX_QUBITS = 3
UNITARY_TOLERANCE = 1e-10


def _check_unitary(n_qubits: int, data: object) -> tuple[tuple[complex, ...], ...]:
    if not 1 <= n_qubits <= UNITARY_MAX_QUBITS:
        raise ValueError(f"unitary acts on 1 to {UNITARY_MAX_QUBITS} qubits, got {n_qubits}")
    try:
        u = np.asarray(data, dtype=complex)
    except (TypeError, ValueError):
        raise ValueError("unitary needs a matrix of numbers") from None
    dim = 2**n_qubits
    if u.shape != (dim, dim):
        raise ValueError(f"a unitary on {n_qubits} qubit(s) is {dim}x{dim}, got shape {u.shape}")
    if not np.all(np.isfinite(u)):
        raise ValueError("the unitary contains NaN or inf")
    error = float(np.abs(u.conj().T @ u - np.eye(dim)).max())
    if error > UNITARY_TOLERANCE:
        raise ValueError(f"the matrix is not unitary (max |U†U - I| = {error:.2e})")
    return tuple(tuple(complex(x) for x in row) for row in u)


def _unitary(n_qubits: int, data: object) -> GateDef:
    u = np.array(data, dtype=complex)
    return GateDef("unitary", n_qubits, _const(u), structure="multi-qubit")


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in [
        Family("pauli_rot", True, _check_word, _pauli_rotation, qiskit="PauliEvolutionGate",
               pennylane="PauliRot"),
        Family("mcx", False, _check_controls, _mcx, qiskit="mcx", pennylane="MultiControlledX"),
        Family("unitary", False, _check_unitary, _unitary, qiskit="unitary",
               pennylane="QubitUnitary"),
    ]
}  # fmt: skip


def gate_of(name: str, n_qubits: int, data: object = None) -> GateDef:
    """The :class:`GateDef` of one use of a gate: the registry's, or a family's instance."""
    if name in GATES:
        return GATES[name]
    return FAMILIES[name].instance(n_qubits, data)
