"""Every revad gate, the gate families included, through Qiskit and OpenQASM 2:
statevectors against Qiskit's ``Statevector`` (element by element), round trips, the
writer's exact definitions, and the input revad cannot represent."""

import math

import numpy as np
import pytest

import revad
from revad.interop import (
    from_qasm,
    from_qiskit,
    from_qiskit_operator,
    to_qasm,
    to_qiskit,
    to_qiskit_operator,
)
from tests.interop._gates import NEW, circuits
from tests.reference import dense_unitary, random_circuit, random_unitary

pytest.importorskip("qiskit")

from qiskit import QuantumCircuit, qasm2  # noqa: E402
from qiskit.circuit import Parameter  # noqa: E402
from qiskit.circuit.library import (  # noqa: E402
    MCXGate,
    PauliEvolutionGate,
    UnitaryGate,
    XXPlusYYGate,
)
from qiskit.primitives import StatevectorEstimator  # noqa: E402
from qiskit.quantum_info import Operator, SparsePauliOp, Statevector  # noqa: E402

from revad.interop._qiskit_gates import DoubleExcitationGate  # noqa: E402
from revad.interop.qasm import WRITER_MAX_MCX_CONTROLS  # noqa: E402

# Qiskit's Statevector takes PauliEvolutionGate's matrix from scipy's sparse expm.
pytestmark = pytest.mark.filterwarnings("ignore::scipy.sparse.SparseEfficiencyWarning")

BACKEND = "numpy"
HEADER = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'
NO_UNITARY = [name for name in NEW if name != "unitary"]


def value_and_grad(c, h, theta):
    return revad.value_and_grad(c, h, theta, backend=BACKEND)


def structure(c):
    """Each op's name, qubits and data, ``mcx`` with one or two controls spelled as the
    registry's ``cnot``/``ccx`` (Qiskit has no other form of those)."""
    out = []
    for op in c.ops:
        name = str(op.name)
        if name == "mcx" and len(op.qubits) <= 3:
            name = "cnot" if len(op.qubits) == 2 else "ccx"
        out.append((name, op.qubits, op.data))
    return out


def qiskit_state(qc, values):
    return Statevector(qc.assign_parameters(values)).data


@pytest.mark.parametrize("seed", range(3))
def test_to_qiskit_statevector_and_round_trip(seed):
    """to_qiskit's circuit is revad's state element by element (no global phase added);
    from_qiskit reads it back gate for gate."""
    for c, theta, h in circuits(20 + seed):
        qc, params = to_qiskit(c)
        assert list(qc.parameters) == list(params)  # every slot is used
        psi = revad.statevector(c, theta, backend=BACKEND)
        np.testing.assert_allclose(qiskit_state(qc, theta), psi, atol=1e-10, rtol=0)
        back = from_qiskit(qc)
        assert structure(back) == structure(c)
        assert [(op.param, op.angle) for op in back.ops] == [(op.param, op.angle) for op in c.ops]
        op = to_qiskit_operator(h)
        e_ref = StatevectorEstimator().run([(qc, op, theta)]).result()[0].data.evs
        e, _ = value_and_grad(back, from_qiskit_operator(op), theta)
        np.testing.assert_allclose(e, e_ref, atol=1e-10, rtol=0)


