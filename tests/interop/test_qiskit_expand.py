"""The bounded expansion behind from_qiskit and from_qasm: definitions nest at most
64 deep, and every gate application counts against the budget before anything is built."""

import pytest

pytest.importorskip("qiskit")
from qiskit import QuantumCircuit  # noqa: E402

import revad  # noqa: E402
from revad.interop import from_qiskit  # noqa: E402
from revad.interop.qiskit_expand import convert  # noqa: E402


def nested_gates(depth: int):
    """``g0`` is one x, ``gK`` calls ``gK-1``: ``depth`` levels of definitions."""
    inner = QuantumCircuit(1, name="g0")
    inner.x(0)
    gate = inner.to_gate()
    for k in range(1, depth):
        outer = QuantumCircuit(1, name=f"g{k}")
        outer.append(gate, [0])
        gate = outer.to_gate()
    qc = QuantumCircuit(1)
    qc.append(gate, [0])
    return qc


def test_custom_definitions_nest_at_most_64_deep():
    assert [op.name for op in from_qiskit(nested_gates(64)).ops] == ["x"]
    with pytest.raises(revad.RevadError, match="nested 65 deep; the limit is 64"):
        from_qiskit(nested_gates(65))


def test_expansion_is_bounded_before_building():
    """Every call counts (here g2, 2 g1, 4 g0, 4 x: 11), checked before adding gates."""
    g0 = QuantumCircuit(1, name="g0")
    g0.x(0)
    g1 = QuantumCircuit(1, name="g1")
    g1.append(g0.to_gate(), [0])
    g1.append(g0.to_gate(), [0])
    g2 = QuantumCircuit(1, name="g2")
    g2.append(g1.to_gate(), [0])
    g2.append(g1.to_gate(), [0])
    qc = QuantumCircuit(1)
    qc.append(g2.to_gate(), [0])
    assert len(convert(qc, "test", max_gates=11).ops) == 4
    with pytest.raises(revad.RevadError, match="'g2'.? expands to more than 10 gate"):
        convert(qc, "test", max_gates=10)
