"""Initialisation strategies (revad.app.init)."""

import numpy as np
import pytest

import revad
from revad.app.init import DEEP_LAYERS, SMALL_DEPTH, initial_params, resolve


def test_auto_is_small_for_deep_circuits():
    assert resolve("auto", 4) == "uniform" and resolve("auto", None) == "uniform"
    assert resolve("auto", DEEP_LAYERS) == "small"
    with pytest.raises(revad.RevadError, match="unknown init 'random'"):
        resolve("random", 4)


def test_uniform_and_small_scales():
    c = revad.variational_circuit(3, 100)
    uniform = initial_params(c, "uniform", seed=1)
    small = initial_params(c, "small", seed=1, layers=100)
    assert 0 <= uniform.min() and uniform.max() < 2 * np.pi and uniform.max() > 6
    assert 0 <= small.min() and small.max() < SMALL_DEPTH / 100
    np.testing.assert_array_equal(initial_params(c, "small", seed=1, layers=100), small)
    assert not np.any(initial_params(c, "uniform", seed=1, scale=0.0))


def test_identity_blocks_need_their_mirror():
    c = revad.variational_circuit(2, 1)
    with pytest.raises(revad.RevadError, match="identity blocks"):
        initial_params(c, "identity-blocks", seed=0)
    mirror = np.full(c.n_params, -1)
    mirror[1::2] = np.arange(0, c.n_params, 2)[: len(mirror[1::2])]
    theta = initial_params(c, "identity-blocks", seed=0, mirror=mirror)
    np.testing.assert_array_equal(theta[1::2], -theta[mirror[1::2]])
