"""The backend interface: every backend object takes the same call, and refuses the
strategies it does not run with an error naming them."""

import numpy as np
import pytest

import revad
from revad.api import backend_named
from revad.backends.base import Backend


@pytest.mark.parametrize("name", ["numpy", "jax", "yao"])
def test_every_backend_is_a_backend_object(name):
    backend = backend_named(name)
    assert isinstance(backend, Backend) and backend.name == name
    backend.check(revad.Adjoint())  # the default strategy runs everywhere


@pytest.mark.parametrize("name", ["numpy", "yao"])
def test_backends_without_a_kernel_choice_refuse_one(name):
    backend = backend_named(name)
    with pytest.raises(revad.RevadError, match=f"backend '{name}' has its own"):
        backend.check(revad.Adjoint("jax"))
    with pytest.raises(revad.RevadError, match="method 'tape' needs backend 'jax'"):
        backend.check(revad.Tape())
    assert backend.kernels_in_use(revad.Adjoint()) is None


def test_the_jax_backend_runs_every_strategy():
    backend = backend_named("jax")
    for strategy in (revad.Adjoint("auto"), revad.Adjoint("jax"), revad.Tape()):
        backend.check(strategy)
    assert backend.kernels_in_use(revad.Tape()) is None
    assert backend.kernels_in_use(revad.Adjoint("jax")) == "pure JAX (requested)"


def test_one_signature_same_answers():
    c, h = revad.variational_circuit(3, 2), revad.heisenberg(3)
    theta = np.random.default_rng(0).uniform(0, 2 * np.pi, c.n_params)
    dtype, strategy = np.dtype(np.complex128), revad.Adjoint()
    results = [
        backend_named(name).value_and_grad(c, h, theta, dtype, strategy)
        for name in ("numpy", "jax")
    ]
    (e_np, g_np, _), (e_jax, g_jax, _) = results
    assert abs(e_np - e_jax) < 1e-12
    np.testing.assert_allclose(g_jax, g_np, rtol=0, atol=1e-12)
