"""One case in its own worker process: start it, watch its time and memory, read its record.

The case is a fresh ``python -m revad.bench.worker`` process (so peak memory and compile
caches are its own) with the thread environment of :func:`~.environment.worker_env`.
:func:`run_one` polls it ten times a second: past the time budget it is killed (status
``timeout``), past the memory limit too (``oom``); what the worker reported before that
(energy, first-call time) is kept. A worker that dies without a final record is an
``error`` with the end of its log as the reason.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .environment import worker_env
from .methods import kernels_for
from .records import MARK, Record, Status, classify, last_record


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


def _last_record(log: Path) -> Record | None:
    try:
        with open(log, errors="replace") as f:
            return last_record(f)
    except OSError:
        return None


def _log_tail(log: Path, lines: int = 5) -> str:
    try:
        text = [
            ln for ln in log.read_text(errors="replace").splitlines() if not ln.startswith(MARK)
        ]
    except OSError:
        return ""
    return " | ".join(ln.strip() for ln in text[-lines:] if ln.strip())[-400:]


def run_one(
    method: str,
    n: int,
    layers: int,
    *,
    seed: int = 0,
    repeats: int = 5,
    budget: float = 300.0,
    mem_limit_mb: float | None = None,
    threads: int = 1,
    kernels: str = "auto",
    log: Path | None = None,
    on_poll: Callable[[float, float | None], None] | None = None,
) -> Record:
    """Run one case in a subprocess and return its record (never raises for the case).

    ``on_poll(elapsed_s, rss_mb)`` is called at every poll (for a progress display).
    """
    cmd = [sys.executable, "-m", "revad.bench.worker", "--method", method, "--n", str(n),
           "--layers", str(layers), "--seed", str(seed), "--repeats", str(repeats),
           "--budget", str(budget), "--kernels", kernels]  # fmt: skip
    if log is None:
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
                    killed = Status.TIMEOUT
                elif mem_limit_mb is not None and st.get("VmRSS", 0.0) > mem_limit_mb:
                    killed = Status.OOM
                if killed:
                    proc.kill()
                    proc.wait()
                    break
        except BaseException:
            proc.kill()
            proc.wait()
            raise
    wall = time.perf_counter() - t0
    rec = _last_record(log) or Record(
        method=method, n=n, layers=layers, seed=seed, kernels=kernels_for(method, kernels)
    )
    rec.wall_s = wall
    rec.returncode = proc.returncode
    if killed is Status.TIMEOUT:
        rec.status, rec.reason = killed, f"killed after the {budget:g} s budget"
    elif killed is Status.OOM:
        rec.status = killed
        rec.reason = f"killed: resident memory passed the {mem_limit_mb:g} MB limit"
    elif rec.status is Status.RUNNING:
        if proc.returncode is not None and proc.returncode < 0:
            why = f"signal {-proc.returncode} (killed; out of memory?)"
        else:
            why = f"exit code {proc.returncode}"
        rec.status, rec.reason = Status.ERROR, f"worker died: {why}; {_log_tail(log)}"
    classify(rec)
    if rec.peak_mb is None or killed:
        rec.peak_mb = max(rec.peak_mb or 0.0, hwm) or None
    rec.log = str(log)
    return rec