def test_qiskit_gates_map_to_revad_gates():
    t, s = Parameter("t"), Parameter("s")
    u = random_unitary(4, np.random.default_rng(1))
    qc = QuantumCircuit(5)
    qc.cp(t, 3, 1)
    qc.ccx(4, 0, 2)
    qc.mcx([0, 1, 2], 4)
    qc.append(MCXGate(4), [4, 3, 2, 1, 0])
    qc.append(XXPlusYYGate(s, -math.pi / 2), [0, 3])
    qc.append(XXPlusYYGate(0.3, math.pi / 2), [0, 3])  # single_excitation on (3, 0)
    qc.append(PauliEvolutionGate(SparsePauliOp("XIZ"), time=0.25), [1, 2, 4])
    qc.append(UnitaryGate(u), [2, 4])
    qc.append(DoubleExcitationGate(t), [1, 0, 2, 4])
    c = from_qiskit(qc)
    perm = [0, 2, 1, 3]  # Qiskit's 2-qubit matrix, bit order reversed
    assert [(op.name, op.qubits, op.param, op.angle, op.data) for op in c.ops[:7]] == [
        ("cphase", (3, 1), 1, None, None),
        ("ccx", (4, 0, 2), None, None, None),
        ("mcx", (0, 1, 2, 4), None, None, None),
        ("mcx", (4, 3, 2, 1, 0), None, None, None),
        ("single_excitation", (0, 3), 0, None, None),
        ("single_excitation", (3, 0), None, 0.3, None),
        ("pauli_rot", (1, 4), None, 0.5, "ZX"),  # label XIZ: Z on qubit 0 of the gate
    ]
    assert c.ops[7].name == "unitary" and c.ops[7].qubits == (2, 4)
    np.testing.assert_array_equal(np.array(c.ops[7].data), u[np.ix_(perm, perm)])
    assert (c.ops[8].name, c.ops[8].qubits, c.ops[8].param) == (
        "double_excitation",
        (1, 0, 2, 4),
        1,
    )
    values = [0.7, -1.3]  # qc.parameters: s, t
    psi = revad.statevector(c, values, backend=BACKEND)
    np.testing.assert_allclose(psi, qiskit_state(qc, values), atol=1e-12, rtol=0)


def test_double_excitation_gate_definition_is_exact():
    """revad's Qiskit gate: its definition (h, rx, cx, rz) equals its matrix and revad's."""
    for angle in (0.0, 0.731, -2.9):
        gate = DoubleExcitationGate(angle)
        c = revad.Circuit(4)
        c.double_excitation(0, 1, 2, 3, angle=angle)
        ref = dense_unitary(c, [])
        np.testing.assert_allclose(Operator(gate.definition).data, ref, atol=1e-12, rtol=0)
        np.testing.assert_allclose(gate.to_matrix(), ref, atol=1e-15, rtol=0)
        np.testing.assert_allclose(Operator(gate.inverse()).data, ref.conj().T, atol=1e-15)


def energy_and_fd_grad(qc, op, values, eps=1e-5):
    """Qiskit's energy, and its gradient by central differences (error about 1e-10)."""

    def energy(x):
        return float(StatevectorEstimator().run([(qc, op, x)]).result()[0].data.evs)

    grad = [
        (energy(values + eps * e) - energy(values - eps * e)) / (2 * eps)
        for e in np.eye(len(values))
    ]
    return energy(values), np.array(grad)


@pytest.mark.parametrize(
    ("coeff", "time", "n_gates"),
    [
        (1.0, "t", 2),  # exp(-i t P): two pauli_rot(t), one slot
        (0.5, "t", 1),
        (-1.0, "t", 4),  # conjugated by a Pauli on each side
        (1.0, "t/2", 1),  # as to_qiskit writes it
        (0.25, "4*t", 2),
        (-1.5, "t", 5),
    ],
)
def test_pauli_evolution_with_a_parameter_time(coeff, time, n_gates):
    """exp(-i t c P) with a parameter time: revad's slot holds t; energy, gradient and
    state match Qiskit's."""
    rng = np.random.default_rng(3)
    t, s = Parameter("t"), Parameter("s")
    times = {"t": t, "t/2": t / 2, "4*t": 4 * t}
    qc = QuantumCircuit(3)
    for q in range(3):
        qc.ry(float(rng.uniform(0, 3)), q)
        qc.rz(float(rng.uniform(0, 3)), q)
    qc.append(PauliEvolutionGate(SparsePauliOp(["YZX"], [coeff]), time=times[time]), [2, 0, 1])
    qc.append(PauliEvolutionGate(SparsePauliOp("ZY"), time=s), [1, 2])
    qc.cx(0, 2)
    c = from_qiskit(qc)
    assert c.n_params == 2 and len(c.ops) == 6 + 1 + n_gates + 2
    op = SparsePauliOp(["XZY", "ZIZ", "IXI", "YYX"], rng.normal(size=4))
    values = np.array([0.4, -1.1])  # s, t
    e_ref, g_ref = energy_and_fd_grad(qc, op, values)
    e, g = value_and_grad(c, from_qiskit_operator(op), values)
    np.testing.assert_allclose(e, e_ref, atol=1e-10, rtol=0)
    np.testing.assert_allclose(g, g_ref, atol=1e-8, rtol=0)
    psi = revad.statevector(c, values, backend=BACKEND)
    np.testing.assert_allclose(psi, qiskit_state(qc, values), atol=1e-12, rtol=0)


