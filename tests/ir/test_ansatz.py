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


# ----------------------------------------------------------------------------- UCCSD


def _pennylane_order(psi: np.ndarray, n: int) -> np.ndarray:
    """revad's state (qubit 0 least significant) in PennyLane's order (wire 0 most)."""
    index = np.array([int(format(k, f"0{n}b")[::-1], 2) for k in range(2**n)])
    return psi[index]


@pytest.mark.parametrize("n_qubits, n_electrons", [(4, 2), (6, 2), (6, 3), (8, 4)])
def test_uccsd_is_pennylane_all_singles_doubles(n_qubits, n_electrons):
    qml = pytest.importorskip("pennylane")
    singles, doubles = qml.qchem.excitations(n_electrons, n_qubits)
    c = revad.uccsd(n_qubits, n_electrons)
    assert c.n_params == len(singles) + len(doubles)
    theta = np.random.default_rng(n_qubits + n_electrons).normal(size=c.n_params)
    psi = revad.statevector(c, theta, backend="numpy")

    @qml.qnode(qml.device("default.qubit", wires=n_qubits))
    def reference(weights):
        hf = qml.qchem.hf_state(n_electrons, n_qubits)
        qml.AllSinglesDoubles(weights, range(n_qubits), hf, singles=singles, doubles=doubles)
        return qml.state()

    expected = np.asarray(reference(theta))  # weights: the singles, then the doubles
    np.testing.assert_allclose(_pennylane_order(psi, n_qubits), expected, rtol=0, atol=1e-12)


def test_uccsd_layout_and_hartree_fock_start():
    c = revad.uccsd(4, 2)
    assert [(op.name, op.qubits, op.param) for op in c.ops] == [
        ("x", (0,), None),
        ("x", (1,), None),
        ("double_excitation", (0, 1, 2, 3), 2),
        ("single_excitation", (0, 2), 0),
        ("single_excitation", (1, 3), 1),
    ]
    psi = revad.statevector(revad.uccsd(6, 2), np.zeros(8), backend="numpy")
    assert abs(psi[0b11]) == pytest.approx(1.0)  # basis index 2**n_electrons - 1


def test_uccsd_reaches_h2_fci_energy():
    from scipy.optimize import minimize

    h = revad.load_hamiltonian("h2")
    c = revad.uccsd(4, 2)
    result = minimize(
        lambda t: revad.value_and_grad(c, h, t, backend="numpy"),
        np.zeros(c.n_params),
        jac=True,
        method="BFGS",
    )
    assert result.fun == pytest.approx(revad.molecule_info("h2")["fci_energy"], abs=1e-8)


@pytest.mark.parametrize(
    "n_qubits, n_electrons, match",
    [
        (4, 0, "n_electrons must be positive"),
        (4, -2, "n_electrons must be positive"),
        (4, 4, "fewer than the 4 spin orbitals"),
        (4, 6, "fewer than the 4 spin orbitals"),
        (5, 2, "must be even"),
        (2, 1, "no spin-conserving excitation"),
        (32, 2, "between 1 and 30"),
        (4.0, 2, "n_qubits must be an integer"),
        (4, True, "n_electrons must be an integer"),
    ],
)
def test_uccsd_refuses_bad_sizes(n_qubits, n_electrons, match):
    with pytest.raises(RevadError, match=match):
        revad.uccsd(n_qubits, n_electrons)


# ----------------------------------------------------------------------------- HVA


def _minimise(c, h, seed=0):
    """BFGS from small angles: the ansätze start near their reference state."""
    from scipy.optimize import minimize

    x0 = np.random.default_rng(seed).uniform(0, 0.1, c.n_params)
    fun = lambda t: revad.value_and_grad(c, h, t, backend="numpy")  # noqa: E731
    return minimize(fun, x0, jac=True, method="BFGS").fun


