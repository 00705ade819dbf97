"""JAX backend: the reversible adjoint (``revad.diff.adjoint``) and the tape on JAX.

This module handles precision and entry points: θ and fixed angles reduced mod 4π in
float64 before a float32 cast, the programs compiled and cached by
``revad.compile.program``, and the jitted functions (compiled once per number of
qubits, steps, parameters, terms, dtype and kernel set). The kernels are picked by
``revad.kernels.select`` from the strategy's ``kernels=``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from ..compile.program import (
    Observables,
    Ops,
    compile_circuit,
    compile_fused,
    compile_observables,
)
from ..diff import adjoint, tape
from ..diff.strategies import Adjoint, Strategy, Tape
from ..errors import RevadError
from ..ir.circuit import Circuit
from ..ir.hamiltonian import Hamiltonian
from ..ir.states import check_basis_index, check_state
from ..kernels import Kernels, native, select
from ..kernels.steps import complex_dtype
from .base import Backend

MAX_QUBITS = 30  # int32 basis indices


@partial(jax.jit, static_argnames=("kernels",))
def _statevector(theta, psi0, program, kernels: Kernels):
    return adjoint.forward(theta, program, kernels, psi0)


@partial(jax.jit, static_argnames=("kernels",))
def _expectation(theta, psi0, program, observables, kernels: Kernels):
    probe = jnp.zeros((), theta.dtype)
    return adjoint.expvals(theta, psi0, probe, program, observables, kernels)[0]


@partial(jax.jit, static_argnames=("kernels",))
def _adjoint_value_and_grad(theta, psi0, program, observables, kernels: Kernels):
    """E, (∂E/∂θ, drift): JAX's value_and_grad of the custom VJP (the sweep)."""

    def energy(theta, probe):
        return adjoint.expvals(theta, psi0, probe, program, observables, kernels)[0]

    return jax.value_and_grad(energy, argnums=(0, 1))(theta, jnp.zeros((), theta.dtype))


@partial(jax.jit, static_argnames=("n",))
def _tape_value_and_grad(theta, psi0, ops, observables, n):
    return jax.value_and_grad(lambda t: tape.expvals(t, ops, observables, n, psi0)[0])(theta)


def reduce_angles(theta) -> np.ndarray:
    """θ mod 4π into (-2π, 2π], in float64: ``2·atan2(sin θ/2, cos θ/2)``.

    Every gate has U(θ + 4π) = U(θ) (generator eigenvalues 0, ±1, -2), so energies and
    gradients are unchanged. libm reduces θ/2 exactly, which ``θ % 4π`` with a rounded
    4π does not for huge θ. Used before rounding angles to float32: 1e7 + 0.3 would
    otherwise lose its 0.3, and θ ≥ 3.5e38 would overflow to inf."""
    half = np.asarray(theta, np.float64) / 2
    return 2 * np.arctan2(np.sin(half), np.cos(half))


def real_dtype(dtype) -> np.dtype:
    cdtype = np.dtype(dtype)
    if cdtype not in (np.complex64, np.complex128):
        raise RevadError(f"dtype must be complex64 or complex128, got {dtype!r}")
    return np.dtype(np.float64 if cdtype == np.complex128 else np.float32)


def angles(theta, rdtype) -> jax.Array:
    """θ as ``rdtype`` (reduced mod 4π in float64 first when ``rdtype`` is float32)."""
    theta = np.asarray(theta, np.float64)
    return jnp.asarray(reduce_angles(theta) if rdtype == np.float32 else theta, rdtype)


def for_precision(compiled, rdtype):
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


def kernels_for(strategy: Strategy) -> Kernels:
    return select(strategy.kernels if isinstance(strategy, Adjoint) else "auto")


class JaxBackend(Backend):
    """Adjoint (native or pure-JAX kernels) and tape, on any JAX device."""

    name = "jax"
    kernels = ("auto", "native", "jax")
    tape = True

    def kernels_in_use(self, strategy: Strategy) -> str | None:
        """``"native"``, or why the pure-JAX kernels run (None for the tape)."""
        if isinstance(strategy, Tape):
            return None
        if strategy.kernels == "jax":
            return "pure JAX (requested)"
        if strategy.kernels == "native":
            native.require()
        return native.status()

    def statevector(self, circuit, theta, dtype, strategy, psi0=None):
        _check_size(circuit.n_qubits)
        rdtype, kernels = real_dtype(dtype), kernels_for(strategy)
        with jax.enable_x64(rdtype == np.float64):
            program = for_precision(compile_fused(circuit), rdtype)
            start = _start(psi0, rdtype)
            return np.asarray(_statevector(angles(theta, rdtype), start, program, kernels))

    def expectation(self, circuit, h, theta, dtype, strategy, psi0=None):
        _check_size(circuit.n_qubits)
        rdtype, kernels = real_dtype(dtype), kernels_for(strategy)
        with jax.enable_x64(rdtype == np.float64):
            program = for_precision(compile_fused(circuit), rdtype)
            obs, start = compile_observables([h]), _start(psi0, rdtype)
            return float(_expectation(angles(theta, rdtype), start, program, obs, kernels))

    def value_and_grad(self, circuit, h, theta, dtype, strategy, psi0=None):
        """(E, ∂E/∂θ, drift); drift (‖recovered ψ0 − ψ0‖) is None for the tape."""
        _check_size(circuit.n_qubits)
        rdtype = real_dtype(dtype)
        with jax.enable_x64(rdtype == np.float64):
            theta, start = angles(theta, rdtype), _start(psi0, rdtype)
            obs = compile_observables([h])
            if isinstance(strategy, Tape):
                ops = for_precision(compile_circuit(circuit), rdtype)
                energy, grad = _tape_value_and_grad(theta, start, ops, obs, circuit.n_qubits)
                return float(energy), np.asarray(grad, np.float64), None
            program = for_precision(compile_fused(circuit), rdtype)
            energy, (grad, drift) = _adjoint_value_and_grad(
                theta, start, program, obs, kernels_for(strategy)
            )
            return float(energy), np.asarray(grad, np.float64), float(drift)

    def state_fn(self, circuit: Circuit, strategy: Strategy) -> Callable:
        """A pure JAX function ``(θ, ψ0=None) -> ψ``; see :class:`Differentiable`."""
        return Differentiable(circuit, strategy).state

    def expval_fn(self, circuit: Circuit, hams: list[Hamiltonian], strategy: Strategy) -> Callable:
        """A pure JAX function ``(θ, ψ0=None) -> (⟨H_k⟩)_k``; see :class:`Differentiable`."""
        return partial(Differentiable(circuit, strategy).expvals, compile_observables(hams))