def test_qiskit_gates_with_other_forms_go_through_their_definitions():
    """Open controls, XXPlusYY with another β, and an identity word (a global phase)."""
    qc = QuantumCircuit(4)
    for q in range(4):
        qc.ry(0.3 + q, q)
    qc.mcx([0, 1, 2], 3, ctrl_state=5)
    qc.ccx(3, 1, 0, ctrl_state=2)
    qc.append(XXPlusYYGate(0.8, 0.3), [2, 1])
    qc.append(PauliEvolutionGate(SparsePauliOp("II"), time=0.4), [0, 3])
    c = from_qiskit(qc)
    psi = revad.statevector(c, backend=BACKEND)
    ref = Statevector(qc).data * np.exp(1j * 0.4)  # revad drops the global phase e^{-0.4i}
    np.testing.assert_allclose(psi, ref, atol=1e-12, rtol=0)


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (
            lambda qc, t: qc.append(PauliEvolutionGate(SparsePauliOp(["XX", "ZZ"]), t), [0, 1]),
            r"'PauliEvolution'.* sum of 2 Pauli terms \(XX, ZZ\).*one Pauli term only",
        ),
        (
            lambda qc, t: qc.append(
                PauliEvolutionGate([SparsePauliOp("XX"), SparsePauliOp("ZZ")], t), [0, 1]
            ),
            "list of 2 operators",
        ),
        (
            lambda qc, t: qc.append(PauliEvolutionGate(SparsePauliOp("XY"), t * t), [0, 1]),
            "time t\\*t, a parameter expression",
        ),
        (
            lambda qc, t: qc.append(PauliEvolutionGate(SparsePauliOp("XY", 0.3), t), [0, 1]),
            "0.6 times a parameter",
        ),
        (lambda qc, t: qc.append(UnitaryGate(np.eye(16)), range(4)), "unitary on 4 qubits"),
        (
            lambda qc, t: qc.append(UnitaryGate(np.diag([1, 1.001]), check_input=False), [0]),
            r"'unitary'.*not unitary \(max",
        ),
        (
            lambda qc, t: qc.append(XXPlusYYGate(t, 0.3), [0, 1]),
            "'xx_plus_yy'.*parameter expression",
        ),
    ],
)
def test_qiskit_input_revad_cannot_represent_is_refused(build, match):
    qc = QuantumCircuit(4)
    build(qc, Parameter("t"))
    with pytest.raises(revad.RevadError, match=match):
        from_qiskit(qc)


# ---- OpenQASM 2 --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
def test_to_qasm_statevector_and_read_back(seed):
    """Strict qelib1 (the writer defines the rest, exactly): Qiskit's statevector is
    revad's, and revad's reader gives it back."""
    rng = np.random.default_rng(30 + seed)
    names = [
        *NO_UNITARY,
        *["x", "y", "z", "h", "s", "t", "rx", "ry", "rz", "phase", "cnot", "cz", "swap"],
        *["crx", "cry", "crz", "rxx", "ryy", "rzz"],
    ]
    for c in (random_circuit(5, 40, rng, names=names), random_circuit(5, 30, rng, NO_UNITARY)):
        theta = rng.uniform(-math.pi, math.pi, c.n_params)
        text = to_qasm(c, theta)
        psi = revad.statevector(c, theta, backend=BACKEND)
        np.testing.assert_allclose(Statevector(qasm2.loads(text)).data, psi, atol=1e-10, rtol=0)
        np.testing.assert_allclose(
            revad.statevector(from_qasm(text), backend=BACKEND), psi, atol=1e-10, rtol=0
        )


