"""Two processes x two host devices (gloo) train exactly as one process with four devices;
process 0 alone writes the run's files."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
TRAIN = ["-m", "revad", "train", "--qubits", "5", "--layers", "2", "--steps", "4",
         "--devices", "4", "--no-exact", "--quiet", "--kernels", "jax"]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def _env(devices: int, **extra: str) -> dict:
    flags = f"--xla_force_host_platform_device_count={devices}"
    return {**os.environ, "XLA_FLAGS": flags, "OMP_NUM_THREADS": "1", **extra}


def test_two_processes_equal_one_and_only_process_zero_writes(tmp_path):
    single = subprocess.run(
        [sys.executable, *TRAIN, "--out", str(tmp_path / "one")],
        env=_env(4), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert single.returncode == 0, single.stderr[-2000:]
    port, procs = _free_port(), []
    try:
        for rank in (0, 1):
            env = _env(2, REVAD_COORDINATOR=f"localhost:{port}", REVAD_NUM_PROCESSES="2",
                       REVAD_PROCESS_ID=str(rank))  # fmt: skip
            out = tmp_path / "two" if rank == 0 else tmp_path / "unused"
            cmd = [sys.executable, *TRAIN, "--distributed", "--out", str(out)]
            procs.append(subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True))  # fmt: skip
        outputs = [p.communicate(timeout=300) for p in procs]
    finally:
        for p in procs:
            p.kill()
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in outputs]
    assert not (tmp_path / "unused").exists()  # process 1 wrote nothing
    one = np.load(tmp_path / "one" / "params.npy")
    two = np.load(tmp_path / "two" / "params.npy")
    np.testing.assert_allclose(two, one, rtol=0, atol=1e-12)
    e_one = json.loads((tmp_path / "one" / "summary.json").read_text())["final_energy"]
    e_two = json.loads((tmp_path / "two" / "summary.json").read_text())["final_energy"]
    assert abs(e_two - e_one) < 1e-12
    assert (tmp_path / "two" / "checkpoint.npz").is_file()
