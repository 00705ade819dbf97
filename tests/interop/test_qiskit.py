"""Qiskit interop: circuits and SparsePauliOps give Qiskit's energies, gradients, states."""

import math

import numpy as np
import pytest

import revad
from revad.interop import from_qiskit, from_qiskit_operator

qiskit = pytest.importorskip("qiskit")
pytest.importorskip("qiskit_algorithms")

from qiskit import QuantumCircuit  # noqa: E402
from qiskit.circuit import Parameter, ParameterVector  # noqa: E402
from qiskit.primitives import StatevectorEstimator  # noqa: E402
from qiskit.quantum_info import SparsePauliOp, Statevector  # noqa: E402
from qiskit_algorithms.gradients import ReverseEstimatorGradient  # noqa: E402

ONE_QUBIT_FIXED = ["x", "y", "z", "h", "s", "t", "sdg", "tdg"]
ONE_QUBIT_ROT = ["rx", "ry", "rz", "p"]
TWO_QUBIT_FIXED = ["cx", "cz", "swap"]
TWO_QUBIT_ROT = ["rxx", "ryy", "rzz", "crx", "cry", "crz"]


def random_circuit(rng, n, n_gates, n_params):
    """Parameters from named Parameters and a ParameterVector, some shared, some bound.

    Redrawn until it has ``n_params`` parameters: every circuit then has the same shape
    (qubits, gates, parameters), so the JAX backend compiles once for all of them.
    """
    for _ in range(1000):
        qc = _draw_circuit(rng, n, n_gates)
        if len(qc.parameters) == n_params:
            return qc
    raise AssertionError("could not draw a circuit with that many parameters")


def _draw_circuit(rng, n, n_gates):
    named = [Parameter(name) for name in ("theta", "alpha", "b1", "b0")]
    vec = ParameterVector("v", 6)
    pool = named + list(vec)
    used = []
    qc = QuantumCircuit(n)
    for _ in range(n_gates):
        kind = rng.integers(4)
        if kind == 0:
            getattr(qc, str(rng.choice(ONE_QUBIT_FIXED)))(int(rng.integers(n)))
            continue
        if kind == 1:
            a, b = (int(q) for q in rng.choice(n, 2, replace=False))
            getattr(qc, str(rng.choice(TWO_QUBIT_FIXED)))(a, b)
            continue
        gate = str(rng.choice(ONE_QUBIT_ROT if kind == 2 else TWO_QUBIT_ROT))
        qubits = [int(rng.integers(n))] if kind == 2 else [int(q) for q in rng.choice(n, 2, False)]
        r = rng.random()
        if r < 0.2:
            angle = float(rng.uniform(-math.pi, math.pi))
        elif r < 0.45 and used:
            angle = used[int(rng.integers(len(used)))]
        else:
            fresh = [p for p in pool if p not in used]
            if not fresh:
                angle = float(rng.uniform(-math.pi, math.pi))
            else:
                angle = fresh[int(rng.integers(len(fresh)))]
                used.append(angle)
        getattr(qc, gate)(angle, *qubits)
    return qc


def random_op(rng, n, n_terms):
    labels = ["".join(rng.choice(list("IXYZ"), n)) for _ in range(n_terms)]
    return SparsePauliOp(labels, rng.normal(size=n_terms))


# qiskit-algorithms 0.4's ReverseEstimatorGradient raises KeyError on any parametrized
# crx/cry/crz under Qiskit 2 (it cannot re-parametrize controlled gates), so its
# reference gradient is taken on the same circuit with those gates decomposed by
# Qiskit's transpiler (into rotations by θ/2 and CNOTs; same parameters, same order).
_REFERENCE_BASIS = ["x", "y", "z", "h", "s", "sdg", "t", "tdg", "rx", "ry", "rz", "p"]
_REFERENCE_BASIS += ["cx", "cz", "swap", "rxx", "ryy", "rzz"]


def qiskit_energy_and_grad(qc, op, values):
    from qiskit import transpile

    energy = StatevectorEstimator().run([(qc, op, values)]).result()[0].data.evs
    ref = transpile(qc, basis_gates=_REFERENCE_BASIS, optimization_level=0)
    assert list(ref.parameters) == list(qc.parameters)
    grad = ReverseEstimatorGradient().run([ref], [op], [values]).result().gradients[0]
    return float(energy), np.asarray(grad)


