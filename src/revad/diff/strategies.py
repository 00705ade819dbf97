"""Differentiation strategies as objects: what ``method=`` takes.

- :class:`Adjoint`: the reversible in-place sweep. Run forward keeping only the final
  state; then walk the circuit backwards, read ``∂E/∂θ_k = Im⟨λ|P_k|ψ⟩`` and uncompute ψ
  and λ with inverse gates. Memory is O(1) statevectors whatever the depth. The price
  is one extra pass per gate and round-off that builds up as the state is recovered
  (reported as "drift"). ``kernels`` picks who runs the passes on the JAX backend:
  ``"native"`` is the C++ CPU kernels (fastest on CPU, updates in place, built on first
  use); ``"jax"`` is the pure-JAX kernels (any JAX device, the GPU path); ``"auto"`` is
  native where they build and run (CPU), else pure JAX. ``REVAD_NATIVE=0`` in the
  environment overrides ``"auto"``.
- :class:`Tape`: plain reverse-mode AD through a gate-by-gate simulation, which stores
  every intermediate state. O(depth) memory. It is the yardstick (JAX backend only).

``"adjoint"`` and ``"tape"`` are shorthands for ``Adjoint()`` and ``Tape()``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import RevadError

KERNELS = ("auto", "native", "jax")


@dataclass(frozen=True)
class Adjoint:
    """Reversible adjoint differentiation; ``kernels`` in ``"auto" | "native" | "jax"``."""

    kernels: str = "auto"

    def __post_init__(self) -> None:
        check_kernels(self.kernels)

    @property
    def name(self) -> str:
        return "adjoint"


@dataclass(frozen=True)
class Tape:
    """Reverse-mode AD storing every intermediate state (JAX backend only)."""

    @property
    def name(self) -> str:
        return "tape"


Strategy = Adjoint | Tape
METHODS: dict[str, type[Strategy]] = {"adjoint": Adjoint, "tape": Tape}


def check_kernels(kernels: str) -> str:
    if not isinstance(kernels, str) or kernels not in KERNELS:
        raise RevadError(f"unknown kernels {kernels!r}; choose one of {', '.join(KERNELS)}")
    return kernels


def as_strategy(method: str | Strategy) -> Strategy:
    """``"adjoint"``/``"tape"`` or an :class:`Adjoint`/:class:`Tape` object, else a clear error."""
    if isinstance(method, (Adjoint, Tape)):
        return method
    if isinstance(method, str) and method in METHODS:
        return METHODS[method]()
    raise RevadError(
        f"unknown method {method!r}; choose one of {', '.join(METHODS)}, "
        "revad.Adjoint(kernels=...) or revad.Tape()"
    )