def test_hva_tfim_layout():
    h = revad.tfim(4, 0.7)
    c = revad.hva(h, 3)
    assert c.n_params == 6
    ops = c.ops
    assert [op.name for op in ops[:4]] == ["h"] * 4
    layer = ops[4:12]
    assert [(op.name, op.qubits) for op in layer] == [
        ("rzz", (0, 1)), ("rzz", (1, 2)), ("rzz", (2, 3)), ("rzz", (0, 3)),
        ("rx", (0,)), ("rx", (1,)), ("rx", (2,)), ("rx", (3,)),
    ]  # fmt: skip
    assert [op.param for op in layer] == [0] * 4 + [1] * 4  # (γ_1, β_1), shared
    assert len(ops) == 4 + 3 * 8 and {op.param for op in ops[-8:]} == {4, 5}


def test_hva_heisenberg_layout_and_singlets():
    c = revad.hva(revad.heisenberg(6), 2)
    assert c.n_params == 12
    psi0 = revad.statevector(revad.hva(revad.heisenberg(6), 0), np.zeros(0), backend="numpy")
    singlet = np.array([0, -1, 1, 0]) / np.sqrt(2)  # (|0_i 1_j> - |1_i 0_j>)/√2, index 2j+i
    expected = np.kron(np.kron(singlet, singlet), singlet)  # (4,5) (2,3) (0,1)
    np.testing.assert_allclose(psi0, expected, atol=1e-14)
    gates = [op for op in c.ops if op.param is not None]
    first = [(op.name, op.qubits, op.param) for op in gates[:18]]
    even, odd = [(0, 1), (2, 3), (4, 5)], [(1, 2), (3, 4), (5, 0)]
    expected_ops = [
        (name, bond, k + 3 * g)
        for g, group in enumerate((even, odd))
        for k, name in enumerate(("rzz", "ryy", "rxx"))
        for bond in group
    ]
    assert first == expected_ops
    assert revad.hva(revad.heisenberg(2), 2).n_params == 6  # no odd bonds on two qubits


@pytest.mark.parametrize(
    "h, nlayer",
    [
        (revad.heisenberg(4), 2),
        (revad.heisenberg(4, periodic=False), 2),
        (revad.xxz(4, 0.5), 2),
        (revad.tfim(4), 2),
        (revad.tfim(4, 0.5, periodic=False), 4),  # an open chain needs n layers, a ring n/2
    ],
    ids=["heisenberg4", "heisenberg4-open", "xxz4", "tfim4", "tfim4-open"],
)
def test_hva_reaches_the_exact_ground_energy(h, nlayer):
    assert _minimise(revad.hva(h, nlayer), h) == pytest.approx(h.ground_energy(), abs=1e-8)


@pytest.mark.parametrize(
    "h, match",
    [
        (revad.load_hamiltonian("h2"), "is not a bond or an X field"),
        (revad.Hamiltonian([(1.0, [("Z", 0), ("Z", 1)]), (2.0, [("Z", 1), ("Z", 2)])]),
         "ZZ couplings differ"),
        (revad.Hamiltonian([(1.0, [("Z", 0), ("Z", 1)]), (1.0, [("X", 0)])]),
         "same on every qubit"),
        (revad.heisenberg(5), "even number of qubits"),
        (revad.Hamiltonian([(1.0, [(p, 0), (p, 2)]) for p in "XYZ"], n_qubits=4),
         "not a chain"),
        (revad.Hamiltonian([(1.0, [("X", 0), ("X", 1)]), (1.0, [("Y", 0), ("Y", 1)])]),
         "has XX/YY terms"),
        (revad.Hamiltonian([*revad.heisenberg(2).terms, (0.5, [("X", 0)])]),
         "together with an X field"),
        (revad.Hamiltonian([(1.0, [("X", 0)])]), "no two-qubit bonds"),
    ],
)  # fmt: skip
def test_hva_refuses_other_hamiltonians(h, match):
    with pytest.raises(RevadError, match=match):
        revad.hva(h, 1)


def test_hva_refuses_bad_layers():
    with pytest.raises(RevadError, match="nlayer >= 0"):
        revad.hva(revad.tfim(3), -1)
    with pytest.raises(RevadError, match="nlayer must be an integer"):
        revad.hva(revad.tfim(3), 1.5)
    with pytest.raises(RevadError, match="needs a revad Hamiltonian"):
        revad.hva("tfim", 1)


