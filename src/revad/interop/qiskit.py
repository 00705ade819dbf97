"""Qiskit -> revad: ``QuantumCircuit`` to :class:`Circuit`, ``SparsePauliOp`` to
:class:`Hamiltonian`.

Qubit ``k`` of a Qiskit circuit (``qc.find_bit(q).index``) is revad qubit ``k``: both put
qubit 0 in the least significant bit, so statevectors agree element by element (up to
``qc.global_phase``, which revad drops: no energy or gradient depends on it).

Gate conventions agree: Qiskit's ``rx/ry/rz/rxx/ryy/rzz(θ)`` are ``exp(-iθP/2)``, its
``p(θ)`` is ``diag(1, e^{iθ})`` (revad ``phase``), and ``cx/crx/cry/crz`` take the
control first.
"""

from __future__ import annotations

import math

from ..errors import RevadError
from ..ir.circuit import Circuit
from ..ir.gates import from_peer
from ..ir.hamiltonian import Hamiltonian
from ._common import angle_value, real_number, require, reserve_slots

# Qiskit name -> revad name, for gates revad has: the registry's ``qiskit`` names
# inverted, plus Qiskit's older spelling of ``p`` (same convention: diag(1, e^{iθ})).
_ALIASES = {"u1": "phase"}
_DIRECT = from_peer("qiskit", _ALIASES)
# Fixed gates that are revad phase gates with a fixed angle.
_FIXED_PHASE = {"sdg": -math.pi / 2, "tdg": -math.pi / 4}
# Instructions with no effect on the state revad computes.
_SKIP = {"id", "barrier", "delay", "global_phase"}
# What other gates are decomposed into (Qiskit's transpiler, optimization_level=0).
BASIS = tuple(_DIRECT) + tuple(_FIXED_PHASE)


def _qiskit(func: str):
    return require("qiskit", func, "qiskit")


def from_qiskit(qc) -> Circuit:
    """A Qiskit ``QuantumCircuit`` as a revad :class:`Circuit`.

    - revad's parameter vector follows ``qc.parameters`` (Qiskit sorts by name, and
      ``ParameterVector`` elements by index), so ``theta[i]`` is the value of
      ``qc.parameters[i]``; a parameter used by several gates is one shared slot.
    - Bound (numeric) angles become fixed-angle gates.
    - Gates outside revad's set (``u``, ``sx``, ``cp``, ``ccx``, ...) are decomposed by
      Qiskit's transpiler into that set; if that fails, or turns a parameter into an
      expression (``u(θ, …)`` becomes ``rz(θ + π)``), a RevadError names the gate.
    - Gate angles must be numbers or plain parameters: ``2*θ`` or ``θ + 1`` are refused.
    - ``barrier``, ``delay``, ``id`` and the global phase are dropped. Final
      measurements are dropped too (revad works with the state before them);
      measurements followed by gates on the same qubit, ``reset`` and classical
      control flow are refused.
    """
    qiskit = _qiskit("from_qiskit")
    if not isinstance(qc, qiskit.QuantumCircuit):
        raise RevadError(f"from_qiskit expects a qiskit QuantumCircuit, got {type(qc).__name__}")
    if qc.num_qubits < 1:
        raise RevadError("from_qiskit: the circuit has no qubits")
    slots = {p: i for i, p in enumerate(qc.parameters)}
    circuit = Circuit(qc.num_qubits)
    reserve_slots(circuit, len(slots))
    _convert(qc, circuit, slots, [qc.find_bit(q).index for q in qc.qubits], set(), None)
    return circuit


