"""PNG plots of a benchmark run (matplotlib, Agg backend, log scales).

Finished cases are drawn as lines; a case killed at the time budget is an ``x`` at the
budget (time plots) and a case killed at the memory limit an ``x`` at the memory it
had reached (memory plots), so a method that stopped early is visible, not missing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .methods import METHODS
from .records import Record, Status

_ORDER = list(METHODS)


def _style(method: str, index: int) -> dict[str, Any]:
    import matplotlib

    colors = matplotlib.color_sequences["tab10"]
    i = _ORDER.index(method) if method in _ORDER else len(_ORDER) + index
    return {
        "color": colors[i % len(colors)],
        "linestyle": "-" if method.startswith("revad") else "--",
        "marker": "o" if method.startswith("revad") else "s",
    }


def _plot(records: list[Record], suite: str, x_key: str, y_key: str, ylabel: str, title: str,
          path: Path, info: dict[str, Any], logx: bool,
          killed_y: Callable[[Record], float | None]) -> Path | None:  # fmt: skip
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    recs = [r for r in records if suite in r.suites]
    if not recs:
        return None
    methods = []
    for r in recs:
        if r.method not in methods:
            methods.append(r.method)
    fig, ax = plt.subplots(figsize=(7.5, 5))
    drawn = killed_any = False
    stacked: dict = {}  # x -> killed markers already drawn there (offset them, no overlap)
    for i, method in enumerate(methods):
        style = _style(method, i)
        mine = sorted((r for r in recs if r.method == method), key=lambda r: getattr(r, x_key))
        ok = [r for r in mine if r.status is Status.OK and getattr(r, y_key) is not None]
        if ok:
            xs, ys = [getattr(r, x_key) for r in ok], [getattr(r, y_key) for r in ok]
            ax.plot(xs, ys, label=method, **style)
            drawn = True
        named = False
        for r in mine:
            y, x = killed_y(r), getattr(r, x_key)
            if y is not None and r.status.stopped:
                k = stacked[x] = stacked.get(x, -1) + 1
                y = y * 1.25**k
                legend = method if not ok and not named else None  # only killed: name it here
                named = named or legend is not None
                ax.plot([x], [y], marker="x", markersize=11, mew=2.5, label=legend,
                        color=style["color"], linestyle="none")  # fmt: skip
                label = r.status.value
                if r.mem_request_mb and killed_y is not None and y_key == "peak_mb":
                    label += f" (needs > {y / 1024:.0f} GB)"
                ax.annotate(label, (x, y), textcoords="offset points",
                            xytext=(4, 4), fontsize=7, color=style["color"])  # fmt: skip
                drawn = killed_any = True
    if not drawn:
        plt.close(fig)
        return None
    if logx:
        ax.set_xscale("log")
        ax.minorticks_off()
    xs = sorted({getattr(r, x_key) for r in recs})
    ax.set_xticks(xs)
    ax.set_xticklabels([f"{x:,}" for x in xs])
    ax.set_yscale("log")
    ax.set_xlabel("layers" if x_key == "layers" else "qubits n")
    ax.set_ylabel(ylabel)
    m = info.get("machine", {})
    ax.set_title(f"{title}\n{m.get('cpu', '')}, {info.get('threads')} thread(s)", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    if killed_any:
        ax.plot(
            [], [], marker="x", color="gray", linestyle="none", label="x: killed (budget/memory)"
        )
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def make_plots(records: list[Record], info: dict[str, Any], out: Path) -> list[Path]:
    """Write the plots for whatever suites the records cover; return their paths."""
    budget = info.get("budget_s")

    def at_budget(r: Record) -> float | None:
        return budget if r.status is Status.TIMEOUT else None

    def at_memory(r: Record) -> float | None:  # a lower bound: what it had, plus a failed request
        if r.status is not Status.OOM:
            return None
        return (r.peak_mb or 0.0) + (r.mem_request_mb or 0.0) or None

    def fixed(suite: str, key: str) -> str:
        vals = sorted({getattr(r, key) for r in records if suite in r.suites})
        return ", ".join(map(str, vals))

    dn, wl = fixed("depth", "n"), fixed("width", "layers")
    specs = [
        ("depth", "layers", "time_grad", "time per gradient (s)",
         f"Time per gradient vs depth (n={dn})", "time_vs_depth.png", True, at_budget),
        ("depth", "layers", "peak_mb", "peak memory of the process (MB)",
         f"Peak memory vs depth (n={dn})", "memory_vs_depth.png", True, at_memory),
        ("depth", "layers", "time_first", "first call (s)",
         f"First call (compile + run) vs depth (n={dn})", "first_call_vs_depth.png", True,
         at_budget),
        ("width", "n", "time_grad", "time per gradient (s)",
         f"Time per gradient vs qubits (layers={wl})", "time_vs_qubits.png", False, at_budget),
        ("width", "n", "peak_mb", "peak memory of the process (MB)",
         f"Peak memory vs qubits (layers={wl})", "memory_vs_qubits.png", False, at_memory),
    ]  # fmt: skip
    paths = []
    for suite, x_key, y_key, ylabel, title, name, logx, killed_y in specs:
        p = _plot(records, suite, x_key, y_key, ylabel, title, out / name, info, logx, killed_y)
        if p is not None:
            paths.append(p)
    return paths