def test_qasm_names_of_the_new_gates():
    c = revad.Circuit(5)
    c.cphase(1, 0, angle=0.5)
    c.ccx(0, 1, 2)
    c.mcx([3], 4)
    c.mcx([3, 4], 0)
    c.mcx([0, 1, 2], 3)
    c.pauli_rot("XZ", [4, 1], angle=0.25)
    c.multirz([0, 2, 3], angle=0.125)
    c.single_excitation(3, 1, angle=0.1)
    c.double_excitation(0, 1, 2, 3, angle=0.2)
    lines = to_qasm(c).splitlines()
    assert lines[-9:] == [
        "cu1(0.5) q[1],q[0];",
        "ccx q[0],q[1],q[2];",
        "cx q[3],q[4];",
        "ccx q[3],q[4],q[0];",
        "mcx_3 q[0],q[1],q[2],q[3];",
        "pauli_rot_xz(0.25) q[4],q[1];",
        "pauli_rot_zzz(0.125) q[0],q[2],q[3];",
        "single_excitation(0.1) q[3],q[1];",
        "double_excitation(0.2) q[0],q[1],q[2],q[3];",
    ]
    defined = [line.split()[1].split("(")[0] for line in lines if line.startswith("gate ")]
    assert defined == ["single_excitation", "double_excitation", "mcx_3", "pauli_rot_xz"] + [
        "pauli_rot_zzz"
    ]


@pytest.mark.parametrize("k", range(3, 7))
def test_mcx_definition_is_exact(k):
    rng = np.random.default_rng(k)
    qubits = [int(q) for q in rng.permutation(k + 1)]
    c = revad.Circuit(k + 1)
    c.mcx(qubits[:-1], qubits[-1])
    op = Operator(qasm2.loads(to_qasm(c))).data
    np.testing.assert_allclose(op, dense_unitary(c, []), atol=1e-12, rtol=0)


def test_pauli_rotation_definitions_are_exact():
    rng = np.random.default_rng(8)
    for word in ("X", "Y", "Z", "XY", "YZX", "ZZZZ", "YXYX"):
        c = revad.Circuit(4)
        qubits = [int(q) for q in rng.permutation(4)[: len(word)]]
        c.pauli_rot(word, qubits, angle=float(rng.uniform(-3, 3)))
        op = Operator(qasm2.loads(to_qasm(c))).data
        np.testing.assert_allclose(op, dense_unitary(c, []), atol=1e-12, rtol=0)


def test_qasm_reader_maps_qelib1_gates():
    src = HEADER + (
        "qreg q[5];\ncu1(0.3) q[2],q[0];\ncp(0.2) q[1],q[0];\nccx q[0],q[1],q[2];\n"
        "c3x q[4],q[0],q[1],q[2];\nc4x q[0],q[1],q[2],q[3],q[4];\n"
    )
    c, theta = from_qasm(src, trainable=True)
    assert [(op.name, op.qubits, op.param) for op in c.ops] == [
        ("cphase", (2, 0), 0),
        ("cphase", (1, 0), 1),
        ("ccx", (0, 1, 2), None),
        ("mcx", (4, 0, 1, 2), None),
        ("mcx", (0, 1, 2, 3, 4), None),
    ]
    np.testing.assert_array_equal(theta, [0.3, 0.2])


def test_qasm_writer_refuses_what_it_cannot_write_exactly():
    c = revad.Circuit(2)
    c.unitary(random_unitary(4, np.random.default_rng(0)), [0, 1])
    with pytest.raises(revad.RevadError, match="to_qasm: gate 'unitary' has no OpenQASM 2"):
        to_qasm(c)
    k = WRITER_MAX_MCX_CONTROLS + 1
    c = revad.Circuit(k + 1)
    c.mcx(list(range(k)), k)
    with pytest.raises(revad.RevadError, match=f"'mcx' with {k} controls"):
        to_qasm(c)
