"""Pure-JAX kernels: each program step is one XLA loop over the state (any JAX device).

A scan over a chunk's steps dispatches with ``lax.switch`` on the step's kind: a fused
one-qubit block (one branch per qubit, as its reshape needs a static qubit), a generic
masked gate ``(Uψ)[j] = A[k]ψ[j] + B[k]σ(j)ψ[j^m]`` (``revad.compile.lowering``), a
CNOT/SWAP permutation, padding, a dense 1-3 qubit unitary, or a run of diagonal gates.

No copies: every branch computes a new state (none returns its operand, which XLA would
copy into the branch's result) and the scans run two steps per iteration, so the second
step writes into the buffer the loop carries; XLA copies nothing inside the loops
(tests/kernels/test_purejax.py reads the optimised HLO). The trade-off: portable and
fused by XLA, but out of place (a working set of ~6 statevectors for the gradient, where
the native kernels update in place in 3) and a partner read costs a gather on CPU.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.typing import ArrayLike

from ..compile.fusion import BLOCK, GATE, NOOP, Program
from ..compile.program import PauliArrays
from .protocol import States
from .steps import Steps, generators

Backward = tuple[jax.Array, jax.Array, jax.Array, jax.Array]  # one step back: ψ, λ, r, g
UNROLL = 2  # steps per loop iteration (see the module docstring)
Permuter = Callable[[jax.Array, jax.Array], jax.Array]  # f(ψ, p): permutation p applied


def _pick(v: jax.Array, k: jax.Array) -> jax.Array:
    """v[k] for a length-4 vector and an index array, as selects (fuses, no gather)."""
    return jnp.where(k == 0, v[0], jnp.where(k == 1, v[1], jnp.where(k == 2, v[2], v[3])))


def apply(
    psi: jax.Array,
    a: ArrayLike,
    b: ArrayLike,
    m: ArrayLike,
    coef_a: jax.Array,
    coef_b: jax.Array,
    masks: tuple[ArrayLike, ArrayLike, ArrayLike, ArrayLike] = (0, 0, 0, 0),
    generator: bool = False,
) -> jax.Array:
    """(Uψ)[j] = A[k]ψ[j] + B[k]·σ(j)·ψ[j^m], k = 2·bit_a(j) + bit_b(j), where active,
    ψ[j] (or 0 for a ``generator``) elsewhere: one pass over the state. ``masks`` = (z,
    cm, cv, cv2): σ(j) = (−1)^popcount(j & z), active iff j & cm is cv or cv2
    (``revad.compile.lowering``)."""
    z, cm, cv, cv2 = masks
    j = lax.iota(jnp.int32, psi.shape[0])
    k = 2 * ((j >> a) & 1) + ((j >> b) & 1)
    partner = psi.at[j ^ m].get(mode="promise_in_bounds", unique_indices=True)
    sign = 1 - 2 * (lax.population_count(j & z) & 1)
    out = _pick(coef_a, k) * psi + (_pick(coef_b, k) * sign) * partner
    active = ((j & cm) == cv) | ((j & cm) == cv2)
    return jnp.where(active, out, jnp.zeros_like(psi) if generator else psi)


def apply_dense(psi: jax.Array, cm: ArrayLike, u: jax.Array) -> jax.Array:
    """(Uψ)[j] = Σ_δ U[l, l^δ]·ψ[j ^ flip(δ)] for an 8x8 U on the (up to 3) qubits of
    ``cm``: l = the bits of j at those qubits (lowest first), flip(δ) = δ's bits put
    there. Eight gathers, unused ones with zero coefficients."""
    j = lax.iota(jnp.int32, psi.shape[0])
    rest, bits = jnp.asarray(cm, jnp.int32), []
    for _ in range(3):  # the qubits of cm as one-bit masks, lowest first (0 when absent)
        low = rest & -rest
        bits.append(low)
        rest = rest ^ low
    local = sum(jnp.where(j & bit, 1 << i, 0) for i, bit in enumerate(bits))
    out = jnp.zeros_like(psi)
    for delta in range(8):
        flip = sum(bit if (delta >> i) & 1 else 0 for i, bit in enumerate(bits))
        coef = u[local, local ^ delta]
        out = out + coef * psi.at[j ^ flip].get(mode="promise_in_bounds")
    return out


def _apply_block(psi: jax.Array, q: int, n: int, u: jax.Array) -> jax.Array:
    """2x2 matrix on qubit q (static): ``new[a] = u[a,a]·ψ[a] + u[a,1-a]·ψ[1-a]`` on the
    ``(hi, 2, lo)`` view; the partner is a reversed axis, so XLA fuses one strided pass."""
    v = psi.reshape(2 ** (n - q - 1), 2, 2**q)
    diag = jnp.stack([u[0, 0], u[1, 1]])[None, :, None]
    off = jnp.stack([u[0, 1], u[1, 0]])[None, :, None]
    return (diag * v + off * v[:, ::-1, :]).reshape(-1)


def _cross_density(psi: jax.Array, lam: jax.Array, q: int, n: int) -> jax.Array:
    """R = Tr_{others}(|ψ⟩⟨λ|) on qubit q: R[a, b] = Σ ψ[a, rest] conj(λ[b, rest])."""
    v = psi.reshape(2 ** (n - q - 1), 2, 1, 2**q)
    w = jnp.conj(lam.reshape(2 ** (n - q - 1), 1, 2, 2**q))
    return jnp.sum(v * w, axis=(0, 3))


def _permuter(rows: ArrayLike, tables: ArrayLike, n: int) -> Permuter:
    """``f(ψ, p)`` applying permutation p: (Pψ)[j] = ψ[src(j)], from the precomputed
    source tables when the program has them, else from parities of ``j & rows[p][i]``."""
    rows, tables = jnp.asarray(rows), jnp.asarray(tables)
    if tables.shape[1]:

        def src_of(p: jax.Array) -> jax.Array:
            return tables[p]
    else:

        def src_of(p: jax.Array) -> jax.Array:
            j = lax.iota(jnp.int32, 2**n)
            bits = (((lax.population_count(j & rows[p][i]) & 1) << i) for i in range(n))
            return sum(bits, start=jnp.zeros_like(j))

    def permute(psi: jax.Array, p: jax.Array) -> jax.Array:
        return psi.at[src_of(p)].get(mode="promise_in_bounds", unique_indices=True)

    return permute


def diagonal(psi: jax.Array, s: Steps, which: int) -> jax.Array:
    """The phase of a DIAG step's entries at every j: Π_e (C_e[k_e] + D_e[k_e]·σ_e(j)),
    (C, D) = (A, B) for ``which`` 0; the entries' generators (GA, GB) for 2."""
    j = lax.iota(jnp.int32, psi.shape[0])
    factor = jnp.ones_like(psi)
    for e in range(s.ea.shape[0]):
        k = 2 * ((j >> s.ea[e]) & 1) + ((j >> s.eb[e]) & 1)
        sign = 1 - 2 * (lax.population_count(j & s.ez[e]) & 1)
        assert s.diag is not None
        c, d = s.diag[e, which], s.diag[e, which + 1]
        factor = factor * (_pick(c, k) + _pick(d, k) * sign)
    return factor


