import copy

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


# --- No stale compiled programs: a circuit changed after evaluation is recompiled. ---


def _agree(c, h, rng):
    theta = rng.uniform(-np.pi, np.pi, c.n_params)
    e_np, g_np = revad.value_and_grad(c, h, theta, backend="numpy")
    e_jax, g_jax = revad.value_and_grad(c, h, theta, backend="jax")
    np.testing.assert_allclose(e_jax, e_np, atol=1e-12)
    np.testing.assert_allclose(g_jax, g_np, atol=1e-12)
    psi = revad.statevector(c, theta, backend="jax")
    np.testing.assert_allclose(psi, revad.statevector(c, theta, backend="numpy"), atol=1e-12)
    np.testing.assert_allclose(revad.expectation(c, h, theta), e_np, atol=1e-12)


def test_the_issue_reproduction_new_params_after_evaluation():
    c = revad.Circuit(1)
    c.rx(0, angle=0.7)
    h = revad.Hamiltonian([(1.0, [("Z", 0)])])
    assert revad.expectation(c, h, backend="jax") == pytest.approx(np.cos(0.7), abs=1e-12)
    c.new_params(1)
    e, g = revad.value_and_grad(c, h, [2.0], backend="jax")
    assert e == pytest.approx(np.cos(0.7), abs=1e-12)  # was cos(2.0): a stale program
    np.testing.assert_array_equal(g, [0.0])


MUTATIONS = {
    "append a gate": lambda c: c.ry(0),
    "append a shared gate": lambda c: c.rzz(0, 1, param=0),
    "append a fixed gate": lambda c: c.crx(1, 0, angle=0.4),
    "reserve slots": lambda c: c.new_params(2),
    "add() directly": lambda c: c.add("swap", (0, 2)),
}


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_every_public_mutation_after_evaluation_is_seen(mutation, rng):
    from tests.reference import random_circuit

    for _ in range(3):
        c = random_circuit(3, 24, rng)
        h = revad.heisenberg(3)
        _agree(c, h, rng)
        MUTATIONS[mutation](c)
        _agree(c, h, rng)


def test_copies_are_independent_and_evaluate_on_their_own_content(rng):
    from tests.reference import random_circuit

    c = random_circuit(3, 20, rng)
    h = revad.tfim(3, 0.7)
    _agree(c, h, rng)
    for twin in (copy.copy(c), copy.deepcopy(c), c.copy()):
        assert twin == c and twin is not c
        twin.h(1)
        twin.rx(2)
        assert len(twin) == len(c) + 2 and twin.n_params == c.n_params + 1
        _agree(twin, h, rng)
        _agree(c, h, rng)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda c: c.ops.pop(),
        lambda c: c.ops.reverse(),
        lambda c: c.ops.append(c.ops[0]),
        lambda c: setattr(c, "ops", []),
        lambda c: setattr(c, "n_params", 7),
        lambda c: setattr(c, "n_qubits", 1),
        lambda c: setattr(c, "_jax_program", None),  # nowhere to hide compiled state
    ],
)
def test_gate_list_and_sizes_cannot_be_changed_behind_the_builder(mutate):
    c = revad.variational_circuit(3, 2)
    before = c.key()
    revad.expectation(c, revad.heisenberg(3), np.zeros(c.n_params))
    with pytest.raises(AttributeError):
        mutate(c)
    assert c.key() == before


def test_equal_content_shares_a_key_and_different_content_does_not():
    a, b = revad.variational_circuit(3, 2), revad.variational_circuit(3, 2)
    assert a == b and hash(a.key()) == hash(b.key())
    b.new_params(1)
    assert a != b
    with pytest.raises(TypeError):
        hash(a)  # mutable: hash its key() instead


def test_too_many_qubits_is_refused_before_building():
    with pytest.raises(RevadError, match="at most 30 qubits"):
        revad.Circuit(31)
    with pytest.raises(RevadError, match="at most 30 qubits"):
        revad.variational_circuit(20_000_000, 1)
