"""The split state on 2, 4 and 8 host devices equals one device (tests/distributed/multi_device.py
runs in its own process: the device count is fixed when jax starts)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_sharded_runs_equal_one_device_and_count_their_exchanges():
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "distributed" / "multi_device.py")],
        env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout.strip().splitlines()[-1])
    assert {r["devices"] for r in results} == {2, 4, 8}
    for r in results:
        assert r["energy"] < 1e-12 and r["grad"] < 1e-12, r
        assert r["drift"] < 1e-12, r
        assert r["swaps"] > 0 and r["counted"] == r["predicted"], r
        if r["kernels"] == "jax":
            assert r["state"] < 1e-12 and r["expectation"] < 1e-12 and r["jax_grad"] < 1e-12, r
