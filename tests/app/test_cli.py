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
        (["--lr", "nan"], "--lr (learning rate) must be a positive number"),
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


# --------------------------------------------------------------------- uccsd, hva, qaoa


def _summary(out):
    return json.loads((out / "summary.json").read_text())


def test_cli_uccsd_on_h2_reaches_fci(tmp_path, capsys):
    out = tmp_path / "run"
    argv = ["train", "--hamiltonian", "h2", "--ansatz", "uccsd", "--steps", "60", "--quiet"]
    assert main([*argv, "--out", str(out)]) == 0
    s = _summary(out)
    assert s["n_params"] == 3 and s["reference_state"] == "hf" and s["n_electrons"] == 2
    assert s["layers"] is None and s["init_scale"] == 0.1
    assert abs(s["error"]) < 1.6e-3  # chemical accuracy
    assert "final energy" in capsys.readouterr().out


def test_cli_uccsd_on_a_file_needs_electrons(tmp_path, capsys):
    path = tmp_path / "h.txt"
    path.write_text("n_qubits 4\n1.0 Z0 Z1\n0.5 X0 X1 Y2 Y3\n")
    base = ["train", "--hamiltonian", str(path), "--ansatz", "uccsd", "--steps", "2", "--quiet"]
    assert main([*base, "--out", str(tmp_path / "a")]) == 2
    assert "needs the electron count" in capsys.readouterr().err
    out = tmp_path / "b"
    argv = [*base, "--electrons", "2", "--backend", "numpy", "--out", str(out)]
    assert main(argv) == 0
    assert _summary(out)["n_params"] == 3


def test_cli_hva_on_tfim(tmp_path):
    out = tmp_path / "run"
    argv = ["train", "--hamiltonian", "tfim", "--qubits", "4", "--ansatz", "hva"]
    argv += ["--layers", "2", "--steps", "3", "--backend", "numpy", "--quiet", "--out", str(out)]
    assert main(argv) == 0
    s = _summary(out)
    assert (s["n_params"], s["layers"], s["steps"], s["reference_state"]) == (4, 2, 3, "hva")


def test_cli_hva_default_steps(tmp_path, monkeypatch):
    """hva's default is 500 steps (see --help); the others keep 200."""
    from revad.app import cli

    monkeypatch.setattr(cli, "STEPS", {"hva": 4})
    monkeypatch.setattr(cli, "DEFAULT_STEPS", 2)
    base = ["train", "--qubits", "4", "--layers", "1", "--backend", "numpy", "--quiet"]
    assert main([*base, "--ansatz", "hva", "--out", str(tmp_path / "a")]) == 0
    assert main([*base, "--out", str(tmp_path / "b")]) == 0
    assert _summary(tmp_path / "a")["steps"] == 4 and _summary(tmp_path / "b")["steps"] == 2


def test_cli_qaoa_on_a_graph_file(tmp_path, capsys):
    graph = tmp_path / "g.txt"
    graph.write_text("# a square with one diagonal\n0 1\n1 2\n2 3\n3 0\n0 2\n")
    out = tmp_path / "run"
    argv = ["train", "--ansatz", "qaoa", "--graph", str(graph), "--layers", "1"]
    assert main([*argv, "--steps", "40", "--quiet", "--out", str(out)]) == 0
    s = _summary(out)
    assert (s["n_qubits"], s["n_params"], s["n_edges"], s["max_cut"]) == (4, 2, 5, 4)
    assert s["exact_energy"] == -4.0 and s["hamiltonian"] == "maxcut"
    assert s["cut_fraction"] == pytest.approx(s["expected_cut"] / 5)
    assert s["expected_cut"] == pytest.approx(-s["final_energy"])
    assert s["approximation_ratio"] == pytest.approx(s["expected_cut"] / 4)
    assert 0.5 < s["cut_fraction"] <= 0.8 and 2 <= s["most_likely_cut"] <= 4
    assert "cut: expected" in capsys.readouterr().out


def test_cli_qaoa_on_a_random_regular_graph(tmp_path):
    out = tmp_path / "run"
    argv = ["train", "--ansatz", "qaoa", "--regular", "3", "--qubits", "6", "--graph-seed", "2"]
    assert main([*argv, "--layers", "2", "--steps", "3", "--quiet", "--out", str(out)]) == 0
    s = _summary(out)
    assert s["n_edges"] == 9 and s["n_params"] == 4 and s["layers"] == 2
    assert s["edges"] == [list(e) for e in revad.random_regular_graph(3, 6, 2)]
    assert "3-regular" in s["graph"] and s["max_cut"] == revad.max_cut(s["edges"])[0]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--ansatz", "qaoa"], "needs a graph"),
        (["--ansatz", "qaoa", "--regular", "3", "--hamiltonian", "tfim"], "does not apply"),
        (["--ansatz", "qaoa", "--regular", "3", "--qubits", "5"], "n*d must be even"),
        (["--ansatz", "qaoa", "--regular", "2", "--graph", "g.txt"], "exclude each other"),
        (["--ansatz", "qaoa", "--graph", "no-such-graph.txt"], "no such file"),
        (["--regular", "3"], "chooses the graph of --ansatz qaoa"),
        (["--ansatz", "qaoa", "--regular", "3", "--reference", "hf"], "prepares its own"),
        (["--ansatz", "uccsd"], "needs the electron count"),
        (["--ansatz", "uccsd", "--hamiltonian", "h2", "--layers", "2"], "has no layers"),
        (["--ansatz", "uccsd", "--hamiltonian", "h2", "--electrons", "3"], "has 2 (active)"),
        (["--ansatz", "uccsd", "--hamiltonian", "h2", "--reference", "zero"], "prepares its own"),
        (["--ansatz", "hva", "--hamiltonian", "h2"], "is not a bond or an X field"),
        (["--ansatz", "hva", "--qubits", "5"], "even number of qubits"),
        (["--electrons", "0"], "--electrons must be >= 1"),
        (["--electrons", "2"], "add --reference hf"),
        (["--ansatz", "hva", "--electrons", "2"], "does not apply to --ansatz hva"),
    ],
)
def test_cli_new_ansatz_errors_are_one_line(tmp_path, capsys, argv, message):
    out = tmp_path / "x"
    assert main(["train", "--steps", "1", "--out", str(out), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_cli_reference_hf_with_electrons_on_a_file(tmp_path):
    path = tmp_path / "h.txt"
    path.write_text("n_qubits 3\n1.0 Z0\n1.0 Z1\n1.0 Z2\n")
    out = tmp_path / "run"
    argv = ["train", "--hamiltonian", str(path), "--reference", "hf", "--electrons", "2"]
    argv += ["--layers", "0", "--steps", "0", "--init-scale", "0", "--backend", "numpy"]
    assert main([*argv, "--quiet", "--out", str(out)]) == 0
    # θ = 0: Rx layer is the identity, so the state is |011⟩: Z0 + Z1 + Z2 = -1 - 1 + 1
    assert _summary(out)["final_energy"] == pytest.approx(-1.0)


def test_deep_layered_defaults_start_small_with_a_cosine_schedule(tmp_path):
    out = tmp_path / "deep"
    assert main(["train", "--qubits", "3", "--layers", "200", "--steps", "2", "--out", str(out),
                 "--quiet", "--no-exact"]) == 0  # fmt: skip
    summary = json.loads((out / "summary.json").read_text())
    assert summary["init"] == "small" and summary["schedule"] == "cosine"
    assert summary["lr"] == pytest.approx(10 / 200) and summary["init_scale"] == 0.1
    shallow = tmp_path / "shallow"
    assert main(["train", "--qubits", "3", "--steps", "2", "--out", str(shallow), "--quiet"]) == 0
    summary = json.loads((shallow / "summary.json").read_text())
    assert summary["init"] == "uniform" and summary["schedule"] == "constant"


def test_grow_and_identity_blocks_from_the_cli(tmp_path):
    out = tmp_path / "grow"
    argv = ["train", "--hamiltonian", "tfim", "--qubits", "3", "--layers", "4", "--grow", "2",
            "--steps", "6", "--out", str(out), "--quiet"]  # fmt: skip
    assert main(argv) == 0
    assert (out / "stage-1" / "summary.json").is_file() and (out / "stage-2").is_dir()
    assert json.loads((out / "summary.json").read_text())["stages"] == 2
    assert main([*argv, "--resume"]) == 0  # finished: resumes to the same result
    blocks = tmp_path / "blocks"
    argv = ["train", "--hamiltonian", "tfim", "--qubits", "3", "--layers", "4", "--init",
            "identity-blocks", "--steps", "0", "--out", str(blocks), "--quiet"]  # fmt: skip
    assert main(argv) == 0
    summary = json.loads((blocks / "summary.json").read_text())
    assert summary["final_energy"] == pytest.approx(3.0, abs=1e-12)  # |000⟩: E = Σ⟨ZZ⟩ = 3


def test_plateau_command(tmp_path, capsys):
    out = tmp_path / "p"
    argv = ["plateau", "--qubits", "2,3", "--layers", "2", "--samples", "4", "--out", str(out)]
    assert main(argv) == 0
    data = json.loads((out / "plateau.json").read_text())
    assert data["qubits"] == [2, 3] and len(data["variance"]) == 2
    assert "log2 slope" in capsys.readouterr().out
    assert main(["plateau", "--init", "random", "--out", str(out)]) == 2
