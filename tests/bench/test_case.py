"""One case in a worker subprocess: the kernels choice travels with it."""

from __future__ import annotations

from revad.bench.case import run_one
from revad.bench.records import Status


def test_kernels_reach_the_worker(tmp_path):
    log = tmp_path / "case.log"
    rec = run_one("revad-jax-adjoint", 3, 1, repeats=1, budget=120, kernels="jax", log=log)
    assert rec.status is Status.OK, rec.label
    assert rec.kernels == "jax" and rec.kernels_in_use == "pure JAX (requested)"
    assert "--kernels jax" in log.read_text().splitlines()[0]
    assert rec.wall_s > 0 and rec.returncode == 0 and rec.log == str(log)


def test_a_worker_that_dies_is_an_error_with_its_log(tmp_path):
    rec = run_one("no-such-method", 2, 1, budget=60, log=tmp_path / "case.log")
    assert rec.status is Status.ERROR and rec.reason.startswith("worker died: exit code")
    assert "no-such-method" in rec.reason  # the end of the log says why
