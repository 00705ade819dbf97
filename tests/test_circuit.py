import numpy as np
import pytest

import revad
from revad import RevadError


def test_builder_slots_fixed_and_shared():
    c = revad.Circuit(3)
    i = c.rx(0)
    assert i == 0
    assert c.ry(1, angle=0.3) is None
    assert c.rz(2, param=i) == 0
    c.h(0)
    c.cnot(0, 1)
    c.cz(1, 2)
    c.swap(0, 2)
    assert c.crx(0, 1) == 1
    assert c.rzz(1, 2) == 2
    assert c.n_params == 3
    assert len(c) == 9
    assert c.ops[1].angle == 0.3 and c.ops[1].param is None
    assert c.ops[2].param == 0


@pytest.mark.parametrize(
    "build, match",
    [
        (lambda c: c.rx(3), "qubit 3 out of range"),
        (lambda c: c.h(-1), "qubit -1 out of range"),
        (lambda c: c.cnot(1, 1), "distinct qubits"),
        (lambda c: c.rx(0.5), "qubit must be an integer"),
        (lambda c: c.rx(0, param=5), "param=5 is not an existing slot"),
        (lambda c: c.rx(0, angle=float("nan")), "finite"),
        (lambda c: c.rx(0, angle=1j), "real number"),
        (lambda c: c.rx(0, angle=0.1, param=0), "not both"),
        (lambda c: c.h(0) or c.add("h", 0, angle=0.2), "takes no angle"),
        (lambda c: c.add("toffoli", (0, 1, 2)), "unknown gate 'toffoli'"),
        (lambda c: c.add("cnot", 0), "acts on 2 qubit"),
    ],
)
def test_builder_errors(build, match):
    with pytest.raises(RevadError, match=match):
        build(revad.Circuit(3))


def test_circuit_needs_a_qubit():
    with pytest.raises(RevadError, match="at least 1 qubit"):
        revad.Circuit(0)


def _layer_names(c):
    return [(op.name, op.qubits) for op in c.ops]


def test_variational_circuit_layout_matches_yao_easybuild():
    n, nlayer = 3, 2
    c = revad.variational_circuit(n, nlayer)
    ring = [("cnot", (0, 1)), ("cnot", (1, 2)), ("cnot", (2, 0))]
    first = [(r, (q,)) for q in range(n) for r in ("rx", "rz")]
    middle = [(r, (q,)) for q in range(n) for r in ("rz", "rx", "rz")]
    last = [(r, (q,)) for q in range(n) for r in ("rz", "rx")]
    assert _layer_names(c) == first + ring + middle + ring + last
    assert c.n_params == n * (3 * nlayer + 1)
    assert [op.param for op in c.ops if op.param is not None] == list(range(c.n_params))


def test_variational_circuit_sizes():
    assert revad.variational_circuit(16, 100).n_params == 4816
    single = revad.variational_circuit(4, 0)
    assert [op.name for op in single.ops] == ["rx"] * 4
    two = revad.variational_circuit(2, 1)  # Yao's pair_ring(2) = [1=>2, 2=>1]
    assert [op.qubits for op in two.ops if op.name == "cnot"] == [(0, 1), (1, 0)]
    assert not any(op.name == "cnot" for op in revad.variational_circuit(1, 3).ops)
    assert np.isclose(revad.variational_circuit(1, 3).n_params, 10)


def test_new_params_reserves_slots():
    c = revad.Circuit(2)
    assert c.new_params(3) == range(0, 3)
    c.rx(0, param=2)
    assert c.rx(1) == 3 and c.n_params == 4
    with pytest.raises(RevadError, match="count must be >= 0"):
        c.new_params(-1)
