"""Top-level functions: validate input, dispatch to a backend, return NumPy results."""

from __future__ import annotations

import importlib
from collections.abc import Callable

import numpy as np

from .backends.base import Backend
from .diff.strategies import Adjoint, Strategy, Tape, as_strategy
from .errors import RevadError
from .ir.circuit import Circuit
from .ir.hamiltonian import Hamiltonian
from .limits import check_memory

BACKENDS = {  # imported on first use: each module's BACKEND (revad.backends.base.Backend)
    "numpy": "revad.backends.numpy_backend",
    "jax": "revad.backends.jax_backend",
    "yao": "revad.backends.yao_backend",
}
DTYPES = ("complex128", "complex64")
# Statevectors a call holds at its peak (the NumPy adjoint: ψ, λ, 2.5 scratch, H·ψ;
# the JAX one: ψ, λ, scratch, plus the result copied out); tape adds one per gate.
STATES = {"statevector": 2, "expectation": 3, "value_and_grad": 5}


def _choice(value, choices, what: str) -> str:
    if not isinstance(value, str) or value not in choices:
        raise RevadError(f"unknown {what} {value!r}; choose one of {', '.join(choices)}")
    return value


def backend_named(name: str) -> Backend:
    """The backend object named ``name`` (its module is imported on first use)."""
    return importlib.import_module(BACKENDS[_choice(name, BACKENDS, "backend")]).BACKEND


def _backend(name: str, strategy: Strategy) -> Backend:
    """The backend object named ``name``, checked to run ``strategy``."""
    backend = backend_named(name)
    backend.check(strategy)
    return backend


def kernels_in_use(strategy: Strategy | str = "adjoint", backend: str = "jax") -> str | None:
    """Which kernels ``strategy`` runs on ``backend``: ``"native"``, or why the pure-JAX
    ones; None where the backend or strategy has no kernel choice (NumPy, Yao, tape)."""
    strategy = as_strategy(strategy)
    return _backend(backend, strategy).kernels_in_use(strategy)


def _check_memory(circuit: Circuit, call: str, dtype, backend: str, strategy: Strategy) -> None:
    """Refuse before allocating when the statevectors a call needs exceed free memory."""
    tape = isinstance(strategy, Tape)
    n_states = STATES[call] + (len(circuit) if tape else 0)
    what = f"{call} on {circuit.n_qubits} qubits ({backend} backend{', tape' if tape else ''})"
    check_memory(circuit.n_qubits, n_states, dtype, what)


def _check_dtype(dtype) -> np.dtype:
    try:
        dt = np.dtype(dtype)
    except (TypeError, ValueError):
        dt = None
    if dt is None or dt.name not in DTYPES:
        raise RevadError(f"dtype must be one of {', '.join(DTYPES)}, got {dtype!r}")
    return dt


def check_theta(circuit: Circuit, theta) -> np.ndarray:
    """θ as a finite float64 vector of length ``circuit.n_params``, or a clear error."""
    if theta is None:
        theta = np.zeros(0)
    theta = np.asarray(theta)
    if np.iscomplexobj(theta):
        raise RevadError("theta must be real; got a complex array")
    if not (np.issubdtype(theta.dtype, np.floating) or np.issubdtype(theta.dtype, np.integer)):
        raise RevadError(f"theta must be an array of real numbers, got dtype {theta.dtype}")
    if theta.ndim != 1 or theta.shape[0] != circuit.n_params:
        raise RevadError(
            f"theta has shape {theta.shape}; this circuit has {circuit.n_params} parameters, "
            f"so theta must have shape ({circuit.n_params},)"
        )
    if not np.all(np.isfinite(theta)):
        bad = int(np.flatnonzero(~np.isfinite(theta))[0])
        raise RevadError(f"theta contains NaN or inf (first at index {bad})")
    return theta.astype(np.float64)


