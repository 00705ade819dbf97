"""Run benchmark suites: one subprocess per (method, n, layers), with a budget each.

Every case is a fresh ``python -m revad.bench.worker`` process (so peak memory and
compile caches are its own), with the same thread settings for all methods. The runner
kills a case that exceeds its time budget (status ``"timeout"``) or its memory limit
(status ``"oom"``), keeps what the worker reported before that (energy, first-call
time), and skips that method for the larger sizes of the same sweep, recording each
skipped case (status ``"skipped: …"``) — nothing is dropped silently. After each size
the energies of all methods are compared (:func:`check_energies`); any disagreement
beyond the tolerance is a failure of the run. ``results.json`` is rewritten atomically
after every case, so an interrupted run keeps everything it finished.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import re
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..io.atomic import atomic_write_text
from .methods import versions
from .worker import MARK, THREAD_VARS, is_out_of_memory, machine_info

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
    progress: bool = True
    command: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)


def make_suites(which: str, quick: bool, depth_n=None, depth_layers=None,
                width_layers=None, width_n=None) -> list[Suite]:  # fmt: skip
    """The requested suites, with defaults from the issue (or the quick CI sizes)."""
    if quick:
        dn, dl, wl, wn = QUICK_DEPTH_N, QUICK_DEPTH_LAYERS, QUICK_WIDTH_LAYERS, QUICK_WIDTH_N
    else:
        dn, dl, wl, wn = DEPTH_N, DEPTH_LAYERS, WIDTH_LAYERS, WIDTH_N
    dn = depth_n or dn
    dl = sorted(depth_layers or dl)
    wl = width_layers or wl
    wn = sorted(width_n or wn)
    suites = []
    if which in ("depth", "all"):
        suites.append(Suite("depth", [(dn, layers) for layers in dl]))
    if which in ("width", "all"):
        suites.append(Suite("width", [(n, wl) for n in wn]))
    if not suites:
        raise ValueError(f"unknown suite {which!r}; choose depth, width or all")
    return suites


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


def _proc_status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (peak RSS) of a live process, in MiB; {} where /proc is missing."""
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    key, value = line.split(":", 1)
                    out[key] = int(value.split()[0]) / 1024
    except (OSError, ValueError):
        pass
    return out


def _last_record(log: Path) -> dict | None:
    rec = None
    try:
        with open(log, errors="replace") as f:
            for line in f:
                if line.startswith(MARK):
                    try:
                        rec = json.loads(line[len(MARK) :])
                    except json.JSONDecodeError:
                        pass
    except OSError:
        pass
    return rec


def _log_tail(log: Path, lines: int = 5) -> str:
    try:
        text = [
            ln for ln in log.read_text(errors="replace").splitlines() if not ln.startswith(MARK)
        ]
    except OSError:
        return ""
    return " | ".join(ln.strip() for ln in text[-lines:] if ln.strip())[-400:]


def run_one(method: str, n: int, layers: int, *, seed: int = 0, repeats: int = 5,
            budget: float = 300.0, mem_limit_mb: float | None = None, threads: int = 1,
            log: Path | None = None, on_poll=None) -> dict:  # fmt: skip
    """Run one case in a subprocess and return its record (never raises for the case)."""
    cmd = [sys.executable, "-m", "revad.bench.worker", "--method", method, "--n", str(n),
           "--layers", str(layers), "--seed", str(seed), "--repeats", str(repeats),
           "--budget", str(budget)]  # fmt: skip
    if log is None:
        import tempfile

        log = Path(tempfile.mkstemp(prefix=f"revad-bench-{method}-", suffix=".log")[1])
    log.parent.mkdir(parents=True, exist_ok=True)
    killed = None
    hwm = 0.0
    t0 = time.perf_counter()
    with open(log, "w") as logf:
        logf.write("$ " + shlex.join(cmd) + "\n")
        logf.flush()
        proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT,
                                env=worker_env(threads), start_new_session=True)  # fmt: skip
        try:
            while True:
                try:
                    proc.wait(timeout=0.1)
                    break
                except subprocess.TimeoutExpired:
                    pass
                elapsed = time.perf_counter() - t0
                st = _proc_status(proc.pid)
                hwm = max(hwm, st.get("VmHWM", 0.0), st.get("VmRSS", 0.0))
                if on_poll is not None:
                    on_poll(elapsed, st.get("VmRSS"))
                if elapsed > budget:
                    killed = "timeout"
                elif mem_limit_mb is not None and st.get("VmRSS", 0.0) > mem_limit_mb:
                    killed = "oom"
                if killed:
                    proc.kill()
                    proc.wait()
                    break
        except BaseException:
            proc.kill()
            proc.wait()
            raise
    wall = time.perf_counter() - t0
    rec = _last_record(log) or {
        "method": method, "n": n, "layers": layers, "seed": seed, "energy": None,
        "time_grad": None, "time_first": None, "peak_mb": None,
    }  # fmt: skip
    rec["wall_s"] = wall
    rec["returncode"] = proc.returncode
    if killed == "timeout":
        rec["status"] = "timeout"
        rec["note"] = f"killed after the {budget:g} s budget"
    elif killed == "oom":
        rec["status"] = "oom"
        rec["note"] = f"killed: resident memory passed the {mem_limit_mb:g} MB limit"
    elif rec.get("status") in (None, "running"):
        if proc.returncode is not None and proc.returncode < 0:
            why = f"signal {-proc.returncode} (killed; out of memory?)"
        else:
            why = f"exit code {proc.returncode}"
        rec["status"] = f"error: worker died: {why}; {_log_tail(log)}"
    classify(rec)
    if rec.get("peak_mb") is None or killed:
        rec["peak_mb"] = max(rec.get("peak_mb") or 0.0, hwm) or None
    rec["log"] = str(log)
    return rec


