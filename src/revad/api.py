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
from .ir.states import initial_state
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


def _check_observables(circuit: Circuit, hams) -> list[Hamiltonian]:
    if isinstance(hams, Hamiltonian) or not isinstance(hams, (list, tuple)) or not hams:
        raise RevadError("expected a non-empty list of revad.Hamiltonian observables")
    for h in hams:
        _check_pair(circuit, h)
    return list(hams)


def statevector(
    circuit: Circuit,
    theta=None,
    backend: str = "jax",
    dtype="complex128",
    kernels: str = "auto",
    psi0=None,
    devices=None,
):
    """ψ = U(θ)ψ0 as a NumPy array of length 2**n (qubit 0 = least significant bit).

    ``psi0``: None (|0…0⟩), a basis-state index, or a normalised state of length 2**n.
    ``kernels`` (``"auto" | "native" | "jax"``) picks the JAX backend's kernels, as
    :class:`revad.Adjoint` does. ``devices``: split the state over D JAX devices (an int,
    the first D; or a list of devices or a mesh; D a power of two; see
    ``revad.distributed.schedule``), from |0…0⟩ on the JAX backend."""
    if not isinstance(circuit, Circuit):
        raise RevadError(f"expected a revad.Circuit, got {type(circuit).__name__}")
    theta, dtype, strategy = check_theta(circuit, theta), _check_dtype(dtype), Adjoint(kernels)
    if devices is not None:
        return _sharded(circuit, None, devices, strategy, backend, psi0).statevector(theta, dtype)
    simulator = _backend(backend, strategy)
    _check_memory(circuit, "statevector", dtype, backend, strategy)
    start = initial_state(psi0, circuit.n_qubits)
    return simulator.statevector(circuit, theta, dtype, strategy, start)


def expectation(
    circuit: Circuit,
    h: Hamiltonian,
    theta=None,
    backend: str = "jax",
    dtype="complex128",
    kernels: str = "auto",
    psi0=None,
    devices=None,
) -> float:
    """E = ⟨ψ|H|ψ⟩ as a float; ``kernels``, ``psi0`` and ``devices`` as for
    :func:`statevector`."""
    _check_pair(circuit, h)
    theta, dtype, strategy = check_theta(circuit, theta), _check_dtype(dtype), Adjoint(kernels)
    if devices is not None:
        return _sharded(circuit, h, devices, strategy, backend, psi0).expectation(theta, dtype)
    simulator = _backend(backend, strategy)
    _check_memory(circuit, "expectation", dtype, backend, strategy)
    start = initial_state(psi0, circuit.n_qubits)
    return simulator.expectation(circuit, h, theta, dtype, strategy, start)


def value_and_grad(
    circuit: Circuit,
    h: Hamiltonian,
    theta=None,
    backend: str = "jax",
    method: str | Strategy = "adjoint",
    dtype="complex128",
    return_drift: bool = False,
    psi0=None,
    devices=None,
):
    """(E, ∂E/∂θ). ``method``: ``"adjoint"`` or ``revad.Adjoint(kernels=...)``, the
    reversible sweep (O(1) statevectors in depth); ``"tape"`` or ``revad.Tape()``,
    reverse-mode AD storing every intermediate state (JAX only). See
    :mod:`revad.diff.strategies` for the trade-offs. ``psi0`` as for :func:`statevector`
    (for ∂E/∂ψ0, differentiate :func:`energy_fn`).

    With ``return_drift=True`` also returns ‖ψ_recovered − ψ0‖ after the adjoint
    sweep: the round-off accumulated by uncomputing (None for tape and Yao).
    ``devices`` as for :func:`statevector` (the sweep runs on every shard).
    """
    _check_pair(circuit, h)
    theta, dtype, strategy = check_theta(circuit, theta), _check_dtype(dtype), as_strategy(method)
    if devices is not None:
        run = _sharded(circuit, h, devices, strategy, backend, psi0)
        energy, grad, drift = run.value_and_grad(theta, dtype)
        return (energy, grad, drift) if return_drift else (energy, grad)
    simulator = _backend(backend, strategy)
    _check_memory(circuit, "value_and_grad", dtype, backend, strategy)
    start = initial_state(psi0, circuit.n_qubits)
    energy, grad, drift = simulator.value_and_grad(circuit, h, theta, dtype, strategy, start)
    return (energy, grad, drift) if return_drift else (energy, grad)


