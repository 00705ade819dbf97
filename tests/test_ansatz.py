import numpy as np

import revad


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
