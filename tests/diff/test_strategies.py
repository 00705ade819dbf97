"""Strategies as objects: revad.Adjoint(kernels=...) and revad.Tape() everywhere."""

import jax
import numpy as np
import pytest

import revad
from revad.app.cli import main
from revad.kernels import native, native_steps
from tests.reference import dense_energy, finite_difference

needs_native = pytest.mark.skipif(
    native.status() != "native", reason=f"native kernels unavailable: {native.status()}"
)


def _problem(n, layers, seed=0):
    c = revad.variational_circuit(n, layers)
    theta = np.random.default_rng(seed).uniform(0, 2 * np.pi, c.n_params)
    return c, revad.heisenberg(n), theta


@pytest.mark.parametrize(
    "method", ["adjoint", "tape", revad.Adjoint(), revad.Adjoint("jax"), revad.Tape()]
)
def test_every_strategy_matches_dense_and_finite_differences(method):
    c, h, theta = _problem(3, 2)
    energy, grad = revad.value_and_grad(c, h, theta, method=method)
    fd = finite_difference(lambda t: dense_energy(c, h, t), theta)
    np.testing.assert_allclose(energy, dense_energy(c, h, theta), atol=1e-12, rtol=0)
    np.testing.assert_allclose(grad, fd, atol=1e-7, rtol=0)
    f = revad.energy_fn(c, h, method=method)
    np.testing.assert_allclose(jax.grad(f)(theta), grad, atol=1e-12, rtol=0)


def _count_native_calls(monkeypatch):
    calls = []
    for name in ("ffi_forward", "ffi_backward"):
        real = getattr(native_steps, name)

        def counted(*args, _real=real, _name=name):
            calls.append(_name)
            return _real(*args)

        monkeypatch.setattr(native_steps, name, counted)
    return calls


def test_kernels_jax_never_calls_the_native_kernels(monkeypatch):
    calls = _count_native_calls(monkeypatch)
    c, h, theta = _problem(5, 3, seed=1)  # a shape no other test compiles: traced afresh
    energy, grad = revad.value_and_grad(c, h, theta, method=revad.Adjoint(kernels="jax"))
    revad.statevector(c, theta, kernels="jax")
    assert calls == []
    ref = revad.value_and_grad(c, h, theta, backend="numpy")
    np.testing.assert_allclose(energy, ref[0], atol=1e-12, rtol=0)
    np.testing.assert_allclose(grad, ref[1], atol=1e-12, rtol=0)


@needs_native
def test_kernels_native_runs_the_native_kernels(monkeypatch):
    calls = _count_native_calls(monkeypatch)
    c, h, theta = _problem(5, 4, seed=2)
    revad.value_and_grad(c, h, theta, method=revad.Adjoint(kernels="native"))
    assert "ffi_forward" in calls and "ffi_backward" in calls


def test_native_requested_but_unavailable_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("REVAD_NATIVE", "0")
    c, h, theta = _problem(2, 1)
    with pytest.raises(revad.RevadError, match="native CPU kernels requested but unavailable"):
        revad.value_and_grad(c, h, theta, method=revad.Adjoint(kernels="native"))
    assert revad.api.kernels_in_use("adjoint") == "disabled by REVAD_NATIVE=0"


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: revad.Adjoint("gpu"), "unknown kernels 'gpu'"),
        (lambda: revad.Adjoint(kernels=None), "unknown kernels None"),
        (lambda: revad.value_and_grad(*_problem(2, 1), method="fd"), "unknown method 'fd'"),
        (lambda: revad.energy_fn(*_problem(2, 1)[:2], method=3), "unknown method 3"),
        (
            lambda: revad.expectation(*_problem(2, 1), backend="numpy", kernels="jax"),
            "backend 'numpy' has its own",
        ),
        (
            lambda: revad.value_and_grad(*_problem(2, 1), backend="numpy", method=revad.Tape()),
            "method 'tape' needs backend 'jax'",
        ),
        (lambda: revad.statevector(*_problem(2, 1)[::2], kernels="cuda"), "unknown kernels"),
    ],
)
def test_bad_strategies_are_named(call, match):
    with pytest.raises(revad.RevadError, match=match):
        call()


def test_train_takes_a_strategy_and_records_its_kernels():
    c, h, _ = _problem(2, 1)
    result = revad.train(c, h, steps=3, method=revad.Adjoint(kernels="jax"), progress=False)
    assert result.summary["method"] == "adjoint"
    assert result.summary["kernels"] == "pure JAX (requested)"


def test_cli_kernels_option(tmp_path, capsys):
    args = ["train", "--qubits", "2", "--layers", "1", "--steps", "2", "--no-exact"]
    assert main([*args, "--kernels", "jax", "--out", str(tmp_path / "a")]) == 0
    assert "JAX kernels: pure JAX (requested)" in capsys.readouterr().out
    other = ["--kernels", "jax", "--backend", "numpy", "--out", str(tmp_path / "b")]
    assert main([*args, *other]) == 2
    assert "--kernels jax chooses the kernels of the JAX backend" in capsys.readouterr().err
    assert not (tmp_path / "b").exists()
