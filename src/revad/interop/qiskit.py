"""Qiskit <-> revad: ``QuantumCircuit`` and :class:`Circuit`, ``SparsePauliOp`` and
:class:`Hamiltonian`.

Qubit ``k`` of a Qiskit circuit (``qc.find_bit(q).index``) is revad qubit ``k``: both put
qubit 0 in the least significant bit, so statevectors agree element by element (up to
``qc.global_phase``, which revad drops: no energy or gradient depends on it).

Gate conventions agree: Qiskit's ``rx/ry/rz/rxx/ryy/rzz(θ)`` are ``exp(-iθP/2)``, its
``p(θ)`` is ``diag(1, e^{iθ})`` (revad ``phase``), and ``cx/crx/cry/crz`` take the
control first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import RevadError
from ..ir.circuit import Circuit
from ..ir.gates import GATES, peer_names
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
    - ``u(θ, φ, λ)`` is ``phase(λ)``, ``ry(θ)``, ``phase(φ)`` (exact). Other gates outside
      revad's set (``sx``, ``cp``, ``ccx``, custom gates, ...) are expanded through their
      ``definition``, recursively, at most ``MAX_GATE_DEPTH`` levels deep and
      ``MAX_GATES`` gate applications in all (both refused before anything is built);
      operations without a definition go through Qiskit's transpiler. If that fails, or
      a parameter becomes an expression (``cp(θ)`` uses ``p(θ/2)``), a RevadError names
      the gate.
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
    qubit q, parameter slot k is ``params[k]``; fixed angles stay numbers."""
    _qiskit("to_qiskit")
    from qiskit.circuit import ParameterVector, QuantumCircuit

    names = peer_names("qiskit")
    qc = QuantumCircuit(circuit.n_qubits)
    params = ParameterVector("θ", circuit.n_params)
    for op in circuit.ops:
        gate = getattr(qc, names[op.name])
        if not GATES[op.name].parametric:
            gate(*op.qubits)
        else:
            gate(params[op.param] if op.param is not None else op.angle, *op.qubits)
    return qc, params


def to_qiskit_operator(h: Hamiltonian) -> SparsePauliOp:
    """``h`` as one ``SparsePauliOp`` (qubit q = Qiskit qubit q)."""
    _qiskit("to_qiskit_operator")
    from qiskit.quantum_info import SparsePauliOp

    terms = [("".join(label for label, _ in term), [q for _, q in term], coeff)
             for coeff, term in h.terms]  # fmt: skip
    return SparsePauliOp.from_sparse_list(terms, num_qubits=h.n_qubits)