# ----------------------------------------------------------------------------- QAOA


def _dense_qaoa_energy(edges, n, gammas, betas):
    """⟨H_C⟩ of QAOA from dense matrices, independent of revad's gates and Hamiltonians."""
    index = np.arange(2**n)
    cut = np.zeros(2**n)
    for i, j in edges:  # qubit q is bit q of the index
        cut += (index >> i & 1) ^ (index >> j & 1)
    zz = len(edges) - 2 * cut  # Σ Z_iZ_j
    psi = np.full(2**n, 2 ** (-n / 2), dtype=complex)
    x = np.array([[0, 1], [1, 0]], dtype=complex)
    for gamma, beta in zip(gammas, betas, strict=True):
        psi = np.exp(-1j * gamma / 2 * zz) * psi  # Π rzz(γ) = exp(-iγ/2 Σ ZZ)
        rx = np.cos(beta / 2) * np.eye(2) - 1j * np.sin(beta / 2) * x
        full = np.eye(1)
        for _ in range(n):
            full = np.kron(full, rx)
        psi = full @ psi
    return float(np.real(np.vdot(psi, -cut * psi)))  # Σ (Z_iZ_j - 1)/2 = -cut


def test_qaoa_layout_and_parameter_order():
    edges = [(0, 1), (1, 2), (0, 2), (2, 3)]
    c = revad.qaoa(edges, 2)
    assert c.n_params == 4 and c.n_qubits == 4
    assert [op.name for op in c.ops[:4]] == ["h"] * 4
    params = [(op.name, op.param) for op in c.ops[4:]]
    rounds = [[("rzz", 2 * k)] * 4 + [("rx", 2 * k + 1)] * 4 for k in range(2)]
    assert params == rounds[0] + rounds[1]  # (γ1, β1, γ2, β2)
    assert revad.qaoa(edges, 1, n_nodes=6).n_qubits == 6


def test_qaoa_energy_matches_a_dense_calculation():
    edges = [(0, 1), (1, 2), (0, 2), (2, 3), (3, 4), (0, 4)]  # a triangle and a square
    c = revad.qaoa(edges, 2)
    h = revad.maxcut(edges)
    theta = np.array([0.4, 1.1, -0.7, 0.3])
    expected = _dense_qaoa_energy(edges, 5, theta[0::2], theta[1::2])
    assert revad.expectation(c, h, theta, backend="numpy") == pytest.approx(expected, abs=1e-12)


def test_qaoa_p1_on_a_triangle_free_cubic_graph_is_farhis_formula():
    """Triangle-free 3-regular (the cube): ⟨cut⟩/|E| = 1/2 + 1/2 sin(2β) sin(-γ) cos²γ in
    gate angles (Farhi et al. 2014, β_F = β/2, γ_F = -γ); its maximum is 0.6924."""
    cube = [(a, a ^ (1 << k)) for a in range(8) for k in range(3) if a < a ^ (1 << k)]
    c, h = revad.qaoa(cube, 1), revad.maxcut(cube)
    for gamma, beta in [(0.3, 0.9), (-0.6155, 0.7854), (1.2, -0.4)]:
        fraction = -revad.expectation(c, h, [gamma, beta], backend="numpy") / len(cube)
        formula = 0.5 + 0.5 * np.sin(2 * beta) * np.sin(-gamma) * np.cos(gamma) ** 2
        assert fraction == pytest.approx(formula, abs=1e-12)
    best = -revad.expectation(c, h, [-np.arctan(np.sqrt(0.5)), np.pi / 4], backend="numpy")
    assert best / len(cube) == pytest.approx(0.6924, abs=1e-4)


def test_qaoa_refuses_bad_input():
    with pytest.raises(RevadError, match="p >= 0"):
        revad.qaoa([(0, 1)], -1)
    with pytest.raises(RevadError, match="self-loop"):
        revad.qaoa([(0, 0)], 1)
    with pytest.raises(RevadError, match="no edges"):
        revad.qaoa([], 1)
