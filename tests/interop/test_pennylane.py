"""PennyLane interop: a tape with string wires gives PennyLane's backprop energy and gradient."""

import numpy as np
import pytest

import revad
from revad.interop import from_pennylane, pennylane_params

qml = pytest.importorskip("pennylane")

from pennylane import numpy as pnp  # noqa: E402
from pennylane.tape import QuantumScript  # noqa: E402

WIRES = ["q2", "alpha", "b"]  # tape order: revad qubits 0, 1, 2
FIXED = 0.37  # a gate angle left out of the trainable parameters


def ops(x):
    a, b, c = WIRES
    return [
        qml.RX(x[0], a),
        qml.RY(x[1], b),
        qml.CNOT([a, b]),
        qml.RZ(FIXED, c),
        qml.IsingZZ(x[2], [b, c]),
        qml.Rot(x[3], x[4], x[5], a),  # decomposed: RZ RY RZ, each a trainable slot
        qml.CRY(x[6], [c, a]),
        qml.PhaseShift(x[7], b),
        qml.MultiRZ(x[8], [a, b, c]),  # revad's pauli_rot "ZZZ"
        qml.adjoint(qml.S(c)),
        qml.Hadamard(b),
        qml.IsingXX(x[9], [a, c]),
        qml.IsingYY(x[10], [c, b]),
        qml.CRX(x[11], [b, a]),
        qml.CRZ(x[12], [a, c]),
        qml.PauliRot(x[13], "XY", [a, b]),
        qml.CZ([a, b]),
        qml.SWAP([b, c]),
        qml.T(a),
        qml.S(b),
        qml.PauliY(c),
        qml.PauliX(a),
        qml.PauliZ(b),
        qml.SX(c),  # decomposed with a GlobalPhase, which revad drops
    ]


def hamiltonian():
    a, b, c = WIRES
    return qml.Hamiltonian(
        [0.5, -0.3, 0.2, 0.7, -0.4],
        [qml.Z(a) @ qml.Z(b), qml.X(c), qml.Y(a) @ qml.X(c), qml.Identity(b), qml.Y(b)],
    )


def bit_reversal(n):
    """revad index -> PennyLane index: PennyLane's first wire is the most significant bit."""
    return np.array([int(format(i, f"0{n}b")[::-1], 2) for i in range(2**n)])


@pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning")  # autograd internals
def test_tape_with_string_wires_matches_pennylane_backprop():
    x0 = np.random.default_rng(0).uniform(-3, 3, 14)
    tape = QuantumScript(ops(x0), [qml.expval(hamiltonian())])
    assert list(tape.wires) == WIRES
    # Every parameter is trainable by default, Hamiltonian coefficients included; make
    # the RZ angle non-trainable (coefficients are constants to revad anyway).
    fixed = tape.get_parameters(trainable_only=False).index(FIXED)
    tape.trainable_params = [i for i in range(tape.num_params) if i != fixed]
    c, h = from_pennylane(tape)
    assert c.n_qubits == 3 and c.n_params == 14
    theta = pennylane_params(tape)
    np.testing.assert_array_equal(theta, x0)
    e, g = revad.value_and_grad(c, h, theta, backend="jax", method="adjoint")

    dev = qml.device("default.qubit")

    def energy(x):
        tape = QuantumScript(ops(x), [qml.expval(hamiltonian())])
        return qml.execute([tape], dev, diff_method="backprop")[0]

    x = pnp.array(x0, requires_grad=True)
    e_ref, g_ref = energy(x), qml.grad(energy)(x)
    np.testing.assert_allclose(e, e_ref, atol=1e-8, rtol=0)
    np.testing.assert_allclose(g, g_ref, atol=1e-8, rtol=0)

    # States agree up to the dropped global phase, after reversing the bit order.
    state = QuantumScript(ops(x0), [qml.state()])
    psi_ref = np.asarray(qml.execute([state], dev)[0])[bit_reversal(3)]
    psi = revad.statevector(c, theta, backend="numpy")
    np.testing.assert_allclose(abs(np.vdot(psi_ref, psi)), 1.0, atol=1e-10, rtol=0)


