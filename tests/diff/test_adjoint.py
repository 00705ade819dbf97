"""The reversible sweep (revad.diff.adjoint): one custom VJP behind every entry point,
O(1) stored states, a traced program that does not grow with depth."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.extend.core import jaxprs_in_params

import revad
from revad.diff import adjoint

pytestmark = pytest.mark.usefixtures("kernels")


def test_energy_fn_uses_the_custom_backward(monkeypatch):
    c = revad.variational_circuit(4, 3)
    h = revad.heisenberg(4)
    theta = jnp.asarray(np.random.default_rng(1).normal(size=c.n_params))
    f = revad.energy_fn(c, h)
    sweeps, real_sweep = [], adjoint.sweep
    monkeypatch.setattr(adjoint, "sweep", lambda *a: sweeps.append(1) or real_sweep(*a))
    g = jax.grad(f)(theta)
    assert sweeps == [1]  # the custom backward ran the reversible sweep, once
    np.testing.assert_allclose(g, revad.value_and_grad(c, h, theta)[1], rtol=0, atol=1e-12)


@pytest.mark.parametrize("kernels", ["jax", "auto"])
def test_value_and_grad_runs_the_custom_backward_of_energy_fn(monkeypatch, kernels):
    """revad.value_and_grad is JAX's value_and_grad of the same custom VJP as energy_fn:
    tracing it (a shape no other test compiles) calls the sweep through the VJP's
    backward rule, which also hands out the drift."""
    c, h = revad.variational_circuit(3, 7), revad.heisenberg(3)
    theta = np.random.default_rng(2).normal(size=c.n_params)
    sweeps, real_sweep = [], adjoint.sweep
    monkeypatch.setattr(adjoint, "sweep", lambda *a: sweeps.append(1) or real_sweep(*a))
    method = revad.Adjoint(kernels)
    energy, grad, drift = revad.value_and_grad(c, h, theta, method=method, return_drift=True)
    assert sweeps == [1]  # traced once, from the custom VJP's backward rule
    ref = revad.value_and_grad(c, h, theta, backend="numpy", return_drift=True)
    np.testing.assert_allclose(grad, ref[1], rtol=0, atol=1e-12)
    assert abs(energy - ref[0]) < 1e-12 and 0 <= drift < 1e-12


def _largest_intermediate(jaxpr) -> int:
    """Largest array (in elements) produced anywhere in a jaxpr, sub-jaxprs included."""
    largest = 0
    for eqn in jaxpr.eqns:
        for var in eqn.outvars:
            largest = max(largest, int(np.prod(getattr(var.aval, "shape", ()))))
        for sub in jaxprs_in_params(eqn.params):
            largest = max(largest, _largest_intermediate(sub))
    return largest


def test_adjoint_keeps_no_tape_of_states():
    n, nlayer = 8, 10  # 2^n > 128, so a stored state outgrows the per-gate scalars below
    c = revad.variational_circuit(n, nlayer)
    h = revad.heisenberg(n)
    theta = jnp.zeros(c.n_params)
    n_gates = len(c)
    swept = jax.make_jaxpr(jax.grad(revad.energy_fn(c, h)))(theta).jaxpr
    tape = jax.make_jaxpr(jax.grad(revad.energy_fn(c, h, method="tape")))(theta).jaxpr
    assert _largest_intermediate(tape) >= n_gates * 2**n  # the stored states
    assert _largest_intermediate(swept) < 128 * n_gates  # per-gate scalars only


def _count_eqns(jaxpr) -> int:
    return sum(1 + sum(_count_eqns(s) for s in jaxprs_in_params(e.params)) for e in jaxpr.eqns)


def test_traced_program_does_not_grow_with_depth():
    h = revad.heisenberg(4)

    def size(nlayer):
        c = revad.variational_circuit(4, nlayer)
        f = jax.grad(revad.energy_fn(c, h))
        return _count_eqns(jax.make_jaxpr(f)(jnp.zeros(c.n_params)).jaxpr)

    assert size(2) == size(200)
