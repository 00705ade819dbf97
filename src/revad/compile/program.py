"""Compiled programs, cached on circuit content: per-gate arrays (tape), the fused
program (adjoint, statevector, expectation), and Pauli masks of a Hamiltonian.

Nothing is stored on the user's objects: :class:`ContentCache` keys programs on
:meth:`Circuit.key`, so a circuit changed after evaluation is compiled again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Generic, NamedTuple, TypeVar

import jax
import numpy as np

from ..ir.circuit import Circuit, CircuitKey
from ..ir.hamiltonian import Hamiltonian
from .fusion import DENSE_SIZE, Program, compile_program, pad_program
from .lowering import lower
from .tables import KIND


class Ops(NamedTuple):
    """A circuit as arrays, one entry per gate: its single pass (``revad.compile.lowering``)."""

    kind: np.ndarray  # index into the gate tables
    a: np.ndarray  # the qubits k(j) reads (first: control for controlled gates)
    b: np.ndarray
    slot: np.ndarray  # parameter slot, or n_params for a fixed angle
    angle: np.ndarray  # fixed angle (ignored where slot < n_params)
    x: np.ndarray  # flip, sign and activity masks
    z: np.ndarray
    cm: np.ndarray
    cv: np.ndarray
    cv2: np.ndarray
    dense: np.ndarray  # (G, 8, 8) per gate, or (0, 8, 8) when no gate is DENSE


class PauliArrays(NamedTuple):
    xmask: np.ndarray
    zmask: np.ndarray
    weight: np.ndarray | jax.Array  # complex; scaled inside a trace by expval cotangents


class Observables(NamedTuple):
    """K Hamiltonians: each on its own (for the K values), and all their terms in one
    sum sorted by X mask with ``owner[t]``, the observable term t came from (so that
    ``Σ_k w_k H_k ψ`` is one Pauli pass with weights ``weight[t]·w[owner[t]]``)."""

    each: tuple[PauliArrays, ...]
    merged: PauliArrays
    owner: np.ndarray


T = TypeVar("T")


class ContentCache(Generic[T]):
    """The last few compiled programs, keyed on circuit content (:meth:`Circuit.key`).

    Lookups compare keys by equality, newest first, instead of hashing them: a circuit
    evaluated again shares its Op objects with the cached key, so the comparison is a
    pointer scan (~10 ms at 300,000 gates, where hashing them costs ~30 ms)."""

    def __init__(self, build: Callable[[CircuitKey], T], size: int = 8):
        self.build, self.size = build, size
        self.entries: list[tuple[CircuitKey, T]] = []  # newest first

    def __call__(self, key: CircuitKey) -> T:
        for i, (cached, value) in enumerate(self.entries):
            if cached == key:
                self.entries.insert(0, self.entries.pop(i))
                return value
        value = self.build(key)
        self.entries = [(key, value), *self.entries[: self.size - 1]]
        return value

    def clear(self) -> None:
        self.entries = []


def compile_circuit(circuit: Circuit) -> Ops:
    """Circuit → :class:`Ops`, cached on the circuit's content."""
    return _compile_ops(circuit.key())


def _build_ops(circuit: CircuitKey) -> Ops:
    ops = circuit.ops
    lowered = [lower(op) for op in ops]

    def column(field: str) -> np.ndarray:
        return np.array([getattr(low, field) for low in lowered], dtype=np.int32)

    slot = np.array(
        [circuit.n_params if op.param is None else op.param for op in ops], dtype=np.int32
    )
    angle = np.array([op.angle or 0.0 for op in ops], dtype=np.float64)
    dense = np.zeros((0, DENSE_SIZE, DENSE_SIZE), dtype=complex)
    if any(low.dense is not None for low in lowered):
        dense = np.zeros((len(ops), DENSE_SIZE, DENSE_SIZE), dtype=complex)
        for i, low in enumerate(lowered):
            if low.dense is not None:
                dense[i, : len(low.dense), : len(low.dense)] = low.dense
    return Ops(
        column("kind"), column("a"), column("b"), slot, angle,
        column("x"), column("z"), column("cm"), column("cv"), column("cv2"), dense,
    )  # fmt: skip


_compile_ops = ContentCache(_build_ops)


def compile_hamiltonian(h: Hamiltonian) -> PauliArrays:
    """Pauli masks sorted by X mask (the native Pauli sum adds a run of equal X at once)."""
    m = h.masks()
    order = np.argsort(m.xmask, kind="stable")
    return PauliArrays(
        m.xmask[order].astype(np.int32), m.zmask[order].astype(np.int32), m.weight[order]
    )


def compile_observables(hams: list[Hamiltonian]) -> Observables:
    """Hamiltonians → :class:`Observables`."""
    each = tuple(compile_hamiltonian(h) for h in hams)
    owner = np.concatenate([np.full(len(p.xmask), k, np.int32) for k, p in enumerate(each)])
    fields = [np.concatenate(parts) for parts in zip(*each, strict=True)]
    order = np.argsort(fields[0], kind="stable")
    merged = PauliArrays(*(f[order] for f in fields))
    return Observables(each, merged, owner[order])


jax.tree_util.register_dataclass(
    Program,
    data_fields=[f.name for f in dataclasses.fields(Program) if f.name != "n_qubits"],
    meta_fields=["n_qubits"],
)


def compile_fused(circuit: Circuit | CircuitKey) -> Program:
    """Circuit → fused :class:`Program`, cached on the circuit's content."""
    return _compile_fused(circuit if isinstance(circuit, CircuitKey) else circuit.key())


def _build_fused(circuit: CircuitKey) -> Program:
    program = compile_program(circuit, KIND)
    return pad_program(program, chunk_size(len(program.step_type)), circuit.n_params)


_compile_fused = ContentCache(_build_fused)


CHUNK = 512  # steps whose kernel data is materialised at once: memory O(CHUNK), not O(depth)


def chunk_size(n_steps: int) -> int:
    return max(1, min(CHUNK, n_steps))