@pytest.mark.parametrize("seed", range(3))
def test_random_circuits_match_qiskit_energy_and_gradient(seed):
    rng = np.random.default_rng(seed)
    n = 3
    qc = random_circuit(rng, n, 20, n_params=7)
    op = random_op(rng, n, 6)
    values = rng.uniform(-math.pi, math.pi, len(qc.parameters))
    e_ref, g_ref = qiskit_energy_and_grad(qc, op, values)
    c, h = from_qiskit(qc), from_qiskit_operator(op)
    assert c.n_params == len(qc.parameters)
    e, g = revad.value_and_grad(c, h, values, backend="jax", method="adjoint")
    np.testing.assert_allclose(e, e_ref, atol=1e-8, rtol=0)
    np.testing.assert_allclose(g, g_ref, atol=1e-8, rtol=0)
    psi_ref = Statevector(qc.assign_parameters(values)).data
    psi = revad.statevector(c, values, backend="numpy")
    np.testing.assert_allclose(psi, psi_ref, atol=1e-10, rtol=0)


def test_parameter_order_follows_qc_parameters_and_shared_slots():
    a, b = Parameter("b"), Parameter("a")  # names sort opposite to creation order
    v = ParameterVector("v", 11)  # v[10] sorts after v[2] (numeric, not string order)
    qc = QuantumCircuit(2)
    qc.rx(v[10], 0)
    qc.ry(a, 1)
    qc.rz(b, 0)
    qc.rx(v[2], 1)
    qc.rzz(a, 0, 1)  # reuses a
    assert list(qc.parameters) == [b, a, v[2], v[10]]
    c = from_qiskit(qc)
    assert c.n_params == 4
    assert [(op.name, op.param) for op in c.ops] == [
        ("rx", 3),
        ("ry", 1),
        ("rz", 0),
        ("rx", 2),
        ("rzz", 1),
    ]


def test_bound_angles_become_fixed_gates():
    theta = Parameter("t")
    qc = QuantumCircuit(2)
    qc.rx(0.3, 0)
    qc.crz(theta, 0, 1)
    bound = qc.assign_parameters({theta: 0.7})
    c = from_qiskit(bound)
    assert c.n_params == 0
    assert [(op.name, op.qubits, op.angle) for op in c.ops] == [
        ("rx", (0,), 0.3),
        ("crz", (0, 1), 0.7),
    ]


def test_qubit_order_and_registers():
    """Qiskit qubit k is revad qubit k (both little-endian), across several registers."""
    from qiskit import QuantumRegister

    qa, qb = QuantumRegister(2, "a"), QuantumRegister(1, "b")
    qc = QuantumCircuit(qa, qb)
    qc.x(qb[0])
    qc.cx(qb[0], qa[0])
    c = from_qiskit(qc)
    psi = revad.statevector(c, backend="numpy")
    assert np.argmax(np.abs(psi)) == 0b101
    np.testing.assert_allclose(psi, Statevector(qc).data, atol=1e-12, rtol=0)


def test_gates_outside_revad_set_are_decomposed():
    """u by its rule, cp and ccx directly, sx, cy, ch... through Qiskit's definitions;
    global phase is dropped."""
    rng = np.random.default_rng(7)
    theta = Parameter("theta")
    qc = QuantumCircuit(3)
    for q in range(3):
        qc.ry(float(rng.uniform(0, 3)), q)
    qc.u(0.3, 0.4, 0.5, 0)
    qc.sx(1)
    qc.cp(0.9, 0, 2)
    qc.ccx(0, 1, 2)
    qc.cy(2, 0)
    qc.ch(1, 2)
    qc.rx(theta, 1)
    qc.id(0)
    qc.barrier()
    c = from_qiskit(qc)
    assert c.n_params == 1
    bound = qc.assign_parameters([0.8])
    psi_ref = Statevector(bound).data * np.exp(-1j * bound.global_phase)
    psi = revad.statevector(c, [0.8], backend="numpy")
    overlap = np.vdot(psi_ref, psi)
    np.testing.assert_allclose(abs(overlap), 1.0, atol=1e-10, rtol=0)
    op = random_op(rng, 3, 5)
    e, g = revad.value_and_grad(c, from_qiskit_operator(op), [0.8], backend="numpy")
    e_ref, g_ref = qiskit_energy_and_grad(qc, op, [0.8])
    np.testing.assert_allclose(e, e_ref, atol=1e-8, rtol=0)
    np.testing.assert_allclose(g, g_ref, atol=1e-8, rtol=0)


