import json
import subprocess
import sys

import numpy as np
import pytest

import revad
from revad import api
from revad.app.cli import main
from revad.app.train import CHECKPOINT, train
from revad.kernels import native


@pytest.fixture
def problem():
    return revad.variational_circuit(3, 2), revad.heisenberg(3)


def test_resume_reproduces_uninterrupted_run(problem, tmp_path):
    c, h = problem
    full = train(c, h, steps=30, seed=3, out=tmp_path / "a", checkpoint_every=7, progress=False)
    train(c, h, steps=14, seed=3, out=tmp_path / "b", checkpoint_every=7, progress=False)
    resumed = train(
        c, h, steps=30, seed=3, out=tmp_path / "b", checkpoint_every=7, resume=True, progress=False
    )
    np.testing.assert_array_equal(resumed.params, full.params)
    assert [r["energy"] for r in resumed.history] == [r["energy"] for r in full.history]
    assert abs(resumed.summary["final_energy"] - full.summary["final_energy"]) < 1e-9
    assert len(json.loads((tmp_path / "b" / "history.json").read_text())) == 30


def test_ctrl_c_checkpoints_consistent_state_and_resumes(problem, tmp_path, monkeypatch):
    c, h = problem
    full = train(c, h, steps=20, seed=5, progress=False)
    real = api.value_and_grad
    calls = {"n": 0}

    def interrupt_at_step_13(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 14:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(api, "value_and_grad", interrupt_at_step_13)
    with pytest.raises(KeyboardInterrupt):
        train(c, h, steps=20, seed=5, out=tmp_path, checkpoint_every=50, progress=False)
    monkeypatch.setattr(api, "value_and_grad", real)
    with np.load(tmp_path / CHECKPOINT) as data:
        assert int(data["step"]) == 13
    resumed = train(c, h, steps=20, seed=5, out=tmp_path, resume=True, progress=False)
    np.testing.assert_array_equal(resumed.params, full.params)


def test_checkpoint_writes_are_atomic(problem, tmp_path, monkeypatch):
    """A crash while writing leaves the previous checkpoint intact and no temp files."""
    c, h = problem
    train(c, h, steps=4, seed=1, out=tmp_path, checkpoint_every=2, progress=False)
    before = (tmp_path / CHECKPOINT).read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(OSError, match="disk full"):
        train(c, h, steps=8, seed=1, out=tmp_path, resume=True, checkpoint_every=2)
    assert (tmp_path / CHECKPOINT).read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_train_lowers_energy_and_writes_outputs(problem, tmp_path):
    c, h = problem
    res = train(c, h, steps=60, lr=0.1, seed=0, out=tmp_path, exact=h.ground_energy())
    assert res.history[-1]["energy"] < res.history[0]["energy"] - 1
    for name in ("history.json", "params.npy", "summary.json", "energy.png"):
        assert (tmp_path / name).stat().st_size > 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    for key in ("final_energy", "exact_energy", "n_qubits", "n_params", "backend", "method"):
        assert key in summary
    record = json.loads((tmp_path / "history.json").read_text())[0]
    assert set(record) >= {"step", "energy", "grad_norm", "time"}
    assert np.load(tmp_path / "params.npy").shape == (c.n_params,)


def test_cli_end_to_end(tmp_path, capsys):
    out = tmp_path / "run"
    argv = ["train", "--qubits", "3", "--layers", "1", "--steps", "5", "--out", str(out)]
    assert main(argv + ["--quiet"]) == 0
    assert "final energy" in capsys.readouterr().out
    assert json.loads((out / "summary.json").read_text())["n_qubits"] == 3


def test_cli_console_script_runs(tmp_path):
    args = ["train", "--qubits", "2", "--layers", "1", "--steps", "2", "--out", str(tmp_path)]
    code = "import sys; from revad.app.cli import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--hamiltonian", "nosuch"], "not one of"),
        (["--resume"], "no checkpoint"),
        (["--reference", "hf"], "needs a built-in molecule"),
        (["--lr", "-1"], "(learning rate) must be a positive"),
        (["--qubits", "1"], "at least 2"),
    ],
)
def test_cli_errors_are_one_line(tmp_path, capsys, argv, message):
    assert main(["train", "--steps", "1", "--out", str(tmp_path / "x"), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_cli_bad_choice_is_argparse_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["train", "--optimizer", "newton"])
    assert exc.value.code == 2
    assert "invalid choice: 'newton'" in capsys.readouterr().err


def test_cli_reads_a_hamiltonian_file(tmp_path, capsys):
    path = tmp_path / "h.txt"
    path.write_text("n_qubits 2\n1.0 Z0 Z1\n0.5 X0\n")
    out = tmp_path / "run"
    assert (
        main(
            [
                "train",
                "--hamiltonian",
                str(path),
                "--layers",
                "1",
                "--steps",
                "3",
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    summary = json.loads((out / "summary.json").read_text())
    assert summary["n_qubits"] == 2
    assert summary["kernels"] == native.status()  # which JAX kernels ran is recorded
    z, x = np.diag([1.0, -1.0]), np.array([[0.0, 1.0], [1.0, 0.0]])
    ground = np.linalg.eigvalsh(np.kron(z, z) + 0.5 * np.kron(np.eye(2), x))[0]
    assert summary["exact_energy"] == pytest.approx(ground, abs=1e-10)
    bad = tmp_path / "bad.txt"
    bad.write_text("1.0 Q0\n")
    assert main(["train", "--hamiltonian", str(bad), "--out", str(out)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_rerun_over_a_finished_run_needs_overwrite(problem, tmp_path):
    c, h = problem
    first = train(c, h, steps=3, seed=1, out=tmp_path, progress=False)
    before = (tmp_path / "summary.json").read_bytes()
    with pytest.raises(revad.RevadError, match="already holds a run.*--resume.*--overwrite"):
        train(c, h, steps=3, seed=2, out=tmp_path, progress=False)
    assert (tmp_path / "summary.json").read_bytes() == before
    second = train(c, h, steps=3, seed=2, out=tmp_path, overwrite=True, progress=False)
    assert not np.array_equal(first.params, second.params)
    assert json.loads((tmp_path / "summary.json").read_text())["seed"] == 2
    with pytest.raises(revad.RevadError, match="exclude each other"):
        train(c, h, steps=3, out=tmp_path, resume=True, overwrite=True)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--steps", "-1"], "--steps must be >= 0"),
        (["--lr", "nan"], "--lr must be a finite number"),
        (["--out", ""], "--out must name a folder"),
        (["--qubits", "40"], "--qubits must be between 1 and 30"),
        (["--layers", "100000000"], "revad's limit is"),
    ],
)
def test_cli_refuses_bad_numbers_before_work(tmp_path, capsys, argv, message):
    out = tmp_path / "x"
    assert main(["train", "--out", str(out), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not out.exists()  # nothing created


def test_cli_resume_without_checkpoint_fails_before_exact_diagonalisation(tmp_path, capsys):
    argv = ["train", "--qubits", "20", "--resume", "--out", str(tmp_path / "none")]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert "no checkpoint" in captured.err and "exact ground energy" not in captured.out


def test_version_and_python_m():
    proc = subprocess.run(
        [sys.executable, "-m", "revad", "--version"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0 and proc.stdout.strip() == f"revad {revad.__version__}"
