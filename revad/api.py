"""Top-level functions: validate input, dispatch to a backend, return NumPy results."""

from __future__ import annotations

import importlib
from collections.abc import Callable

import numpy as np

from .circuit import Circuit
from .errors import RevadError
from .hamiltonian import Hamiltonian

BACKENDS = {
    "numpy": "revad.backends.numpy_backend",
    "jax": "revad.backends.jax_backend",
    "yao": "revad.backends.yao_backend",
}
METHODS = ("adjoint", "tape")
DTYPES = ("complex128", "complex64")


def _backend(name: str):
    if name not in BACKENDS:
        raise RevadError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")
    return importlib.import_module(BACKENDS[name])


def _check_dtype(dtype) -> np.dtype:
    try:
        dt = np.dtype(dtype)
    except TypeError:
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


def statevector(circuit: Circuit, theta=None, backend: str = "jax", dtype="complex128"):
    """ψ = U(θ)|0…0⟩ as a NumPy array of length 2**n (qubit 0 = least significant bit)."""
    if not isinstance(circuit, Circuit):
        raise RevadError(f"expected a revad.Circuit, got {type(circuit).__name__}")
    theta = check_theta(circuit, theta)
    return _backend(backend).statevector(circuit, theta, dtype=_check_dtype(dtype))


def expectation(
    circuit: Circuit, h: Hamiltonian, theta=None, backend: str = "jax", dtype="complex128"
) -> float:
    """E = ⟨ψ|H|ψ⟩ as a float."""
    _check_pair(circuit, h)
    theta = check_theta(circuit, theta)
    return _backend(backend).expectation(circuit, h, theta, dtype=_check_dtype(dtype))


def value_and_grad(
    circuit: Circuit,
    h: Hamiltonian,
    theta=None,
    backend: str = "jax",
    method: str = "adjoint",
    dtype="complex128",
    return_drift: bool = False,
):
    """(E, ∂E/∂θ). ``method="adjoint"``: reversible sweep, O(1) statevectors in depth;
    ``"tape"``: reverse-mode AD storing every intermediate state (JAX only).

    With ``return_drift=True`` also returns ‖ψ_recovered − |0⟩‖ after the adjoint
    sweep: the round-off accumulated by uncomputing (None for tape).
    """
    _check_pair(circuit, h)
    theta = check_theta(circuit, theta)
    if method not in METHODS:
        raise RevadError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    module = _backend(backend)
    dtype = _check_dtype(dtype)
    if method == "adjoint":
        energy, grad, drift = module.value_and_grad(circuit, h, theta, dtype=dtype)
    elif backend == "jax":
        energy, grad, drift = module.value_and_grad(circuit, h, theta, method="tape", dtype=dtype)
    else:
        raise RevadError(f"method 'tape' needs backend 'jax' (got backend {backend!r})")
    return (energy, grad, drift) if return_drift else (energy, grad)


def energy_fn(circuit: Circuit, h: Hamiltonian, method: str = "adjoint") -> Callable:
    """A pure JAX function ``θ -> E``; for ``"adjoint"`` its VJP is the reversible sweep.

    Composes with ``jax.jit``, ``jax.grad`` and ``jax.vmap``. Precision follows JAX's
    x64 flag: enable it (``jax.config.update("jax_enable_x64", True)``) for complex128.
    """
    _check_pair(circuit, h)
    if method not in METHODS:
        raise RevadError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    return _backend("jax").energy_fn(circuit, h, method=method)