def test_wire_order_and_statevector_bit_order():
    """revad qubit i is tape.wires[i]; states are exact bit reversals of each other."""
    tape = QuantumScript(
        [qml.PauliX("z"), qml.RY(0.4, "z"), qml.CNOT(["z", "y"]), qml.RX(1.1, "x")],
        [qml.expval(qml.Z("x"))],
    )
    c, h = from_pennylane(tape)
    assert [op.qubits for op in c.ops] == [(0,), (0,), (0, 1), (2,)]
    assert h.terms == ((1.0, (("Z", 2),)),)
    psi = revad.statevector(c, pennylane_params(tape), backend="numpy")
    state = QuantumScript(tape.operations, [qml.state()])
    psi_ref = np.asarray(qml.execute([state], qml.device("default.qubit"))[0])
    np.testing.assert_allclose(psi, psi_ref[bit_reversal(3)], atol=1e-12, rtol=0)


def test_observable_forms():
    a, b = "a", "b"
    tape_ops = [qml.RX(0.3, a), qml.CNOT([a, b])]
    for obs, terms in [
        (qml.X(a) + 2.0 * qml.Z(b), {(("X", 0),): 1.0, (("Z", 1),): 2.0}),
        (qml.prod(qml.Y(b), qml.Z(a)), {(("Z", 0), ("Y", 1)): 1.0}),
        (qml.s_prod(-0.5, qml.Z(b)), {(("Z", 1),): -0.5}),
        (qml.Z(a), {(("Z", 0),): 1.0}),
    ]:
        _, h = from_pennylane(QuantumScript(tape_ops, [qml.expval(obs)]))
        assert {ops: c for c, ops in h.terms} == terms


def test_fixed_parameters_of_any_decomposable_gate():
    """Non-trainable parameters may go through any decomposition (here U3, adjoint RX)."""
    tape = QuantumScript(
        [qml.U3(0.1, 0.2, 0.3, 0), qml.adjoint(qml.RX(0.5, 1)), qml.RY(0.7, 0)],
        [qml.expval(qml.Z(0) @ qml.Z(1))],
    )
    tape.trainable_params = [4]
    c, h = from_pennylane(tape)
    assert c.n_params == 1
    e = revad.expectation(c, h, pennylane_params(tape), backend="numpy")
    e_ref = qml.execute([tape], qml.device("default.qubit"))[0]
    np.testing.assert_allclose(e, e_ref, atol=1e-10, rtol=0)


# ---- errors ------------------------------------------------------------------------------


def test_non_pauli_observable_is_refused():
    tape = QuantumScript([qml.RX(0.1, 0)], [qml.expval(qml.Hermitian(np.eye(2), 0))])
    with pytest.raises(revad.RevadError, match="not a sum of Pauli words"):
        from_pennylane(tape)


def test_measurement_forms_are_refused():
    for meas in (
        [qml.probs(wires=0)],
        [qml.expval(qml.Z(0)), qml.expval(qml.X(0))],
        [],
    ):
        with pytest.raises(revad.RevadError, match="exactly one qml.expval"):
            from_pennylane(QuantumScript([qml.RX(0.1, 0)], meas))


def test_mid_circuit_measurement_and_conditionals_are_refused():
    m = qml.measure(0)
    tape = QuantumScript([qml.H(0), *m.measurements, qml.RX(0.2, 1)], [qml.expval(qml.Z(1))])
    with pytest.raises(revad.RevadError, match="mid-circuit measurement"):
        from_pennylane(tape)
    cond = qml.ops.Conditional(m, qml.X(1))
    tape = QuantumScript([qml.H(0), cond], [qml.expval(qml.Z(1))])
    with pytest.raises(revad.RevadError, match="mid-circuit measurement|classically"):
        from_pennylane(tape)


def test_function_of_a_trainable_parameter_is_refused():
    for op in (qml.CRot(0.1, 0.2, 0.3, [0, 1]), qml.adjoint(qml.RX(0.5, 0))):
        tape = QuantumScript([op], [qml.expval(qml.Z(0))])
        with pytest.raises(revad.RevadError, match="function of a trainable parameter"):
            from_pennylane(tape)


def test_not_a_tape():
    with pytest.raises(revad.RevadError, match="QuantumScript"):
        from_pennylane([qml.RX(0.1, 0)])
