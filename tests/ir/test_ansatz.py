import numpy as np
import pytest

import revad
from revad import RevadError


def test_hardware_efficient_layout():
    c = revad.hardware_efficient(3, 2)
    assert c.n_params == 2 * 3 * 3
    names = [(op.name, op.qubits) for op in c.ops]
    layer = [(r, (q,)) for q in range(3) for r in ("ry", "rz")]
    chain = [("cnot", (0, 1)), ("cnot", (1, 2))]
    assert names == layer + chain + layer + chain + layer


def test_prepare_flips_qubits_first():
    c = revad.variational_circuit(4, 1, prepare=[0, 1])
    assert [op.name for op in c.ops[:2]] == ["x", "x"]
    psi = revad.statevector(c, np.zeros(c.n_params))
    # θ = 0: rotations are identities; CNOT(0,1) clears qubit 1, the rest do nothing
    assert np.isclose(abs(psi[1]), 1.0, rtol=0, atol=1e-14)


@pytest.mark.parametrize("build", [revad.variational_circuit, revad.hardware_efficient])
@pytest.mark.parametrize(
    "n, nlayer, prepare, match",
    [
        (0, 1, (), "n >= 1"),
        (3, -1, (), "nlayer >= 0"),
        (2.5, 1, (), "n must be an integer"),
        (3, "2", (), "nlayer must be an integer"),
        (31, 1, (), "at most 30 qubits"),
        (10, 10**9, (), "gates; revad's limit is 10,000,000"),
        (3, 1, (3,), "qubit 3 out of range"),
    ],
)
def test_bad_ansatz_sizes_are_refused_before_building(build, n, nlayer, prepare, match):
    with pytest.raises(RevadError, match=match):
        build(n, nlayer, prepare=prepare)


def test_a_circuit_has_a_gate_limit(monkeypatch):
    from revad.ir import circuit

    monkeypatch.setattr(circuit, "MAX_GATES", 3)
    c = revad.Circuit(1)
    for _ in range(3):
        c.h(0)
    with pytest.raises(RevadError, match="at most 3 gates"):
        c.h(0)
