"""The statevector split over devices with ``shard_map``: forward, energy and the sweep.

Each device holds one shard of ``2^n_local`` amplitudes (``revad.distributed.schedule``) and
runs the schedule's local segments with the ordinary kernels and the ordinary reversible
sweep (``revad.diff.adjoint``): the sweep stays O(1) statevectors per device. Swaps are
``lax.ppermute`` exchanges of half a shard; Pauli terms with X on global positions read
the partner device's shard (one ``ppermute`` of a shard per distinct global X part);
energies, gradients and the drift are summed with ``lax.psum``. Collectives go through
JAX's own engine: host devices on CPU, NCCL on GPUs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache, partial

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.experimental import multihost_utils
from jax.sharding import Mesh
from jax.sharding import PartitionSpec as P

from ..backends.jax_backend import angles, for_precision, real_dtype
from ..compile.fusion import Program
from ..compile.program import PauliArrays, compile_fused
from ..diff import adjoint
from ..errors import RevadError
from ..ir.circuit import CircuitKey
from ..ir.hamiltonian import Hamiltonian
from ..kernels import Kernels
from ..kernels.steps import complex_dtype
from .schedule import Schedule, ShardedPaulis, Swap, logical_order, schedule, shard_paulis

AXIS = "devices"
Terms = tuple[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], ...]  # per X group


def mesh_of(devices: int | Sequence[jax.Device] | Mesh) -> Mesh:
    """A one-axis mesh of the first ``devices`` local devices, or of the devices given."""
    if isinstance(devices, bool):
        raise RevadError("devices must be an int, a list of JAX devices or a Mesh")
    if isinstance(devices, (int, np.integer)):
        available = jax.devices()
        if not 1 <= devices <= len(available):
            raise RevadError(
                f"devices={devices}: JAX sees {len(available)} device(s) here "
                "(on CPU, set XLA_FLAGS=--xla_force_host_platform_device_count=N before "
                "jax is imported)"
            )
        chosen = available[:devices]
    elif isinstance(devices, Mesh):
        chosen = list(devices.devices.flat)
    else:
        chosen = list(devices)
        if not chosen or not all(isinstance(d, jax.Device) for d in chosen):
            raise RevadError("devices must be an int, a list of JAX devices or a Mesh")
    return Mesh(np.array(chosen), (AXIS,))


def _swap(psi: jax.Array, swap: Swap, n_local: int, n_devices: int) -> jax.Array:
    """Exchange global position ``swap[0]`` with local position ``swap[1]``: keep the half
    whose local bit equals this device's global bit, trade the other half with the
    device that differs in that global bit."""
    global_bit, local = swap[0] - n_local, swap[1]
    mine = (lax.axis_index(AXIS) >> global_bit) & 1
    v = psi.reshape(2 ** (n_local - local - 1), 2, 2**local)
    keep = jnp.where(mine == 0, v[:, 0], v[:, 1])
    send = jnp.where(mine == 0, v[:, 1], v[:, 0])
    pairs = [(i, i ^ (1 << global_bit)) for i in range(n_devices)]
    got = lax.ppermute(send, AXIS, pairs)
    low, high = jnp.where(mine == 0, keep, got), jnp.where(mine == 0, got, keep)
    return jnp.stack([low, high], axis=1).reshape(-1)


def _h_psi(
    psi: jax.Array, terms: Terms, xgs: tuple[int, ...], n_devices: int, kernels: Kernels
) -> jax.Array:
    """This device's shard of Hψ: per global X part, the source shard (this device's, or
    the one differing there) through the local Pauli sum, with the global Z signs."""
    device = lax.axis_index(AXIS)
    lam = jnp.zeros_like(psi)
    for xg, (x, z, zg, w) in zip(xgs, terms, strict=True):
        src = psi if not xg else lax.ppermute(psi, AXIS, [(i ^ xg, i) for i in range(n_devices)])
        sign = 1 - 2 * (lax.population_count((device ^ xg) & jnp.asarray(zg)) & 1)
        weight = jnp.asarray(w).astype(psi.dtype) * sign
        lam = lam + kernels.pauli_sum(src, PauliArrays(x, z, weight))[0]
    return lam


def _sweeps_before(programs: tuple[Program | None, ...], i: int) -> bool:
    return any(p is not None for p in programs[:i])


def _start(n_local: int, cdtype: np.dtype) -> jax.Array:
    """This device's shard of |0…0⟩ (the amplitude lives on device 0)."""
    first = (lax.iota(jnp.int32, 2**n_local) == 0) & (lax.axis_index(AXIS) == 0)
    return first.astype(cdtype)


def _forward(theta, programs, swaps, n_local, n_devices, kernels) -> jax.Array:  # noqa: ANN001
    """The segments and swaps in order; the kernels' buffers carried across them."""
    states = kernels.start(_start(n_local, complex_dtype(theta.dtype)))
    for i, program in enumerate(programs):
        if program is not None:
            states = adjoint.run_forward(theta, program, kernels, states)
        if i < len(swaps):
            states = (_swap(states[0], swaps[i], n_local, n_devices), *states[1:])
    return states[0]


