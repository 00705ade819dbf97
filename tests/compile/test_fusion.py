import numpy as np
import pytest

import revad
from revad.compile import fusion
from revad.compile.fusion import BLOCK, GATE, PERM, _gf2_inverse, _gf2_matrix
from revad.compile.program import compile_fused
from tests.reference import dense_energy, dense_state, finite_difference

pytestmark = pytest.mark.usefixtures("kernels")


def test_standard_problem_compiles_to_one_pass_per_qubit_layer_and_ring():
    n, nlayer = 5, 4
    program = compile_fused(revad.variational_circuit(n, nlayer))
    types = list(program.step_type)
    assert types.count(PERM) == nlayer
    assert types.count(BLOCK) == n * (nlayer + 1)
    assert types.count(GATE) == 0
    assert types[:n] == [BLOCK] * n and types[n] == PERM


def test_gf2_networks_and_inverses(rng):
    n = 6
    for _ in range(20):
        gates = []
        for _ in range(8):
            p, q = (int(x) for x in rng.choice(n, 2, replace=False))
            gates.append((str(rng.choice(["cnot", "swap"])), (p, q)))
        rows = _gf2_matrix(gates, n)
        inv = _gf2_inverse(rows, n)
        for j in range(2**n):  # M maps the index the way the gates do
            expected = j
            for name, (p, q) in gates:
                if name == "cnot":
                    expected ^= ((expected >> p) & 1) << q
                else:
                    bp, bq = (expected >> p) & 1, (expected >> q) & 1
                    expected ^= (bp ^ bq) << p | (bp ^ bq) << q
            mapped = sum((bin(j & int(r)).count("1") & 1) << i for i, r in enumerate(rows))
            back = sum((bin(mapped & int(r)).count("1") & 1) << i for i, r in enumerate(inv))
            assert mapped == expected and back == j


def _check(c, h, theta):
    np.testing.assert_allclose(revad.statevector(c, theta), dense_state(c, theta), atol=1e-13)
    e, g = revad.value_and_grad(c, h, theta)
    assert np.isclose(e, dense_energy(c, h, theta), rtol=0, atol=1e-12)
    fd = finite_difference(lambda t: dense_energy(c, h, t), theta)
    np.testing.assert_allclose(g, fd, rtol=0, atol=1e-8)


@pytest.mark.parametrize("case", ["long_run", "after_network", "interleaved", "shared_in_block"])
def test_reordering_is_exact(case):
    """Blocks that must follow a CNOT network, long runs split, shared slots in a block."""
    c = revad.Circuit(3)
    if case == "long_run":
        for _ in range(3):
            c.rx(0), c.rz(0), c.h(0)
        c.cnot(0, 1)
    elif case == "after_network":
        c.ry(0), c.ry(1), c.ry(2)
        c.cnot(0, 1)
        c.rx(1)  # starts after the open network touched qubit 1
        c.rz(2)  # independent of the network
        c.cnot(1, 2)
        c.swap(0, 2)
        c.ry(0)
        c.crz(1, 0)
        c.cnot(2, 1)
    elif case == "interleaved":
        c.h(0), c.h(1), c.h(2)
        c.cnot(0, 1)
        c.rzz(1, 2)
        c.rx(0)
        c.cnot(2, 0)
        c.s(2)
        c.rz(2)
        c.ryy(0, 2)
        c.cnot(1, 2)
    else:
        i = c.rx(0)
        c.ry(0, angle=0.4)
        c.rx(0, param=i)
        c.cnot(0, 1)
        c.phase(1, param=i)
    h = revad.Hamiltonian(
        [(0.3, [("X", 0), ("Y", 1)]), (-0.8, [("Z", 2)]), (0.5, [("Y", 0), ("X", 2)])]
    )
    theta = np.random.default_rng(3).uniform(-np.pi, np.pi, c.n_params)
    _check(c, h, theta)


@pytest.fixture
def recompile():
    """The tests below patch compile-time knobs: no program compiled under other knobs."""
    from revad.compile import program

    program._compile_fused.clear()
    yield
    program._compile_fused.clear()


@pytest.mark.parametrize("budget", [0, 2**23])
def test_permutations_with_and_without_tables(monkeypatch, budget, recompile):
    from revad.compile import fusion

    monkeypatch.setattr(fusion, "PERM_TABLE_BUDGET", budget)
    c = revad.variational_circuit(4, 3)
    c.swap(0, 3)
    program = compile_fused(c)
    assert program.table_forward.shape[1] == (16 if budget else 0)
    h = revad.heisenberg(4)
    _check(c, h, np.random.default_rng(0).uniform(0, 2 * np.pi, c.n_params))


def test_chunked_scans_with_padding(monkeypatch, recompile):
    """Kernel data is built chunk by chunk; a step count not divisible by the chunk pads."""
    from revad.compile import program as compiled

    monkeypatch.setattr(compiled, "CHUNK", 7)
    c = revad.variational_circuit(3, 4)
    c.rxx(0, 2)
    program = compile_fused(c)
    assert len(program.step_type) % 7 == 0 and program.step_type[-1] == 3  # NOOP padding
    h = revad.heisenberg(3)
    _check(c, h, np.random.default_rng(1).uniform(0, 2 * np.pi, c.n_params))


def test_permutation_steps_are_derived_from_the_registry():
    """CNOT and SWAP (the registry's fixed two-qubit permutations) fuse; X (one qubit),
    CZ (diagonal, has a phase) and parametric gates do not."""
    assert set(fusion.PERM_MAPS) == {"cnot", "swap"}
    for name, (image_a, image_b) in fusion.PERM_MAPS.items():
        u = revad.GATES[name].matrix()
        assert abs(u[image_a, 2]) == 1 and abs(u[image_b, 1]) == 1
