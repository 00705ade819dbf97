"""JAX backend: reversible adjoint as a ``custom_vjp`` over a fused program.

Every gate of revad's set (and every generator) has the form

    (Uψ)[j] = A[k(j)]·ψ[j] + B[k(j)]·ψ[j ^ m],   k(j) = 2·bit_a(j) + bit_b(j),

with a flip mask ``m`` and eight coefficients from ``revad.compile.tables`` (one-qubit
gates use ``a = b = q``); programs are compiled and cached by ``revad.compile.program``.
``U†`` has the same form: ``A† = conj(A)``, ``B†[k] = conj(B[k ^ kf])``, where ``kf``
says which of ``a, b`` flip.

Methods:
- ``adjoint``: the circuit is compiled by ``revad.compile.fusion`` into steps (fused
  one-qubit blocks, CNOT/SWAP permutations, generic gates). The forward pass keeps only
  the final state; the backward pass walks the steps in reverse inside ``lax.scan``,
  reading gradients (``Im⟨λ|P|ψ⟩``, or from a block's reduced cross-density) and
  uncomputing ψ and λ. Per-step kernel data is built one chunk of steps at a time, so
  memory is O(1) statevectors and O(chunk) scalars whatever the depth, and the traced
  program (hence compile time) does not grow with depth. The state recovered at the
  end (ideally |0⟩) measures the accumulated round-off ("drift").
  Kernels: on CPU, ``revad.kernels.native`` runs each chunk of steps in one C++ call
  (OpenMP, in place: ψ, λ and one scratch state at the peak); elsewhere, or when it
  cannot be built, pure-JAX kernels run the same steps under ``lax.switch`` (the GPU
  path). ``native=`` on the functions below picks explicitly (``revad.Adjoint(kernels=)``
  from the public API).
- ``tape``: ``jax.value_and_grad`` through a plain gate-by-gate scan (no fusion); JAX
  stores every intermediate state, O(depth) memory. The yardstick for the adjoint's
  memory; its time also lacks the fusion, so adjoint-vs-tape time mixes both effects.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ..compile.fusion import (
    BLOCK,
    BLOCK_SIZE,
    GATE,
    PER_STEP,
    Program,
)
from ..compile.program import (
    Ops,
    PauliArrays,
    _chunk_size,
    compile_circuit,
    compile_fused,
    compile_hamiltonian,
)
from ..compile.tables import GA as _GA
from ..compile.tables import GB as _GB
from ..compile.tables import KF as _KF
from ..compile.tables import TA as _TA
from ..compile.tables import TB as _TB
from ..compile.tables import angle_basis as _angle_basis
from ..errors import RevadError
from ..ir.circuit import Circuit
from ..ir.hamiltonian import Hamiltonian
from ..kernels import native as native_kernels

MAX_QUBITS = 30  # int32 basis indices

# ---------------------------------------------------------------------------------
# Kernels.


def _pick(v, k):
    """v[k] for a length-4 vector and an index array, as selects (fuses, no gather)."""
    return jnp.where(k == 0, v[0], jnp.where(k == 1, v[1], jnp.where(k == 2, v[2], v[3])))


def _apply(psi, a, b, m, coef_a, coef_b):
    """(Uψ)[j] = A[k]ψ[j] + B[k]ψ[j^m]: one pass over the state."""
    j = lax.iota(jnp.int32, psi.shape[0])
    k = 2 * ((j >> a) & 1) + ((j >> b) & 1)
    partner = psi.at[j ^ m].get(mode="promise_in_bounds", unique_indices=True)
    return _pick(coef_a, k) * psi + _pick(coef_b, k) * partner


def _coefficients(theta, kind, slot, angle, cdtype):
    """Table coefficients (A, B) of every gate, shape ``kind.shape + (4,)``, at θ.

    Slots ``>= len(θ)`` mean "fixed angle". Vectorized: per-gate scalar work stays out
    of the scans."""
    theta_ext = jnp.concatenate([theta, jnp.zeros((1,), theta.dtype)])
    angle = jnp.where(slot < theta.shape[0], theta_ext[slot], angle)
    basis = _angle_basis(angle, axis=-1)[..., None]  # (*kind.shape, 5, 1)
    coef_a = jnp.sum(basis * jnp.asarray(_TA, cdtype)[kind], axis=-2)
    coef_b = jnp.sum(basis * jnp.asarray(_TB, cdtype)[kind], axis=-2)
    return coef_a, coef_b


def _flip(kind, a, b):
    """(kf, m): which of a, b a gate's partner index flips, and the flip mask."""
    kf = jnp.asarray(_KF, jnp.int32)[kind]
    return kf, (((kf >> 1) & 1) << a) | ((kf & 1) << b)


