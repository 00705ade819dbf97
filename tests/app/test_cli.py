"""The command line: revad train end to end, its errors, its entry points."""

import json
import subprocess
import sys

import numpy as np
import pytest

import revad
from revad.app.cli import main
from revad.kernels import native


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
