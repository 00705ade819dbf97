"""Per-step kernel data: what every kernel implementation (``revad.kernels.protocol``) takes.

A fused program (``revad.compile.fusion.Program``) runs one chunk of steps at a time.
For each chunk the gate tables (``revad.compile.tables``) are evaluated at θ, vectorized
over the steps: a block's fused 2x2 matrix, a generic gate's coefficients ``A, B`` with
its flip, sign and activity masks (``revad.compile.lowering``) in the form

    (Uψ)[j] = A[k(j)]·ψ[j] + B[k(j)]·σ(j)·ψ[j ^ m],   k(j) = 2·bit_a(j) + bit_b(j),

of ``U`` forward, of ``U†`` backward (``A† = conj(A)``, ``B†[k] = conj(B[k ^ kf])·σ(m)``,
with ``kf`` saying which of ``a, b`` flip), a dense step's matrix, a diagonal run's
entries. Building this per chunk keeps memory O(chunk) scalars, not O(depth), and keeps
per-gate scalar work out of the kernels' loops.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import numpy.typing as npt
from jax import lax

from ..compile.fusion import BLOCK_SIZE, PER_STEP, Program
from ..compile.program import chunk_size
from ..compile.tables import GA, GB, TA, TB, angle_basis

GateArray = jax.Array | np.ndarray
"""Per-gate arrays: NumPy as compiled (``revad.compile.program.Ops``), JAX inside a trace."""


def complex_dtype(real_dtype: npt.DTypeLike) -> np.dtype:
    """The state's dtype for angles of ``real_dtype``: complex128 for float64, else complex64."""
    return np.dtype(np.complex128 if np.dtype(real_dtype) == np.float64 else np.complex64)


def zero_state(n: int, cdtype: np.dtype) -> jax.Array:
    """|0…0⟩ from an iota, which XLA computes at run time (a scatter into zeros would be
    constant-folded into a 2^n literal inside the executable)."""
    return (lax.iota(jnp.int32, 2**n) == 0).astype(cdtype)


def coefficients(
    theta: jax.Array, kind: GateArray, slot: GateArray, angle: GateArray, cdtype: np.dtype
) -> tuple[jax.Array, jax.Array]:
    """Table coefficients (A, B) of every gate, shape ``kind.shape + (4,)``, at θ.

    Slots ``>= len(θ)`` mean "fixed angle"."""
    theta_ext = jnp.concatenate([theta, jnp.zeros((1,), theta.dtype)])
    angle = jnp.where(slot < theta.shape[0], theta_ext[slot], angle)
    basis = angle_basis(angle, axis=-1)[..., None]  # (*kind.shape, 5, 1)
    coef_a = jnp.sum(basis * jnp.asarray(TA, cdtype)[kind], axis=-2)
    coef_b = jnp.sum(basis * jnp.asarray(TB, cdtype)[kind], axis=-2)
    return coef_a, coef_b


def generators(kind: jax.Array, cdtype: np.dtype) -> tuple[jax.Array, jax.Array]:
    """The generators' coefficients (GA, GB) of gates of ``kind``: ``P`` in ``U = e^{-iθP/2}``."""
    return jnp.asarray(GA, cdtype)[kind], jnp.asarray(GB, cdtype)[kind]


def dagger_coefficients(
    coef_a: jax.Array, coef_b: jax.Array, a: jax.Array, b: jax.Array, m: jax.Array, z: jax.Array
) -> tuple[jax.Array, jax.Array]:
    """U†'s (A, B) for a generic gate's: ``A† = conj(A)``, ``B†[k] = conj(B[k ^ kf])·(−1)^
    popcount(m & z)``, kf saying which of a, b the flip m changes."""
    kf = 2 * ((m >> a) & 1) + ((m >> b) & 1)
    partner = jnp.arange(4)[None, :] ^ kf[:, None]
    sign = 1 - 2 * (lax.population_count(m & z) & 1)
    coef_b = jnp.conj(jnp.take_along_axis(coef_b, partner, axis=1)) * sign[:, None]
    return jnp.conj(coef_a), coef_b.astype(coef_a.dtype)


class StepArrays(NamedTuple):
    """The per-step arrays of a :class:`Program` (one chunk of them inside the scans)."""

    step_type: jax.Array
    a: jax.Array
    b: jax.Array
    kind: jax.Array
    slot: jax.Array
    angle: jax.Array
    perm: jax.Array
    x: jax.Array
    z: jax.Array
    cm: jax.Array
    cv: jax.Array
    cv2: jax.Array
    ea: jax.Array
    eb: jax.Array
    ez: jax.Array


