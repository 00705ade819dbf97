import importlib.util

import numpy as np
import pytest
from scipy.linalg import expm

from revad.ir.gates import GATES, STRUCTURES, GateDef

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


# --------------------------------------------------------------------------------------
# The registry: structures and peer names (name tables only: no qiskit/pennylane needed)
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(GATES))
def test_structure_holds_on_matrix(name):
    gate = GATES[name]
    assert gate.structure in STRUCTURES
    angles = ANGLES if gate.parametric else [0.0]
    for theta in angles:
        u = gate.matrix(theta)
        assert u.shape == (2**gate.n_qubits,) * 2
        off = u - np.diag(np.diag(u))
        if gate.structure == "diagonal":
            np.testing.assert_allclose(off, 0, atol=1e-15)
        elif gate.structure == "permutation":
            assert not gate.parametric
            assert set(np.unique(u)) <= {0, 1}
            np.testing.assert_array_equal(u.sum(axis=0), 1)
            np.testing.assert_array_equal(u.sum(axis=1), 1)
        elif gate.structure == "controlled-flip":
            assert gate.n_qubits == 2
            np.testing.assert_allclose(u[:2, :2], np.eye(2), atol=1e-15)
            np.testing.assert_allclose(u[:2, 2:], 0, atol=0)
            np.testing.assert_allclose(u[2:, :2], 0, atol=0)
            if theta != 0.0:  # the target block flips: not diagonal
                assert np.abs(u[2:, 2:] - np.diag(np.diag(u[2:, 2:]))).max() > 1e-3
        elif gate.structure == "multi-qubit":
            assert gate.n_qubits >= 3
        else:
            assert gate.n_qubits == {"one-qubit": 1, "two-qubit": 2}[gate.structure]
    if gate.structure in ("one-qubit", "two-qubit", "controlled-flip") and gate.parametric:
        # not secretly diagonal or a permutation at a generic angle
        u = gate.matrix(0.37)
        assert np.abs(u - np.diag(np.diag(u))).max() > 1e-3


def test_unknown_structure_is_refused():
    with pytest.raises(ValueError, match="structure"):
        GateDef("g", 1, lambda theta=0.0: np.eye(2), structure="sparse")


@pytest.mark.parametrize("name", list(GATES))
def test_peer_names_map_back_to_the_gate(name):
    from revad.backends import yao_encoding
    from revad.interop import pennylane, qasm
    from revad.interop import qiskit_expand as qiskit

    gate = GATES[name]
    if gate.qiskit is not None:
        assert qiskit._DIRECT[gate.qiskit] == name
        assert gate.qiskit in qiskit.BASIS
    if gate.pennylane is not None:
        assert pennylane._DIRECT[gate.pennylane] == name
    if gate.qasm is not None:
        assert qasm._QASM_NAMES[name] == gate.qasm
    if gate.yao is not None:
        assert yao_encoding.YAO_BLOCKS[name] == gate.yao
        assert name in yao_encoding.GATE_CODES


def test_peer_aliases_name_the_same_gate():
    from revad.interop import pennylane
    from revad.interop import qiskit_expand as qiskit

    # every import-table entry is either the registry's name or a declared alias
    for module, peer in [(qiskit, "qiskit"), (pennylane, "pennylane")]:
        registry = {getattr(g, peer): g.name for g in GATES.values() if getattr(g, peer)}
        assert module._DIRECT == {**registry, **module._ALIASES}
    assert qiskit._ALIASES == {"u1": "phase", "cu1": "cphase"}
    assert pennylane._ALIASES == {"U1": "phase"}


@pytest.mark.parametrize("name", [g for g in GATES if GATES[g].qasm is not None])
def test_qasm_name_round_trips_through_the_writer_and_reader(name):
    """to_qasm writes the registry's qasm name; from_qasm (Qiskit's parser) reads it back
    as the same gate, same qubit order, same angle."""
    pytest.importorskip("qiskit")
    from revad.interop import from_qasm, to_qasm
    from revad.ir.circuit import Circuit

    gate = GATES[name]
    c = Circuit(max(2, gate.n_qubits))
    qubits = tuple(reversed(range(c.n_qubits)))[: gate.n_qubits]
    c.add(name, qubits, **({"angle": 0.5} if gate.parametric else {}))
    text = to_qasm(c)
    call = text.splitlines()[-1]
    assert call.split("(")[0].split(" ")[0] == gate.qasm
    assert from_qasm(text).ops == c.ops


@pytest.mark.parametrize("name", list(GATES))
def test_every_gate_round_trips_through_qiskit_and_pennylane(name):
    """to_qiskit/to_pennylane write each gate by its registry name; from_qiskit and
    from_pennylane read it back as the same gate, qubits and parameter slot."""
    from revad.interop import from_pennylane, from_qiskit, to_pennylane, to_qiskit
    from revad.ir.circuit import Circuit

    gate = GATES[name]
    c = Circuit(max(2, gate.n_qubits))
    qubits = tuple(reversed(range(c.n_qubits)))[: gate.n_qubits]
    if gate.parametric:
        c.add(name, qubits, param=c.new_params(1)[0])
    else:
        c.add(name, qubits)
    if importlib.util.find_spec("qiskit") is not None:
        assert from_qiskit(to_qiskit(c)[0]).ops == c.ops
    if importlib.util.find_spec("pennylane") is not None:
        import pennylane as qml

        with qml.tape.QuantumTape() as tape:
            to_pennylane(c, np.array([0.3]))
            qml.expval(qml.PauliZ(0))
        back, _ = from_pennylane(tape)  # revad qubit i is tape.wires[i]
        wires = [(op.name, tuple(tape.wires[q] for q in op.qubits)) for op in back.ops]
        assert wires == [(op.name, op.qubits) for op in c.ops]
