"""``benchmarks/gpu.sh --smoke``: the GPU suite's own code, run on CPU with tiny sizes."""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_gpu_suite_smoke_run_writes_its_records(tmp_path):
    env = {**os.environ, "PYTHON": sys.executable}
    done = subprocess.run(
        [str(ROOT / "benchmarks" / "gpu.sh"), "--smoke", str(tmp_path)],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    record = json.loads((tmp_path / "gpu.json").read_text())
    assert record["device"].startswith("cpu")
    assert {c["kernels"] for c in record["checks"]} == {"auto", "jax"}
    assert all(c["passed"] and c["max_abs_error"] <= 1e-10 for c in record["checks"])
    cases = {(c["n"], c["dtype"]) for c in record["cases"]}
    assert cases >= {(10, "complex128"), (10, "complex64")}
    assert all(c["best_s"] > 0 and math.isfinite(c["energy"]) for c in record["cases"])
    assert "| n=10, 4 layers | complex64 |" in (tmp_path / "gpu.md").read_text()


def test_gpu_sh_refuses_to_run_the_full_suite_without_a_gpu(tmp_path):
    env = {**os.environ, "PATH": "/usr/bin:/bin"}  # no nvidia-smi
    done = subprocess.run(
        [str(ROOT / "benchmarks" / "gpu.sh"), str(tmp_path)],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2 and "no nvidia-smi" in done.stderr
