"""PennyLane <-> revad: a tape (``QuantumScript``) with one ``expval`` to a
(:class:`Circuit`, :class:`Hamiltonian`) pair, and back (:func:`to_pennylane`,
:func:`to_pennylane_operator`).

Wires: revad qubit ``i`` is ``tape.wires[i]`` (wire labels may be anything hashable).
PennyLane orders basis states with its *first* wire as the most significant bit and revad
with qubit 0 as the least significant, so ``qml.state()`` (``wire_order=tape.wires``)
and :func:`revad.statevector` are bit-reversed permutations of each other; energies and
gradients do not depend on that choice.

Gates: PennyLane's ``RX/RY/RZ(θ) = exp(-iθP/2)``, ``IsingXX/YY/ZZ`` are revad's
``rxx/ryy/rzz``, ``PhaseShift``/``U1`` is ``phase``, ``ControlledPhaseShift`` is
``cphase``, ``SingleExcitation``/``DoubleExcitation`` revad's excitations, ``Toffoli``
``ccx``; ``CNOT/CRX/CRY/CRZ/Toffoli/MultiControlledX`` take the control(s) first. The
gate families: ``PauliRot(θ, word, wires)`` is ``pauli_rot`` (its ``I`` letters dropped),
``MultiRZ`` ``pauli_rot("Z…Z")``, ``MultiControlledX`` (controls closed) ``mcx``,
``QubitUnitary`` ``unitary`` (both put the first wire in the most significant bit of
the local matrix, so the matrix is taken as it is). Other operations are decomposed by
PennyLane (``Rot`` into ``RZ RY RZ``, ...).
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np

from ..errors import RevadError
from ..ir.circuit import Circuit
from ..ir.gates import FAMILIES, GATES, UNITARY_MAX_QUBITS, from_peer, peer_names
from ..ir.hamiltonian import Hamiltonian
from ._common import angle_value, real_number, require, reserve_slots

# PennyLane operation name -> revad name: the registry's ``pennylane`` names inverted,
# plus ``U1`` (PennyLane's other name for ``PhaseShift``, diag(1, e^{iθ})).
_ALIASES = {"U1": "phase"}
_DIRECT = from_peer("pennylane", _ALIASES)
# PennyLane operation name -> revad gate family: the families' ``pennylane`` names, plus
# MultiRZ (PauliRot with the word Z…Z).
_FAMILY_ALIASES = {"MultiRZ": "pauli_rot"}
_FAMILY = {f.pennylane: f.name for f in FAMILIES.values() if f.pennylane} | _FAMILY_ALIASES
# No effect on the state's expectation values (GlobalPhase only changes the phase).
_SKIP = {"Identity", "GlobalPhase", "Barrier", "Snapshot"}
_MAX_DEPTH = 32


def _qml():
    return require("pennylane", "from_pennylane", "pennylane")


def from_pennylane(tape) -> tuple[Circuit, Hamiltonian]:
    """A PennyLane tape with one ``expval`` as ``(circuit, hamiltonian)``.

    - Qubits: revad qubit ``i`` is ``tape.wires[i]``.
    - Parameters: slot ``k`` is the ``k``-th trainable scalar gate parameter in tape
      order (``tape.trainable_params`` restricted to operations); non-trainable gate
      parameters become fixed angles. Trainable *observable* coefficients and
      non-scalar gate parameters (``QubitUnitary``'s matrix) are treated as constants.
      :func:`pennylane_params` returns the slots' initial values.
    - The observable must be a sum of Pauli words (``qml.Hamiltonian``/
      ``LinearCombination``, ``Sum``, ``SProd``, ``Prod``, ``X``/``Y``/``Z``/``I``):
      anything whose ``pauli_rep`` is None (``Hermitian``, projectors, ...) is refused.
    - Gates outside revad's set are decomposed by PennyLane; a trainable parameter must
      reach a revad gate unchanged (``Rot`` does; ``CRot``, ``U3`` with trainable angles,
      or ``adjoint(RX(θ))`` do not and are refused). ``MultiControlledX`` with open
      controls goes through PennyLane's decomposition; a ``QubitUnitary`` on more than
      3 wires, or not unitary to 1e-10, is refused.
    - Mid-circuit measurements, conditionals and batched parameters are refused.
    """
    qml = _qml()
    if not isinstance(tape, qml.tape.QuantumScript):
        raise RevadError(
            f"from_pennylane expects a PennyLane QuantumScript/tape, got {type(tape).__name__} "
            "(for a QNode use qml.workflow.construct_tape(qnode)(*args))"
        )
    if getattr(tape, "batch_size", None) is not None:
        raise RevadError("from_pennylane: batched (broadcast) parameters are not supported")
    hamiltonian_obs = _the_observable(qml, tape)
    wires = list(tape.wires)
    if not wires:
        raise RevadError("from_pennylane: the tape acts on no wires")
    index = {w: i for i, w in enumerate(wires)}

    slot_of = {p: k for k, p in enumerate(_angle_params(qml, tape))}  # tape index -> slot

    circuit = Circuit(len(wires))
    reserve_slots(circuit, len(slot_of))
    p = 0
    for k, op in enumerate(tape.operations):
        slots = [slot_of.get(p + j) for j in range(len(op.data))]
        p += len(op.data)
        _add_operation(qml, circuit, op, slots, index, f"operation {k} ({op.name})")
    return circuit, _hamiltonian(qml, hamiltonian_obs, index, len(wires))


def pennylane_params(tape) -> np.ndarray:
    """The values of the slots of ``from_pennylane(tape)``'s circuit, as float64."""
    qml = _qml()
    if not isinstance(tape, qml.tape.QuantumScript):
        raise RevadError(f"pennylane_params expects a tape, got {type(tape).__name__}")
    values = _parameters(tape)
    return np.array(
        [angle_value(_unwrap(qml, values[p]), f"parameter {p}") for p in _angle_params(qml, tape)],
        dtype=np.float64,
    )


def _parameters(tape) -> list:
    """Every gate parameter of ``tape``, in tape order (the indices of trainable_params)."""
    return [value for op in tape.operations for value in op.data]


def _angle_params(qml, tape) -> list[int]:
    """The tape indices of the trainable scalar gate parameters: revad's slots, in order."""
    trainable = set(tape.trainable_params)
    return [
        p
        for p, value in enumerate(_parameters(tape))
        if p in trainable and qml.math.ndim(value) == 0
    ]


def _the_observable(qml, tape):
    from pennylane.measurements import ExpectationMP

    if len(tape.measurements) != 1 or not isinstance(tape.measurements[0], ExpectationMP):
        got = ", ".join(type(m).__name__ for m in tape.measurements) or "none"
        raise RevadError(
            f"from_pennylane: the tape must end in exactly one qml.expval(...); got {got}"
        )
    obs = tape.measurements[0].obs
    if obs is None:
        raise RevadError("from_pennylane: expval of a mid-circuit measurement is not supported")
    return obs


def _hamiltonian(qml, obs, index, n: int) -> Hamiltonian:
    rep = obs.pauli_rep
    if rep is None:
        raise RevadError(
            f"from_pennylane: observable {obs.name} is not a sum of Pauli words; revad "
            "Hamiltonians are real combinations of Pauli strings"
        )
    terms = []
    for word, coeff in rep.items():
        c = real_number(_unwrap(qml, coeff), f"from_pennylane: coefficient of {word}")
        terms.append((c, [(label, index[w]) for w, label in word.items() if label != "I"]))
    return Hamiltonian(terms, n_qubits=n)


def _unwrap(qml, value, what: str = "parameter"):
    """A concrete scalar (real or complex) from a NumPy/autograd/JAX/torch value."""
    try:
        array = np.asarray(qml.math.unwrap(value))
    except Exception as exc:
        raise RevadError(
            f"from_pennylane: {what} {value!r} is not a concrete number (traced inside jit?)"
        ) from exc
    if array.size != 1:
        raise RevadError(
            f"from_pennylane: {what} has shape {array.shape}; a trainable parameter must be "
            "a scalar angle"
        )
    return array.item()


def _expand(qml, op, where: str, depth: int = 0) -> list:
    """``op`` as a list of operations in ``_DIRECT`` (PennyLane's own decompositions)."""
    from pennylane.measurements import MidMeasureMP

    if depth > _MAX_DEPTH:
        raise RevadError(f"from_pennylane: {where} does not decompose into revad's gate set")
    if isinstance(op, MidMeasureMP):
        raise RevadError(f"from_pennylane: {where} is a mid-circuit measurement; not supported")
    if isinstance(op, qml.ops.Conditional):
        raise RevadError(f"from_pennylane: {where} is classically controlled; not supported")
    if op.name in _DIRECT or (op.name in _FAMILY and _family_leaf(op)):
        return [op]
    if op.name in _SKIP:
        return []
    if isinstance(op, qml.ops.op_math.Adjoint):
        try:
            return _expand(qml, op.base.adjoint(), where, depth + 1)
        except qml.operation.AdjointUndefinedError:
            pass
    if not op.has_decomposition:
        raise RevadError(
            f"from_pennylane: {where}: {op.name} is not in revad's gate set and has no "
            "decomposition"
        )
    out = []
    for sub in op.decomposition():
        out.extend(_expand(qml, sub, where, depth + 1))
    return out


def _family_leaf(op) -> bool:
    """Whether family operation ``op`` is revad's gate as it is (not decomposed first)."""
    if op.name == "MultiControlledX":
        return all(op.hyperparameters["control_values"])
    return True


def _parametric(leaf) -> bool:
    if leaf.name in _DIRECT:
        return GATES[_DIRECT[leaf.name]].parametric
    return FAMILIES[_FAMILY[leaf.name]].parametric


def _add_operation(qml, circuit: Circuit, op, slots, index, where: str) -> None:
    leaves = _expand(qml, op, where)
    trained = [k for k, s in enumerate(slots) if s is not None]
    if not trained:
        for leaf in leaves:
            kwargs = {"angle": _leaf_angle(qml, leaf, where)} if _parametric(leaf) else {}
            _emit(qml, circuit, leaf, index, kwargs, where)
        return
    # Which leaf angles are the trainable parameters themselves? Decompose again with
    # each trainable value moved by a distinct offset: an angle that moved by exactly
    # offset k and equals value k is parameter k; one that did not move is a constant;
    # anything else is a function of a parameter, which revad cannot represent.
    values, moved = list(op.data), list(op.data)
    for k in trained:
        values[k] = angle_value(_unwrap(qml, op.data[k], f"{where}: parameter {k}"), where)
    for j, k in enumerate(trained):
        moved[k] = values[k] + 0.1234567 + 0.7071 * (j + 1)
    leaves2 = _expand(qml, qml.ops.functions.bind_new_parameters(op, moved), where)
    if [(a.name, a.wires) for a in leaves] != [(b.name, b.wires) for b in leaves2]:
        raise RevadError(
            f"from_pennylane: {where}: its decomposition depends on the parameter values"
        )
    for a, b in zip(leaves, leaves2, strict=True):
        if not _parametric(a):  # fixed, or a matrix (QubitUnitary) that must not move
            if not all(
                np.array_equal(qml.math.unwrap(x), qml.math.unwrap(y))
                for x, y in zip(a.data, b.data, strict=True)
            ):
                raise _function_of_parameter(where, a.name)
            _emit(qml, circuit, a, index, {}, where)
            continue
        va, vb = _leaf_angle(qml, a, where), _leaf_angle(qml, b, where)
        if va == vb:
            _emit(qml, circuit, a, index, {"angle": va}, where)
            continue
        match = [k for k in trained if va == values[k] and vb == moved[k]]
        if len(match) != 1:
            raise _function_of_parameter(where, a.name)
        _emit(qml, circuit, a, index, {"param": slots[match[0]]}, where)


def _function_of_parameter(where: str, name: str) -> RevadError:
    return RevadError(
        f"from_pennylane: {where}: its decomposition applies {name} to a function of a "
        "trainable parameter, which revad cannot represent (mark that parameter "
        "non-trainable or decompose the gate yourself)"
    )


def _leaf_angle(qml, leaf, where: str) -> float:
    return angle_value(_unwrap(qml, leaf.data[0]), f"{where}: angle of {leaf.name}")


def _emit(qml, circuit: Circuit, leaf, index, kwargs, where: str) -> None:
    try:
        qubits = tuple(index[w] for w in leaf.wires)
    except KeyError as exc:
        raise RevadError(
            f"from_pennylane: {leaf.name} acts on wire {exc}, not in tape.wires"
        ) from None
    name, data = _DIRECT.get(leaf.name), cast(object, None)
    if name is None:
        name = _FAMILY[leaf.name]
        if leaf.name == "PauliRot":  # I letters act as the identity: dropped
            word = leaf.hyperparameters["pauli_word"]
            keep = [i for i, letter in enumerate(word) if letter != "I"]
            if not keep:
                return  # exp(-iθ/2·I) is a global phase
            qubits, data = tuple(qubits[i] for i in keep), "".join(word[i] for i in keep)
        elif leaf.name == "MultiRZ":
            data = "Z" * len(qubits)
        elif leaf.name == "QubitUnitary":
            if len(qubits) > UNITARY_MAX_QUBITS:
                raise RevadError(
                    f"from_pennylane: {where}: QubitUnitary on {len(qubits)} wires; revad's "
                    f"unitary gate acts on 1 to {UNITARY_MAX_QUBITS} (decompose it into "
                    "smaller gates first)"
                )
            data = np.asarray(qml.math.unwrap(leaf.data[0]), dtype=complex)
    try:
        circuit.add(name, qubits, data=data, **kwargs)
    except RevadError as exc:
        raise RevadError(f"from_pennylane: {where}: {exc}") from None


def to_pennylane(circuit: Circuit, theta: Any) -> None:
    """Queue ``circuit`` as PennyLane operations (call inside a QNode or tape context):
    revad qubit q on wire q, slot k's angle ``theta[k]`` (may be traced). ``pauli_rot`` is
    ``PauliRot``, ``mcx`` ``MultiControlledX``, ``unitary`` ``QubitUnitary``."""
    qml = require("pennylane", "to_pennylane", "pennylane")
    names = peer_names("pennylane")
    for op in circuit.ops:
        wires = list(op.qubits)
        value = theta[op.param] if op.param is not None else op.angle
        if op.name in names:
            gate = getattr(qml, names[op.name])
        else:
            gate = getattr(qml, str(FAMILIES[op.name].pennylane))
        if op.name == "pauli_rot":
            gate(value, op.data, wires=wires)
        elif op.name == "unitary":
            gate(np.array(op.data, dtype=complex), wires=wires)
        elif value is None:
            gate(wires=wires)
        else:
            gate(value, wires=wires)


def to_pennylane_operator(h: Hamiltonian) -> Any:
    """``h`` as one PennyLane observable (a linear combination of Pauli words)."""
    qml = require("pennylane", "to_pennylane_operator", "pennylane")
    coeffs, ops = [], []
    for coeff, term in h.terms:
        word = [getattr(qml, f"Pauli{label}")(q) for label, q in term]
        ops.append(qml.prod(*word) if len(word) > 1 else word[0] if word else qml.Identity(0))
        coeffs.append(coeff)
    return qml.Hamiltonian(coeffs, ops)
