import jax
import jax.numpy as jnp
import numpy as np
import pytest

import revad
from revad.backends import jax_backend
from tests.reference import (
    dense_energy,
    dense_state,
    finite_difference,
    random_circuit,
    random_hamiltonian,
)

pytestmark = pytest.mark.usefixtures("kernels")


@pytest.mark.parametrize("seed", range(3))
def test_statevector_matches_dense(seed):
    rng = np.random.default_rng(seed)
    c = random_circuit(4, 40, rng)
    theta = rng.uniform(-np.pi, np.pi, c.n_params)
    np.testing.assert_allclose(revad.statevector(c, theta), dense_state(c, theta), atol=1e-13)


@pytest.mark.parametrize("name", list(revad.GATES))
def test_every_gate_on_every_qubit_order(name):
    import itertools

    rng = np.random.default_rng(7)
    gate = revad.GATES[name]
    orders = list(itertools.permutations(range(4), gate.n_qubits))
    for i in rng.choice(len(orders), size=min(len(orders), 6), replace=False):
        qubits = orders[i]
        c = revad.Circuit(4)
        for q in range(4):
            c.ry(q, angle=float(rng.uniform(0, 3)))
            c.rz(q, angle=float(rng.uniform(0, 3)))
        c.add(name, qubits, **({"angle": 0.83} if gate.parametric else {}))
        np.testing.assert_allclose(revad.statevector(c), dense_state(c, []), atol=1e-14)


@pytest.mark.parametrize("seed", range(4))
def test_gradients_agree_adjoint_tape_numpy_fd(seed):
    rng = np.random.default_rng(seed)
    c = random_circuit(4, 45, rng)
    h = random_hamiltonian(4, 8, rng)
    theta = rng.uniform(-np.pi, np.pi, c.n_params)
    e_adj, g_adj, drift = revad.value_and_grad(c, h, theta, return_drift=True)
    e_tape, g_tape = revad.value_and_grad(c, h, theta, method="tape")
    e_np, g_np = revad.value_and_grad(c, h, theta, backend="numpy")
    fd = finite_difference(lambda t: dense_energy(c, h, t), theta)
    e_ref = dense_energy(c, h, theta)
    for e in (e_adj, e_tape, e_np):
        assert np.isclose(e, e_ref, rtol=0, atol=1e-12)
    np.testing.assert_allclose(g_adj, g_tape, rtol=0, atol=1e-12)
    np.testing.assert_allclose(g_adj, g_np, rtol=0, atol=1e-12)
    np.testing.assert_allclose(g_adj, fd, rtol=0, atol=1e-8)
    assert drift < 1e-12


def test_standard_problem_adjoint_vs_tape_and_drift():
    c = revad.variational_circuit(6, 40)
    h = revad.heisenberg(6)
    theta = np.random.default_rng(0).uniform(0, 2 * np.pi, c.n_params)
    e, g, drift = revad.value_and_grad(c, h, theta, return_drift=True)
    e_tape, g_tape = revad.value_and_grad(c, h, theta, method="tape")
    assert np.isclose(e, e_tape, rtol=0, atol=1e-12)
    np.testing.assert_allclose(g, g_tape, rtol=0, atol=1e-11)
    assert drift < 1e-12  # 1,206 gates uncomputed; complex128 round-off only


def test_complex64_drift_and_accuracy_are_measured():
    c = revad.variational_circuit(6, 40)
    h = revad.heisenberg(6)
    theta = np.random.default_rng(0).uniform(0, 2 * np.pi, c.n_params)
    e64, g64, drift64 = revad.value_and_grad(c, h, theta, dtype="complex64", return_drift=True)
    e128, g128 = revad.value_and_grad(c, h, theta)
    assert drift64 < 1e-4
    assert abs(e64 - e128) < 1e-4
    np.testing.assert_allclose(g64, g128, rtol=0, atol=1e-3)


def test_energy_fn_composes_with_jit_vmap_grad():
    c = revad.variational_circuit(3, 2)
    h = revad.tfim(3, 0.7)
    f = revad.energy_fn(c, h)
    thetas = jnp.asarray(np.random.default_rng(2).normal(size=(5, c.n_params)))
    batched = jax.jit(jax.vmap(f))(thetas)
    expected = [revad.expectation(c, h, np.asarray(t)) for t in thetas]
    np.testing.assert_allclose(batched, expected, rtol=0, atol=1e-12)
    grads = jax.jit(jax.vmap(jax.grad(f)))(thetas)
    for t, g in zip(thetas, grads, strict=True):
        np.testing.assert_allclose(g, revad.value_and_grad(c, h, t)[1], rtol=0, atol=1e-12)
    # chain rule through a function of the energy
    loss = jax.grad(lambda t: jnp.sin(f(t)) ** 2)(thetas[0])
    e, g = revad.value_and_grad(c, h, thetas[0])
    np.testing.assert_allclose(loss, 2 * np.sin(e) * np.cos(e) * g, rtol=0, atol=1e-12)