def _sharded(circuit: Circuit, h, devices, strategy: Strategy, backend: str, psi0):
    """The circuit compiled for ``devices`` (``revad.distributed``), or a clear error."""
    if backend != "jax":
        raise RevadError(f"devices= needs the JAX backend, got backend={backend!r}")
    if not isinstance(strategy, Adjoint):
        raise RevadError("devices= runs the adjoint sweep only (not the tape)")
    if psi0 is not None:
        raise RevadError("devices= starts from |0…0⟩; psi0 is not supported with it")
    from .backends.jax_backend import kernels_for
    from .distributed.sharded import mesh_of, sharded

    return sharded(circuit.key(), h, mesh_of(devices), kernels_for(strategy))  # type: ignore[arg-type]


def _jax_backend(circuit: Circuit, strategy: Strategy):
    _check_memory(circuit, "value_and_grad", "complex128", "jax", strategy)
    from .backends.jax_backend import BACKEND as jax_backend

    jax_backend.check(strategy)
    return jax_backend


def state_fn(circuit: Circuit, method: str | Strategy = "adjoint") -> Callable:
    """A pure JAX function ``(θ, ψ0=None) -> ψ``, complex of shape (2**n,).

    ``ψ0``: None (|0…0⟩), a basis-state index, or a normalised complex array of length
    2**n. For the adjoint its VJP is the reversible sweep started from the cotangent
    ψ̄: gradients with respect to θ and ψ0 in O(1) statevectors whatever the depth, so
    any real function of the state (a fidelity, an overlap, probabilities) trains
    through it. Composes with ``jax.jit``, ``jax.grad`` and ``jax.vmap`` (over θ and over
    a batch of ψ0). Precision follows JAX's x64 flag (complex128 when it is on). The
    function is built from the circuit as it is now: changing the circuit afterwards
    does not change it (call ``state_fn`` again)."""
    if not isinstance(circuit, Circuit):
        raise RevadError(f"expected a revad.Circuit, got {type(circuit).__name__}")
    strategy = as_strategy(method)
    return _jax_backend(circuit, strategy).state_fn(circuit, strategy)


def expval_fn(
    circuit: Circuit, observables: list[Hamiltonian], method: str | Strategy = "adjoint"
) -> Callable:
    """A pure JAX function ``(θ, ψ0=None) -> (⟨H_1⟩, …, ⟨H_K⟩)``, a real array of shape (K,).

    For the adjoint its VJP is one reversible sweep whatever K, started from
    ``λ = Σ_k w_k H_k ψ`` for the cotangent weights w. ``ψ0``, composition and
    precision as for :func:`state_fn`."""
    hams = _check_observables(circuit, observables)
    strategy = as_strategy(method)
    return _jax_backend(circuit, strategy).expval_fn(circuit, hams, strategy)


def energy_fn(
    circuit: Circuit, h: Hamiltonian, method: str | Strategy = "adjoint", devices=None
) -> Callable:
    """A pure JAX function ``(θ, ψ0=None) -> E``; for the adjoint its VJP is the reversible
    sweep (with respect to θ and ψ0).

    Composes with ``jax.jit``, ``jax.grad`` and ``jax.vmap``. Precision follows JAX's
    x64 flag: enable it (``jax.config.update("jax_enable_x64", True)``) for complex128.
    The function is built from the circuit and Hamiltonian as they are now: changing the
    circuit afterwards does not change it (call ``energy_fn`` again). With ``devices``
    (as for :func:`statevector`) it is ``θ -> E`` on the split state, from |0…0⟩.
    """
    _check_pair(circuit, h)
    if devices is not None:
        return _sharded(circuit, h, devices, as_strategy(method), "jax", None).energy_fn()
    expvals = expval_fn(circuit, [h], method)

    def energy(theta, psi0=None):
        return expvals(theta, psi0)[0]

    return energy