def _check_pair(circuit: Circuit, h: Hamiltonian) -> None:
    if not isinstance(circuit, Circuit):
        raise RevadError(f"expected a revad.Circuit, got {type(circuit).__name__}")
    if not isinstance(h, Hamiltonian):
        raise RevadError(f"expected a revad.Hamiltonian, got {type(h).__name__}")
    if h.n_qubits > circuit.n_qubits:
        raise RevadError(
            f"the Hamiltonian acts on {h.n_qubits} qubits but the circuit has {circuit.n_qubits}"
        )


def statevector(
    circuit: Circuit, theta=None, backend: str = "jax", dtype="complex128", kernels: str = "auto"
):
    """ψ = U(θ)|0…0⟩ as a NumPy array of length 2**n (qubit 0 = least significant bit).

    ``kernels`` (``"auto" | "native" | "jax"``) picks the JAX backend's kernels, as
    :class:`revad.Adjoint` does."""
    if not isinstance(circuit, Circuit):
        raise RevadError(f"expected a revad.Circuit, got {type(circuit).__name__}")
    theta, dtype, strategy = check_theta(circuit, theta), _check_dtype(dtype), Adjoint(kernels)
    simulator = _backend(backend, strategy)
    _check_memory(circuit, "statevector", dtype, backend, strategy)
    return simulator.statevector(circuit, theta, dtype, strategy)


def expectation(
    circuit: Circuit,
    h: Hamiltonian,
    theta=None,
    backend: str = "jax",
    dtype="complex128",
    kernels: str = "auto",
) -> float:
    """E = ⟨ψ|H|ψ⟩ as a float; ``kernels`` as for :func:`statevector`."""
    _check_pair(circuit, h)
    theta, dtype, strategy = check_theta(circuit, theta), _check_dtype(dtype), Adjoint(kernels)
    simulator = _backend(backend, strategy)
    _check_memory(circuit, "expectation", dtype, backend, strategy)
    return simulator.expectation(circuit, h, theta, dtype, strategy)


def value_and_grad(
    circuit: Circuit,
    h: Hamiltonian,
    theta=None,
    backend: str = "jax",
    method: str | Strategy = "adjoint",
    dtype="complex128",
    return_drift: bool = False,
):
    """(E, ∂E/∂θ). ``method``: ``"adjoint"`` or ``revad.Adjoint(kernels=...)``, the
    reversible sweep (O(1) statevectors in depth); ``"tape"`` or ``revad.Tape()``,
    reverse-mode AD storing every intermediate state (JAX only). See
    :mod:`revad.diff.strategies` for the trade-offs.

    With ``return_drift=True`` also returns ‖ψ_recovered − |0⟩‖ after the adjoint
    sweep: the round-off accumulated by uncomputing (None for tape).
    """
    _check_pair(circuit, h)
    theta, dtype, strategy = check_theta(circuit, theta), _check_dtype(dtype), as_strategy(method)
    simulator = _backend(backend, strategy)
    _check_memory(circuit, "value_and_grad", dtype, backend, strategy)
    energy, grad, drift = simulator.value_and_grad(circuit, h, theta, dtype, strategy)
    return (energy, grad, drift) if return_drift else (energy, grad)


def energy_fn(circuit: Circuit, h: Hamiltonian, method: str | Strategy = "adjoint") -> Callable:
    """A pure JAX function ``θ -> E``; for the adjoint its VJP is the reversible sweep.

    Composes with ``jax.jit``, ``jax.grad`` and ``jax.vmap``. Precision follows JAX's
    x64 flag: enable it (``jax.config.update("jax_enable_x64", True)``) for complex128.
    The function is built from the circuit and Hamiltonian as they are now: changing the
    circuit afterwards does not change it (call ``energy_fn`` again).
    """
    _check_pair(circuit, h)
    strategy = as_strategy(method)
    _check_memory(circuit, "value_and_grad", "complex128", "jax", strategy)
    from .backends.jax_backend import BACKEND as jax_backend

    jax_backend.check(strategy)
    return jax_backend.energy_fn(circuit, h, strategy)
