import numpy as np
import pytest
from scipy.linalg import expm

from revad.ir.gates import GATES

ANGLES = [0.0, 0.37, -1.2, np.pi, 2.9]


@pytest.mark.parametrize("name", list(GATES))
@pytest.mark.parametrize("theta", ANGLES)
def test_gate_is_unitary(name, theta):
    u = GATES[name].matrix(theta)
    np.testing.assert_allclose(u.conj().T @ u, np.eye(len(u)), atol=1e-14)


@pytest.mark.parametrize("name", [g for g in GATES if GATES[g].parametric])
@pytest.mark.parametrize("theta", ANGLES)
def test_parametric_gate_is_exp_of_generator(name, theta):
    gate = GATES[name]
    p = gate.generator
    np.testing.assert_allclose(p, p.conj().T, atol=0)
    np.testing.assert_allclose(gate.matrix(theta), expm(-0.5j * theta * p), atol=1e-13)


def test_named_matrices():
    s2 = 1 / np.sqrt(2)
    np.testing.assert_allclose(GATES["h"].matrix(0), [[s2, s2], [s2, -s2]], atol=1e-15)
    np.testing.assert_allclose(GATES["s"].matrix(0), np.diag([1, 1j]), atol=1e-15)
    np.testing.assert_allclose(GATES["t"].matrix(0), np.diag([1, np.exp(0.25j * np.pi)]))
    np.testing.assert_allclose(GATES["phase"].matrix(0.3), np.diag([1, np.exp(0.3j)]))
    # local index k = 2*bit(control) + bit(target): CNOT swaps |10> and |11>
    cnot = np.eye(4)[[0, 1, 3, 2]]
    np.testing.assert_allclose(GATES["cnot"].matrix(0), cnot)
    c, s = np.cos(0.35), np.sin(0.35)
    crx = np.eye(4, dtype=complex)
    crx[2:, 2:] = [[c, -1j * s], [-1j * s, c]]
    np.testing.assert_allclose(GATES["crx"].matrix(0.7), crx, atol=1e-15)
    rzz = np.diag(np.exp(-0.35j * np.array([1, -1, -1, 1])))
    np.testing.assert_allclose(GATES["rzz"].matrix(0.7), rzz, atol=1e-15)
