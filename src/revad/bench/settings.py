"""What a benchmark run is asked to do: its suites of (n, layers) cases and its settings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENERGY_TOL = 1e-8
GRAD_TOL = 1e-6  # relative, on the checksum w·∇E

# Suites: (name, sweep axis, fixed value, swept values).
DEPTH_N, DEPTH_LAYERS = 10, (10, 100, 1000, 10000)
WIDTH_LAYERS, WIDTH_N = 10, (4, 8, 12, 16, 20, 22)
QUICK_DEPTH_N, QUICK_DEPTH_LAYERS = 4, (1, 3)
QUICK_WIDTH_LAYERS, QUICK_WIDTH_N = 1, (3, 4)


@dataclass
class Suite:
    name: str  # "depth" or "width"
    cases: list[tuple[int, int]]  # (n, layers), in increasing size


@dataclass
class Settings:
    methods: list[str]
    suites: list[Suite]
    out: Path
    budget: float = 300.0
    repeats: int = 5
    seed: int = 0
    threads: int = 1
    mem_limit_mb: float | None = None
    energy_tol: float = ENERGY_TOL
    kernels: str = "auto"  # revad's JAX adjoint kernels for revad-jax-adjoint (revad.Adjoint)
    progress: bool = True
    command: str = ""
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def make_suites(
    which: str,
    quick: bool,
    depth_n: int | None = None,
    depth_layers: Sequence[int] | None = None,
    width_layers: int | None = None,
    width_n: Sequence[int] | None = None,
) -> list[Suite]:
    """The requested suites, with defaults from the issue (or the quick CI sizes)."""
    dl: Sequence[int]
    wn: Sequence[int]
    if quick:
        dn, dl, wl, wn = QUICK_DEPTH_N, QUICK_DEPTH_LAYERS, QUICK_WIDTH_LAYERS, QUICK_WIDTH_N
    else:
        dn, dl, wl, wn = DEPTH_N, DEPTH_LAYERS, WIDTH_LAYERS, WIDTH_N
    dn = depth_n or dn
    depth_layer_list = sorted(depth_layers or dl)
    wl = width_layers or wl
    width_n_list = sorted(width_n or wn)
    suites = []
    if which in ("depth", "all"):
        suites.append(Suite("depth", [(dn, layers) for layers in depth_layer_list]))
    if which in ("width", "all"):
        suites.append(Suite("width", [(n, wl) for n in width_n_list]))
    if not suites:
        raise ValueError(f"unknown suite {which!r}; choose depth, width or all")
    return suites
