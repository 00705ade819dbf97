"""The markdown table of a benchmark run (``results.md``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..io.atomic import atomic_write_text
from .records import Record, Status

SUITE_AXES = {"depth": ("layers", "n"), "width": ("n", "layers")}


def _methods(records: list[Record]) -> list[str]:
    seen: list[str] = []
    for r in records:
        if r.method not in seen:
            seen.append(r.method)
    return seen


def _short_status(r: Record) -> str:
    return "n/a" if r.status is Status.UNAVAILABLE else r.status.value


def _cell(r: Record | None, field: str, fmt: Callable[[Any], str]) -> str:
    if r is None:
        return ""
    value = getattr(r, field)
    if r.status is Status.OK and value is not None:
        return fmt(value)
    if r.status.stopped and value is not None and field in ("time_first", "peak_mb"):
        return f"{fmt(value)} ({_short_status(r)})"  # measured before the kill
    return _short_status(r)


def _seconds(x: float) -> str:
    if x >= 100:
        return f"{x:.0f} s"
    if x >= 1:
        return f"{x:.3g} s"
    if x >= 1e-3:
        return f"{x * 1e3:.3g} ms"
    return f"{x * 1e6:.3g} µs"


def _pivot(records: list[Record], suite: str, field: str, fmt: Callable[[Any], str],
           methods: list[str]) -> list[str]:  # fmt: skip
    row_key, fixed_key = SUITE_AXES[suite]
    rows = sorted({(getattr(r, row_key), r.n_params) for r in records if suite in r.suites},
                  key=lambda t: t[0])  # fmt: skip
    by = {(r.method, getattr(r, row_key)): r for r in records if suite in r.suites}
    params = {}
    for r in records:
        if suite in r.suites and r.n_params:
            params[getattr(r, row_key)] = r.n_params
    head = [row_key, "params", *methods]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for value in sorted({v for v, _ in rows}):
        cells = [str(value), str(params.get(value, ""))]
        cells += [_cell(by.get((m, value)), field, fmt) for m in methods]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def table_markdown(records: list[Record], info: dict[str, Any]) -> str:
    methods = _methods(records)
    m = info.get("machine", {})
    v = info.get("versions", {})
    vers = ", ".join(f"{k} {val}" for k, val in v.items() if val)
    out = [
        "# revad benchmark results",
        "",
        f"- date: {info.get('date')} (finished {info.get('finished', '?')})",
        f"- machine: {m.get('cpu')}, {m.get('cores')} cores, {m.get('mem_total_mb')} MB RAM, "
        f"{m.get('platform')}, Python {m.get('python')}",
        f"- threads per worker: {info.get('threads')} (env {info.get('env')})",
        f"- budget per case: {info.get('budget_s')} s; memory limit: "
        f"{info.get('mem_limit_mb')} MB; timed repeats: {info.get('repeats')}; "
        f"seed: {info.get('seed')}",
        *([f"- kernels of revad-jax-adjoint: {info['kernels']}"] if "kernels" in info else []),
        f"- versions: {vers}",
        f"- command: `{info.get('command')}`",
        f"- revad: {info.get('revad_path')} (git {info.get('git')})"
        + (f"; note: {info['note']}" if info.get("note") else ""),
        "",
        "Time per gradient = median of the timed calls after one warm-up call; one call "
        "returns the energy and the full gradient. First call = the warm-up call "
        "(JIT compilation included). Peak memory = ``ru_maxrss`` of the case's own "
        "process (interpreter and libraries included).",
        "",
    ]
    for suite in ("depth", "width"):
        recs = [r for r in records if suite in r.suites]
        if not recs:
            continue
        row_key, fixed_key = SUITE_AXES[suite]
        fixed = sorted({getattr(r, fixed_key) for r in recs})
        title = "Depth sweep" if suite == "depth" else "Width sweep"
        out += [f"## {title} ({fixed_key} = {', '.join(map(str, fixed))})", ""]
        out += ["### Time per gradient", ""]
        out += _pivot(recs, suite, "time_grad", _seconds, methods) + [""]
        out += ["### First call (includes compilation)", ""]
        out += _pivot(recs, suite, "time_first", _seconds, methods) + [""]
        out += ["### Peak memory of the process (MB)", ""]
        out += _pivot(recs, suite, "peak_mb", lambda x: f"{x:.0f}", methods) + [""]

    out += ["## Energy check", ""]
    failures = info.get("failures") or []
    with_e = [r for r in records if isinstance(r.energy, (int, float))]
    if failures:
        out += ["**FAILED**:", ""] + [f"- {f}" for f in failures] + [""]
    elif with_e:
        worst = max(abs(r.energy_dev or 0.0) for r in with_e)
        out += [
            f"All energies of a case agree within {info.get('energy_tol')} "
            f"(largest deviation from a case's median: {worst:.1e}); gradient checksums "
            "agree too.",
            "",
        ]
    out += ["## Energies", ""]
    cases = sorted({(r.n, r.layers) for r in with_e})
    for n, layers in cases:
        es = {r.method: r.energy for r in with_e if (r.n, r.layers) == (n, layers)}
        listing = ", ".join(f"{k} {e:.12f}" for k, e in es.items())
        out.append(f"- n={n}, layers={layers}: {listing}")
    out.append("")
    other = [r for r in records if r.status is not Status.OK]
    if other:
        out += ["## Cases that did not finish", ""]
        for r in other:
            shown = r.label != r.status.value  # the reason is part of the label ("error: …")
            note = f" — {r.reason}" if r.reason and not shown else ""
            if r.mem_request_mb:
                note += f" (a failed request for {r.mem_request_mb:.0f} MB)"
            out.append(f"- {r.method} n={r.n} layers={r.layers}: {r.label}{note}")
        out.append("")
    return "\n".join(out)


def write_table(records: list[Record], info: dict[str, Any], path: Path) -> Path:
    atomic_write_text(path, table_markdown(records, info))
    return path
