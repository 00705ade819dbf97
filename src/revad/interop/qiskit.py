"""Qiskit <-> revad: ``QuantumCircuit`` and :class:`Circuit`, ``SparsePauliOp`` and
:class:`Hamiltonian`.

Qubit ``k`` of a Qiskit circuit (``qc.find_bit(q).index``) is revad qubit ``k``: both put
qubit 0 in the least significant bit, so statevectors agree element by element (up to
``qc.global_phase``, which revad drops: no energy or gradient depends on it).

Gate conventions agree: Qiskit's ``rx/ry/rz/rxx/ryy/rzz(θ)`` are ``exp(-iθP/2)``, its
``p(θ)`` is ``diag(1, e^{iθ})`` (revad ``phase``), ``cp(θ)`` is ``diag(1, 1, 1, e^{iθ})``
(revad ``cphase``), and ``cx/crx/cry/crz/cp/ccx/mcx`` take the control(s) first. Other
revad gates: ``pauli_rot(P, θ)`` is ``PauliEvolutionGate(P, time=θ/2)`` (``exp(-i t P)``,
the label reversed: Qiskit puts the gate's qubit 0 rightmost), ``single_excitation(θ)`` is
``XXPlusYYGate(θ, -π/2)``, ``double_excitation`` is revad's
:class:`~revad.interop._qiskit_gates.DoubleExcitationGate` (exact definition), and
``unitary`` is ``UnitaryGate`` with its matrix's qubit order reversed (Qiskit's first
qubit is the least significant, revad's the most).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import numpy as np

from ..errors import RevadError
from ..ir.circuit import Circuit
from ..ir.gates import FAMILIES, peer_names
from ..ir.hamiltonian import Hamiltonian
from ._common import real_number, require
from .qiskit_expand import convert

if TYPE_CHECKING:
    from qiskit.circuit import ParameterVector, QuantumCircuit
    from qiskit.quantum_info import SparsePauliOp


def _qiskit(func: str):
    return require("qiskit", func, "qiskit")


def from_qiskit(qc) -> Circuit:
    """A Qiskit ``QuantumCircuit`` as a revad :class:`Circuit`.

    - revad's parameter vector follows ``qc.parameters`` (Qiskit sorts by name, and
      ``ParameterVector`` elements by index), so ``theta[i]`` is the value of
      ``qc.parameters[i]``; a parameter used by several gates is one shared slot.
    - Bound (numeric) angles become fixed-angle gates.
    - ``u(θ, φ, λ)`` is ``phase(λ)``, ``ry(θ)``, ``phase(φ)`` (exact). ``cp``/``cu1`` are
      ``cphase``, ``ccx`` and ``mcx`` (all controls closed) revad's ``ccx``/``mcx``,
      ``XXPlusYYGate(θ, ∓π/2)`` ``single_excitation`` (qubits swapped for ``+π/2``),
      ``UnitaryGate`` on 1 to 3 qubits ``unitary`` (matrix permuted to revad's order;
      more qubits are refused), and ``PauliEvolutionGate`` of *one* Pauli term ``cP``
      with time ``t`` is ``pauli_rot(P, 2ct)``: for a parameter time, whose slot holds
      ``t``, that is ``2c`` rotations sharing the slot (``c = 1``: two; ``time=θ/2``, as
      :func:`to_qiskit` writes, one; a negative multiple adds two Pauli gates), at most
      ``MAX_ROTATION_MULTIPLE`` (4); a sum of several terms is refused. Other gates
      outside revad's set (``sx``, ``cy``, custom gates, ...) are expanded through their
      ``definition``, recursively, at most ``MAX_GATE_DEPTH`` levels deep and
      ``MAX_GATES`` gate applications in all (both refused before anything is built);
      operations without a definition go through Qiskit's transpiler. If that fails, or
      a parameter becomes an expression (``cu(θ, ...)`` uses ``θ/2``), a RevadError
      names the gate.
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
    return convert(qc, "from_qiskit")


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


def to_qiskit(circuit: Circuit) -> tuple[QuantumCircuit, ParameterVector]:
    """``circuit`` as (``QuantumCircuit``, ``ParameterVector``): revad qubit q is Qiskit
    qubit q, parameter slot k is ``params[k]``; fixed angles stay numbers. Gates without a
    Qiskit name are written as in the module docstring (``pauli_rot``'s time is ``θ/2``,
    an expression of ``params[k]``); ``mcx`` with one or two controls becomes Qiskit's
    ``cx``/``ccx`` (which ``from_qiskit`` reads as ``cnot``/``ccx``)."""
    _qiskit("to_qiskit")
    import math

    from qiskit.circuit import ParameterVector, QuantumCircuit, library
    from qiskit.quantum_info import Pauli

    from ._qiskit_gates import DoubleExcitationGate, little_endian

    names = peer_names("qiskit")
    qc = QuantumCircuit(circuit.n_qubits)
    params = ParameterVector("θ", circuit.n_params)
    evolution = getattr(library, str(FAMILIES["pauli_rot"].qiskit))  # PauliEvolutionGate
    for op in circuit.ops:
        value = params[op.param] if op.param is not None else op.angle
        qubits = list(op.qubits)
        if op.name in names:
            gate = getattr(qc, names[op.name])
            gate(*qubits) if value is None else gate(value, *qubits)
        elif op.name == "pauli_rot":  # Qiskit's label: the gate's qubit 0 rightmost
            qc.append(evolution(Pauli(str(op.data)[::-1]), time=cast(Any, value) / 2), qubits)
        elif op.name == "mcx":
            getattr(qc, str(FAMILIES["mcx"].qiskit))(qubits[:-1], qubits[-1])
        elif op.name == "unitary":
            matrix = little_endian(np.array(op.data, dtype=complex))
            getattr(qc, str(FAMILIES["unitary"].qiskit))(matrix, qubits)
        elif op.name == "single_excitation":
            qc.append(library.XXPlusYYGate(value, -math.pi / 2), qubits)
        elif op.name == "double_excitation":
            qc.append(DoubleExcitationGate(value), qubits)
        else:  # a gate added to revad's set without a rule here
            raise RevadError(f"to_qiskit: gate {op.name!r} has no Qiskit form")
    return qc, params


def to_qiskit_operator(h: Hamiltonian) -> SparsePauliOp:
    """``h`` as one ``SparsePauliOp`` (qubit q = Qiskit qubit q)."""
    _qiskit("to_qiskit_operator")
    from qiskit.quantum_info import SparsePauliOp

    terms = [("".join(label for label, _ in term), [q for _, q in term], coeff)
             for coeff, term in h.terms]  # fmt: skip
    return SparsePauliOp.from_sparse_list(terms, num_qubits=h.n_qubits)
