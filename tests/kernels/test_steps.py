"""Per-step kernel data: fused block matrices, inverse coefficients, readout matrices."""

import jax.numpy as jnp
import numpy as np

import revad
from revad.compile.fusion import BLOCK, GATE
from revad.compile.program import compile_fused
from revad.kernels.steps import backward_steps, chunks, forward_steps


def _one_chunk(c):
    parts = chunks(compile_fused(c))
    assert parts.step_type.shape[0] == 1
    return type(parts)(*(field[0] for field in parts))


def _problem():
    c = revad.Circuit(2)
    slots = c.new_params(4)
    for gate, k in zip(("rx", "ry", "rz", "rx"), slots, strict=True):
        c.add(gate, 0, param=k)  # one block of four gates on qubit 0
    c.add("rzz", (0, 1), param=c.new_params(1)[0])  # one generic gate
    theta = jnp.asarray(np.random.default_rng(0).uniform(-3, 3, c.n_params))
    return c, theta


def test_a_block_is_the_product_of_its_gates():
    c, theta = _problem()
    arrays = _one_chunk(c)
    steps = forward_steps(theta, arrays, np.zeros((0, 8, 8)), np.complex128)
    (block,) = np.flatnonzero(np.asarray(arrays.step_type) == BLOCK)
    expected = np.eye(2)
    for op in c.ops[:4]:
        expected = revad.GATES[op.name].matrix(float(theta[op.param])) @ expected
    np.testing.assert_allclose(steps.u[block], expected, rtol=0, atol=1e-14)


def test_backward_data_inverts_and_reads_out():
    c, theta = _problem()
    arrays = _one_chunk(c)
    fwd = forward_steps(theta, arrays, np.zeros((0, 8, 8)), np.complex128)
    bwd, q = backward_steps(theta, arrays, np.zeros((0, 8, 8)), np.complex128)
    (block,) = np.flatnonzero(np.asarray(arrays.step_type) == BLOCK)
    (gate,) = np.flatnonzero(np.asarray(arrays.step_type) == GATE)
    np.testing.assert_allclose(bwd.u[block] @ fwd.u[block], np.eye(2), rtol=0, atol=1e-14)
    # generic gate: U† from the inverse coefficients (diagonal rzz: B = 0, A† = conj A)
    np.testing.assert_allclose(bwd.coef_a[gate], np.conj(fwd.coef_a[gate]), rtol=0, atol=0)
    # Q_i = V_i P_i V_i† with V_i the block's gates after gate i
    mats = [revad.GATES[op.name].matrix(float(theta[op.param])) for op in c.ops[:4]]
    for i, op in enumerate(c.ops[:4]):
        after = np.eye(2)
        for m in mats[i + 1 :]:
            after = m @ after
        expected = after @ revad.GATES[op.name].generator @ after.conj().T
        np.testing.assert_allclose(q[block, i], expected, rtol=0, atol=1e-14)
