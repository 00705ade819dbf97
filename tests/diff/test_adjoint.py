"""The reversible sweep (revad.diff.adjoint): one custom VJP behind every entry point,
O(1) stored states, a traced program that does not grow with depth."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.extend.core import jaxprs_in_params

import revad
from revad.diff import adjoint
from tests.reference import dense_unitary, finite_difference, random_circuit, random_hamiltonian

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


# --- state_fn and expval_fn: the sweep started from any cotangent, and from any ψ0 ---


def _random_problem(seed: int, n: int = 4, n_gates: int = 45):
    rng = np.random.default_rng(seed)
    c = random_circuit(n, n_gates, rng)
    theta = jnp.asarray(rng.uniform(-np.pi, np.pi, c.n_params))
    psi0 = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)
    return rng, c, theta, jnp.asarray(psi0 / np.linalg.norm(psi0))


@pytest.mark.parametrize("seed", range(3))
def test_state_vjp_equals_the_tape_vjp(seed):
    """θ̄ and ψ̄0 for random complex cotangents ψ̄, against jax.vjp through the tape
    simulator (JAX's own complex convention), from |0⟩ and from a random ψ0."""
    rng, c, theta, psi0 = _random_problem(seed)
    sweep, plain = revad.state_fn(c), revad.state_fn(c, method="tape")
    cotangent = jnp.asarray(rng.normal(size=16) + 1j * rng.normal(size=16))
    psi, vjp = jax.vjp(sweep, theta, psi0)
    psi_ref, vjp_ref = jax.vjp(plain, theta, psi0)
    np.testing.assert_allclose(psi, dense_unitary(c, theta) @ psi0, rtol=0, atol=1e-13)
    np.testing.assert_allclose(psi, psi_ref, rtol=0, atol=1e-13)
    for got, want in zip(vjp(cotangent), vjp_ref(cotangent), strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    _, vjp0 = jax.vjp(sweep, theta)  # from |0…0⟩
    _, vjp0_ref = jax.vjp(plain, theta)
    np.testing.assert_allclose(vjp0(cotangent)[0], vjp0_ref(cotangent)[0], rtol=0, atol=1e-12)


def test_state_gradients_against_finite_differences():
    """A fidelity loss: ∂/∂θ against central differences of the dense state; ∂/∂ψ0 in
    JAX's convention (∂L/∂Re ψ0 − i ∂L/∂Im ψ0) against differences in each direction."""
    rng, c, theta, psi0 = _random_problem(5, n=3, n_gates=30)
    target = rng.normal(size=8) + 1j * rng.normal(size=8)
    target /= np.linalg.norm(target)
    f = revad.state_fn(c)

    def fidelity(theta, psi0):
        return jnp.abs(jnp.vdot(target, f(theta, psi0))) ** 2

    def dense(theta, psi0):
        return abs(np.vdot(target, dense_unitary(c, theta) @ psi0)) ** 2

    g_theta, g_psi0 = jax.grad(fidelity, argnums=(0, 1))(theta, psi0)
    theta_np, psi0_np = np.asarray(theta), np.asarray(psi0)
    fd = finite_difference(lambda t: dense(t, psi0_np), theta_np)
    np.testing.assert_allclose(g_theta, fd, rtol=0, atol=1e-8)
    real = finite_difference(lambda x: dense(theta_np, x + 1j * psi0_np.imag), psi0_np.real)
    imag = finite_difference(lambda y: dense(theta_np, psi0_np.real + 1j * y), psi0_np.imag)
    np.testing.assert_allclose(g_psi0, real - 1j * imag, rtol=0, atol=1e-8)


@pytest.mark.parametrize("n_obs", [1, 3])
def test_expvals_vjp_is_one_sweep(monkeypatch, n_obs):
    """K observables: values against dense, ∂(w·E)/∂θ and ∂/∂ψ0 against the tape, and
    one reversible sweep whatever K."""
    rng, c, theta, psi0 = _random_problem(7)
    hams = [random_hamiltonian(4, 3 + k, rng) for k in range(n_obs)]
    weights = jnp.asarray(rng.normal(size=n_obs))
    sweep, plain = revad.expval_fn(c, hams), revad.expval_fn(c, hams, method="tape")
    psi = dense_unitary(c, theta) @ psi0
    want = [np.vdot(psi, h.to_dense(4) @ psi).real for h in hams]
    np.testing.assert_allclose(sweep(theta, psi0), want, rtol=0, atol=1e-12)
    sweeps, real_sweep = [], adjoint.sweep
    monkeypatch.setattr(adjoint, "sweep", lambda *a: sweeps.append(1) or real_sweep(*a))
    got = jax.vjp(sweep, theta, psi0)[1](weights)
    assert sweeps == [1]
    for g, ref in zip(got, jax.vjp(plain, theta, psi0)[1](weights), strict=True):
        np.testing.assert_allclose(g, ref, rtol=0, atol=1e-12)


def test_state_fn_runs_the_custom_backward(monkeypatch):
    c = revad.variational_circuit(3, 4)
    theta = jnp.asarray(np.random.default_rng(3).normal(size=c.n_params))
    sweeps, real_sweep = [], adjoint.sweep
    monkeypatch.setattr(adjoint, "sweep", lambda *a: sweeps.append(1) or real_sweep(*a))
    jax.grad(lambda t: jnp.abs(revad.state_fn(c)(t)[3]) ** 2)(theta)
    assert sweeps == [1]


def test_state_fn_keeps_no_tape_of_states():
    n, nlayer = 8, 10
    c = revad.variational_circuit(n, nlayer)
    theta = jnp.zeros(c.n_params)

    def loss(f):
        return lambda t: jnp.abs(f(t)[0]) ** 2

    swept = jax.make_jaxpr(jax.grad(loss(revad.state_fn(c))))(theta).jaxpr
    tape = jax.make_jaxpr(jax.grad(loss(revad.state_fn(c, method="tape"))))(theta).jaxpr
    assert _largest_intermediate(tape) >= len(c) * 2**n
    assert _largest_intermediate(swept) < 128 * len(c)


def test_vmap_over_theta_and_psi0_equals_a_loop():
    rng, c, theta, psi0 = _random_problem(11, n=3, n_gates=30)
    thetas = jnp.asarray(rng.uniform(-np.pi, np.pi, (3, c.n_params)))
    states = rng.normal(size=(3, 8)) + 1j * rng.normal(size=(3, 8))
    states = jnp.asarray(states / np.linalg.norm(states, axis=1, keepdims=True))
    hams = [revad.heisenberg(3), revad.tfim(3)]
    g = revad.expval_fn(c, hams)

    def loss(theta, psi0):
        return jnp.sum(g(theta, psi0) ** 2)

    grad = jax.jit(jax.grad(loss, argnums=(0, 1)))
    batched = jax.vmap(grad, in_axes=(None, 0))(theta, states)
    looped = [grad(theta, s) for s in states]
    for i, (a, b) in enumerate(looped):
        np.testing.assert_allclose(batched[0][i], a, rtol=0, atol=1e-13)
        np.testing.assert_allclose(batched[1][i], b, rtol=0, atol=1e-13)
    values = jax.vmap(revad.state_fn(c))(thetas)
    for t, v in zip(thetas, values, strict=True):
        np.testing.assert_allclose(v, dense_unitary(c, np.asarray(t))[:, 0], rtol=0, atol=1e-13)


def test_psi0_drift_and_basis_index():
    """value_and_grad from ψ0: the sweep recovers ψ0 (drift ~1e-15); an index is its basis state."""
    _, c, theta, psi0 = _random_problem(13)
    h = revad.heisenberg(4)
    e, g, drift = revad.value_and_grad(c, h, np.asarray(theta), psi0=psi0, return_drift=True)
    ref = revad.value_and_grad(c, h, np.asarray(theta), psi0=psi0, backend="numpy")
    assert abs(e - ref[0]) < 1e-12 and 0 <= drift < 1e-12
    np.testing.assert_allclose(g, ref[1], rtol=0, atol=1e-12)
    f = revad.energy_fn(c, h)
    basis = np.zeros(16, complex)
    basis[6] = 1
    assert abs(float(f(theta, 6)) - float(f(theta, jnp.asarray(basis)))) < 1e-14


def test_precision_follows_x64():
    c = revad.variational_circuit(3, 2)
    with jax.enable_x64(False):
        psi = revad.state_fn(c)(jnp.zeros(c.n_params, jnp.float32), 1)
        values = revad.expval_fn(c, [revad.tfim(3)])(jnp.zeros(c.n_params, jnp.float32))
    assert psi.dtype == jnp.complex64 and values.dtype == jnp.float32
    assert revad.state_fn(c)(jnp.zeros(c.n_params)).dtype == jnp.complex128