def _dagger_coefficients(coef_a, coef_b, kf):
    """U† in the same form: A† = conj(A), B†[k] = conj(B[k ^ kf])."""
    partner = jnp.arange(4)[None, :] ^ kf[:, None]
    return jnp.conj(coef_a), jnp.conj(jnp.take_along_axis(coef_b, partner, axis=1))


def _zero_state(n: int, cdtype):
    """|0…0⟩ from an iota, which XLA computes at run time (a scatter into zeros would be
    constant-folded into a 2^n literal inside the executable)."""
    return (lax.iota(jnp.int32, 2**n) == 0).astype(cdtype)


def _forward(theta, ops: Ops, n: int, cdtype):
    def step(psi, gate):
        return _apply(psi, *gate), None

    coef_a, coef_b = _coefficients(theta, ops.kind, ops.slot, ops.angle, cdtype)
    _, m = _flip(ops.kind, ops.a, ops.b)
    return lax.scan(step, _zero_state(n, cdtype), (ops.a, ops.b, m, coef_a, coef_b))[0]


def _hamiltonian(psi, ham: PauliArrays, native: bool = False):
    """(λ, E): λ = Hψ and E = Re⟨ψ|λ⟩. Pure JAX: one pass per Pauli term (bit flip and
    sign vector, no matrices). Native: all terms and the energy in one tiled pass."""
    if native:
        return native_kernels.pauli_sum(psi, ham.xmask, ham.zmask, jnp.asarray(ham.weight))

    def step(lam, term):
        x, z, w = term
        src = lax.iota(jnp.int32, psi.shape[0]) ^ x
        odd = (lax.population_count(src & z) & 1) == 1
        partner = psi.at[src].get(mode="promise_in_bounds", unique_indices=True)
        return lam + jnp.where(odd, -w, w) * partner, None

    terms = (ham.xmask, ham.zmask, ham.weight.astype(psi.dtype))
    lam = lax.scan(step, jnp.zeros_like(psi), terms)[0]
    return lam, jnp.vdot(psi, lam).real


def _energy(psi, ham, native: bool = False):
    return _hamiltonian(psi, ham, native)[1]


class StepArrays(NamedTuple):
    """The per-step arrays of a :class:`Program` (one chunk of them inside the scans)."""

    step_type: jax.Array
    a: jax.Array
    b: jax.Array
    kind: jax.Array
    slot: jax.Array
    angle: jax.Array
    perm: jax.Array