def _entry_generator(psi: jax.Array, s: Steps, e: int) -> jax.Array:
    j = lax.iota(jnp.int32, psi.shape[0])
    k = 2 * ((j >> s.ea[e]) & 1) + ((j >> s.eb[e]) & 1)
    sign = 1 - 2 * (lax.population_count(j & s.ez[e]) & 1)
    assert s.diag is not None
    return (_pick(s.diag[e, 2], k) + _pick(s.diag[e, 3], k) * sign) * psi


def _optional(branches: list[Callable[..., Any]], steps: Steps) -> list[Callable[..., Any]]:
    """The DENSE and DIAG branches up to the last one this program has (known when
    tracing): a ``lax.switch`` pays for every branch it carries."""
    needed = 2 if steps.diag is not None else 1 if steps.dense is not None else 0
    return branches[:needed]


def _branch(steps: Steps, n: int) -> jax.Array:
    """The ``lax.switch`` branch of each step: blocks by qubit, then generic, permutation,
    noop, dense, diagonal."""
    return jnp.where(steps.step_type == BLOCK, steps.a, n + steps.step_type - GATE)


Pass = Callable[[jax.Array, Steps], jax.Array]


def _passes(n: int, permuter: Permuter, steps: Steps) -> list[Pass]:
    """The branches applying one step to a state (U forward, U† in backward steps); each
    computes a new state, padding included (see the module docstring)."""

    def block(q: int, psi: jax.Array, s: Steps) -> jax.Array:
        return _apply_block(psi, q, n, s.u)

    def generic(psi: jax.Array, s: Steps) -> jax.Array:
        return apply(psi, s.a, s.b, s.m, s.coef_a, s.coef_b, (s.z, s.cm, s.cv, s.cv2))

    def permute(psi: jax.Array, s: Steps) -> jax.Array:
        return permuter(psi, s.perm)

    def noop(psi: jax.Array, s: Steps) -> jax.Array:  # a pass all the same
        return jnp.where(s.step_type == NOOP, psi, jnp.zeros_like(psi))

    def dense(psi: jax.Array, s: Steps) -> jax.Array:
        return noop(psi, s) if s.dense is None else apply_dense(psi, s.cm, s.dense)

    def diag(psi: jax.Array, s: Steps) -> jax.Array:
        return noop(psi, s) if s.diag is None else diagonal(psi, s, 0) * psi

    blocks: list[Pass] = [partial(block, q) for q in range(n)]
    return blocks + [generic, permute, noop] + _optional([dense, diag], steps)


