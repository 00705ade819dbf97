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

from ..compile.program import Ops, compile_circuit, compile_fused, compile_hamiltonian
from ..diff import adjoint, tape
from ..diff.strategies import Adjoint, Strategy, Tape
from ..errors import RevadError
from ..ir.circuit import Circuit
from ..ir.hamiltonian import Hamiltonian
from ..kernels import Kernels, native, select
from .base import Backend

MAX_QUBITS = 30  # int32 basis indices


@partial(jax.jit, static_argnames=("kernels",))
def _statevector(theta, program, kernels: Kernels):
    return adjoint.forward(theta, program, kernels)


@partial(jax.jit, static_argnames=("kernels",))
def _expectation(theta, program, ham, kernels: Kernels):
    return adjoint.energy(theta, jnp.zeros((), theta.dtype), program, ham, kernels)


@partial(jax.jit, static_argnames=("kernels",))
def _adjoint_value_and_grad(theta, program, ham, kernels: Kernels):
    """E, (∂E/∂θ, drift): JAX's value_and_grad of the custom VJP (the sweep)."""
    probe = jnp.zeros((), theta.dtype)
    return jax.value_and_grad(adjoint.energy, argnums=(0, 1))(theta, probe, program, ham, kernels)


@partial(jax.jit, static_argnames=("n",))
def _tape_value_and_grad(theta, ops, ham, n):
    return jax.value_and_grad(tape.energy)(theta, ops, ham, n)


def reduce_angles(theta) -> np.ndarray:
    """θ mod 4π into (-2π, 2π], in float64: ``2·atan2(sin θ/2, cos θ/2)``.

    Every gate has U(θ + 4π) = U(θ) (generator eigenvalues 0, ±1, -2), so energies and
    gradients are unchanged. libm reduces θ/2 exactly, which ``θ % 4π`` with a rounded
    4π does not for huge θ. Used before rounding angles to float32: 1e7 + 0.3 would
    otherwise lose its 0.3, and θ ≥ 3.5e38 would overflow to inf."""
    half = np.asarray(theta, np.float64) / 2
    return 2 * np.arctan2(np.sin(half), np.cos(half))


def _real_dtype(dtype) -> np.dtype:
    cdtype = np.dtype(dtype)
    if cdtype not in (np.complex64, np.complex128):
        raise RevadError(f"dtype must be complex64 or complex128, got {dtype!r}")
    return np.dtype(np.float64 if cdtype == np.complex128 else np.float32)


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


def _kernels(strategy: Strategy) -> Kernels:
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

    def statevector(self, circuit, theta, dtype, strategy):
        _check_size(circuit.n_qubits)
        rdtype, kernels = _real_dtype(dtype), _kernels(strategy)
        with jax.enable_x64(rdtype == np.float64):
            program = _for_precision(compile_fused(circuit), rdtype)
            return np.asarray(_statevector(_angles(theta, rdtype), program, kernels))

    def expectation(self, circuit, h, theta, dtype, strategy):
        _check_size(circuit.n_qubits)
        rdtype, kernels = _real_dtype(dtype), _kernels(strategy)
        with jax.enable_x64(rdtype == np.float64):
            program = _for_precision(compile_fused(circuit), rdtype)
            ham = compile_hamiltonian(h)
            return float(_expectation(_angles(theta, rdtype), program, ham, kernels))

    def value_and_grad(self, circuit, h, theta, dtype, strategy):
        """(E, ∂E/∂θ, drift); drift (‖recovered |0⟩ − |0⟩‖) is None for the tape."""
        _check_size(circuit.n_qubits)
        rdtype = _real_dtype(dtype)
        with jax.enable_x64(rdtype == np.float64):
            theta = _angles(theta, rdtype)
            ham = compile_hamiltonian(h)
            if isinstance(strategy, Tape):
                ops = _for_precision(compile_circuit(circuit), rdtype)
                energy, grad = _tape_value_and_grad(theta, ops, ham, circuit.n_qubits)
                return float(energy), np.asarray(grad, np.float64), None
            program = _for_precision(compile_fused(circuit), rdtype)
            energy, (grad, drift) = _adjoint_value_and_grad(theta, program, ham, _kernels(strategy))
            return float(energy), np.asarray(grad, np.float64), float(drift)

    def energy_fn(self, circuit: Circuit, h: Hamiltonian, strategy: Strategy) -> Callable:
        """A pure JAX function ``θ -> E`` through the same differentiable path as
        :meth:`value_and_grad` (the custom VJP for the adjoint, plain AD for the tape).

        Precision follows JAX's x64 setting at call time: complex128 when
        ``jax_enable_x64`` is on, complex64 otherwise."""
        _check_size(circuit.n_qubits)
        ham = compile_hamiltonian(h)

        def check(theta):
            theta = jnp.asarray(theta)
            if jnp.issubdtype(theta.dtype, jnp.complexfloating):
                raise RevadError(f"theta must be real; got a {theta.dtype} array")
            if not jnp.issubdtype(theta.dtype, jnp.floating):
                theta = theta.astype(float)
            if theta.shape != (circuit.n_params,):
                raise RevadError(
                    f"theta must have shape ({circuit.n_params},) for this circuit, "
                    f"got {theta.shape}"
                )
            return theta

        def compiled_for(compiled, theta):  # fixed angles reduced mod 4π in float32
            return _for_precision(
                compiled, np.float64 if theta.dtype == jnp.float64 else np.float32
            )

        if isinstance(strategy, Tape):
            ops = compile_circuit(circuit)

            def tape_energy(theta):
                theta = check(theta)
                return tape.energy(theta, compiled_for(ops, theta), ham, circuit.n_qubits)

            return tape_energy

        program, kernels = compile_fused(circuit), _kernels(strategy)

        def energy(theta):
            theta = check(theta)
            probe = jnp.zeros((), theta.dtype)
            return adjoint.energy(theta, probe, compiled_for(program, theta), ham, kernels)

        return energy


BACKEND = JaxBackend()
