"""Compile a circuit into fewer state passes: fused one-qubit blocks and permutations.

A circuit becomes a list of *steps*, each one pass over the state:

- ``BLOCK``: up to ``BLOCK_SIZE`` consecutive one-qubit gates on one qubit, applied as
  one 2x2 matrix. Their gradients come from the 2x2 reduced cross-density
  ``R = Tr_others(|ψ⟩⟨λ|)`` at the block's end: for gate i with generator P_i and the
  gates after it in the block V_i, ``∂E/∂θ_i = Im Tr(V_i P_i V_i† R)``. One reduction
  pass replaces one gradient pass per gate.
- ``PERM``: a run of CNOT/SWAP gates, a GF(2)-linear map of basis indices ``j -> M j``,
  applied as one gather. Its source indices are precomputed tables (one int32 per
  amplitude and direction) while they fit in ``PERM_TABLE_BUDGET`` entries; beyond that
  they are computed on the fly from parities ``popcount(j & row) & 1`` (slower).
- ``GATE``: any other gate (two-qubit rotations, CZ, Pauli rotations, excitations,
  multi-controlled X, ...), as one generic masked pass (``revad.compile.lowering``).
- ``DENSE``: a fixed 1-3 qubit unitary, one pass applying its matrix.
- ``DIAG``: a run of up to ``BLOCK_SIZE`` diagonal gates that act everywhere (``cz``,
  ``crz``, ``rzz``, ``cphase``, Z-only Pauli rotations): one pass multiplying the state by
  the product of their phases. They commute, so every gate's gradient
  ``Im⟨λ|G_i|ψ⟩`` is read at the run's end, all in one pass backwards. Formed from
  ``DIAG_FROM`` qubits, where the state outgrows the caches and passes cost memory
  traffic (QAOA p=3 on 20 nodes: 1.5x faster); below, separate passes are as fast.
- ``NOOP``: padding to a whole number of chunks (see :func:`pad_program`).

Gates are reordered only where they commute (they act on different qubits), so the
compiled program equals the circuit exactly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..ir.circuit import Circuit, CircuitKey, Op
from ..ir.gates import GATES, GateDef
from .lowering import lower

BLOCK, GATE, PERM, NOOP, DENSE, DIAG = 0, 1, 2, 3, 4, 5  # NOOP: padding, does nothing
BLOCK_SIZE = 4
DENSE_SIZE = 8  # dense matrices are stored 8x8 (a 3-qubit unitary), smaller ones top-left

Entry = tuple[int, int, float | None]  # one gate of a step: (kind, slot, fixed angle)
Masks = tuple[int, int, int, int, int]  # x, z, cm, cv, cv2 (revad.compile.lowering)
NO_MASKS: Masks = (0, 0, 0, 0, 0)
Local = tuple[int, int, int]  # a DIAG entry's a, b and sign mask z
# (step type, a, b, gates, permutation or dense index, masks, DIAG entries' (a, b, z))
Step = tuple[int, int, int, list[Entry], int, Masks, list[Local]]
Network = tuple[tuple[str, tuple[int, ...]], ...]  # CNOT/SWAP gates: (name, qubits)


def _linear_map(gate: GateDef) -> tuple[int, int] | None:
    """For a fixed two-qubit gate mapping basis states to basis states (no phases) by a
    GF(2)-linear map of its qubits' bits, the images of bit a and of bit b as local
    indices ``2·bit_a + bit_b``; None for any other gate."""
    if gate.n_qubits != 2 or gate.parametric or gate.structure != "permutation":
        return None
    u = gate.matrix(0.0)  # a fixed gate: θ is ignored
    image = np.argmax(np.abs(u), axis=0)  # column k holds U|k⟩
    if not np.allclose(u[image, np.arange(4)], 1) or image[0] != 0:
        return None
    return (int(image[2]), int(image[1])) if image[3] == image[1] ^ image[2] else None


PERM_MAPS = {name: m for name, gate in GATES.items() if (m := _linear_map(gate)) is not None}
"""Gates fused into permutation steps (CNOT, SWAP), derived from the registry."""
DIAG_FROM = 17  # qubits from which runs of diagonal gates become DIAG steps
PERM_TABLE_BUDGET = 2**23  # int32 entries (32 MiB) for all permutation tables together


@dataclass(frozen=True)
class Program:
    """Steps as arrays. Gate entries (``kind``) are the kinds of the ``kind_of`` map passed
    to :func:`compile_program` (the kernel table's own numbering; its ``identity`` kind pads
    blocks)."""

    n_qubits: int
    step_type: np.ndarray  # (S,) BLOCK / GATE / PERM
    a: np.ndarray  # (S,) qubit of a block; first qubit of a gate
    b: np.ndarray  # (S,) second qubit of a gate (= a otherwise)
    kind: np.ndarray  # (S, BLOCK_SIZE) gate kinds, first gate first
    slot: np.ndarray  # (S, BLOCK_SIZE) parameter slot, n_params for none
    angle: np.ndarray  # (S, BLOCK_SIZE) fixed angles
    perm: np.ndarray  # (S,) index into the permutation tables (PERM) or dense (DENSE)
    x: np.ndarray  # (S,) GATE: partner flip mask
    z: np.ndarray  # (S,) GATE: sign mask
    cm: np.ndarray  # (S,) GATE: activity mask (DENSE: its qubits)
    cv: np.ndarray  # (S,) GATE: the two values of j & cm where the gate acts
    cv2: np.ndarray
    dense: np.ndarray  # (D, 8, 8) DENSE matrices, ascending-qubit local order (D may be 0)
    ea: np.ndarray  # (S, BLOCK_SIZE) DIAG entries' a, b and z; (S, 0) without DIAG steps
    eb: np.ndarray
    ez: np.ndarray
    perm_forward: np.ndarray  # (P, n) rows of M⁻¹: source bit i = parity(j & row_i)
    perm_backward: np.ndarray  # (P, n) rows of M
    table_forward: np.ndarray  # (P, 2^n) source indices of M⁻¹, or (P, 0) over budget
    table_backward: np.ndarray  # (P, 2^n) source indices of M, or (P, 0)
    cols_forward: np.ndarray  # (P, n) src(1 << i) of M⁻¹: src(j) = XOR of cols over bits of j
    cols_backward: np.ndarray  # (P, n) the same for M


def source_table(rows: np.ndarray, n: int) -> np.ndarray:
    """Source index of every amplitude: bit i of src(j) is parity(j & rows[i])."""
    j = np.arange(2**n, dtype=np.int64)
    src = np.zeros(2**n, dtype=np.int64)
    for i, row in enumerate(rows):
        src |= (np.bitwise_count(j & int(row)) & 1).astype(np.int64) << i
    return src.astype(np.int32)


def source_columns(rows: np.ndarray, n: int) -> np.ndarray:
    """Images of the unit vectors, ``src(1 << k)``: the columns of the GF(2) matrix."""
    return np.array(
        [sum(((int(row) >> k) & 1) << i for i, row in enumerate(rows)) for k in range(n)],
        dtype=np.int32,
    )


def _gf2_matrix(gates: Sequence[tuple[str, tuple[int, ...]]], n: int) -> np.ndarray:
    """Rows (as bit masks) of M with M j = index after the CNOT/SWAP network."""
    rows = [1 << i for i in range(n)]  # row i: which input bits XOR into output bit i
    for name, (a, b) in gates:
        image_a, image_b = PERM_MAPS[name]
        row_a, row_b = rows[a], rows[b]
        rows[a] = (row_a if image_a & 2 else 0) ^ (row_b if image_b & 2 else 0)
        rows[b] = (row_a if image_a & 1 else 0) ^ (row_b if image_b & 1 else 0)
    return np.array(rows, dtype=np.int64)


def _gf2_inverse(rows: np.ndarray, n: int) -> np.ndarray:
    """Inverse of a GF(2) matrix given as row masks (Gauss-Jordan on [M | I])."""
    m = [int(r) for r in rows]
    inv = [1 << i for i in range(n)]
    for col in range(n):
        pivot = next(r for r in range(col, n) if (m[r] >> col) & 1)
        m[col], m[pivot] = m[pivot], m[col]
        inv[col], inv[pivot] = inv[pivot], inv[col]
        for r in range(n):
            if r != col and (m[r] >> col) & 1:
                m[r] ^= m[col]
                inv[r] ^= inv[col]
    return np.array(inv, dtype=np.int64)


class _Builder:
    """Greedy emission: 1q gates wait in per-qubit blocks, CNOT/SWAPs in one open network.

    A block on qubit q that started before the open network touched q commutes with it
    and may be emitted first; one that started after must follow it.
    """

    def __init__(self, n: int, n_params: int, kind_of: dict[str, int]):
        self.n, self.n_params, self.kind_of = n, n_params, kind_of
        self.blocks: dict[int, list[Entry]] = {}  # qubit -> [(kind, slot, angle), ...]
        self.after_net: set[int] = set()  # qubits whose open block follows the network
        self.net: list[tuple[str, tuple[int, ...]]] = []  # open CNOT/SWAP network
        self.net_qubits: set[int] = set()
        self.steps: list[Step] = []
        self.perms: list[tuple[np.ndarray, np.ndarray]] = []  # (M⁻¹ rows, M rows)
        self.perm_index: dict[Network, int] = {}
        self.dense: list[np.ndarray] = []
        self.dense_index: dict[bytes, int] = {}
        self.run: list[tuple[Entry, Local]] = []  # the open run of diagonal gates
        self.run_qubits: set[int] = set()

    def gate(self, op: Op) -> None:
        slot = self.n_params if op.param is None else op.param
        if len(op.qubits) == 1 and op.name in GATES:
            entry = (self.kind_of[op.name], slot, op.angle)
            q = op.qubits[0]
            if len(self.blocks.get(q, ())) == BLOCK_SIZE:
                self._emit_block(q)
            if q not in self.blocks:
                self.blocks[q] = []
                if q in self.net_qubits:
                    self.after_net.add(q)
            self.blocks[q].append(entry)
        elif op.name in PERM_MAPS:
            self._close_run()
            if any(q in self.after_net for q in op.qubits):
                self._emit_net()
            for q in op.qubits:
                self._emit_block(q)
            self.net.append((op.name, op.qubits))
            self.net_qubits.update(op.qubits)
        else:
            low = lower(op)
            if self.n >= DIAG_FROM and low.step_type == GATE and low.x == 0 and low.cm == 0:
                self._diagonal(op, (low.kind, slot, op.angle), (low.a, low.b, low.z))
                return
            self._close_run()
            self._emit_net()
            for q in op.qubits:
                self._emit_block(q)
            index = 0 if low.dense is None else self._dense_index(low.dense)
            masks = (low.x, low.z, low.cm, low.cv, low.cv2)
            self.steps.append((low.step_type, low.a, low.b, [(low.kind, slot, op.angle)], index,
                               masks, []))  # fmt: skip

    def _diagonal(self, op: Op, entry: Entry, local: Local) -> None:
        """A diagonal gate joins the open run (closed when full); blocks on its qubits go
        first, closing the run if it already touches them."""
        if self.net:
            self._close_run()
            self._emit_net()
        for q in op.qubits:
            self._emit_block(q)
        self.run.append((entry, local))
        self.run_qubits.update(op.qubits)
        if len(self.run) == BLOCK_SIZE:
            self._close_run()

    def _close_run(self) -> None:
        """The open run as a step: DIAG, or the plain GATE step of a single gate."""
        if len(self.run) == 1:
            ((entry, (a, b, z)),) = self.run
            self.steps.append((GATE, a, b, [entry], 0, (0, z, 0, 0, 0), []))
        elif self.run:
            entries = [entry for entry, _ in self.run]
            self.steps.append((DIAG, 0, 0, entries, 0, NO_MASKS, [lo for _, lo in self.run]))
        self.run, self.run_qubits = [], set()

    def _dense_index(self, u: np.ndarray) -> int:
        padded = np.zeros((DENSE_SIZE, DENSE_SIZE), dtype=complex)
        padded[: len(u), : len(u)] = u
        key = padded.tobytes()
        if key not in self.dense_index:
            self.dense_index[key] = len(self.dense)
            self.dense.append(padded)
        return self.dense_index[key]

    def finish(self) -> None:
        self._close_run()
        self._emit_net()
        for q in sorted(self.blocks):
            self._emit_block(q)

    def _emit_block(self, q: int) -> None:
        gates = self.blocks.pop(q, None)
        if gates:
            if q in self.run_qubits:  # the block's gates follow the run's on q
                self._close_run()
            if q in self.after_net:
                self._emit_net()
            self.steps.append((BLOCK, q, q, gates, 0, NO_MASKS, []))
        self.after_net.discard(q)

    def _emit_net(self) -> None:
        if not self.net:
            return
        self._close_run()
        key = tuple(self.net)  # repeated networks (an ansatz's CNOT ring) share one entry
        if key not in self.perm_index:
            rows = _gf2_matrix(self.net, self.n)
            self.perm_index[key] = len(self.perms)
            self.perms.append((_gf2_inverse(rows, self.n), rows))
        self.steps.append((PERM, 0, 0, [], self.perm_index[key], NO_MASKS, []))
        self.net, self.net_qubits = [], set()
        self.after_net.clear()


def compile_program(circuit: Circuit | CircuitKey, kind_of: dict[str, int]) -> Program:
    """Circuit → :class:`Program`; ``kind_of`` maps gate names (and ``identity``) to kinds."""
    builder = _Builder(circuit.n_qubits, circuit.n_params, kind_of)
    for op in circuit.ops:
        builder.gate(op)
    builder.finish()
    s = len(builder.steps)
    kind = np.full((s, BLOCK_SIZE), kind_of["identity"], dtype=np.int32)
    slot = np.full((s, BLOCK_SIZE), circuit.n_params, dtype=np.int32)
    angle = np.zeros((s, BLOCK_SIZE))
    width = BLOCK_SIZE if any(st[0] == DIAG for st in builder.steps) else 0
    local = np.zeros((s, 3, width), dtype=np.int32)
    for i, (*_, gates, _, _, entries) in enumerate(builder.steps):
        for k, lo in enumerate(entries):
            local[i, :, k] = lo
        for k, (g_kind, g_slot, g_angle) in enumerate(gates):
            kind[i, k], slot[i, k], angle[i, k] = g_kind, g_slot, g_angle or 0.0
    n = circuit.n_qubits
    perms = builder.perms or [(np.zeros(n), np.zeros(n))]
    with_tables = builder.perms and 2 * len(perms) * 2**n <= PERM_TABLE_BUDGET
    size = 2**n if with_tables else 0
    table_f = np.array([source_table(f, n) if size else [] for f, _ in perms], dtype=np.int32)
    table_b = np.array([source_table(b, n) if size else [] for _, b in perms], dtype=np.int32)
    return Program(
        n_qubits=circuit.n_qubits,
        step_type=np.array([st[0] for st in builder.steps], dtype=np.int32),
        a=np.array([st[1] for st in builder.steps], dtype=np.int32),
        b=np.array([st[2] for st in builder.steps], dtype=np.int32),
        kind=kind,
        slot=slot,
        angle=angle,
        perm=np.array([st[4] for st in builder.steps], dtype=np.int32),
        **{
            field: np.array([st[5][f] for st in builder.steps], dtype=np.int32).reshape(s)
            for f, field in enumerate(("x", "z", "cm", "cv", "cv2"))
        },
        dense=np.array(builder.dense, dtype=complex).reshape(-1, DENSE_SIZE, DENSE_SIZE),
        ea=local[:, 0],
        eb=local[:, 1],
        ez=local[:, 2],
        perm_forward=np.array([p[0] for p in perms], dtype=np.int32),
        perm_backward=np.array([p[1] for p in perms], dtype=np.int32),
        table_forward=table_f.reshape(len(perms), size),
        table_backward=table_b.reshape(len(perms), size),
        cols_forward=np.array([source_columns(f, n) for f, _ in perms], dtype=np.int32),
        cols_backward=np.array([source_columns(b, n) for _, b in perms], dtype=np.int32),
    )


PER_STEP = ("step_type", "a", "b", "kind", "slot", "angle", "perm", "x", "z", "cm", "cv", "cv2",
            "ea", "eb", "ez")  # fmt: skip


def pad_program(program: Program, multiple: int, n_params: int) -> Program:
    """Append NOOP steps (no parameters) until the step count is a multiple of ``multiple``."""
    pad = -len(program.step_type) % multiple
    if not pad:
        return program

    def padded(arr: np.ndarray, fill: int = 0) -> np.ndarray:
        extra = np.full((pad,) + arr.shape[1:], fill, dtype=arr.dtype)
        return np.concatenate([arr, extra])

    return dataclasses.replace(  # the fields of PER_STEP
        program,
        step_type=padded(program.step_type, NOOP),
        a=padded(program.a),
        b=padded(program.b),
        kind=padded(program.kind),
        slot=padded(program.slot, n_params),
        angle=padded(program.angle),
        perm=padded(program.perm),
        x=padded(program.x),
        z=padded(program.z),
        cm=padded(program.cm),
        cv=padded(program.cv),
        cv2=padded(program.cv2),
        ea=padded(program.ea),
        eb=padded(program.eb),
        ez=padded(program.ez),
    )
