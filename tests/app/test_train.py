import json

import numpy as np
import pytest

import revad
from revad import api
from revad.app.train import CHECKPOINT, train


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


def test_resume_with_schedule_clip_and_small_init_is_bit_identical(problem, tmp_path, monkeypatch):
    c, h = problem
    settings = dict(steps=20, seed=2, init="small", schedule="cosine", warmup=4, clip=0.3,
                    lr=0.2, metadata={"layers": 60}, progress=False)  # fmt: skip
    full = train(c, h, **settings)
    assert full.summary["init"] == "small" and full.summary["schedule"] == "cosine"
    real, calls = api.value_and_grad, {"n": 0}

    def interrupt_at_step_11(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 12:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(api, "value_and_grad", interrupt_at_step_11)
    with pytest.raises(KeyboardInterrupt):
        train(c, h, out=tmp_path, **settings)
    monkeypatch.setattr(api, "value_and_grad", real)
    resumed = train(c, h, out=tmp_path, resume=True, **settings)
    np.testing.assert_array_equal(resumed.params, full.params)
    with pytest.raises(revad.RevadError, match="checkpoint"):  # a cosine run cannot be extended
        train(c, h, out=tmp_path, resume=True, **{**settings, "steps": 30})
