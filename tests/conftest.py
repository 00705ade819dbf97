"""Tests run in x64 (complex128 is the reference precision)."""

import jax
import numpy as np
import pytest

jax.config.update("jax_enable_x64", True)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture(params=["native", "pure-jax"])
def kernels(request, monkeypatch):
    """Run a JAX-backend test on the native CPU kernels and on the pure-JAX ones."""
    from revad.kernels import native

    if request.param == "pure-jax":
        monkeypatch.setenv("REVAD_NATIVE", "0")
    elif native.status() != "native":
        pytest.skip(f"native kernels unavailable: {native.status()}")
    return request.param
