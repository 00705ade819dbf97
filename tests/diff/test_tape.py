"""Tape AD, the yardstick: plain jax.grad through the per-gate simulation."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from revad.compile.program import compile_circuit, compile_observables
from revad.diff import tape
from tests.reference import (
    dense_energy,
    dense_state,
    finite_difference,
    random_circuit,
    random_hamiltonian,
)


@pytest.mark.parametrize("seed", range(2))
def test_tape_energy_and_gradient_against_dense_and_finite_differences(seed):
    rng = np.random.default_rng(seed)
    c, h = random_circuit(3, 25, rng), random_hamiltonian(3, 6, rng)
    theta = rng.uniform(-np.pi, np.pi, c.n_params)
    ops, obs = compile_circuit(c), compile_observables([h])
    psi = tape.forward(jnp.asarray(theta), ops, c.n_qubits)
    np.testing.assert_allclose(psi, dense_state(c, theta), rtol=0, atol=1e-13)

    def energy(theta):
        return tape.expvals(theta, ops, obs, c.n_qubits)[0]

    energy, grad = jax.value_and_grad(energy)(jnp.asarray(theta))
    assert abs(float(energy) - dense_energy(c, h, theta)) < 1e-12
    fd = finite_difference(lambda t: dense_energy(c, h, t), theta)
    np.testing.assert_allclose(grad, fd, rtol=0, atol=1e-7)
