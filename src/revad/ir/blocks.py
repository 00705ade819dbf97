"""Identity blocks (Grant et al., Quantum 3, 214 (2019)): a layered ansatz whose every
block is a layer followed by its mirror image, so that with mirrored angles (the mirror
gate takes the opposite angle of its twin) each block, hence the circuit, is exactly the
identity while the first halves are random.

A layer is that of ``variational_circuit``'s middle: a CNOT ring on (i, i+1 mod n), then
``Rz Rx Rz`` on every qubit. Its mirror is the same gates in reverse order (rotations of
the last qubit first, then the ring backwards); every gate has its own parameter. Blocks
are appended in order and their slots numbered in order, so the circuit of k blocks is a
prefix of the circuit of k + 1 (what layerwise growth relies on).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..errors import RevadError
from ..limits import check_gate_count
from .circuit import Circuit, _check_int

ROTATIONS = ("rz", "rx", "rz")


def identity_blocks(n: int, nlayer: int, prepare: Iterable[int] = ()) -> tuple[Circuit, np.ndarray]:
    """(circuit, mirror) for ``nlayer`` layers (even: ``nlayer / 2`` blocks) on ``n`` qubits;
    ``mirror[k]`` is the slot whose angle slot k mirrors, −1 for a first-half slot."""
    n, nlayer = _check_int(n, "n"), _check_int(nlayer, "nlayer")
    if n < 2 or nlayer < 0 or nlayer % 2:
        raise RevadError(f"identity blocks need n >= 2 and an even nlayer >= 0, got {n}, {nlayer}")
    check_gate_count(nlayer * 4 * n, f"identity_blocks({n}, {nlayer})")
    c = Circuit(n)
    for q in prepare:
        c.x(q)
    ring = [(i, (i + 1) % n) for i in range(n)] if n > 2 else [(0, 1)]
    mirror: list[int] = []
    for _ in range(nlayer // 2):
        for a, b in ring:
            c.cnot(a, b)
        first = []
        for q in range(n):
            for name in ROTATIONS:
                first.append((name, q, c.add(name, q)))
                mirror.append(-1)
        for name, q, twin in reversed(first):
            c.add(name, q)
            mirror.append(int(twin))  # type: ignore[arg-type]
        for a, b in reversed(ring):
            c.cnot(a, b)
    return c, np.array(mirror, dtype=np.int64)