def chunks(program: Program) -> StepArrays:
    """Per-step arrays reshaped to (chunks, chunk, ...); the program is padded to fit."""
    s = program.step_type.shape[0]
    c = chunk_size(s)
    return StepArrays(
        *(
            jnp.asarray(getattr(program, f)).reshape((s // c, c) + getattr(program, f).shape[1:])
            for f in PER_STEP
        )
    )


class Steps(NamedTuple):
    """Kernel data of one chunk of steps at θ (U forward, U† backward)."""

    step_type: jax.Array  # BLOCK / GATE / PERM / NOOP
    u: jax.Array  # (S, 2, 2) a block's fused matrix
    a: jax.Array  # block: its qubit; generic gate: its qubits
    b: jax.Array
    m: jax.Array  # generic gate: flip mask, coefficients (S, 4), kind
    coef_a: jax.Array
    coef_b: jax.Array
    kind: jax.Array
    slot: jax.Array  # generic gate's parameter slot (n_params: none)
    perm: jax.Array  # permutation index
    z: jax.Array  # generic gate: sign mask, activity mask and values (revad.compile.lowering)
    cm: jax.Array
    cv: jax.Array
    cv2: jax.Array
    dense: jax.Array | None  # (S, 8, 8) DENSE matrices (U† backward); None without any
    ea: jax.Array  # DIAG entries' qubits and sign masks, (S, K)
    eb: jax.Array
    ez: jax.Array
    diag: jax.Array | None  # (S, K, 4, 4): each entry's A, B (U; U† backward), GA, GB


def _mat2(coef_a: jax.Array, coef_b: jax.Array) -> jax.Array:
    """2x2 matrices from one-qubit table coefficients (local indices 0 and 3)."""
    return jnp.stack(
        [
            jnp.stack([coef_a[..., 0], coef_b[..., 0]], -1),
            jnp.stack([coef_b[..., 3], coef_a[..., 3]], -1),
        ],
        -2,
    )


def _mm(a: jax.Array, b: jax.Array) -> jax.Array:
    """Batched 2x2 matrix product as elementwise arithmetic: XLA fuses it into one loop,
    where a batched ``dot`` of 2x2 matrices costs a library call per matrix on CPU."""
    return a[..., :, :1] * b[..., None, 0, :] + a[..., :, 1:] * b[..., None, 1, :]


def _dagger(u: jax.Array) -> jax.Array:
    return jnp.conj(jnp.swapaxes(u, -1, -2))


def _steps(
    theta: jax.Array, arrays: StepArrays, dense: GateArray, cdtype: np.dtype, inverse: bool
) -> tuple[Steps, jax.Array]:
    coef_a, coef_b = coefficients(theta, arrays.kind, arrays.slot, arrays.angle, cdtype)
    mats = _mat2(coef_a, coef_b)  # (S, K, 2, 2), meaningful for blocks
    fused = mats[:, 0]
    for k in range(1, BLOCK_SIZE):
        fused = _mm(mats[:, k], fused)
    gate_a, gate_b = coef_a[:, 0], coef_b[:, 0]
    m = arrays.x
    if inverse:
        gate_a, gate_b = dagger_coefficients(gate_a, gate_b, arrays.a, arrays.b, m, arrays.z)
    diag = None
    if arrays.ea.shape[1]:  # static: only programs with DIAG steps carry their entries
        gens = generators(arrays.kind, cdtype)
        entry_a, entry_b = (jnp.conj(coef_a), jnp.conj(coef_b)) if inverse else (coef_a, coef_b)
        diag = jnp.stack([entry_a, entry_b, *gens], axis=2)  # diagonal: U† = conj(U)
    matrices = None
    if dense.shape[0]:  # static: only programs with DENSE steps carry their matrices
        matrices = jnp.asarray(dense, cdtype)[arrays.perm]
        matrices = _dagger(matrices) if inverse else matrices
    steps = Steps(
        step_type=arrays.step_type,
        u=_dagger(fused) if inverse else fused,
        a=arrays.a,
        b=arrays.b,
        m=m,
        coef_a=gate_a,
        coef_b=gate_b,
        kind=arrays.kind[:, 0],
        slot=arrays.slot[:, 0],
        perm=arrays.perm,
        z=arrays.z,
        cm=arrays.cm,
        cv=arrays.cv,
        cv2=arrays.cv2,
        dense=matrices,
        ea=arrays.ea,
        eb=arrays.eb,
        ez=arrays.ez,
        diag=diag,
    )
    return steps, mats


def forward_steps(
    theta: jax.Array, arrays: StepArrays, dense: GateArray, cdtype: np.dtype
) -> Steps:
    """Kernel data of a chunk for the forward pass (fused blocks, gates' U); ``dense`` is
    the program's table of DENSE matrices."""
    return _steps(theta, arrays, dense, cdtype, inverse=False)[0]


def backward_steps(
    theta: jax.Array, arrays: StepArrays, dense: GateArray, cdtype: np.dtype
) -> tuple[Steps, jax.Array]:
    """Kernel data of a chunk for the backward pass (U†), and each block gate's
    ``Q_i = V_i P_i V_i†`` (V_i: the block's gates after gate i), shape (S, K, 2, 2), so
    that ``∂E/∂θ_i = Im Tr(Q_i R)`` with R the cross-density at the block's end."""
    steps, mats = _steps(theta, arrays, dense, cdtype, inverse=True)
    gens = _mat2(*generators(arrays.kind, cdtype))
    after = jnp.broadcast_to(jnp.eye(2, dtype=cdtype), mats[:, 0].shape)  # V_i, built backwards
    q = []  # Q_i, last gate first
    for k in reversed(range(BLOCK_SIZE)):
        q.append(_mm(_mm(after, gens[:, k]), _dagger(after)))
        after = _mm(after, mats[:, k])
    return steps, jnp.stack(q[::-1], axis=1)
