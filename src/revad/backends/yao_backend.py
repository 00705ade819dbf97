"""Yao.jl backend: the same circuit and Hamiltonian, simulated and differentiated by Yao.

The circuit goes to Julia as a few integer/float arrays (:mod:`.yao_encoding`: gate codes,
qubits, Pauli letters of ``pauli_rot``, the matrices of ``unitary``, slots, fixed angles);
every gate of revad's registry and its ``pauli_rot``, ``mcx`` and ``unitary`` families is
supported, and a gate that is not is refused with a RevadError before Julia starts. The Julia
package ``RevadYao`` (``julia/`` in the repository, declared with Yao in
``revad/juliapkg.json``) rebuilds it as a Yao block and differentiates it with Yao's
reversible adjoint ``expect'(h, reg => circuit)``. Gradients come back per revad slot
(shared slots added; fixed angles are not trainable). There is no drift estimate: Yao's
sweep does not expose the recovered input state, so ``value_and_grad`` returns ``None``.

Julia is started on the first call by :mod:`.julia_runtime` (juliacall and juliapkg find
or, only with ``REVAD_YAO_ALLOW_DOWNLOAD=1``, download it): without a Julia every call
fails at once with :class:`JuliaUnavailableError`, naming what is missing and how to get it.

First-call latency: starting Julia takes a few seconds; the very first use on a machine
resolves the Julia environment (installs Yao and its dependencies, then precompiles),
which takes minutes; the first call of each function then compiles it (tens of seconds
for ``energy_and_gradient``). Later calls run at Yao's speed. See ``docs/yao.md``.

Environment: ``REVAD_YAO_DEVICE=cuda`` runs on the GPU (needs CUDA.jl in the Julia
environment); the Julia runtime's variables are listed in :mod:`.julia_runtime`.
"""

from __future__ import annotations

import os

import numpy as np

from ..errors import RevadError
from ..ir.circuit import Circuit
from ..ir.hamiltonian import Hamiltonian
from . import julia_runtime
from .base import Backend
from .julia_runtime import (
    ALLOW_DOWNLOAD_ENV,
    JULIA_PACKAGE_DIR,
    JULIAPKG_JSON,
    JuliaUnavailableError,
    find_julia,
)
from .yao_encoding import encode_circuit, encode_hamiltonian

__all__ = [
    "ALLOW_DOWNLOAD_ENV",
    "DEVICE_ENV",
    "JULIAPKG_JSON",
    "JULIA_PACKAGE_DIR",
    "BACKEND",
    "JuliaUnavailableError",
    "find_julia",
    "julia_module",
]

DEVICE_ENV = "REVAD_YAO_DEVICE"

_state: dict = {"module": None, "bridge": None, "cuda": False}
"""The Julia module RevadYao once loaded, the juliacall module it was loaded in, and
whether CUDA.jl was loaded there."""


def _device() -> str:
    device = os.environ.get(DEVICE_ENV, "cpu").strip().lower() or "cpu"
    if device not in ("cpu", "cuda"):
        raise RevadError(f"{DEVICE_ENV} must be 'cpu' or 'cuda', got {device!r}")
    return device


def julia_module():
    """The loaded Julia module ``RevadYao`` (starts Julia on first use)."""
    if _state["module"] is None:
        bridge = julia_runtime.load_revad_yao()  # or JuliaUnavailableError
        _state.update(bridge=bridge, module=bridge.RevadYao)
    return _state["module"]


def _load_cuda() -> None:
    """``using CUDA`` once, for ``REVAD_YAO_DEVICE=cuda`` (loads RevadYao's CUDA extension)."""
    if _state.get("cuda"):
        return
    try:
        _state["bridge"].seval("using CUDA")
    except Exception as exc:
        raise RevadError(
            f"{DEVICE_ENV}=cuda but CUDA.jl could not be loaded ({julia_runtime.describe(exc)}). "
            "Add it to the Julia environment: `python -c \"import juliapkg; juliapkg.add('CUDA', "
            "'052768ef-5323-5732-b1bb-66c8b64840ba'); juliapkg.resolve()\"`."
        ) from None
    _state["cuda"] = True


def _circuit_args(circuit: Circuit, theta: np.ndarray) -> tuple:
    """The encoded circuit and RevadYao's circuit arguments ``(n, codes, arity, locs,
    letters, slots, angles, matrices, theta)``. Encoding runs before Julia is started, so a
    gate the Yao backend does not support fails at once (RevadError naming it)."""
    enc = encode_circuit(circuit)
    theta = np.ascontiguousarray(theta, dtype=np.float64)
    return enc, (enc.n_qubits, *enc.arrays(), theta)


def _hamiltonian_args(h: Hamiltonian) -> tuple:
    enc = encode_hamiltonian(h)
    return enc.coeffs, enc.term, enc.pauli, enc.qubit


def _call(name: str, *args, dtype, psi0: np.ndarray | None):
    """Call ``RevadYao.<name>(args...; dtype, device[, psi0])``, starting Julia if needed;
    ψ0 goes as float64 with real and imaginary parts interleaved."""
    device = _device()
    module = julia_module()
    if device == "cuda":
        _load_cuda()
    kwargs = {"dtype": np.dtype(dtype).name, "device": device}
    if psi0 is not None:
        kwargs["psi0"] = np.ascontiguousarray(psi0, np.complex128).view(np.float64)
    return getattr(module, name)(*args, **kwargs)


class YaoBackend(Backend):
    """Yao.jl through juliacall: its own reversible adjoint (``expect'``), no kernel choice."""

    name = "yao"

    def statevector(self, circuit, theta, dtype, strategy, psi0=None):
        """ψ = U(θ)ψ0 from Yao (qubit 0 = least significant bit)."""
        _, args = _circuit_args(circuit, theta)
        result = _call("statevector", *args, dtype=dtype, psi0=psi0)
        interleaved = np.array(result, dtype=np.float64)
        return interleaved.view(np.complex128).astype(dtype)

    def expectation(self, circuit, h, theta, dtype, strategy, psi0=None):
        """⟨ψ|H|ψ⟩ from Yao's ``expect``."""
        _, args = _circuit_args(circuit, theta)
        return float(_call("expectation", *args, *_hamiltonian_args(h), dtype=dtype, psi0=psi0))

    def value_and_grad(self, circuit, h, theta, dtype, strategy, psi0=None):
        """(E, ∂E/∂θ, None) from one call of Yao's ``expect'`` (reversible adjoint)."""
        enc, args = _circuit_args(circuit, theta)
        h_args = _hamiltonian_args(h)
        energy, grad = _call(
            "energy_and_gradient", *args, enc.n_params, *h_args, dtype=dtype, psi0=psi0
        )
        grad = np.array(grad, dtype=np.float64)
        if grad.shape != (enc.n_params,):
            raise RevadError(
                f"Yao returned a gradient of shape {grad.shape}, not ({enc.n_params},)"
            )
        return float(energy), grad, None


BACKEND = YaoBackend()