def classify(rec: dict) -> dict:
    """Normalise a record's status: a failed allocation reported as an error is ``oom``."""
    st = rec.get("status") or ""
    if st.startswith("error") and is_out_of_memory(st):
        rec["status"] = "oom"
        rec["note"] = st.split(":", 1)[1].strip()
    if rec.get("status") == "oom" and "mem_request_mb" not in rec:
        found = re.search(r"allocating (\d+) bytes", rec.get("note") or "")
        if found:  # the allocation that failed: the method needed at least this much more
            rec["mem_request_mb"] = int(found.group(1)) / 2**20
    return rec


def check_energies(records: list[dict], tol: float = ENERGY_TOL) -> list[str]:
    """Annotate records with ``energy_check``/``grad_check``; return failure messages.

    Records are grouped by (n, layers, seed). Within a group every energy is compared
    with the group's median: ``|E - median| > tol/2`` fails that record, and a spread
    (max - min) beyond ``tol`` fails the group. The gradient checksum ``w·∇E`` (fixed
    random ``w``) is compared the same way, relative to its size, at ``GRAD_TOL``.
    """
    failures = []
    groups: dict[tuple, list[dict]] = {}
    for r in records:
        groups.setdefault((r["n"], r["layers"], r.get("seed", 0)), []).append(r)
    for (n, layers, _), group in groups.items():
        with_e = [r for r in group if isinstance(r.get("energy"), (int, float))]
        if not with_e:
            continue
        energies = [r["energy"] for r in with_e]
        med = statistics.median(energies)
        spread = max(energies) - min(energies)
        for r in group:
            r["energy_check"] = "n/a"
        for r in with_e:
            r["energy_dev"] = r["energy"] - med
            r["energy_check"] = "ok" if abs(r["energy"] - med) <= tol / 2 else "fail"
        if spread > tol or any(r["energy_check"] == "fail" for r in with_e):
            detail = ", ".join(f"{r['method']}={r['energy']:.12f}" for r in with_e)
            failures.append(
                f"n={n} layers={layers}: energies spread {spread:.2e} > {tol:g}: {detail}"
            )
        with_g = [r for r in with_e if isinstance(r.get("grad_checksum"), (int, float))]
        if with_g:
            gmed = statistics.median(r["grad_checksum"] for r in with_g)
            gtol = GRAD_TOL * max(1.0, abs(gmed))
            for r in with_g:
                r["grad_check"] = "ok" if abs(r["grad_checksum"] - gmed) <= gtol else "fail"
            bad = [r for r in with_g if r["grad_check"] == "fail"]
            if bad:
                detail = ", ".join(f"{r['method']}={r['grad_checksum']:.10g}" for r in with_g)
                failures.append(f"n={n} layers={layers}: gradient checksums disagree: {detail}")
    return failures


def write_json_atomic(path: Path, data) -> None:
    """``data`` as JSON, through revad's one atomic-write helper (temporary file, fsync,
    rename)."""
    atomic_write_text(path, json.dumps(data, indent=1, default=str) + "\n")


def _git_head(where: Path) -> str | None:
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