Readout = Callable[[jax.Array, jax.Array, Steps], tuple[jax.Array, jax.Array]]


def _readouts(n: int, n_params: int, cdtype: np.dtype, steps: Steps) -> list[Readout]:
    """The branches reading a step's gradient data from (ψ, λ) at its output: (r, g) of
    ``Kernels.backward``."""
    no_r, no_g = jnp.zeros((2, 2), cdtype), jnp.zeros((), jnp.finfo(cdtype).dtype)

    def block(q: int, psi: jax.Array, lam: jax.Array, s: Steps) -> tuple[jax.Array, jax.Array]:
        return _cross_density(psi, lam, q, n), no_g

    def generic(psi: jax.Array, lam: jax.Array, s: Steps) -> tuple[jax.Array, jax.Array]:
        def grad() -> jax.Array:  # Im⟨λ|P|ψ⟩ just after the gate
            gens = generators(s.kind, cdtype)
            masks = (s.z, s.cm, s.cv, s.cv2)
            p_psi = apply(psi, s.a, s.b, s.m, *gens, masks, generator=True)
            return jnp.vdot(lam, p_psi).imag

        return no_r, lax.cond(s.slot < n_params, grad, lambda: no_g)

    def nothing(psi: jax.Array, lam: jax.Array, s: Steps) -> tuple[jax.Array, jax.Array]:
        return no_r, no_g

    def diag(psi: jax.Array, lam: jax.Array, s: Steps) -> tuple[jax.Array, jax.Array]:
        if s.diag is None:
            return no_r, no_g
        inner = [jnp.vdot(lam, _entry_generator(psi, s, e)) for e in range(s.ea.shape[0])]
        return jnp.stack(inner).reshape(2, 2), no_g  # ⟨λ|G_e|ψ⟩ of entry e at r.flat[e]

    blocks: list[Readout] = [partial(block, q) for q in range(n)]
    return blocks + [generic, nothing, nothing] + _optional([nothing, diag], steps)


@dataclass(frozen=True)
class PureJax:
    """The pure-JAX kernels (see the module docstring)."""

    name: str = "jax"

    def start(self, *states: jax.Array) -> States:
        return states

    def forward(self, states: States, steps: Steps, program: Program) -> States:
        n = program.n_qubits
        passes = _passes(n, _permuter(program.perm_forward, program.table_forward, n), steps)

        def step(psi: jax.Array, xs: tuple[jax.Array, Steps]) -> tuple[jax.Array, None]:
            branch, s = xs
            return lax.switch(branch, passes, psi, s), None

        return (lax.scan(step, states[0], (_branch(steps, n), steps), unroll=UNROLL)[0],)

    def backward(
        self, states: States, steps: Steps, program: Program, n_params: int
    ) -> tuple[States, jax.Array, jax.Array]:
        n = program.n_qubits
        passes = _passes(n, _permuter(program.perm_backward, program.table_backward, n), steps)
        readouts = _readouts(n, n_params, states[0].dtype, steps)

        def back(k: int, psi: jax.Array, lam: jax.Array, s: Steps) -> Backward:  # read, undo
            return passes[k](psi, s), passes[k](lam, s), *readouts[k](psi, lam, s)

        branches = [partial(back, k) for k in range(len(passes))]

        def step(
            carry: States, xs: tuple[jax.Array, Steps]
        ) -> tuple[States, tuple[jax.Array, jax.Array]]:
            branch, s = xs
            psi, lam = carry
            psi, lam, r, g = lax.switch(branch, branches, psi, lam, s)
            return (psi, lam), (r, g)

        xs = (_branch(steps, n), steps)
        states, (r, g) = lax.scan(step, states, xs, reverse=True, unroll=UNROLL)
        return states, r, g

    def pauli_sum(self, psi: jax.Array, ham: PauliArrays) -> tuple[jax.Array, jax.Array]:
        """One pass per Pauli term (a bit flip and a sign from a parity; no matrices)."""

        def step(
            lam: jax.Array, term: tuple[ArrayLike, ArrayLike, jax.Array]
        ) -> tuple[jax.Array, None]:
            x, z, w = term
            src = lax.iota(jnp.int32, psi.shape[0]) ^ x
            odd = (lax.population_count(src & z) & 1) == 1
            partner = psi.at[src].get(mode="promise_in_bounds", unique_indices=True)
            return lam + jnp.where(odd, -w, w) * partner, None

        terms = (ham.xmask, ham.zmask, jnp.asarray(ham.weight).astype(psi.dtype))
        lam = lax.scan(step, jnp.zeros_like(psi), terms)[0]
        return lam, jnp.vdot(psi, lam).real
