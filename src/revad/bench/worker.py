"""One benchmark case in this process: ``python -m revad.bench.worker --method M --n N --layers L``.

Prints JSON records (:class:`~revad.bench.records.Record`) on lines starting with
:data:`~revad.bench.records.MARK`: a partial one after the first call (status
``"running"``, so a case killed later still has its energy and first-call time) and
after each timed call, then the final one. The runner keeps the last.

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
import math  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import traceback  # noqa: E402
from collections.abc import Callable  # noqa: E402

from ..diff.strategies import KERNELS  # noqa: E402
from .environment import THREAD_VARS, machine_info, versions  # noqa: E402
from .records import Record, Status, is_out_of_memory, record_line  # noqa: E402


def peak_mb() -> float:
    """Peak resident set size of this process in MiB (Linux reports KiB, macOS bytes)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def _emit(rec: Record) -> None:
    print(record_line(rec), flush=True)


def _finite_or_none(x):
    return x if isinstance(x, (int, float)) and math.isfinite(x) else None


def run_case(
    method: str,
    n: int,
    layers: int,
    seed: int = 0,
    repeats: int = 5,
    budget: float = math.inf,
    emit: Callable[[Record], None] = _emit,
    kernels: str = "auto",
) -> Record:
    """Measure one case in this process and return its record (see module docstring).

    ``kernels`` is ``revad bench --kernels``: the kernels of ``revad-jax-adjoint``
    (:meth:`Method.kernels <revad.bench.methods.Method.kernels>`; other methods ignore it).
    """
    from .methods import ALWAYS_UNAVAILABLE_ON_ERROR, METHODS, Unavailable, kernels_in_use
    from .problem import Problem

    if method not in METHODS:
        raise SystemExit(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    spec = METHODS[method]
    rec = Record(
        method=method,
        n=n,
        layers=layers,
        seed=seed,
        status=Status.RUNNING,
        kernels=spec.kernels(kernels),
        description=spec.description,
        versions=versions(dict.fromkeys(("revad", *spec.packages))),
        env={k: os.environ.get(k) for k in THREAD_VARS},
        machine=machine_info(),
    )
    phase = "problem"
    try:
        t = time.perf_counter()
        problem = Problem(n, layers, seed)
        rec.n_params = problem.n_params
        rec.n_gates = problem.n_gates
        phase = "setup"
        call = spec.prepare(problem, rec.kernels)
        rec.time_setup = time.perf_counter() - t  # imports, problem, peer objects
        rec.base_mb = peak_mb()
        phase = "first call"
        t = time.perf_counter()
        energy, grad = call()
        rec.time_first = time.perf_counter() - t
        rec.energy = _finite_or_none(float(energy))
        rec.grad_checksum = _finite_or_none(problem.grad_checksum(grad))
        rec.grad_norm = _finite_or_none(float((grad**2).sum() ** 0.5))
        if grad.shape != (problem.n_params,):
            raise RuntimeError(f"gradient has shape {grad.shape}, expected ({problem.n_params},)")
        rec.peak_mb = peak_mb()
        if method.startswith(("revad-jax", "pennylane-default")):
            import jax

            rec.device = str(jax.devices()[0].platform)
        if rec.kernels is not None:  # after the first call: loading them is part of it
            rec.kernels_in_use = _kernels_in_use(kernels_in_use, rec.kernels)
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
            rec.times = times
            rec.time_grad = statistics.median(times)
            rec.peak_mb = peak_mb()
            if len(times) < repeats:
                emit(rec)
        rec.repeats = len(times)
        rec.status = Status.OK
    except Unavailable as exc:
        rec.status, rec.reason = Status.UNAVAILABLE, str(exc)
    except Exception as exc:  # record it; the runner decides what it means
        reason = f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:300]
        if is_out_of_memory(exc):
            rec.status, rec.reason = Status.OOM, f"{phase}: {reason}"
        elif method in ALWAYS_UNAVAILABLE_ON_ERROR and phase in ("setup", "first call"):
            rec.status, rec.reason = Status.UNAVAILABLE, reason
        else:
            rec.status, rec.reason = Status.ERROR, f"{phase}: {reason}"
        rec.traceback = traceback.format_exc()[-3000:]
    rec.peak_mb = peak_mb()
    rec.time_total = time.perf_counter() - _T_START
    return rec


def _kernels_in_use(query: Callable[[str], str | None], kernels: str) -> str | None:
    """The record's ``kernels_in_use``; a failure to say is noted, not fatal to the case."""
    try:
        return query(kernels)
    except Exception as exc:
        return f"unknown ({type(exc).__name__}: {exc})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m revad.bench.worker", description=__doc__)
    ap.add_argument("--method", required=True)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--layers", type=int, required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--budget", type=float, default=math.inf, help="seconds for this process")
    ap.add_argument("--kernels", choices=KERNELS, default="auto",
                    help="revad-jax-adjoint's kernels: revad.Adjoint(kernels=...)")  # fmt: skip
    args = ap.parse_args(argv)
    rec = run_case(args.method, args.n, args.layers, args.seed, args.repeats, args.budget,
                   kernels=args.kernels)  # fmt: skip
    _emit(rec)
    return 0


if __name__ == "__main__":
    sys.exit(main())