def _start(psi0, rdtype) -> jax.Array | None:
    """The input state as a JAX array of the run's complex dtype (None: |0…0⟩)."""
    return None if psi0 is None else jnp.asarray(psi0, complex_dtype(rdtype))


class Differentiable:
    """A circuit's state and expectation values as pure JAX functions of (θ, ψ0), through
    the same differentiable path as :meth:`JaxBackend.value_and_grad`: the custom VJPs
    of ``revad.diff.adjoint`` (the sweep), or plain AD through the tape.

    They compose with ``jax.jit``, ``jax.grad`` and ``jax.vmap`` (over θ and over ψ0).
    Precision follows JAX's x64 setting at call time: complex128 when
    ``jax_enable_x64`` is on, complex64 otherwise. ψ0 is None (|0…0⟩), a basis-state
    index, or a state of length 2**n (checked normalised where its values are known,
    i.e. outside ``jit``/``vmap``)."""

    def __init__(self, circuit: Circuit, strategy: Strategy):
        _check_size(circuit.n_qubits)
        self.n_qubits, self.n_params = circuit.n_qubits, circuit.n_params
        self.tape = isinstance(strategy, Tape)
        self.compiled = compile_circuit(circuit) if self.tape else compile_fused(circuit)
        self.kernels = None if self.tape else kernels_for(strategy)

    def state(self, theta, psi0=None) -> jax.Array:
        """ψ = U(θ)ψ0, complex, shape (2**n,)."""
        theta, psi0, compiled = self._inputs(theta, psi0)
        if self.tape:
            return tape.forward(theta, compiled, self.n_qubits, psi0)
        probe = jnp.zeros((), theta.dtype)
        return adjoint.state(theta, psi0, probe, compiled, self.kernels)

    def expvals(self, observables: Observables, theta, psi0=None) -> jax.Array:
        """(⟨ψ|H_k|ψ⟩)_k, real, shape (K,)."""
        theta, psi0, compiled = self._inputs(theta, psi0)
        if self.tape:
            return tape.expvals(theta, compiled, observables, self.n_qubits, psi0)
        probe = jnp.zeros((), theta.dtype)
        return adjoint.expvals(theta, psi0, probe, compiled, observables, self.kernels)

    def _inputs(self, theta, psi0):
        theta = _traced_theta(theta, self.n_params)
        rdtype = np.float64 if theta.dtype == jnp.float64 else np.float32
        psi0 = _traced_psi0(psi0, self.n_qubits, complex_dtype(rdtype))
        return theta, psi0, for_precision(self.compiled, rdtype)


def _traced_theta(theta, n_params: int) -> jax.Array:
    theta = jnp.asarray(theta)
    if jnp.issubdtype(theta.dtype, jnp.complexfloating):
        raise RevadError(f"theta must be real; got a {theta.dtype} array")
    if not jnp.issubdtype(theta.dtype, jnp.floating):
        theta = theta.astype(float)
    if theta.shape != (n_params,):
        raise RevadError(f"theta must have shape ({n_params},) for this circuit, got {theta.shape}")
    return theta


def _traced_psi0(psi0, n: int, cdtype: np.dtype) -> jax.Array | None:
    """ψ0 for a traced function: None, a basis-state index, or a state checked by
    :func:`revad.ir.states.check_state` where its values are known."""
    if psi0 is None:
        return None
    if isinstance(psi0, (int, np.integer)) and not isinstance(psi0, bool):
        index = check_basis_index(psi0, n)
        return (jax.lax.iota(jnp.int32, 2**n) == index).astype(cdtype)
    if isinstance(psi0, jax.core.Tracer):
        if psi0.shape != (2**n,):
            raise RevadError(f"psi0 must have shape ({2**n},) for {n} qubits, got {psi0.shape}")
        return psi0.astype(cdtype)
    return jnp.asarray(check_state(psi0, n), cdtype)


BACKEND = JaxBackend()
