"""Every revad gate, the gate families included, through PennyLane: energies and
gradients against default.qubit (backprop) and lightning.qubit (adjoint) to 1e-10, round
trips, and the operations revad cannot represent."""

import numpy as np
import pytest

import revad
from revad.interop import from_pennylane, pennylane_params, to_pennylane, to_pennylane_operator
from tests.interop._gates import circuits
from tests.reference import random_unitary

qml = pytest.importorskip("pennylane")

from pennylane import numpy as pnp  # noqa: E402
from pennylane.tape import QuantumScript  # noqa: E402

BACKEND = "numpy"


def value_and_grad(c, h, theta, backend=BACKEND):
    return revad.value_and_grad(c, h, theta, backend=backend)


def pennylane_energy_and_grad(c, h, theta, device):
    obs = to_pennylane_operator(h)
    if device == "default.qubit":
        dev, diff_method = qml.device("default.qubit", wires=c.n_qubits), "backprop"
    else:
        dev, diff_method = qml.device("lightning.qubit", wires=c.n_qubits), "adjoint"

    @qml.qnode(dev, diff_method=diff_method)
    def energy(x):
        to_pennylane(c, x)
        return qml.expval(obs)

    x = pnp.array(theta, requires_grad=True)
    return float(energy(x)), np.asarray(qml.grad(energy)(x))


def tape_of(c, theta, obs):
    """``to_pennylane``'s operations on a tape whose wires are 0..n-1 in order."""
    ops = qml.tape.make_qscript(lambda: to_pennylane(c, theta))().operations
    return QuantumScript([qml.Identity(q) for q in range(c.n_qubits)] + ops, [qml.expval(obs)])


@pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning")  # autograd internals
@pytest.mark.parametrize("device", ["default.qubit", "lightning.qubit"])
@pytest.mark.parametrize("seed", range(3))
def test_random_circuits_match_pennylane_energy_and_gradient(seed, device):
    for c, theta, h in circuits(seed, n=5):
        e_ref, g_ref = pennylane_energy_and_grad(c, h, theta, device)
        for backend in ("numpy", "jax") if seed == 0 else ("numpy",):  # JAX compiles slowly
            e, g = value_and_grad(c, h, theta, backend)
            np.testing.assert_allclose(e, e_ref, atol=1e-10, rtol=0, err_msg=backend)
            np.testing.assert_allclose(g, g_ref, atol=1e-10, rtol=0, err_msg=backend)


@pytest.mark.parametrize("seed", range(3))
def test_pennylane_round_trip(seed):
    """to_pennylane then from_pennylane: the same gates on the same qubits, with the same
    words and matrices; each angle its own slot, the same energy."""
    for c, theta, h in circuits(10 + seed):
        tape = tape_of(c, theta, to_pennylane_operator(h))
        back, h_back = from_pennylane(tape)
        assert [(str(op.name), op.qubits, op.data) for op in c.ops] == [
            (op.name, op.qubits, op.data) for op in back.ops
        ]
        assert back.n_params == sum(op.gate.parametric for op in c.ops)
        values = pennylane_params(tape)
        np.testing.assert_allclose(
            revad.expectation(back, h_back, values, backend=BACKEND),
            revad.expectation(c, h, theta, backend=BACKEND),
            atol=1e-12,
            rtol=0,
        )