def test_energy_fn_checks_shape():
    c = revad.variational_circuit(3, 1)
    f = revad.energy_fn(c, revad.heisenberg(3))
    with pytest.raises(revad.RevadError, match="shape"):
        f(jnp.zeros(c.n_params + 1))


@pytest.mark.parametrize("theta", [1e7 + 0.3, 3.6e38, -1e300, 12345.678])
def test_complex64_reduces_angles_in_float64_first(theta):
    """Rounding θ = 1e7 + 0.3 to float32 first gave cos ≈ 0.42 instead of 0.13; θ ≥ 3.5e38
    overflowed to NaN. Trainable and fixed angles, adjoint and tape, energy_fn."""
    h = revad.Hamiltonian([(1.0, [("Z", 0)])])
    trainable = revad.Circuit(1)
    trainable.rx(0)
    fixed = revad.Circuit(1)
    fixed.rx(0, angle=theta)
    exact_e, exact_g = np.cos(theta), -np.sin(theta)
    for method in ("adjoint", "tape"):
        e, g = revad.value_and_grad(trainable, h, [theta], method=method, dtype="complex64")
        assert e == pytest.approx(exact_e, abs=1e-6) and g[0] == pytest.approx(exact_g, abs=1e-6)
    assert revad.expectation(fixed, h, dtype="complex64") == pytest.approx(exact_e, abs=1e-6)
    psi = revad.statevector(fixed, dtype="complex64")
    np.testing.assert_allclose(psi, revad.statevector(fixed), atol=1e-6)
    with jax.enable_x64(False):
        for method in ("adjoint", "tape"):
            e = revad.energy_fn(fixed, h, method=method)(jnp.zeros(0))
            assert e.dtype == jnp.float32 and float(e) == pytest.approx(exact_e, abs=1e-6)


def test_angle_reduction_is_exact_mod_4pi():
    theta = np.array([0.0, 1.0, -7.0, 4 * np.pi + 0.5, 1e7 + 0.3, 1e300])
    r = jax_backend.reduce_angles(theta)
    assert np.all(np.abs(r) <= 2 * np.pi)
    np.testing.assert_allclose(np.cos(r / 2), np.cos(theta / 2), atol=1e-15)
    np.testing.assert_allclose(np.sin(r / 2), np.sin(theta / 2), atol=1e-15)


@pytest.mark.parametrize("seed", range(2))
def test_runs_of_diagonal_gates_fuse_into_one_pass(monkeypatch, kernels, seed):
    """With DIAG steps formed at any size: energy, gradient and drift against NumPy on
    circuits rich in diagonal gates (cz, crz, rzz, cphase, Z-only Pauli rotations) between
    others, shared and fixed parameters included; and the steps are really there."""
    from revad.compile import fusion, program

    monkeypatch.setattr(fusion, "DIAG_FROM", 0)
    program._compile_fused.clear()
    rng = np.random.default_rng(seed)
    names = ["rzz", "cz", "crz", "cphase", "pauli_rot", "rz", "rx", "h", "cnot", "ryy"]
    c = random_circuit(5, 70, rng, names=names)
    c.multirz([0, 2, 4])
    c.rzz(1, 3, param=0)
    h = random_hamiltonian(5, 7, rng)
    theta = rng.uniform(-np.pi, np.pi, c.n_params)
    assert np.sum(program.compile_fused(c).step_type == fusion.DIAG) >= 3
    e, g, drift = revad.value_and_grad(c, h, theta, return_drift=True)
    e_ref, g_ref = revad.value_and_grad(c, h, theta, backend="numpy")
    assert abs(e - e_ref) < 1e-12 and drift < 1e-12
    np.testing.assert_allclose(g, g_ref, rtol=0, atol=1e-12)
    np.testing.assert_allclose(revad.statevector(c, theta), dense_state(c, theta), atol=1e-13)
    program._compile_fused.clear()
