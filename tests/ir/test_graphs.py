"""Graphs for MaxCut/QAOA: the Hamiltonian, brute-force cuts, random regular graphs and
the bounded edge-list reader."""

import itertools

import numpy as np
import pytest

import revad
from revad import RevadError
from revad.ir import graphs
from revad.ir.graphs import check_edges, cut_values, has_triangle


def _brute_force(edges, n):
    """The maximum cut over all 2^n assignments, plain Python."""
    return max(
        sum(side[i] != side[j] for i, j in edges) for side in itertools.product((0, 1), repeat=n)
    )


@pytest.mark.parametrize("seed", range(4))
def test_maxcut_ground_energy_is_minus_the_maximum_cut(seed):
    rng = np.random.default_rng(seed)
    n = 6
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    edges = [pairs[k] for k in rng.choice(len(pairs), size=8, replace=False)]
    h = revad.maxcut(edges, n_nodes=n)
    best = _brute_force(edges, n)
    assert h.ground_energy() == pytest.approx(-best, abs=1e-10)
    cut, state = revad.max_cut(edges, n)
    assert cut == best and cut_values(edges, np.array([state]))[0] == best


def test_maxcut_hamiltonian_is_minus_the_cut_on_basis_states():
    edges = [(0, 1), (1, 2), (0, 2), (2, 3)]
    diag = np.real(np.diag(revad.maxcut(edges).to_dense()))
    np.testing.assert_allclose(diag, -cut_values(edges, np.arange(16)), atol=1e-14)
    h = revad.maxcut(edges)
    assert h.n_qubits == 4 and h.terms[-1] == (-2.0, ())  # one constant -|E|/2


@pytest.mark.parametrize(
    "edges, n_nodes, match",
    [
        ([(0, 0)], None, "self-loop"),
        ([(0, 1), (1, 0)], None, r"edge 1 \(0, 1\) appears twice"),
        ([(0, -1)], None, "numbered from 0"),
        ([(0, 1.5)], None, "must be an integer"),
        ([(0, 1, 2)], None, "must be a pair"),
        (["01"], None, "must be a pair"),
        ([], None, "no edges"),
        ([(0, 30)], None, "beyond revad's 30 qubits"),
        ([(0, 5)], 4, "beyond n_nodes=4"),
        ("0 1", None, "expected a list"),
    ],
)
def test_bad_edges_are_refused(edges, n_nodes, match):
    with pytest.raises(RevadError, match=match):
        check_edges(edges, n_nodes)


def test_max_cut_has_a_size_limit(monkeypatch):
    monkeypatch.setattr(graphs, "MAX_BRUTE_FORCE_NODES", 4)
    with pytest.raises(RevadError, match="limited to 4 nodes"):
        revad.max_cut([(0, 4)])


@pytest.mark.parametrize("d, n", [(3, 16), (3, 8), (4, 9), (2, 5), (5, 6), (0, 3)])
def test_random_regular_graph_is_regular_and_simple(d, n):
    edges = revad.random_regular_graph(d, n, seed=3)
    assert len(edges) == n * d // 2 == len(set(edges))
    assert all(i < j for i, j in edges)
    degree = np.bincount(np.array(edges, dtype=int).ravel(), minlength=n)
    assert (degree == d).all()
    assert edges == revad.random_regular_graph(d, n, seed=3)  # reproducible


def test_random_regular_graphs_differ_by_seed_and_can_be_triangle_free():
    graphs_ = [revad.random_regular_graph(3, 16, seed=s) for s in range(20)]
    assert len({tuple(g) for g in graphs_}) > 15
    assert any(not has_triangle(g) for g in graphs_)
    assert has_triangle([(0, 1), (1, 2), (0, 2)]) and not has_triangle([(0, 1), (1, 2)])


@pytest.mark.parametrize(
    "d, n, match",
    [(3, 5, "n\\*d must be even"), (4, 4, "0 <= d < n"), (-1, 4, "0 <= d < n"),
     (2, 0, "n must be 1 to"), (2.0, 4, "d must be an integer")],
)  # fmt: skip
def test_random_regular_graph_refuses_impossible_sizes(d, n, match):
    with pytest.raises(RevadError, match=match):
        revad.random_regular_graph(d, n, seed=0)


# --------------------------------------------------------------------------- files
