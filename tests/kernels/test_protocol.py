"""Both kernel implementations against the protocol: forward chunks apply U, backward
chunks uncompute ψ and λ with U†, the readouts agree, and the Pauli sum is Hψ."""

import jax.numpy as jnp
import numpy as np
import pytest

from revad.compile import program as compiled
from revad.compile.fusion import BLOCK, GATE
from revad.compile.program import compile_fused, compile_hamiltonian
from revad.kernels import Native, PureJax, native
from revad.kernels.steps import backward_steps, chunks, forward_steps
from tests.reference import dense_unitary, random_circuit, random_hamiltonian

IMPLEMENTATIONS = [PureJax()]
if native.status() == "native":
    IMPLEMENTATIONS.append(Native())


def _problem(monkeypatch, seed=0, n=4):
    monkeypatch.setattr(compiled, "CHUNK", 5)  # several chunks, the last one padded
    compiled._compile_fused.clear()
    rng = np.random.default_rng(seed)
    c = random_circuit(n, 30, rng)
    theta = rng.uniform(-np.pi, np.pi, c.n_params)
    psi = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)
    return c, jnp.asarray(theta), compile_fused(c), psi / np.linalg.norm(psi), rng


def _run_forward(kernels, theta, program, psi):
    states = kernels.start(jnp.asarray(psi))
    parts = chunks(program)
    for i in range(parts.step_type.shape[0]):
        chunk = type(parts)(*(field[i] for field in parts))
        steps = forward_steps(theta, chunk, program.dense, psi.dtype)
        states = kernels.forward(states, steps, program)
    return states[0]


def _run_backward(kernels, theta, program, psi, lam):
    states, readouts = kernels.start(jnp.asarray(psi), jnp.asarray(lam)), []
    parts = chunks(program)
    for i in reversed(range(parts.step_type.shape[0])):
        chunk = type(parts)(*(field[i] for field in parts))
        steps, _ = backward_steps(theta, chunk, program.dense, psi.dtype)
        states, r, g = kernels.backward(states, steps, program, theta.shape[0])
        readouts.append((np.asarray(r), np.asarray(g)))
    return states[0], states[1], readouts


@pytest.mark.parametrize("kernels", IMPLEMENTATIONS, ids=lambda k: k.name)
def test_forward_applies_the_circuit_to_any_state(kernels, monkeypatch):
    c, theta, program, psi, _ = _problem(monkeypatch)
    expected = dense_unitary(c, np.asarray(theta)) @ psi
    out = _run_forward(kernels, theta, program, psi)
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-13)


@pytest.mark.parametrize("kernels", IMPLEMENTATIONS, ids=lambda k: k.name)
def test_backward_uncomputes_psi_and_lambda(kernels, monkeypatch):
    c, theta, program, psi, rng = _problem(monkeypatch, seed=1)
    u = dense_unitary(c, np.asarray(theta))
    lam = rng.normal(size=psi.shape) + 1j * rng.normal(size=psi.shape)
    psi0, lam0, _ = _run_backward(kernels, theta, program, u @ psi, lam)
    np.testing.assert_allclose(psi0, psi, rtol=0, atol=1e-13)
    np.testing.assert_allclose(lam0, u.conj().T @ lam, rtol=0, atol=1e-13)


@pytest.mark.skipif(len(IMPLEMENTATIONS) < 2, reason="native kernels unavailable here")
def test_the_implementations_read_out_the_same_gradients(monkeypatch):
    _, theta, program, psi, rng = _problem(monkeypatch, seed=2)
    lam = rng.normal(size=psi.shape) + 1j * rng.normal(size=psi.shape)
    _, _, jax_readouts = _run_backward(PureJax(), theta, program, psi, lam)
    _, _, native_readouts = _run_backward(Native(), theta, program, psi, lam)
    step_type = np.asarray(chunks(program).step_type)[::-1]  # readouts run last chunk first
    assert (step_type == BLOCK).any() and (step_type == GATE).any()
    for types, (r_j, g_j), (r_n, g_n) in zip(step_type, jax_readouts, native_readouts, strict=True):
        block, gate = types == BLOCK, types == GATE  # r is a block's readout, g a gate's
        np.testing.assert_allclose(r_n[block], r_j[block], rtol=0, atol=1e-13)
        np.testing.assert_allclose(g_n[gate], g_j[gate], rtol=0, atol=1e-13)


@pytest.mark.parametrize("kernels", IMPLEMENTATIONS, ids=lambda k: k.name)
def test_pauli_sum_is_h_psi_and_the_energy(kernels):
    rng = np.random.default_rng(3)
    h = random_hamiltonian(5, 9, rng)
    psi = rng.normal(size=32) + 1j * rng.normal(size=32)
    lam, energy = kernels.pauli_sum(jnp.asarray(psi), compile_hamiltonian(h))
    expected = h.to_sparse() @ psi
    np.testing.assert_allclose(lam, expected, rtol=0, atol=1e-12)
    assert abs(float(energy) - np.vdot(psi, expected).real) < 1e-12