def test_custom_gate_with_a_parameter_is_inlined():
    t = Parameter("t")
    sub = QuantumCircuit(2, name="block")
    sub.ry(t, 0)
    sub.cx(0, 1)
    sub.rzz(0.4, 0, 1)
    qc = QuantumCircuit(3)
    qc.h(2)
    qc.append(sub.to_gate(), [2, 0])
    qc.rx(t, 1)
    c = from_qiskit(qc)
    assert c.n_params == 1
    assert [(op.name, op.qubits, op.param) for op in c.ops] == [
        ("h", (2,), None),
        ("ry", (2,), 0),
        ("cnot", (2, 0), None),
        ("rzz", (2, 0), None),
        ("rx", (1,), 0),
    ]


def test_final_measurements_are_ignored():
    qc = QuantumCircuit(2, 2)
    qc.h(0)
    qc.cx(0, 1)
    qc.measure([0, 1], [0, 1])
    c = from_qiskit(qc)
    assert [op.name for op in c.ops] == ["h", "cnot"]


def test_operator_labels_rightmost_is_qubit_0():
    h = from_qiskit_operator(SparsePauliOp(["XZI", "III"], [0.5, -2.0]))
    assert h.n_qubits == 3
    assert h.terms == ((0.5, (("Z", 1), ("X", 2))), (-2.0, ()))
    op = random_op(np.random.default_rng(3), 3, 7)
    np.testing.assert_allclose(
        from_qiskit_operator(op).to_dense(), op.to_matrix(), atol=1e-12, rtol=0
    )


def test_operator_complex_parts_that_cancel_are_accepted():
    op = SparsePauliOp(["XY", "XY", "ZZ"], [1 + 1j, 1 - 1j, 0.5])
    h = from_qiskit_operator(op)
    np.testing.assert_allclose(h.to_dense(), op.to_matrix(), atol=1e-12, rtol=0)


# ---- errors ------------------------------------------------------------------------------


def test_parameter_expression_is_refused():
    t = Parameter("t")
    qc = QuantumCircuit(1)
    qc.rx(2 * t, 0)
    with pytest.raises(revad.RevadError, match="parameter expression"):
        from_qiskit(qc)


def test_decomposition_into_an_expression_names_the_gate():
    t = Parameter("t")
    qc = QuantumCircuit(2)
    qc.cu(t, 0.1, 0.2, 0.3, 0, 1)  # its definition uses t/2
    with pytest.raises(revad.RevadError, match="'cu'.*parameter expression"):
        from_qiskit(qc)


def test_u_with_a_parameter_is_exact():
    """u(θ, φ, λ) = p(φ)·ry(θ)·p(λ): θ reaches ry unchanged, global phase included."""
    t = Parameter("t")
    qc = QuantumCircuit(1)
    qc.h(0)
    qc.u(t, 0.1, 0.2, 0)
    c = from_qiskit(qc)
    assert [(op.name, op.param, op.angle) for op in c.ops] == [
        ("h", None, None),
        ("phase", None, 0.2),
        ("ry", 0, None),
        ("phase", None, 0.1),
    ]
    psi = revad.statevector(c, [0.7], backend="numpy")
    ref = Statevector(qc.assign_parameters([0.7])).data
    np.testing.assert_allclose(psi, ref, atol=1e-12, rtol=0)


def test_mid_circuit_measurement_is_refused():
    qc = QuantumCircuit(2, 1)
    qc.h(0)
    qc.measure(0, 0)
    qc.cx(0, 1)
    with pytest.raises(revad.RevadError, match="mid-circuit measurement"):
        from_qiskit(qc)


def test_classical_control_and_reset_are_refused():
    qc = QuantumCircuit(2, 1)
    qc.h(0)
    qc.measure(0, 0)
    with qc.if_test((qc.clbits[0], 1)):
        qc.x(1)
    with pytest.raises(revad.RevadError, match="classical control"):
        from_qiskit(qc)
    qc = QuantumCircuit(1)
    qc.reset(0)
    with pytest.raises(revad.RevadError, match="reset"):
        from_qiskit(qc)


def test_undecomposable_gate_is_named():
    from qiskit.circuit import Gate

    qc = QuantumCircuit(1)
    qc.append(Gate("mystery", 1, []), [0])
    with pytest.raises(revad.RevadError, match="mystery"):
        from_qiskit(qc)


def test_wrong_types_and_non_hermitian_operator():
    with pytest.raises(revad.RevadError, match="QuantumCircuit"):
        from_qiskit("not a circuit")
    with pytest.raises(revad.RevadError, match="SparsePauliOp"):
        from_qiskit_operator(np.eye(2))
    with pytest.raises(revad.RevadError, match="complex"):
        from_qiskit_operator(SparsePauliOp(["X"], [1j]))
    with pytest.raises(revad.RevadError, match="parameterized"):
        from_qiskit_operator(SparsePauliOp(["X"], np.array([Parameter("c")], dtype=object)))
