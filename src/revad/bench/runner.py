"""Run benchmark suites: every (method, n, layers) case, in order, with a budget each.

Each case runs in its own worker process (:func:`.case.run_one`), with the same thread
settings for all methods. A case killed at its time budget (status ``timeout``) or its
memory limit (``oom``) keeps what it measured before; the runner then skips that method
for the larger sizes of the same sweep, recording each skipped case (status
``skipped``, the reason saying where it stopped) — nothing is dropped silently. After
each size the energies of all methods are compared (:func:`.checks.check_energies`); any
disagreement beyond the tolerance is a failure of the run. ``results.json`` is rewritten
atomically after every case, so an interrupted run keeps everything it finished.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from ..io.atomic import atomic_write_text
from .case import run_one
from .checks import check_energies
from .environment import now, run_info
from .methods import kernels_for
from .records import Record, Status, classify, json_text, write_records
from .settings import ENERGY_TOL, Settings, Suite

__all__ = ["Settings", "Suite", "replot", "run", "write_reports"]


def _fmt_case(r: Record) -> str:
    st = r.label
    parts = [f"{r.method:<28} n={r.n:<3} L={r.layers:<6}"]
    if r.time_grad is not None:
        parts.append(f"grad {r.time_grad:.4g}s")
    if r.time_first is not None:
        parts.append(f"first {r.time_first:.4g}s")
    if r.peak_mb is not None:
        parts.append(f"{r.peak_mb:.0f}MB")
    if r.energy is not None:
        parts.append(f"E={r.energy:.10f}")
    parts.append(st if len(st) < 90 else st[:87] + "...")
    return "  ".join(parts)


def _write_info(out: Path, info: dict[str, Any]) -> None:
    atomic_write_text(out / "machine.json", json_text(info))


def run(settings: Settings) -> tuple[list[Record], list[str]]:
    """Run every suite; write results, table and plots into ``settings.out``."""
    from tqdm.auto import tqdm

    out = settings.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "logs").mkdir(exist_ok=True)
    info = run_info(settings)
    _write_info(out, info)

    records: list[Record] = []
    done: dict[tuple[str, int, int], Record] = {}
    failures: list[str] = []
    total = sum(len(s.cases) for s in settings.suites) * len(settings.methods)
    bar = tqdm(total=total, unit="case", disable=not settings.progress, dynamic_ncols=True,
               file=sys.stderr)  # fmt: skip

    def save():
        write_records(out / "results.json", records)

    unavailable: dict[str, str] = {}  # method -> why it cannot run here at all
    for suite in settings.suites:
        blocked: dict[str, str] = dict(unavailable)  # method -> why larger sizes are skipped
        for n, layers in suite.cases:
            case_records = []
            for method in settings.methods:
                key = (method, n, layers)
                if key in done:  # same case already measured for another suite
                    rec = done[key]
                    if suite.name not in rec.suites:
                        rec.suites.append(suite.name)
                elif method in blocked:
                    rec = Record(method=method, n=n, layers=layers, seed=settings.seed,
                                 status=Status.SKIPPED, reason=blocked[method],
                                 kernels=kernels_for(method, settings.kernels),
                                 suites=[suite.name])  # fmt: skip
                    records.append(rec)
                else:
                    bar.set_description(f"{suite.name}: {method} n={n} L={layers}")

                    last = [-1]

                    def poll(elapsed, rss, _bar=bar, _last=last):
                        if int(elapsed) // 2 == _last[0]:  # refresh every 2 s, not 10 Hz
                            return
                        _last[0] = int(elapsed) // 2
                        mem = f" {rss:.0f} MB" if rss else ""
                        _bar.set_postfix_str(f"{elapsed:.0f}s{mem}", refresh=True)

                    log = out / "logs" / f"{method}_n{n}_L{layers}.log"
                    rec = run_one(method, n, layers, seed=settings.seed,
                                  repeats=settings.repeats, budget=settings.budget,
                                  mem_limit_mb=settings.mem_limit_mb, threads=settings.threads,
                                  kernels=settings.kernels, log=log, on_poll=poll)  # fmt: skip
                    rec.log = os.path.relpath(log, out)
                    rec.suites = [suite.name]
                    if rec.status is Status.OK:
                        rec.traceback = None
                    records.append(rec)
                    done[key] = rec
                    if rec.status is not Status.OK:
                        axis = f"layers={layers}" if suite.name == "depth" else f"n={n}"
                        if rec.status is Status.UNAVAILABLE:
                            blocked[method] = unavailable[method] = rec.label
                        else:
                            blocked[method] = f"{rec.status.value} at {axis}"
                    tqdm.write(_fmt_case(rec), file=sys.stderr)
                    save()
                bar.update(1)
                case_records.append(rec)
            new = check_energies(case_records, settings.energy_tol)
            for msg in new:
                if msg not in failures:
                    failures.append(msg)
                    tqdm.write("ENERGY CHECK FAILED: " + msg, file=sys.stderr)
            save()
    bar.close()

    info["failures"] = failures
    info["finished"] = now()
    _write_info(out, info)
    save()
    write_reports(records, info, out)
    return records, failures


def write_reports(records: list[Record], info: dict[str, Any], out: Path) -> None:
    """``results.md`` and the plots (a plotting failure is reported, never fatal)."""
    from .report import write_table

    write_table(records, info, out / "results.md")
    try:
        from .plots import make_plots

        info["plots"] = [p.name for p in make_plots(records, info, out)]
    except Exception as exc:  # plotting must never lose the results
        info["plots_error"] = f"{type(exc).__name__}: {exc}"
        print(f"plots failed: {info['plots_error']}", file=sys.stderr)
    _write_info(out, info)


def replot(out: Path) -> list[str]:
    """Re-read ``out/results.json`` and ``machine.json``; rewrite the table and the plots.

    Statuses are normalised again (:func:`.records.classify`) and the energies
    re-checked, so results from an older version of this package (status as prose, no
    ``kernels``) are reported like new ones and ``results.json`` is rewritten in the
    current form. Records from before ``kernels`` was recorded ran ``--kernels auto``
    (``revad-jax-adjoint-purejax``: pure JAX, through ``REVAD_NATIVE=0``).
    """
    records = []
    for d in json.loads((out / "results.json").read_text()):
        r = classify(Record.from_dict(d))
        if "kernels" not in d:
            r.kernels = kernels_for(r.method, "auto")
        records.append(r)
    info = json.loads((out / "machine.json").read_text())
    failures = check_energies(records, info.get("energy_tol", ENERGY_TOL))
    info["failures"] = failures
    write_records(out / "results.json", records)
    write_reports(records, info, out)
    return failures
