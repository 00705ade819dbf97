"""Kernels: who runs a program's steps. ``select`` resolves a ``kernels=`` choice."""

from __future__ import annotations

from . import native
from .native_steps import Native
from .protocol import Kernels
from .purejax import PureJax

__all__ = ["Kernels", "Native", "PureJax", "select"]


def select(kernels: str = "auto") -> Kernels:
    """``"native"`` (raises if they cannot be built or run), ``"jax"``, or ``"auto"``:
    native where they build and run (CPU; ``REVAD_NATIVE=0`` turns them off), else
    pure JAX (with one warning on CPU saying why)."""
    if kernels == "native":
        native.require()
        return Native()
    if kernels == "auto" and native.enabled():
        return Native()
    return PureJax()
