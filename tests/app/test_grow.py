"""Layerwise growth (revad.app.grow) on identity blocks (revad.ir.blocks)."""

import numpy as np
import pytest

import revad
from revad import api
from revad.app.grow import grow_train, stage_steps
from revad.app.init import initial_params
from revad.ir.blocks import identity_blocks

SETTINGS = dict(layers=4, grow=2, steps=12, seed=1, lr=0.1, progress=False)


def test_identity_blocks_start_exactly_at_the_reference_state():
    c, mirror = identity_blocks(3, 4, prepare=[1])
    theta = initial_params(c, "identity-blocks", seed=3, mirror=mirror)
    assert np.ptp(theta[mirror < 0]) > 1  # random first halves
    psi = revad.statevector(c, theta)
    np.testing.assert_allclose(psi, np.eye(8)[2], rtol=0, atol=1e-14)


def test_growth_carries_parameters_and_adds_identity_layers(tmp_path):
    h = revad.tfim(3)
    result = grow_train(3, h, out=tmp_path, **SETTINGS)
    stage1 = np.load(tmp_path / "stage-1" / "params.npy")
    stage2_start = [r for r in result.history if r["stage"] == 2][0]
    c1, _ = identity_blocks(3, 2)
    # the grown circuit's first energy is the small one's final energy: new blocks = identity
    assert stage2_start["energy"] == pytest.approx(revad.expectation(c1, h, stage1), abs=1e-12)
    assert len(result.params) == identity_blocks(3, 4)[0].n_params
    assert [r["step"] for r in result.history] == list(range(12))
    assert (tmp_path / "summary.json").is_file() and (tmp_path / "energy.png").is_file()


def test_growth_resumes_bit_identically(tmp_path, monkeypatch):
    h = revad.tfim(3)
    full = grow_train(3, h, **SETTINGS)
    real, calls = api.value_and_grad, {"n": 0}

    def interrupt_in_stage_2(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 9:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(api, "value_and_grad", interrupt_in_stage_2)
    with pytest.raises(KeyboardInterrupt):
        grow_train(3, h, out=tmp_path, **SETTINGS)
    monkeypatch.setattr(api, "value_and_grad", real)
    resumed = grow_train(3, h, out=tmp_path, resume=True, **SETTINGS)
    np.testing.assert_array_equal(resumed.params, full.params)


def test_bad_growth():
    assert stage_steps(10, 3) == [3, 3, 4]
    with pytest.raises(revad.RevadError, match="--grow K"):
        grow_train(3, revad.tfim(3), layers=6, grow=4, steps=4)