def _convert(qc, circuit: Circuit, slots, qubit_map, measured: set, origin: str | None):
    """Append ``qc``'s instructions to ``circuit``; ``qubit_map[k]`` is qc qubit k's index.

    ``origin`` names the gate being decomposed (for error messages), None at top level.
    """
    from qiskit.circuit import ControlFlowOp

    for k, inst in enumerate(qc.data):
        op = inst.operation
        name = op.name
        where = f"instruction {k} ({name!r})" if origin is None else f"gate {origin!r}"
        qubits = tuple(qubit_map[qc.find_bit(q).index] for q in inst.qubits)
        if isinstance(op, ControlFlowOp) or getattr(op, "condition", None) is not None:
            raise RevadError(
                f"from_qiskit: {where} is classical control flow, which revad cannot "
                "represent (it simulates one pure state)"
            )
        if name == "measure":
            measured.update(qubits)
            continue
        if name in _SKIP:
            continue
        if name == "reset":
            raise RevadError(f"from_qiskit: {where} resets a qubit; revad cannot represent reset")
        if measured.intersection(qubits):
            raise RevadError(
                f"from_qiskit: {where} acts on qubit(s) {sorted(measured.intersection(qubits))} "
                "after they were measured; mid-circuit measurements cannot be represented "
                "(final measurements are fine and are ignored)"
            )
        if name in _FIXED_PHASE:
            circuit.add("phase", qubits, angle=_FIXED_PHASE[name])
        elif name in _DIRECT:
            kwargs = {}
            if op.params:
                kwargs = _angle_or_slot(op.params[0], slots, where)
            circuit.add(_DIRECT[name], qubits, **kwargs)
        elif inst.clbits:
            raise RevadError(f"from_qiskit: {where} uses classical bits; revad cannot represent it")
        else:
            sub = _decompose(op, len(qubits), where)
            _convert(sub, circuit, slots, list(qubits), measured, origin or name)


def _angle_or_slot(value, slots, where: str) -> dict:
    from qiskit.circuit import Parameter, ParameterExpression

    if isinstance(value, Parameter):
        if value not in slots:
            raise RevadError(f"from_qiskit: {where} uses {value}, not in qc.parameters")
        return {"param": slots[value]}
    if isinstance(value, ParameterExpression):
        if value.parameters:
            raise RevadError(
                f"from_qiskit: {where} has angle {value}, a parameter expression; revad "
                "supports numbers and plain parameters only (use a new Parameter instead)"
            )
        value = complex(value)
    return {"angle": angle_value(value, f"from_qiskit: {where}: angle")}


def _decompose(op, n_qubits: int, where: str):
    """Qiskit's transpiler, one gate, into :data:`BASIS` (no layout, no optimisation)."""
    from qiskit import QuantumCircuit, transpile

    one = QuantumCircuit(n_qubits)
    one.append(op, range(n_qubits))
    try:
        out = transpile(one, basis_gates=list(BASIS), optimization_level=0)
    except Exception as exc:  # the transpiler raises several error types
        raise RevadError(
            f"from_qiskit: {where} is not in revad's gate set ({', '.join(BASIS)}) and "
            f"Qiskit's transpiler could not decompose it: {exc}"
        ) from exc
    if out.num_qubits != n_qubits:
        raise RevadError(f"from_qiskit: decomposing {where} changed the number of qubits")
    return out


def from_qiskit_operator(op) -> Hamiltonian:
    """A Qiskit ``SparsePauliOp`` (or ``Pauli``) as a revad :class:`Hamiltonian`.

    Qiskit labels put qubit 0 rightmost (``"XZ"`` is Z on qubit 0, X on qubit 1), as
    revad's qubit order does. Coefficients must be real up to round-off (the operator
    Hermitian); ``n_qubits`` is ``op.num_qubits``.
    """
    _qiskit("from_qiskit_operator")
    from qiskit.quantum_info import Pauli, SparsePauliOp

    if isinstance(op, Pauli):
        op = SparsePauliOp(op)
    if not isinstance(op, SparsePauliOp):
        raise RevadError(
            f"from_qiskit_operator expects a qiskit SparsePauliOp, got {type(op).__name__}"
        )
    if op.coeffs.dtype == object:
        raise RevadError(
            "from_qiskit_operator: the operator has parameterized coefficients; bind them first"
        )
    terms = op.to_list()
    try:
        coeffs = [real_number(c, f"coefficient of {label!r}") for label, c in terms]
    except RevadError:
        # Imaginary parts of repeated strings may cancel: merge, then try once more.
        terms = op.simplify(atol=0.0, rtol=0.0).to_list()
        coeffs = [
            real_number(c, f"from_qiskit_operator: coefficient of {label!r}") for label, c in terms
        ]
    out = []
    for (label, _), coeff in zip(terms, coeffs, strict=True):
        ops = [(p, q) for q, p in enumerate(reversed(label)) if p != "I"]
        out.append((coeff, ops))
    return Hamiltonian(out, n_qubits=op.num_qubits)
