"""The exchange schedule of a state split over D = 2^k devices, computed when compiling.

Physical layout: a basis index's top k bits name the device (*global* positions), the
other ``n_local = n - k`` bits index the device's shard (*local* positions); qubit q
sits at position ``layout[q]`` (at the start, position q). A gate runs on every shard
with the ordinary kernels when all its qubits are local. Before a gate that touches a
global qubit, that qubit is swapped with a local one the gate does not use: each device
sends half its shard to the device that differs in that global bit and keeps the other
half (one exchange). The layout stays permuted afterwards (lazy reordering), and the
local qubit given away is the one whose next use lies furthest ahead (Belady's rule),
so ansätze that sweep over all qubits swap rarely. The sweep walks the same schedule
backwards: a swap is its own inverse.

A Hamiltonian is read in the final layout: a Pauli term's X part on global positions
makes each device read the shard of the device that differs there (one exchange per
distinct global X part), its Z part on global positions a sign per device.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import RevadError
from ..ir.circuit import CircuitKey, Op
from ..ir.hamiltonian import Hamiltonian

Swap = tuple[int, int]  # (global position, local position) exchanged


@dataclass(frozen=True)
class Schedule:
    """Local circuits between swaps: ``segments[i]`` (on ``n_local`` qubits, the circuit's
    parameter slots) runs, then ``swaps[i]`` (one fewer swap than segments)."""

    n_qubits: int
    n_local: int
    segments: tuple[CircuitKey, ...]
    swaps: tuple[Swap, ...]
    layout: tuple[int, ...]  # final position of each qubit

    @property
    def exchanges(self) -> int:
        return len(self.swaps)


def check_devices(n_qubits: int, n_devices: int, widest: int) -> int:
    """log2(D), or a clear error: D a power of two leaving room for the widest gate."""
    if n_devices < 1 or n_devices & (n_devices - 1):
        raise RevadError(f"the number of devices must be a power of two, got {n_devices}")
    k = n_devices.bit_length() - 1
    if n_qubits - k < max(widest, 1):
        raise RevadError(
            f"{n_devices} devices leave {n_qubits - k} local qubits of {n_qubits}; a gate "
            f"acts on {widest}: use at most {2 ** max(n_qubits - max(widest, 1), 0)} devices"
        )
    return k


def schedule(circuit: CircuitKey, n_devices: int) -> Schedule:
    """The segments and swaps of ``circuit`` on ``n_devices`` devices (see the module)."""
    n, ops = circuit.n_qubits, circuit.ops
    k = check_devices(n, n_devices, max((len(op.qubits) for op in ops), default=1))
    n_local = n - k
    layout = list(range(n))  # qubit -> position
    at = list(range(n))  # position -> qubit
    uses: list[list[int]] = [[] for _ in range(n)]  # op indices per qubit, latest first
    for i in reversed(range(len(ops))):
        for q in ops[i].qubits:
            uses[q].append(i)
    segments: list[CircuitKey] = []
    swaps: list[Swap] = []
    current: list[Op] = []
    for i, op in enumerate(ops):
        for q in op.qubits:
            if uses[q] and uses[q][-1] == i:
                uses[q].pop()
        for q in op.qubits:
            if layout[q] < n_local:
                continue

            def next_use(p: int) -> float:
                return uses[at[p]][-1] if uses[at[p]] else float("inf")

            free = [p for p in range(n_local) if at[p] not in op.qubits]
            local = max(free, key=next_use)
            segments.append(CircuitKey(n_local, circuit.n_params, tuple(current)))
            swaps.append((layout[q], local))
            current = []
            other = at[local]
            at[layout[q]], at[local] = other, q
            layout[q], layout[other] = local, layout[q]
        current.append(op._replace(qubits=tuple(layout[q] for q in op.qubits)))
    segments.append(CircuitKey(n_local, circuit.n_params, tuple(current)))
    return Schedule(n, n_local, tuple(segments), tuple(swaps), tuple(layout))


@dataclass(frozen=True)
class ShardedPaulis:
    """A Hamiltonian in the final layout, grouped by the X part on global positions:
    ``groups[g]`` = (global X bits, local X masks, local Z masks, global Z bits, weights)."""

    groups: tuple[tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray], ...]

    @property
    def exchanges(self) -> int:
        return sum(1 for xg, *_ in self.groups if xg)


def _positions(mask: np.ndarray, layout: tuple[int, ...]) -> np.ndarray:
    out = np.zeros_like(mask)
    for q, p in enumerate(layout):
        out |= ((mask >> q) & 1) << p
    return out


def shard_paulis(h: Hamiltonian, plan: Schedule) -> ShardedPaulis:
    m = h.masks()
    x, z = _positions(m.xmask, plan.layout), _positions(m.zmask, plan.layout)
    low = (1 << plan.n_local) - 1
    groups = []
    for xg in np.unique(x >> plan.n_local):
        t = np.flatnonzero((x >> plan.n_local) == xg)
        t = t[np.argsort(x[t] & low, kind="stable")]  # runs of equal X (the native Pauli sum)
        groups.append(
            (int(xg), (x[t] & low).astype(np.int32), (z[t] & low).astype(np.int32),
             (z[t] >> plan.n_local).astype(np.int32), m.weight[t])
        )  # fmt: skip
    return ShardedPaulis(tuple(groups))


def logical_order(psi: np.ndarray, plan: Schedule) -> np.ndarray:
    """The gathered physical state (device-major) in qubit order (qubit 0 least
    significant): axis n-1-p of the physical tensor holds the qubit at position p."""
    n = plan.n_qubits
    tensor = psi.reshape((2,) * n)
    axes = [n - 1 - plan.layout[q] for q in reversed(range(n))]
    return tensor.transpose(axes).reshape(-1)
