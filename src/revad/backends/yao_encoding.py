"""Circuits and Hamiltonians as the small arrays that the Yao backend sends to Julia.

Pure NumPy: importable and testable without Julia or juliacall. The Julia side
(``julia/src/RevadYao.jl``) turns these arrays back into Yao blocks; the gate tables
below (derived from :data:`revad.ir.gates.GATES` and :data:`~revad.ir.gates.FAMILIES`)
are mirrored there and a test checks that they agree.

Circuit: ``m`` gates, ``k`` qubit entries in all (the sum of the gates' arities), ``u``
unitary gates. In the order Julia takes them (:meth:`EncodedCircuit.arrays`):

- ``codes`` (``m``): the gate code (:data:`GATE_CODES`: registry gates, then the families
  :data:`YAO_FAMILIES`);
- ``arity`` (``m``): how many qubits the gate acts on;
- ``locs`` (``k``): the gates' Yao qubits, gate after gate, each gate's in revad's order
  (controls first, the target last). A Yao qubit is revad qubit + 1: Yao counts from 1;
  both number qubits from the least significant bit;
- ``letters`` (``k``, parallel to ``locs``): for ``pauli_rot``, the Pauli code
  (:data:`PAULI_CODES`) of the word's letter on that qubit; 0 for every other gate;
- ``slots`` (``m``): the trainable parameter slot + 1, or 0 for a gate without angle or
  with a fixed angle;
- ``angles`` (``m``): the fixed angle (0.0 otherwise);
- ``matrices`` (float64, ``2·4^r`` per unitary gate on ``r`` qubits, in circuit order):
  each ``unitary``'s matrix in **Yao's local order on its qubits sorted ascending** (local
  bit ``j`` is the ``j``-th lowest Yao qubit, so the highest qubit is the most significant
  bit; revad's own order has ``qubits[0]`` most significant, see :func:`yao_unitary`),
  column-major (Julia's ``reshape``), real and imaginary parts interleaved. Julia builds
  ``put(n, sorted_locs => matblock(U))``.

Yao's parameters. Julia builds a trainable gate with ``θ = theta[slot]`` (each gate's
block holds its angle exactly once) and wraps a fixed-angle gate in ``NoParams``, so
``parameters(circuit)`` (and the gradient that ``expect'`` returns, which follows the
block tree) has exactly one entry per gate with a slot, in circuit order:
:meth:`EncodedCircuit.yao_param_slots`. Shared slots appear once per gate and their
gradients are added (:func:`scatter_gradient`; the Julia side does the same in
``slot_gradient``).

Hamiltonian: ``coeffs`` (one per term) and one entry per Pauli factor: ``term`` (term
index + 1), ``pauli`` (:data:`PAULI_CODES`) and ``qubit`` (Yao qubit). A term without
factors is a multiple of the identity.

A gate the tables do not cover is refused by :func:`encode_circuit` with a
:class:`~revad.errors.RevadError` ("not supported on the Yao backend"), before any call
into Julia.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import RevadError
from ..ir.circuit import Circuit, Op
from ..ir.gates import peer_names
from ..ir.hamiltonian import Hamiltonian

YAO_BLOCKS: dict[str, str] = peer_names("yao")
"""The Yao block that ``RevadYao.gate_block`` builds for each registry gate (the ``yao``
field of :data:`revad.ir.gates.GATES`): ``a``, ``b``, ``c``, ``d`` are the gate's first,
second, ... Yao qubit (revad's order), ``θ`` its angle.

A fixed-angle gate is the same block inside ``NoParams``. The uncontrolled two-qubit
rotations are symmetric in their qubits, so the order of ``(a, b)`` does not matter for
them. ``fanout(n, a, (b, c, d))`` is RevadYao's chain of CNOTs from ``a`` onto ``b``,
``c`` and ``d``.
"""

FAMILY_YAO_BLOCKS: dict[str, str] = {
    "pauli_rot": "pauli_rotation(n, locs, letters, θ)",
    "mcx": "control(n, locs[1:(end - 1)], locs[end] => X)",
    "unitary": "put(n, Tuple(sort!(collect(locs))) => matblock(matrix))",
}
"""The Yao block that ``RevadYao.gate_block`` builds for each gate family supported on
the Yao backend (``locs``: the gate's Yao qubits in revad's order; ``letters``: their
Pauli codes; ``matrix``: the unitary, already in Yao's order on the sorted ``locs``).

``pauli_rotation`` is ``put(n, sorted_locs => rot(kron(P₁, P₂, ...), θ))``, each letter
moved with its qubit (the factors commute).
"""

YAO_FAMILIES: tuple[str, ...] = tuple(FAMILY_YAO_BLOCKS)
"""The families of :data:`revad.ir.gates.FAMILIES` the Yao backend encodes, in code order."""

GATE_CODES: dict[str, int] = {
    name: code for code, name in enumerate([*YAO_BLOCKS, *YAO_FAMILIES], 1)
}
"""revad gate name -> code (``GATE_CODES`` in ``RevadYao.jl``): the registry gates in
registry order from 1, then the families of :data:`YAO_FAMILIES`."""

PAULI_CODES: dict[str, int] = {"X": 1, "Y": 2, "Z": 3}
"""Pauli label -> code (``PAULI_CODES`` in ``RevadYao.jl``)."""

_INT = np.int64


@dataclass(frozen=True)
class EncodedCircuit:
    """A :class:`~revad.Circuit` as arrays (see the module docstring)."""

    n_qubits: int
    n_params: int
    codes: np.ndarray
    arity: np.ndarray
    locs: np.ndarray
    letters: np.ndarray
    slots: np.ndarray
    angles: np.ndarray
    matrices: np.ndarray

    def arrays(self) -> tuple[np.ndarray, ...]:
        """The circuit arrays in the order of RevadYao's functions (after ``n``, before θ)."""
        return (
            self.codes,
            self.arity,
            self.locs,
            self.letters,
            self.slots,
            self.angles,
            self.matrices,
        )

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


def _descending(qubits) -> list[int]:
    """Positions of ``qubits`` from the highest qubit to the lowest."""
    return sorted(range(len(qubits)), key=lambda i: qubits[i], reverse=True)


def yao_unitary(matrix, qubits) -> np.ndarray:
    """A unitary in revad's local order on ``qubits`` (``qubits[0]`` most significant)
    as the same operator in Yao's order on the sorted qubits (the highest qubit most
    significant, the lowest least), which ``put(n, sorted_locs => matblock(U))`` expects.
    """
    u = np.asarray(matrix, dtype=np.complex128)
    k = len(qubits)
    perm = _descending(qubits)  # axis j of the result: qubit of rank j from the top
    t = u.reshape((2,) * (2 * k)).transpose([*perm, *(p + k for p in perm)])
    return t.reshape(2**k, 2**k)


def revad_unitary(matrix, qubits) -> np.ndarray:
    """The inverse of :func:`yao_unitary`: back to revad's local order on ``qubits``."""
    u = np.asarray(matrix, dtype=np.complex128)
    k = len(qubits)
    inverse = np.argsort(_descending(qubits)).tolist()
    t = u.reshape((2,) * (2 * k)).transpose([*inverse, *(p + k for p in inverse)])
    return t.reshape(2**k, 2**k)


def _matrix_entries(op: Op) -> np.ndarray:
    """A unitary Op's matrix as ``matrices`` holds it (Yao order, column-major, interleaved)."""
    u = yao_unitary(op.data, op.qubits)
    return np.ascontiguousarray(u.ravel(order="F")).view(np.float64)


def encode_circuit(circuit: Circuit) -> EncodedCircuit:
    """Encode ``circuit`` gate by gate (qubits shifted to Yao's 1-based order).

    Raises :class:`~revad.errors.RevadError` for a gate the Yao backend does not support.
    """
    m = len(circuit.ops)
    codes = np.zeros(m, dtype=_INT)
    arity = np.zeros(m, dtype=_INT)
    slots = np.zeros(m, dtype=_INT)
    angles = np.zeros(m, dtype=np.float64)
    locs: list[int] = []
    letters: list[int] = []
    matrices: list[np.ndarray] = []
    for i, op in enumerate(circuit.ops):
        if op.name not in GATE_CODES:
            raise RevadError(
                f"gate {op.name!r} is not supported on the Yao backend "
                "(use backend='numpy' or 'jax' for circuits with it)"
            )
        codes[i] = GATE_CODES[op.name]
        arity[i] = len(op.qubits)
        locs.extend(q + 1 for q in op.qubits)
        if op.name == "pauli_rot":
            letters.extend(PAULI_CODES[letter] for letter in str(op.data))
        else:
            letters.extend(0 for _ in op.qubits)
        if op.name == "unitary":
            matrices.append(_matrix_entries(op))
        if op.param is not None:
            slots[i] = op.param + 1
        elif op.angle is not None:
            angles[i] = op.angle
    return EncodedCircuit(
        circuit.n_qubits,
        circuit.n_params,
        codes,
        arity,
        np.array(locs, dtype=_INT),
        np.array(letters, dtype=_INT),
        slots,
        angles,
        np.concatenate(matrices) if matrices else np.zeros(0, dtype=np.float64),
    )


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
