"""Optimizers from optax: schedules, warm-up, clipping (revad.app.optimizers)."""

import jax.numpy as jnp
import numpy as np
import optax
import pytest

import revad
from revad.app.optimizers import make_optimizer, schedule


def test_schedules_start_at_lr_after_warmup_and_decay():
    cosine = schedule("cosine", 0.1, steps=110, warmup=10)
    assert float(cosine(0)) == 0.0 and float(cosine(5)) == pytest.approx(0.05)
    assert float(cosine(10)) == pytest.approx(0.1) and float(cosine(110)) == pytest.approx(0.0)
    exponential = schedule("exponential", 0.1, steps=100)
    assert float(exponential(100)) == pytest.approx(0.001)
    assert float(schedule("constant", 0.1, steps=100)(77)) == pytest.approx(0.1)


def test_the_optimizer_uses_the_schedule_and_clips():
    """Plain SGD makes the step −lr(t)·g with g clipped to norm 1: checked step by step."""
    opt = make_optimizer("sgd", 0.5, schedule_kind="cosine", steps=4, clip=1.0)
    params, state = jnp.zeros(2), None
    state = opt.init(params)
    g = jnp.array([3.0, 4.0])  # norm 5: clipped to (0.6, 0.8)
    lr = schedule("cosine", 0.5, steps=4)
    for t in range(4):
        updates, state = opt.update(g, state, params)
        np.testing.assert_allclose(updates, -float(lr(t)) * np.array([0.6, 0.8]), rtol=1e-6)
        params = optax.apply_updates(params, updates)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"schedule_kind": "linear"}, "unknown schedule"),
        ({"clip": 0.0}, "clip"),
        ({"clip": float("nan")}, "clip"),
        ({"warmup": -1}, "warmup"),
    ],
)
def test_bad_settings(kwargs, match):
    with pytest.raises(revad.RevadError, match=match):
        make_optimizer("adam", 0.1, steps=10, **kwargs)
    with pytest.raises(revad.RevadError, match="unknown optimizer"):
        make_optimizer("lbfgs", 0.1)
