"""One gate as one pass over the state: a masked generic step or a dense one.

Every gate but the fused ones (one-qubit blocks, CNOT/SWAP networks) becomes one pass:

- ``GATE``: ``(Uψ)[j] = A[k]·ψ[j] + B[k]·σ(j)·ψ[j ^ x]`` where the gate's rule is
  *active*, ``ψ[j]`` elsewhere; ``k = 2·bit_a(j) + bit_b(j)`` picks the table row's
  coefficient (``revad.compile.tables``), ``σ(j) = (−1)^popcount(j & z)`` and active means
  ``j & cm`` equals ``cv`` or ``cv2``. One- and two-qubit gates use their own rows with no
  mask; a Pauli rotation ``exp(−iθ/2 P)`` is ``x`` = its X/Y qubits, ``z`` = its Y/Z qubits
  and a row ``A = cos θ/2, B = −i·ph·sin θ/2`` (ph = (−i)^#Y); a multi-controlled X is
  X's row active where every control is 1; a double excitation is RY's row on its first
  qubit, flipping all four, active on the two levels |0011⟩ and |1100⟩. The generator
  has the same form with the row's (GA, GB) and 0 where inactive.
- ``DENSE``: a fixed 1-3 qubit unitary, applied as a matrix on the qubits in ``cm``
  (local index: the lowest qubit least significant).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np

from ..ir.circuit import Op
from .tables import KF, KIND, PAULI_PHASES

GATE_STEP, DENSE_STEP = 1, 4  # the step types of revad.compile.fusion (GATE, DENSE)


class Lowered(NamedTuple):
    step_type: int
    kind: int  # table row (GATE); identity for DENSE
    a: int
    b: int
    x: int  # partner flip mask
    z: int  # sign mask
    cm: int  # activity mask and its two accepted values
    cv: int
    cv2: int
    dense: np.ndarray | None  # DENSE: (d, d), ascending-qubit local order


def _mask(qubits: Iterable[int]) -> int:
    return sum(1 << q for q in qubits)


def _row(kind: int, a: int, b: int, **masks: int) -> Lowered:
    """A table row on (a, b); the flip mask from the row's KF unless given."""
    kf = int(KF[kind])
    x = masks.pop("x", ((kf >> 1) & 1) << a | (kf & 1) << b)
    cm = masks.pop("cm", 0)
    cv = masks.pop("cv", cm)
    return Lowered(GATE_STEP, kind, a, b, x, masks.pop("z", 0), cm, cv, masks.pop("cv2", cv), None)


def ascending(u: np.ndarray, qubits: tuple[int, ...]) -> np.ndarray:
    """A local matrix (``qubits[0]`` most significant) in ascending-qubit order (lowest
    qubit least significant)."""
    width, order = len(qubits), sorted(qubits)
    k = [
        sum(((l >> i) & 1) << (width - 1 - qubits.index(q)) for i, q in enumerate(order))
        for l in range(2**width)
    ]
    return np.asarray(u)[np.ix_(k, k)]


def lower(op: Op) -> Lowered:
    """The single pass of ``op`` (any gate)."""
    q = op.qubits
    if op.name == "pauli_rot":
        word = str(op.data)
        x = _mask(qb for qb, p in zip(q, word, strict=True) if p in "XY")
        z = _mask(qb for qb, p in zip(q, word, strict=True) if p in "YZ")
        phase = (-1j) ** word.count("Y")
        return _row(KIND[PAULI_PHASES[phase]], q[0], q[0], x=x, z=z)
    if op.name in ("ccx", "mcx"):
        return _row(KIND["x"], q[-1], q[-1], cm=_mask(q[:-1]))
    if op.name == "double_excitation":
        return _row(KIND["ry"], q[0], q[0], x=_mask(q), cm=_mask(q), cv=_mask(q[2:]),
                    cv2=_mask(q[:2]))  # fmt: skip
    if op.name == "unitary":
        u = ascending(np.array(op.data, dtype=complex), q)
        return Lowered(DENSE_STEP, KIND["identity"], q[0], q[0], 0, 0, _mask(q), 0, 0, u)
    return _row(KIND[op.name], q[0], q[-1])
