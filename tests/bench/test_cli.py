"""``revad bench`` end to end: one small run, its files, and the CLI's checks of its flags.

Every case runs in its own subprocess, as in real runs; sizes are tiny (n <= 4).
"""

from __future__ import annotations

import copy
import importlib.util
import json

import pytest

import revad
from revad.bench import cli
from revad.bench.checks import check_energies
from revad.bench.problem import Problem
from revad.bench.records import read_records

HAVE_QISKIT = all(importlib.util.find_spec(m) for m in ("qiskit", "qiskit_algorithms"))
FIELDS = ("method", "n", "layers", "energy", "time_grad", "time_first", "peak_mb", "status")


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    """One small CLI run (depth sweep, n=4, layers 1 and 2) shared by several tests."""
    out = tmp_path_factory.mktemp("bench")
    methods = ["revad-jax-adjoint", "revad-jax-tape"] + (["qiskit-reverse"] if HAVE_QISKIT else [])
    argv = ["--suite", "depth", "--depth-n", "4", "--depth-layers", "1,2", "--repeats", "2",
            "--budget", "120", "--methods", ",".join(methods), "--no-progress",
            "--out", str(out)]  # fmt: skip
    code = cli.main(argv)
    return code, out, methods


def test_cli_writes_records_table_and_plots(cli_run):
    code, out, methods = cli_run
    assert code == 0
    records = json.loads((out / "results.json").read_text())
    assert isinstance(records, list)
    assert {(r["method"], r["layers"]) for r in records} == {
        (m, layers) for m in methods for layers in (1, 2)
    }
    for r in records:
        assert all(f in r for f in FIELDS), r
        assert r["status"] == "ok", r["status"]
        assert r["time_grad"] > 0 and r["time_first"] > 0 and r["peak_mb"] > 10
        assert r["energy_check"] == "ok" and r["grad_check"] == "ok"
        assert r["machine"]["cores"] and r["versions"]["revad"]
        assert r["env"]["OMP_NUM_THREADS"] == "1"
    info = json.loads((out / "machine.json").read_text())
    assert info["failures"] == [] and info["machine"]["cpu"]
    assert list(out.glob("*.png")), "no plot written"
    assert "Time per gradient" in (out / "results.md").read_text()


def test_cli_records_the_kernels(cli_run):
    _, out, _ = cli_run
    records = json.loads((out / "results.json").read_text())
    for r in records:
        assert "kernels" in r and "kernels_in_use" in r, r
        if r["method"] == "revad-jax-adjoint":
            assert r["kernels"] == "auto" and isinstance(r["kernels_in_use"], str)
        else:  # tape, peers: no kernel choice
            assert r["kernels"] is None and r["kernels_in_use"] is None
    assert json.loads((out / "machine.json").read_text())["kernels"] == "auto"
    assert "kernels of revad-jax-adjoint: auto" in (out / "results.md").read_text()


def test_worker_energy_is_the_reference_energy(cli_run):
    _, out, _ = cli_run
    for r in json.loads((out / "results.json").read_text()):
        p = Problem(r["n"], r["layers"], r["seed"])
        ref = revad.expectation(p.circuit, p.hamiltonian, p.theta, backend="numpy")
        assert abs(r["energy"] - ref) < 1e-10


def test_energy_check_catches_a_wrong_energy(cli_run):
    _, out, _ = cli_run
    records = read_records(out / "results.json")
    assert check_energies(copy.deepcopy(records)) == []
    bad = copy.deepcopy(records)
    victim = next(r for r in bad if r.method == "revad-jax-tape" and r.layers == 2)
    victim.energy += 3e-8
    failures = check_energies(bad)
    assert len(failures) == 1 and "layers=2" in failures[0]
    assert victim.energy_check == "fail"
    assert all(r.energy_check == "ok" for r in bad if r is not victim)


def test_cli_rejects_unknown_method(tmp_path):
    with pytest.raises(SystemExit):
        cli.main(["--methods", "nope", "--out", str(tmp_path)])


def test_cli_rejects_unknown_kernels(tmp_path):
    with pytest.raises(SystemExit):
        cli.main(["--kernels", "gpu", "--out", str(tmp_path)])
