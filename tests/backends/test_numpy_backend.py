import numpy as np
import pytest

import revad
from revad.backends import numpy_backend
from tests.reference import (
    dense_energy,
    dense_state,
    finite_difference,
    random_circuit,
    random_hamiltonian,
)


@pytest.mark.parametrize("seed", range(3))
def test_statevector_matches_dense(seed):
    rng = np.random.default_rng(seed)
    c = random_circuit(4, 40, rng)
    theta = rng.uniform(-np.pi, np.pi, c.n_params)
    psi = revad.statevector(c, theta, backend="numpy")
    np.testing.assert_allclose(psi, dense_state(c, theta), atol=1e-13)


@pytest.mark.parametrize("seed", range(3))
def test_adjoint_gradient_matches_finite_differences(seed):
    rng = np.random.default_rng(seed)
    c = random_circuit(4, 40, rng)
    h = random_hamiltonian(4, 8, rng)
    theta = rng.uniform(-np.pi, np.pi, c.n_params)
    energy, grad, drift = revad.value_and_grad(c, h, theta, backend="numpy", return_drift=True)
    assert np.isclose(energy, dense_energy(c, h, theta), atol=1e-12)
    fd = finite_difference(lambda t: dense_energy(c, h, t), theta)
    np.testing.assert_allclose(grad, fd, atol=1e-8)
    assert drift < 1e-13


def test_buffers_are_updated_in_place():
    """The workspace writes into the state it is given: no new statevector per gate."""
    ws = numpy_backend._Workspace(3, np.complex128)
    psi = np.zeros(8, complex)
    psi[0] = 1
    before = psi.__array_interface__["data"][0]
    ws.apply(psi, revad.GATES["h"].matrix(0), (1,))
    ws.apply(psi, revad.GATES["cnot"].matrix(0), (1, 2))
    assert psi.__array_interface__["data"][0] == before
    np.testing.assert_allclose(psi[[0, 6]], [2**-0.5, 2**-0.5], atol=1e-15)
