"""One benchmark case in this process: ``python -m revad.bench.worker --method M --n N --layers L``.

Prints JSON records on lines starting with :data:`MARK`: a partial one after the first
call (status ``"running"``, so a case killed later still has its energy and first-call
time) and after each timed call, then the final one. The runner keeps the last.

Timing: ``time_first`` is the first call (compilation included); then up to
``--repeats`` timed calls, ``time_grad`` being their median. Further calls stop early
when the next one would overrun ``--budget`` (seconds since this process started), but
at least one timed call is always attempted. ``peak_mb`` is this process's
``ru_maxrss`` at the end: interpreter, libraries and the computation together;
``base_mb`` is the same measure just before the first call (imports and problem
construction), so ``peak_mb - base_mb`` approximates what the gradient itself needed.
"""

from __future__ import annotations

import time

_T_START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import traceback  # noqa: E402

MARK = "@@REVAD_BENCH@@ "
THREAD_VARS = (
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "XLA_FLAGS",
    "JAX_PLATFORMS",
)


def peak_mb() -> float:
    """Peak resident set size of this process in MiB (Linux reports KiB, macOS bytes)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def machine_info() -> dict:
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


OOM_MARKERS = ("RESOURCE_EXHAUSTED", "Out of memory", "out of memory", "Unable to allocate")


def is_out_of_memory(exc_or_text) -> bool:
    """A failed allocation (MemoryError, XLA's RESOURCE_EXHAUSTED, NumPy's 'Unable to
    allocate'): the method needs more memory than the machine has, which is a result."""
    if isinstance(exc_or_text, MemoryError):
        return True
    return any(m in str(exc_or_text) for m in OOM_MARKERS)


def _emit(record: dict) -> None:
    print(MARK + json.dumps(record), flush=True)


def _finite_or_none(x):
    return x if isinstance(x, (int, float)) and math.isfinite(x) else None


def run_case(method: str, n: int, layers: int, seed: int = 0, repeats: int = 5,
             budget: float = math.inf, emit=_emit) -> dict:  # fmt: skip
    """Measure one case in this process and return its record (see module docstring)."""
    from .methods import ALWAYS_UNAVAILABLE_ON_ERROR, METHODS, Unavailable, versions
    from .problem import Problem

    if method not in METHODS:
        raise SystemExit(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    spec = METHODS[method]
    rec: dict = {
        "method": method,
        "n": n,
        "layers": layers,
        "seed": seed,
        "energy": None,
        "time_grad": None,
        "time_first": None,
        "peak_mb": None,
        "status": "running",
        "description": spec.description,
        "versions": versions(dict.fromkeys(("revad", *spec.packages))),
        "env": {k: os.environ.get(k) for k in THREAD_VARS},
        "machine": machine_info(),
    }
    phase = "problem"
    try:
        t = time.perf_counter()
        problem = Problem(n, layers, seed)
        rec["n_params"] = problem.n_params
        rec["n_gates"] = problem.n_gates
        phase = "setup"
        call = spec.prepare(problem)
        rec["time_setup"] = time.perf_counter() - t  # imports, problem, peer objects
        rec["base_mb"] = peak_mb()
        phase = "first call"
        t = time.perf_counter()
        energy, grad = call()
        rec["time_first"] = time.perf_counter() - t
        rec["energy"] = _finite_or_none(float(energy))
        rec["grad_checksum"] = _finite_or_none(problem.grad_checksum(grad))
        rec["grad_norm"] = _finite_or_none(float((grad**2).sum() ** 0.5))
        if grad.shape != (problem.n_params,):
            raise RuntimeError(f"gradient has shape {grad.shape}, expected ({problem.n_params},)")
        rec["peak_mb"] = peak_mb()
        if method.startswith(("revad-jax", "pennylane-default")):
            import jax

            rec["device"] = str(jax.devices()[0].platform)
        emit(rec)
        phase = "timed calls"
        times: list[float] = []
        while len(times) < repeats:
            elapsed = time.perf_counter() - _T_START
            if times and elapsed + 1.2 * max(times) > budget:
                break
            t = time.perf_counter()
            call()
            times.append(time.perf_counter() - t)
            rec["times"] = times
            rec["time_grad"] = statistics.median(times)
            rec["peak_mb"] = peak_mb()
            if len(times) < repeats:
                emit(rec)
        rec["repeats"] = len(times)
        rec["status"] = "ok"
    except Unavailable as exc:
        rec["status"] = f"unavailable: {exc}"
    except Exception as exc:  # record it; the runner decides what it means
        reason = f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:300]
        if is_out_of_memory(exc):
            rec["status"] = "oom"
            rec["note"] = f"{phase}: {reason}"
        elif method in ALWAYS_UNAVAILABLE_ON_ERROR and phase in ("setup", "first call"):
            rec["status"] = f"unavailable: {reason}"
        else:
            rec["status"] = f"error: {phase}: {reason}"
        rec["traceback"] = traceback.format_exc()[-3000:]
    rec["peak_mb"] = peak_mb()
    rec["time_total"] = time.perf_counter() - _T_START
    return rec


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m revad.bench.worker", description=__doc__)
    ap.add_argument("--method", required=True)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--layers", type=int, required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--budget", type=float, default=math.inf, help="seconds for this process")
    args = ap.parse_args(argv)
    rec = run_case(args.method, args.n, args.layers, args.seed, args.repeats, args.budget)
    _emit(rec)
    return 0


if __name__ == "__main__":
    sys.exit(main())
