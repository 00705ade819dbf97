"""Where a benchmark runs: machine, package versions, thread settings, git, run info.

What a timing means depends on these, so every record carries the machine, the versions
and the thread environment of its worker, and ``machine.json`` those of the run.
Standard library only (the worker imports this before it measures anything).
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import platform
import subprocess
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .settings import Settings

THREAD_VARS = (
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "XLA_FLAGS",
    "JAX_PLATFORMS",
)
RUN_PACKAGES = ("revad", "numpy", "scipy", "jax", "jaxlib", "pennylane", "pennylane_lightning",
                "qiskit", "qiskit-algorithms", "juliacall", "matplotlib")  # fmt: skip


def machine_info() -> dict[str, Any]:
    """CPU model, core count, OS and Python: what a timing means depends on these."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_mb = None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem_mb = round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "cores_usable": affinity,
        "mem_total_mb": mem_mb,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "hostname": platform.node(),
    }


def versions(packages: Iterable[str]) -> dict[str, str | None]:
    """Installed version of each distribution (None where it is not installed)."""
    out: dict[str, str | None] = {}
    for pkg in packages:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    return out


def worker_env(threads: int) -> dict[str, str]:
    """The environment every worker gets: the same thread count for every library."""
    env = dict(os.environ)
    t = str(threads)
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                "NUMEXPR_NUM_THREADS"):  # fmt: skip
        env[var] = t
    if threads == 1:
        env["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
    else:
        env.pop("XLA_FLAGS", None)
    env.setdefault("PYTHONUNBUFFERED", "1")
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    return env


def default_mem_limit_mb() -> float | None:
    """Half the machine's memory (None where unknown)."""
    total = machine_info().get("mem_total_mb")
    return None if total is None else math.floor(total / 2)


def git_head(where: Path) -> str | None:
    """``<commit>`` (plus ``-dirty`` with local changes) of the checkout holding revad;
    None when revad is not the checkout's own package (a copy inside another repo)."""
    try:
        top = subprocess.run(["git", "-C", str(where), "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, timeout=10)  # fmt: skip
        if top.returncode != 0 or Path(top.stdout.strip()).resolve() != where.resolve().parent:
            return None
        head = subprocess.run(["git", "-C", str(where), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10)  # fmt: skip
        dirty = subprocess.run(["git", "-C", str(where), "status", "--porcelain", "."],
                               capture_output=True, text=True, timeout=10)  # fmt: skip
        return head.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def now() -> str:
    """The local time, ISO 8601 to the second, with its UTC offset."""
    return _dt.datetime.now().astimezone().isoformat(timespec="seconds")


def run_info(settings: Settings) -> dict[str, Any]:
    """The run's facts for ``machine.json``: date, command, machine, versions, settings."""
    env = worker_env(settings.threads)
    import revad

    return {
        "date": now(),
        "command": settings.command,
        "note": settings.note,
        "revad_path": str(Path(revad.__file__).parent),
        "git": git_head(Path(revad.__file__).parent),
        "machine": machine_info(),
        "versions": versions(RUN_PACKAGES),
        "threads": settings.threads,
        "env": {k: env.get(k) for k in THREAD_VARS},
        "budget_s": settings.budget,
        "mem_limit_mb": settings.mem_limit_mb,
        "repeats": settings.repeats,
        "seed": settings.seed,
        "energy_tol": settings.energy_tol,
        "kernels": settings.kernels,
        "methods": settings.methods,
        "suites": {s.name: s.cases for s in settings.suites},
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }
