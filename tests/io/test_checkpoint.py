"""Checkpoints belong to one run: fingerprint mismatches and damage are clear errors."""

import json
import zipfile

import numpy as np
import pytest

import revad
import revad.app.cli
from revad.app.train import CHECKPOINT, train
from revad.errors import RevadError


def run(circuit, h, out, steps=4, **kw):
    kw.setdefault("seed", 1)
    return train(circuit, h, steps=steps, out=out, checkpoint_every=2, progress=False, **kw)


@pytest.fixture
def done(tmp_path):
    """A finished 4-step run on 3 qubits, 2 layers, Heisenberg, Adam."""
    c, h = revad.variational_circuit(3, 2), revad.heisenberg(3)
    run(c, h, tmp_path)
    return c, h, tmp_path


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"optimizer": "rmsprop"}, "optimizer: checkpoint 'adam', now 'rmsprop'"),
        ({"lr": 0.01}, "lr: checkpoint 0.05, now 0.01"),
        ({"seed": 2}, "seed: checkpoint 1, now 2"),
        ({"method": "tape"}, "method: checkpoint 'adjoint', now 'tape'"),
        ({"hamiltonian": revad.tfim(3, 1.0)}, "hamiltonian: checkpoint "),
    ],
)
def test_resume_refuses_another_run(done, change, field):
    c, h, out = done
    h = change.pop("hamiltonian", h)
    before = (out / CHECKPOINT).read_bytes()
    with pytest.raises(RevadError, match="belongs to a different run") as err:
        run(c, h, out, steps=6, resume=True, **change)
    assert field in str(err.value)
    assert (out / CHECKPOINT).read_bytes() == before


def test_same_parameter_count_other_circuit_is_refused(tmp_path):
    """The bug: 4 qubits x 2 layers resumed as 7 qubits x 1 layer (same count)."""
    a = revad.Circuit(4)
    for q in range(4):
        a.rx(q)
    b = revad.Circuit(2)
    for q in (0, 1, 0, 1):
        b.ry(q)
    assert a.n_params == b.n_params
    run(a, revad.heisenberg(4), tmp_path)
    with pytest.raises(RevadError, match="n_qubits: checkpoint 4, now 2"):
        run(b, revad.heisenberg(2), tmp_path, steps=6, resume=True)


def test_cli_names_qubits_and_layers(tmp_path, capsys):
    out = str(tmp_path / "r")
    base = ["train", "--steps", "2", "--out", out, "--quiet", "--no-exact"]
    assert revad.app.cli.main([*base, "--qubits", "4", "--layers", "2"]) == 0
    assert revad.app.cli.main([*base, "--qubits", "4", "--layers", "1", "--resume"]) == 2
    err = capsys.readouterr().err
    assert "layers: checkpoint 2, now 1" in err and "Traceback" not in err


def test_resume_past_steps_is_refused(done):
    c, h, out = done
    with pytest.raises(RevadError, match="already 4 steps in, past --steps 3"):
        run(c, h, out, steps=3, resume=True)


def test_resume_of_a_finished_run_says_so(done, capsys):
    c, h, out = done
    res = run(c, h, out, steps=4, resume=True)
    assert "resuming from step 4 of 4 (already finished)" in capsys.readouterr().out
    assert len(res.history) == 4


def rewrite(path, **arrays):
    """Replace some arrays of the checkpoint .npz, keep the rest."""
    with np.load(path) as data:
        kept = {k: data[k] for k in data.files}
    kept.update(arrays)
    for key in [k for k, v in kept.items() if v is None]:
        del kept[key]
    np.savez(path, **kept)


@pytest.mark.parametrize(
    ("arrays", "match"),
    [
        ({"params": np.zeros(3)}, r"params: float64 \(3,\)"),
        ({"params": np.full(21, np.nan)}, "params are not finite"),
        ({"step": np.array(2.5)}, "step must be an integer scalar"),
        ({"history": np.array("[1, 2")}, "history is not valid JSON"),
        ({"history": np.array("[]")}, "history must list 4 steps"),
        ({"opt_1": None}, r"arrays missing \['opt_1'\]"),
        ({"extra": np.zeros(1)}, r"unexpected \['extra'\]"),
    ],
)
def test_damaged_checkpoint_is_named_and_kept(done, arrays, match):
    c, h, out = done
    path = out / CHECKPOINT
    rewrite(path, **arrays)
    before = path.read_bytes()
    with pytest.raises(RevadError, match=f"checkpoint .* is damaged .*{match}"):
        run(c, h, out, steps=6, resume=True)
    assert path.read_bytes() == before


def test_truncated_and_pickled_checkpoints_are_refused(done):
    c, h, out = done
    path = out / CHECKPOINT
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(RevadError, match="is damaged"):
        run(c, h, out, steps=6, resume=True)
    with zipfile.ZipFile(path, "w") as z:  # an object array would need pickle to load
        z.writestr("params.npy", b"")
    with pytest.raises(RevadError, match="is damaged"):
        run(c, h, out, steps=6, resume=True)


def test_checkpoint_without_fingerprint_is_refused(done):
    c, h, out = done
    rewrite(out / CHECKPOINT, fingerprint=None)
    with pytest.raises(RevadError, match="has no fingerprint"):
        run(c, h, out, steps=6, resume=True)


def test_fingerprint_is_saved_as_json(done):
    _, _, out = done
    with np.load(out / CHECKPOINT) as data:
        fp = json.loads(str(data["fingerprint"]))
    assert fp["n_qubits"] == 3 and fp["optimizer"] == "adam" and fp["layers"] is None
