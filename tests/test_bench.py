"""``revad bench``: worker records, the energy check, budgets, and the CLI's outputs.

Every case runs in its own subprocess, as in real runs; sizes are tiny (n <= 4).
"""

from __future__ import annotations

import copy
import importlib.util
import json

import numpy as np
import pytest

import revad
from revad.bench import cli, runner
from revad.bench.problem import Problem, qiskit_circuit, qiskit_observable

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


def test_worker_energy_is_the_reference_energy(cli_run):
    _, out, _ = cli_run
    for r in json.loads((out / "results.json").read_text()):
        p = Problem(r["n"], r["layers"], r["seed"])
        ref = revad.expectation(p.circuit, p.hamiltonian, p.theta, backend="numpy")
        assert abs(r["energy"] - ref) < 1e-10


def test_energy_check_catches_a_wrong_energy(cli_run):
    _, out, _ = cli_run
    records = json.loads((out / "results.json").read_text())
    assert runner.check_energies(copy.deepcopy(records)) == []
    bad = copy.deepcopy(records)
    victim = next(r for r in bad if r["method"] == "revad-jax-tape" and r["layers"] == 2)
    victim["energy"] += 3e-8
    failures = runner.check_energies(bad)
    assert len(failures) == 1 and "layers=2" in failures[0]
    assert victim["energy_check"] == "fail"
    assert all(r["energy_check"] == "ok" for r in bad if r is not victim)


def test_gradient_checksum_catches_a_permuted_gradient():
    p = Problem(3, 2, seed=5)
    _, g = revad.value_and_grad(p.circuit, p.hamiltonian, p.theta, backend="numpy")
    recs = [
        {"method": m, "n": 3, "layers": 2, "seed": 5, "energy": 0.1, "grad_checksum": c}
        for m, c in (
            ("a", p.grad_checksum(g)),
            ("b", p.grad_checksum(g)),
            ("c", p.grad_checksum(g[::-1])),
        )  # fmt: skip
    ]
    failures = runner.check_energies(recs)
    assert len(failures) == 1 and "gradient" in failures[0]
    assert [r["grad_check"] for r in recs] == ["ok", "ok", "fail"]


def test_timeout_is_recorded_and_larger_sizes_skipped(tmp_path):
    settings = runner.Settings(
        methods=["revad-numpy-adjoint"],
        suites=[runner.Suite("depth", [(3, 1), (3, 2)])],
        out=tmp_path,
        budget=0.05,
        progress=False,
    )
    records, failures = runner.run(settings)
    assert failures == []
    assert [r["status"] for r in records] == ["timeout", "skipped: timeout at layers=1"]
    saved = json.loads((tmp_path / "results.json").read_text())
    assert [r["status"] for r in saved] == ["timeout", "skipped: timeout at layers=1"]
    assert "timeout" in (tmp_path / "results.md").read_text()


@pytest.mark.skipif(not HAVE_QISKIT, reason="qiskit not installed")
def test_qiskit_translation_matches_revad_bit_order():
    from qiskit.quantum_info import Statevector

    p = Problem(3, 1, seed=2)
    qc, params = qiskit_circuit(p.circuit)
    psi = Statevector(qc.assign_parameters(dict(zip(params, p.theta, strict=True)))).data
    ref = revad.statevector(p.circuit, p.theta, backend="numpy")
    np.testing.assert_allclose(psi, ref, atol=1e-12)
    h = qiskit_observable(p.hamiltonian).to_matrix()
    np.testing.assert_allclose(h, p.hamiltonian.to_dense(), atol=1e-12)


def test_cli_rejects_unknown_method(tmp_path):
    with pytest.raises(SystemExit):
        cli.main(["--methods", "nope", "--out", str(tmp_path)])


def test_suites():
    (d,) = runner.make_suites("depth", quick=False)
    assert d.cases == [(10, 10), (10, 100), (10, 1000), (10, 10000)]
    (w,) = runner.make_suites("width", quick=False)
    assert w.cases == [(n, 10) for n in (4, 8, 12, 16, 20, 22)]
    assert [s.name for s in runner.make_suites("all", quick=True)] == ["depth", "width"]


def test_failed_allocation_is_oom_not_error():
    rec = {"status": "error: first call: JaxRuntimeError: RESOURCE_EXHAUSTED: Out of memory"}
    assert runner.classify(rec)["status"] == "oom"
    assert "RESOURCE_EXHAUSTED" in rec["note"]
    assert runner.classify({"status": "error: first call: ValueError: bad"})["status"].startswith(
        "error"
    )