@partial(jax.jit, static_argnames=("swaps", "n_local", "xgs", "kernels", "mesh", "gradient"))
def _run(theta, programs, terms, swaps, n_local, xgs, kernels, mesh, gradient):  # noqa: ANN001, ANN202
    """(E, ∂E/∂θ, drift) with ``gradient``, else (E, ψ shards)."""
    n_devices = mesh.devices.size

    def per_device(theta, programs, terms):  # noqa: ANN001, ANN202
        psi = _forward(theta, programs, swaps, n_local, n_devices, kernels)
        lam = _h_psi(psi, terms, xgs, n_devices, kernels)
        energy = lax.psum(jnp.vdot(psi, lam).real, AXIS)
        if not gradient:
            return energy, psi
        grad, states = jnp.zeros_like(theta), kernels.start(psi, lam)
        for i in reversed(range(len(programs))):
            if programs[i] is not None:
                g, states = adjoint.run_sweep(theta, programs[i], states, kernels)
                grad = grad + g
            if i > 0:  # undo the swap that followed segment i - 1 (a swap is its own inverse)
                psi, lam, *buffers = states
                psi = _swap(psi, swaps[i - 1], n_local, n_devices)
                if _sweeps_before(programs, i):  # λ only while a segment still reads it
                    lam = _swap(lam, swaps[i - 1], n_local, n_devices)
                states = (psi, lam, *buffers)
        psi = states[0]
        drift = jnp.sum(jnp.abs(psi - _start(n_local, psi.dtype)) ** 2)
        return energy, lax.psum(grad, AXIS), jnp.sqrt(lax.psum(drift, AXIS))

    out = (P(), P(), P()) if gradient else (P(), P(AXIS))
    run = jax.shard_map(per_device, mesh=mesh, in_specs=P(), out_specs=out, check_vma=False)
    return run(theta, programs, terms)


class Sharded:
    """A circuit (and Hamiltonian) compiled for a mesh: its schedule, local programs and
    grouped Pauli terms."""

    def __init__(self, circuit: CircuitKey, h: Hamiltonian | None, mesh: Mesh, kernels: Kernels):
        self.mesh, self.kernels = mesh, kernels
        self.plan: Schedule = schedule(circuit, mesh.devices.size)
        self.programs: tuple[Program | None, ...] = tuple(
            compile_fused(seg) if seg.ops else None for seg in self.plan.segments
        )
        observable = h if h is not None else Hamiltonian([])
        self.paulis: ShardedPaulis = shard_paulis(observable, self.plan)

    def exchanges(self, gradient: bool) -> dict[str, float]:
        """Exchanges (collective permutes) and bytes sent per device per call, complex128:
        a swap sends half a shard, a global X part a whole shard; the sweep swaps ψ and λ."""
        swaps, groups = self.plan.exchanges, self.paulis.exchanges
        if gradient:  # forward ψ; backward ψ, and λ while a segment still reads it
            swaps += swaps + sum(_sweeps_before(self.programs, i) for i in range(1, swaps + 1))
        shard = 16 * 2**self.plan.n_local
        return {"exchanges": swaps + groups, "bytes": (swaps / 2 + groups) * shard}

    def _call(self, theta: jax.Array, gradient: bool):  # noqa: ANN202
        """Run at θ's precision (float64: complex128), fixed angles reduced for float32."""
        terms = tuple(g[1:] for g in self.paulis.groups)
        xgs = tuple(g[0] for g in self.paulis.groups)
        rdtype = np.dtype(theta.dtype)
        programs = tuple(p if p is None else for_precision(p, rdtype) for p in self.programs)
        swaps, n_local = self.plan.swaps, self.plan.n_local
        return _run(theta, programs, terms, swaps, n_local, xgs, self.kernels, self.mesh, gradient)

    def _at(self, theta: np.ndarray, dtype: np.dtype, gradient: bool):  # noqa: ANN202
        rdtype = real_dtype(dtype)
        with jax.enable_x64(rdtype == np.float64):
            return self._call(angles(theta, rdtype), gradient)

    def value_and_grad(self, theta: np.ndarray, dtype: np.dtype) -> tuple[float, np.ndarray, float]:
        energy, grad, drift = jax.device_get(self._at(theta, dtype, gradient=True))
        return float(energy), np.asarray(grad, np.float64), float(drift)

    def expectation(self, theta: np.ndarray, dtype: np.dtype) -> float:
        return float(jax.device_get(self._at(theta, dtype, gradient=False)[0]))

    def statevector(self, theta: np.ndarray, dtype: np.dtype) -> np.ndarray:
        """The whole state on every process (gathered from all shards)."""
        shards = self._at(theta, dtype, gradient=False)[1]
        psi = multihost_utils.process_allgather(shards, tiled=True)
        return logical_order(np.asarray(psi), self.plan)

    def energy_fn(self) -> Callable[[jax.Array], jax.Array]:
        """A JAX function θ -> E whose VJP is the sharded sweep (one run gives E and ∇E)."""

        @jax.custom_vjp
        def energy(theta: jax.Array) -> jax.Array:
            return self._call(jnp.asarray(theta), gradient=False)[0]

        def forward(theta: jax.Array) -> tuple[jax.Array, jax.Array]:
            value, grad, _ = self._call(jnp.asarray(theta), gradient=True)
            return value, grad

        def backward(grad: jax.Array, e_bar: jax.Array) -> tuple[jax.Array]:
            return (e_bar * grad,)

        energy.defvjp(forward, backward)
        return energy


@lru_cache(maxsize=8)
def sharded(circuit: CircuitKey, h: Hamiltonian | None, mesh: Mesh, kernels: Kernels) -> Sharded:
    """The :class:`Sharded` form of a circuit's content, cached (keys compare content)."""
    return Sharded(circuit, h, mesh, kernels)