def test_pennylane_operations_map_to_revad_gates():
    """Wire labels of any kind; PauliRot's I letters dropped, MultiRZ a Z word."""
    u = random_unitary(8, np.random.default_rng(0))
    tape = QuantumScript(
        [
            qml.ControlledPhaseShift(0.1, ["b", "a"]),
            qml.SingleExcitation(0.2, ["a", "c"]),
            qml.DoubleExcitation(0.3, ["d", "c", "b", "a"]),
            qml.Toffoli(["c", "a", "d"]),
            qml.MultiControlledX(wires=["a", "b", "c", "d"]),
            qml.PauliRot(0.4, "XIY", ["b", "c", "d"]),
            qml.PauliRot(0.5, "II", ["a", "b"]),  # a global phase: nothing
            qml.MultiRZ(0.6, ["d", "a"]),
            qml.QubitUnitary(u, ["c", "d", "a"]),
        ],
        [qml.expval(qml.Z("a"))],
    )
    c, _ = from_pennylane(tape)
    assert list(tape.wires) == ["b", "a", "c", "d"]
    assert [(op.name, op.qubits, op.param, op.data) for op in c.ops[:-1]] == [
        ("cphase", (0, 1), 0, None),
        ("single_excitation", (1, 2), 1, None),
        ("double_excitation", (3, 2, 0, 1), 2, None),
        ("ccx", (2, 1, 3), None, None),
        ("mcx", (1, 0, 2, 3), None, None),
        ("pauli_rot", (0, 3), 3, "XY"),
        ("pauli_rot", (3, 1), 5, "ZZ"),
    ]
    # QubitUnitary's matrix is a constant, not a slot: slot 4 is PauliRot("II")'s angle.
    assert c.ops[-1].name == "unitary" and c.ops[-1].qubits == (2, 3, 1)
    np.testing.assert_array_equal(np.array(c.ops[-1].data), u)
    np.testing.assert_array_equal(pennylane_params(tape), [0.1, 0.2, 0.3, 0.4, 0.5, 0.6])


@pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning")  # autograd internals
def test_open_controls_and_identity_words_match_pennylane():
    """MultiControlledX with an open control goes through PennyLane's decomposition."""
    rng = np.random.default_rng(5)

    def ops(x):
        return [
            *[qml.RY(float(a), q) for q, a in enumerate(rng.uniform(0, 3, 4))],
            qml.MultiControlledX(wires=[0, 2, 1, 3], control_values=[1, 0, 1]),
            qml.PauliRot(x[0], "IXZI", [3, 0, 1, 2]),
            qml.PauliRot(x[1], "II", [1, 2]),
            qml.MultiRZ(x[2], [2, 0, 3]),
            qml.QubitUnitary(random_unitary(4, rng), [3, 1]),
            qml.DoubleExcitation(x[3], [1, 3, 0, 2]),
        ]

    obs = qml.X(0) @ qml.Y(2) + 0.5 * qml.Z(1) - 0.3 * qml.X(3) @ qml.Z(0)
    x0 = rng.uniform(-3, 3, 4)
    saved = rng.bit_generator.state
    tape = QuantumScript([qml.Identity(q) for q in range(4)] + ops(x0), [qml.expval(obs)])
    # The RY angles stay fixed; QubitUnitary's matrix (7) is trainable but never a slot.
    tape.trainable_params = [4, 5, 6, 7, 8]
    c, h = from_pennylane(tape)
    assert c.n_params == 4
    e, g = value_and_grad(c, h, pennylane_params(tape))
    dev = qml.device("default.qubit")

    def energy(x):
        rng.bit_generator.state = saved  # the same fixed angles and matrix
        return qml.execute([QuantumScript(ops(x), [qml.expval(obs)])], dev, diff_method="backprop")[
            0
        ]

    x = pnp.array(x0, requires_grad=True)
    np.testing.assert_allclose(e, energy(x), atol=1e-10, rtol=0)
    np.testing.assert_allclose(g, qml.grad(energy)(x), atol=1e-10, rtol=0)


def test_pennylane_bad_unitaries_are_refused():
    big = QuantumScript([qml.QubitUnitary(np.eye(16), range(4))], [qml.expval(qml.Z(0))])
    with pytest.raises(revad.RevadError, match="QubitUnitary on 4 wires.* 1 to 3"):
        from_pennylane(big)
    tape = QuantumScript([qml.QubitUnitary(np.diag([1, 1.001]), 0)], [qml.expval(qml.Z(0))])
    with pytest.raises(revad.RevadError, match=r"operation 0 \(QubitUnitary\).*not unitary"):
        from_pennylane(tape)