def _chunks(program: Program) -> StepArrays:
    """Per-step arrays reshaped to (chunks, chunk, ...); the program is padded to fit."""
    s = program.step_type.shape[0]
    c = _chunk_size(s)
    return StepArrays(
        *(
            jnp.asarray(getattr(program, f)).reshape((s // c, c) + getattr(program, f).shape[1:])
            for f in PER_STEP
        )
    )


def _mat2(coef_a, coef_b):
    """2x2 matrices from one-qubit table coefficients (local indices 0 and 3)."""
    return jnp.stack(
        [
            jnp.stack([coef_a[..., 0], coef_b[..., 0]], -1),
            jnp.stack([coef_b[..., 3], coef_a[..., 3]], -1),
        ],
        -2,
    )


def _mm(a, b):
    """Batched 2x2 matrix product as elementwise arithmetic: XLA fuses it into one loop,
    where a batched ``dot`` of 2x2 matrices costs a library call per matrix on CPU."""
    return a[..., :, :1] * b[..., None, 0, :] + a[..., :, 1:] * b[..., None, 1, :]


def _dagger(u):
    return jnp.conj(jnp.swapaxes(u, -1, -2))


class Steps(NamedTuple):
    """Per-step kernel data of a program at given θ (computed vectorized, outside the scan)."""

    branch: jax.Array  # see _branch
    u: jax.Array  # (S, 2, 2) a block's fused matrix (U, or U† backwards)
    a: jax.Array  # generic gate: qubits, flip mask, coefficients (U or U†), kind
    b: jax.Array
    m: jax.Array
    coef_a: jax.Array  # (S, 4)
    coef_b: jax.Array
    kind: jax.Array
    slot: jax.Array  # generic gate's parameter slot (n_params: none)
    perm: jax.Array  # permutation index


def _branch(program: StepArrays, n: int, native: bool):
    """Kind of each step. Pure JAX: the ``lax.switch`` branch, one per qubit for blocks
    (the reshape kernel needs a static qubit), then generic, permutation, noop. Native:
    the step type itself (the C++ kernel dispatches on it, qubits are run-time data)."""
    if native:
        return program.step_type
    return jnp.where(program.step_type == BLOCK, program.a, n + program.step_type - GATE)


def _steps(theta, program: StepArrays, n: int, cdtype, inverse: bool, native: bool):
    """Fused matrices and coefficients for every step; for the backward pass also each
    block gate's ``Q_i = V_i P_i V_i†`` (V_i: the block's gates after gate i), so that
    ``∂E/∂θ_i = Im Tr(Q_i R)`` with R the cross-density at the block's end."""
    coef_a, coef_b = _coefficients(theta, program.kind, program.slot, program.angle, cdtype)
    mats = _mat2(coef_a, coef_b)  # (S, K, 2, 2), meaningful for blocks
    fused = mats[:, 0]
    for k in range(1, BLOCK_SIZE):
        fused = _mm(mats[:, k], fused)
    gate_a, gate_b = coef_a[:, 0], coef_b[:, 0]
    kf, m = _flip(program.kind[:, 0], program.a, program.b)
    if inverse:
        gate_a, gate_b = _dagger_coefficients(gate_a, gate_b, kf)
    steps = Steps(
        branch=_branch(program, n, native),
        u=_dagger(fused) if inverse else fused,
        a=program.a,
        b=program.b,
        m=m,
        coef_a=gate_a,
        coef_b=gate_b,
        kind=program.kind[:, 0],
        slot=program.slot[:, 0],
        perm=program.perm,
    )
    if not inverse:
        return steps
    gens = _mat2(jnp.asarray(_GA, cdtype), jnp.asarray(_GB, cdtype))[program.kind]
    after = jnp.broadcast_to(jnp.eye(2, dtype=cdtype), fused.shape)  # V_i, built backwards
    q = [None] * BLOCK_SIZE
    for k in reversed(range(BLOCK_SIZE)):
        q[k] = _mm(_mm(after, gens[:, k]), _dagger(after))
        after = _mm(after, mats[:, k])
    return steps, jnp.stack(q, axis=1)


def _apply_block(psi, q: int, n: int, u):
    """2x2 matrix on qubit q (static): ``new[a] = u[a,a]·ψ[a] + u[a,1-a]·ψ[1-a]`` on the
    ``(hi, 2, lo)`` view; the partner is a reversed axis, so XLA fuses one strided pass."""
    v = psi.reshape(2 ** (n - q - 1), 2, 2**q)
    diag = jnp.stack([u[0, 0], u[1, 1]])[None, :, None]
    off = jnp.stack([u[0, 1], u[1, 0]])[None, :, None]
    return (diag * v + off * v[:, ::-1, :]).reshape(-1)


def _cross_density(psi, lam, q: int, n: int):
    """R = Tr_{others}(|ψ⟩⟨λ|) on qubit q: R[a, b] = Σ ψ[a, rest] conj(λ[b, rest])."""
    v = psi.reshape(2 ** (n - q - 1), 2, 1, 2**q)
    w = jnp.conj(lam.reshape(2 ** (n - q - 1), 1, 2, 2**q))
    return jnp.sum(v * w, axis=(0, 3))


def _permuter(rows, tables, n: int):
    """``f(ψ, p)`` applying permutation p: (Pψ)[j] = ψ[src(j)], from the precomputed
    source tables when the program has them, else from parities of ``j & rows[p][i]``."""
    rows, tables = jnp.asarray(rows), jnp.asarray(tables)
    if tables.shape[1]:

        def src_of(p):
            return tables[p]
    else:

        def src_of(p):
            j = lax.iota(jnp.int32, 2**n)
            return sum(((lax.population_count(j & rows[p][i]) & 1) << i) for i in range(n))

    def permute(psi, p):
        return psi.at[src_of(p)].get(mode="promise_in_bounds", unique_indices=True)

    return permute


def _fused_forward(theta, program: Program, cdtype, native: bool):
    """Scan over chunks of steps; each chunk's kernel data is computed, then scanned."""
    n = program.n_qubits
    if native:
        return _native_forward(theta, program, cdtype)
    permuter = _permuter(program.perm_forward, program.table_forward, n)

    def block(q, psi, s):
        return _apply_block(psi, q, n, s.u)

    def generic(psi, s):
        return _apply(psi, s.a, s.b, s.m, s.coef_a, s.coef_b)

    def permute(psi, s):
        return permuter(psi, s.perm)

    def noop(psi, s):
        return psi

    branches = [partial(block, q) for q in range(n)] + [generic, permute, noop]

    def step(psi, s: Steps):
        return lax.switch(s.branch, branches, psi, s), None

    def chunk(psi, arrays: StepArrays):
        return lax.scan(step, psi, _steps(theta, arrays, n, cdtype, False, False))[0], None

    return lax.scan(chunk, _zero_state(n, cdtype), _chunks(program))[0]


def _native_data(steps: Steps, cols, cdtype):
    """Per-step operands of the native step kernels: ints (type, a, b, m), the 20
    coefficients (2x2 block matrix, A, B, GA, GB) and the permutation's columns."""
    ints = jnp.stack([steps.branch, steps.a, steps.b, steps.m], axis=1)
    gens = (jnp.asarray(_GA, cdtype)[steps.kind], jnp.asarray(_GB, cdtype)[steps.kind])
    coef = jnp.concatenate([steps.u.reshape(-1, 4), steps.coef_a, steps.coef_b, *gens], axis=1)
    return ints, coef, jnp.asarray(cols)[steps.perm]


def _native_forward(theta, program: Program, cdtype):
    """The forward pass with one native call per chunk of steps (the kernel dispatches
    on the step type, so XLA neither switches nor copies: ψ is updated in place)."""
    n = program.n_qubits

    def chunk(states, arrays: StepArrays):
        steps = _steps(theta, arrays, n, cdtype, False, True)
        data = _native_data(steps, program.cols_forward, cdtype)
        return native_kernels.forward_steps(*states, *data), None

    psi = _zero_state(n, cdtype)
    return lax.scan(chunk, (psi, jnp.zeros_like(psi)), _chunks(program))[0][0]


def _sweep(theta, program: Program, ham: PauliArrays, psi, native: bool):
    """Reverse sweep from the final state: returns (E, ∂E/∂θ, recovered initial state).

    Each step returns a block's cross-density R (or a generic gate's gradient g); the
    gradients of a chunk are formed from them after its scan, vectorized over steps.
    """
    n = program.n_qubits
    cdtype = psi.dtype
    n_params = theta.shape[0]
    lam, energy = _hamiltonian(psi, ham, native)
    run = _native_reverse if native else _reverse
    states = (psi, lam, jnp.zeros_like(psi)) if native else (psi, lam)

    def chunk(carry, arrays: StepArrays):
        states, grad = carry
        steps, q_mats = _steps(theta, arrays, n, cdtype, True, native)
        states, r, g = run(states, steps, program, n_params)
        block_grads = jnp.sum(q_mats * jnp.swapaxes(r, -1, -2)[:, None], axis=(-2, -1))
        block_grads = block_grads.imag.astype(theta.dtype)  # Im Tr(Q_i R)
        gate_grads = jnp.zeros_like(block_grads).at[:, 0].set(g.astype(theta.dtype))
        grads = jnp.where((arrays.step_type == BLOCK)[:, None], block_grads, gate_grads)
        grad = grad.at[arrays.slot.reshape(-1)].add(grads.reshape(-1))
        return (states, grad), None

    grad = jnp.zeros(n_params + 1, theta.dtype)
    (states, grad), _ = lax.scan(chunk, (states, grad), _chunks(program), reverse=True)
    return energy, grad[:n_params], states[0]


def _reverse(states, steps: Steps, program: Program, n_params: int):
    """Pure-JAX reverse scan over one chunk: (ψ, λ) uncomputed, per-step R and g."""
    n = program.n_qubits
    cdtype = states[0].dtype
    gen_a, gen_b = jnp.asarray(_GA, cdtype), jnp.asarray(_GB, cdtype)
    permuter = _permuter(program.perm_backward, program.table_backward, n)
    no_r, no_g = jnp.zeros((2, 2), cdtype), jnp.zeros((), jnp.finfo(cdtype).dtype)

    def block(q, psi, lam, s):
        r = _cross_density(psi, lam, q, n)
        return _apply_block(psi, q, n, s.u), _apply_block(lam, q, n, s.u), r, no_g

    def generic(psi, lam, s):
        def grad():  # Im⟨λ|P|ψ⟩ just after the gate
            p_psi = _apply(psi, s.a, s.b, s.m, gen_a[s.kind], gen_b[s.kind])
            return jnp.vdot(lam, p_psi).imag

        g = lax.cond(s.slot < n_params, grad, lambda: no_g)
        args = (s.a, s.b, s.m, s.coef_a, s.coef_b)
        return _apply(psi, *args), _apply(lam, *args), no_r, g

    def permute(psi, lam, s):
        return permuter(psi, s.perm), permuter(lam, s.perm), no_r, no_g

    def noop(psi, lam, s):
        return psi, lam, no_r, no_g

    branches = [partial(block, q) for q in range(n)] + [generic, permute, noop]

    def step(carry, s: Steps):
        psi, lam, r, g = lax.switch(s.branch, branches, *carry, s)
        return (psi, lam), (r, g)

    states, (r, g) = lax.scan(step, states, steps, reverse=True)
    return states, r, g


def _native_reverse(states, steps: Steps, program: Program, n_params: int):
    """One native call reverses a chunk: (ψ, λ, scratch) in place, per-step R and g."""
    data = _native_data(steps, program.cols_backward, states[0].dtype)
    *states, r = native_kernels.backward_steps(*states, *data)
    g = jnp.where(steps.slot < n_params, r[:, 0, 0].imag, 0)
    return tuple(states), r, g


# ---------------------------------------------------------------------------------
# Jitted entry points (compiled once per (n, number of steps, params, terms, dtype)).


@partial(jax.jit, static_argnames=("cdtype", "native"))
def _statevector(theta, program, cdtype, native):
    return _fused_forward(theta, program, cdtype, native)


@partial(jax.jit, static_argnames=("cdtype", "native"))
def _expectation(theta, program, ham, cdtype, native):
    return _energy(_fused_forward(theta, program, cdtype, native), ham, native)


@partial(jax.jit, static_argnames=("cdtype", "native"))
def _adjoint_value_and_grad(theta, program, ham, cdtype, native):
    psi = _fused_forward(theta, program, cdtype, native)
    energy, grad, psi0 = _sweep(theta, program, ham, psi, native)
    drift = jnp.sqrt(jnp.abs(psi0[0] - 1) ** 2 + jnp.sum(jnp.abs(psi0[1:]) ** 2))  # ‖ψ0 − |0⟩‖
    return energy, grad, drift


@partial(jax.jit, static_argnames=("n", "cdtype"))
def _tape_value_and_grad(theta, ops, ham, n, cdtype):
    return jax.value_and_grad(lambda t: _energy(_forward(t, ops, n, cdtype), ham))(theta)


def _dtypes(dtype) -> tuple[np.dtype, np.dtype]:
    cdtype = np.dtype(dtype)
    if cdtype not in (np.complex64, np.complex128):
        raise RevadError(f"dtype must be complex64 or complex128, got {dtype!r}")
    return cdtype, np.dtype(np.float64 if cdtype == np.complex128 else np.float32)


def reduce_angles(theta) -> np.ndarray:
    """θ mod 4π into (-2π, 2π], in float64: ``2·atan2(sin θ/2, cos θ/2)``.

    Every gate has U(θ + 4π) = U(θ) (generator eigenvalues 0, ±1, -2), so energies and
    gradients are unchanged. libm reduces θ/2 exactly, which ``θ % 4π`` with a rounded
    4π does not for huge θ. Used before rounding angles to float32: 1e7 + 0.3 would
    otherwise lose its 0.3, and θ ≥ 3.5e38 would overflow to inf."""
    half = np.asarray(theta, np.float64) / 2
    return 2 * np.arctan2(np.sin(half), np.cos(half))


def _angles(theta, rdtype) -> jax.Array:
    """θ as ``rdtype`` (reduced mod 4π in float64 first when ``rdtype`` is float32)."""
    theta = np.asarray(theta, np.float64)
    return jnp.asarray(reduce_angles(theta) if rdtype == np.float32 else theta, rdtype)


def _for_precision(compiled, rdtype):
    """A Program or Ops whose fixed angles are reduced mod 4π when running in float32."""
    if rdtype != np.float32:
        return compiled
    angle = reduce_angles(compiled.angle)
    if isinstance(compiled, Ops):
        return compiled._replace(angle=angle)
    return dataclasses.replace(compiled, angle=angle)


def _check_size(n: int) -> None:
    if n > MAX_QUBITS:
        raise RevadError(f"the JAX backend simulates at most {MAX_QUBITS} qubits, got {n}")


def _native(native: bool | None) -> bool:
    """``None``: the native CPU kernels when they are available (revad.kernels.native)."""
    if native is None:
        return native_kernels.enabled()
    if native:
        native_kernels.require()
    return native


def statevector(
    circuit: Circuit, theta: np.ndarray, dtype=np.complex128, native: bool | None = None
) -> np.ndarray:
    _check_size(circuit.n_qubits)
    cdtype, rdtype = _dtypes(dtype)
    native = _native(native)
    with jax.enable_x64(cdtype == np.complex128):
        program = _for_precision(compile_fused(circuit), rdtype)
        return np.asarray(_statevector(_angles(theta, rdtype), program, cdtype, native))


def expectation(
    circuit: Circuit, h: Hamiltonian, theta, dtype=np.complex128, native: bool | None = None
) -> float:
    _check_size(circuit.n_qubits)
    cdtype, rdtype = _dtypes(dtype)
    native = _native(native)
    with jax.enable_x64(cdtype == np.complex128):
        program = _for_precision(compile_fused(circuit), rdtype)
        ham = compile_hamiltonian(h)
        return float(_expectation(_angles(theta, rdtype), program, ham, cdtype, native))


def value_and_grad(
    circuit: Circuit,
    h: Hamiltonian,
    theta,
    method: str = "adjoint",
    dtype=np.complex128,
    native: bool | None = None,
) -> tuple[float, np.ndarray, float | None]:
    """(energy, gradient, drift); drift (norm of recovered |0⟩ minus |0⟩) is None for tape.
    ``native`` picks the adjoint's kernels (None: native when available); the tape
    method always runs the pure-JAX per-gate simulation (it is the yardstick)."""
    _check_size(circuit.n_qubits)
    cdtype, rdtype = _dtypes(dtype)
    native = _native(native)
    with jax.enable_x64(cdtype == np.complex128):
        theta = _angles(theta, rdtype)
        ham = compile_hamiltonian(h)
        if method == "adjoint":
            program = _for_precision(compile_fused(circuit), rdtype)
            energy, grad, drift = _adjoint_value_and_grad(theta, program, ham, cdtype, native)
            return float(energy), np.asarray(grad, np.float64), float(drift)
        ops = _for_precision(compile_circuit(circuit), rdtype)
        energy, grad = _tape_value_and_grad(theta, ops, ham, circuit.n_qubits, cdtype)
        return float(energy), np.asarray(grad, np.float64), None


def energy_fn(
    circuit: Circuit, h: Hamiltonian, method: str = "adjoint", native: bool | None = None
) -> Callable:
    """A pure JAX function ``θ -> E``; with ``method="adjoint"`` its VJP is the reverse sweep.

    Precision follows JAX's x64 setting at call time: complex128 when
    ``jax_enable_x64`` is on, complex64 otherwise. It composes with ``jax.jit``,
    ``jax.grad`` and ``jax.vmap``. ``method="tape"`` differentiates the per-gate
    simulation with plain JAX AD instead.
    """
    _check_size(circuit.n_qubits)
    ham = compile_hamiltonian(h)

    def cdtype_for(theta):
        return np.complex128 if theta.dtype == jnp.float64 else np.complex64

    def check(theta):
        theta = jnp.asarray(theta)
        if jnp.issubdtype(theta.dtype, jnp.complexfloating):
            raise RevadError(f"theta must be real; got a {theta.dtype} array")
        if not jnp.issubdtype(theta.dtype, jnp.floating):
            theta = theta.astype(float)
        if theta.shape != (circuit.n_params,):
            raise RevadError(
                f"theta must have shape ({circuit.n_params},) for this circuit, got {theta.shape}"
            )
        return theta

    def compiled_for(compiled, theta):  # fixed angles reduced mod 4π in float32
        return _for_precision(compiled, np.float64 if theta.dtype == jnp.float64 else np.float32)

    if method == "tape":
        ops = compile_circuit(circuit)

        def tape_energy(theta):
            theta = check(theta)
            cdtype = cdtype_for(theta)
            return _energy(_forward(theta, compiled_for(ops, theta), circuit.n_qubits, cdtype), ham)

        return tape_energy

    program = compile_fused(circuit)
    native = _native(native)

    def forward(theta):
        return _fused_forward(theta, compiled_for(program, theta), cdtype_for(theta), native)

    @jax.custom_vjp
    def energy(theta):
        return _energy(forward(check(theta)), ham, native)

    def fwd(theta):
        theta = check(theta)
        psi = forward(theta)
        return _energy(psi, ham, native), (theta, psi)

    def bwd(residuals, cotangent):
        theta, psi = residuals
        _, grad, _ = _sweep(theta, compiled_for(program, theta), ham, psi, native)
        return (cotangent * grad,)

    energy.defvjp(fwd, bwd)
    return energy