def run_info(settings: Settings) -> dict:
    all_pkgs = ("revad", "numpy", "scipy", "jax", "jaxlib", "pennylane", "pennylane_lightning",
                "qiskit", "qiskit-algorithms", "juliacall", "matplotlib")  # fmt: skip
    env = worker_env(settings.threads)
    import revad

    return {
        "date": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": settings.command,
        "note": settings.note,
        "revad_path": str(Path(revad.__file__).parent),
        "git": _git_head(Path(revad.__file__).parent),
        "machine": machine_info(),
        "versions": versions(all_pkgs),
        "threads": settings.threads,
        "env": {k: env.get(k) for k in THREAD_VARS},
        "budget_s": settings.budget,
        "mem_limit_mb": settings.mem_limit_mb,
        "repeats": settings.repeats,
        "seed": settings.seed,
        "energy_tol": settings.energy_tol,
        "methods": settings.methods,
        "suites": {s.name: s.cases for s in settings.suites},
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def _fmt_case(r: dict) -> str:
    st = r.get("status", "?")
    parts = [f"{r['method']:<28} n={r['n']:<3} L={r['layers']:<6}"]
    if r.get("time_grad") is not None:
        parts.append(f"grad {r['time_grad']:.4g}s")
    if r.get("time_first") is not None:
        parts.append(f"first {r['time_first']:.4g}s")
    if r.get("peak_mb") is not None:
        parts.append(f"{r['peak_mb']:.0f}MB")
    if r.get("energy") is not None:
        parts.append(f"E={r['energy']:.10f}")
    parts.append(st if len(st) < 90 else st[:87] + "...")
    return "  ".join(parts)


def run(settings: Settings) -> tuple[list[dict], list[str]]:
    """Run every suite; write results, table and plots into ``settings.out``."""
    from tqdm.auto import tqdm

    out = settings.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "logs").mkdir(exist_ok=True)
    info = run_info(settings)
    write_json_atomic(out / "machine.json", info)

    records: list[dict] = []
    done: dict[tuple[str, int, int], dict] = {}
    failures: list[str] = []
    total = sum(len(s.cases) for s in settings.suites) * len(settings.methods)
    bar = tqdm(total=total, unit="case", disable=not settings.progress, dynamic_ncols=True,
               file=sys.stderr)  # fmt: skip

    def save():
        write_json_atomic(out / "results.json", records)

    unavailable: dict[str, str] = {}  # method -> why it cannot run here at all
    for suite in settings.suites:
        blocked: dict[str, str] = dict(unavailable)  # method -> why larger sizes are skipped
        for n, layers in suite.cases:
            case_records = []
            for method in settings.methods:
                key = (method, n, layers)
                if key in done:  # same case already measured for another suite
                    rec = done[key]
                    if suite.name not in rec["suites"]:
                        rec["suites"].append(suite.name)
                elif method in blocked:
                    rec = {"method": method, "n": n, "layers": layers, "seed": settings.seed,
                           "energy": None, "time_grad": None, "time_first": None,
                           "peak_mb": None, "status": f"skipped: {blocked[method]}",
                           "suites": [suite.name]}  # fmt: skip
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
                                  mem_limit_mb=settings.mem_limit_mb,
                                  threads=settings.threads, log=log, on_poll=poll)  # fmt: skip
                    rec["log"] = os.path.relpath(log, out)
                    rec["suites"] = [suite.name]
                    if rec.get("status") == "ok":
                        rec.pop("traceback", None)
                    records.append(rec)
                    done[key] = rec
                    st = rec["status"]
                    if st != "ok":
                        axis = f"layers={layers}" if suite.name == "depth" else f"n={n}"
                        kind = st.split(":", 1)[0]
                        if kind == "unavailable":
                            blocked[method] = unavailable[method] = st
                        else:
                            blocked[method] = f"{kind} at {axis}"
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
    info["finished"] = _dt.datetime.now().astimezone().isoformat(timespec="seconds")
    write_json_atomic(out / "machine.json", info)
    save()
    write_reports(records, info, out)
    return records, failures


def write_reports(records: list[dict], info: dict, out: Path) -> None:
    """``results.md`` and the plots (a plotting failure is reported, never fatal)."""
    from .report import write_table

    write_table(records, info, out / "results.md")
    try:
        from .plots import make_plots

        info["plots"] = [p.name for p in make_plots(records, info, out)]
    except Exception as exc:  # plotting must never lose the results
        info["plots_error"] = f"{type(exc).__name__}: {exc}"
        print(f"plots failed: {info['plots_error']}", file=sys.stderr)
    write_json_atomic(out / "machine.json", info)


def replot(out: Path) -> list[str]:
    """Re-read ``out/results.json`` and ``machine.json``; rewrite the table and the plots.

    Statuses are normalised again (:func:`classify`) and the energies re-checked, so
    results from an older version of this package are reported like new ones.
    """
    records = [classify(r) for r in json.loads((out / "results.json").read_text())]
    info = json.loads((out / "machine.json").read_text())
    failures = check_energies(records, info.get("energy_tol", ENERGY_TOL))
    info["failures"] = failures
    write_json_atomic(out / "results.json", records)
    write_reports(records, info, out)
    return failures


def default_mem_limit_mb() -> float | None:
    """Half the machine's memory (None where unknown)."""
    total = machine_info().get("mem_total_mb")
    return None if total is None else math.floor(total / 2)
