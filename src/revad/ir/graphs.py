"""Graphs for MaxCut and QAOA: edge lists, the MaxCut Hamiltonian, random regular graphs
and brute-force maximum cuts (edge-list files: ``revad.io.graph_file``).

A graph is a list of edges ``(i, j)`` between nodes ``0 … n-1``; node ``q`` is qubit ``q``.
Edges are undirected and stored as ``(min, max)``; a self-loop or a repeated edge is an
error (a repeated edge would be a weight, and these graphs are unweighted).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence

import numpy as np

from ..errors import RevadError
from ..limits import MAX_QUBITS, check_qubit_count
from .hamiltonian import Hamiltonian

Edge = tuple[int, int]

MAX_BRUTE_FORCE_NODES = 24  # max_cut: 2^24 cuts, evaluated in chunks
_CHUNK = 1 << 16
_MAX_REGULAR_NODES = 10_000
_REGULAR_ATTEMPTS = 1000


def _node(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise RevadError(f"{what}: a node must be an integer, got {value!r}")
    v = int(value)
    if v < 0:
        raise RevadError(f"{what}: nodes are numbered from 0, got {v}")
    return v


def check_edges(
    edges: Iterable[Sequence[int]], n_nodes: int | None = None, what: str = "edges"
) -> tuple[list[Edge], int]:
    """``(edges as sorted (i, j) pairs, node count)``, or a RevadError naming the bad edge.

    ``n_nodes`` defaults to one more than the largest node named; it must not exceed
    ``MAX_QUBITS`` (every node is a qubit)."""
    if isinstance(edges, (str, bytes)) or not isinstance(edges, Iterable):
        raise RevadError(f"{what}: expected a list of (i, j) pairs, got {type(edges).__name__}")
    if n_nodes is not None:
        n_nodes = check_qubit_count(n_nodes, f"{what}: n_nodes")
    out: list[Edge] = []
    seen: set[Edge] = set()
    for k, edge in enumerate(edges):
        if isinstance(edge, (str, bytes)):
            raise RevadError(f"{what}: edge {k} must be a pair (i, j), got {edge!r}")
        try:
            a, b = edge
        except (TypeError, ValueError):
            raise RevadError(f"{what}: edge {k} must be a pair (i, j), got {edge!r}") from None
        i, j = _node(a, f"{what}: edge {k}"), _node(b, f"{what}: edge {k}")
        if i == j:
            raise RevadError(f"{what}: edge {k} ({i}, {j}) is a self-loop")
        e = (min(i, j), max(i, j))
        if max(e) >= (MAX_QUBITS if n_nodes is None else n_nodes):
            limit = n_nodes if n_nodes is not None else MAX_QUBITS
            why = f"n_nodes={n_nodes}" if n_nodes is not None else f"revad's {MAX_QUBITS} qubits"
            raise RevadError(f"{what}: edge {k} {e}: node {e[1]} is beyond {why} (0 … {limit - 1})")
        if e in seen:
            raise RevadError(f"{what}: edge {k} {e} appears twice")
        seen.add(e)
        out.append(e)
    if not out:
        raise RevadError(f"{what}: the graph has no edges")
    n = max(max(e) for e in out) + 1 if n_nodes is None else n_nodes
    return out, n


def maxcut(edges: Iterable[Sequence[int]], n_nodes: int | None = None) -> Hamiltonian:
    """The MaxCut Hamiltonian ``Σ_(i,j) (Z_i Z_j − 1)/2`` of an unweighted graph.

    A basis state ``x`` (node ``q`` on side ``x_q``) has energy ``−cut(x)``, the number of
    edges it cuts, negated: the ground energy is ``−(maximum cut)``. Terms: ``0.5 Z_iZ_j``
    per edge in the given order, then one constant ``−|E|/2``. ``n_nodes`` (qubits)
    defaults to one more than the largest node named.
    """
    e, n = check_edges(edges, n_nodes, "maxcut")
    terms: list[tuple[float, list[tuple[str, int]]]] = [(0.5, [("Z", i), ("Z", j)]) for i, j in e]
    terms.append((-0.5 * len(e), []))
    return Hamiltonian(terms, n_qubits=n)


def cut_values(edges: Iterable[Sequence[int]], states: np.ndarray) -> np.ndarray:
    """Edges cut by each basis state in ``states`` (integers, node ``q`` = bit ``q``)."""
    states = np.asarray(states, dtype=np.int64)
    cut = np.zeros(states.shape, dtype=np.int64)
    for i, j in edges:
        cut += ((states >> i) ^ (states >> j)) & 1
    return cut


def max_cut(edges: Iterable[Sequence[int]], n_nodes: int | None = None) -> tuple[int, int]:
    """``(maximum cut, a basis state achieving it)`` by brute force over ``2^(n-1)`` cuts
    (node ``n-1`` fixed on side 0: a cut and its complement are equal); up to
    ``MAX_BRUTE_FORCE_NODES`` nodes."""
    e, n = check_edges(edges, n_nodes, "max_cut")
    if n > MAX_BRUTE_FORCE_NODES:
        raise RevadError(
            f"max_cut by brute force is limited to {MAX_BRUTE_FORCE_NODES} nodes, got {n}"
        )
    best, best_state = -1, 0
    total = 1 << (n - 1)
    for start in range(0, total, _CHUNK):
        states = np.arange(start, min(start + _CHUNK, total), dtype=np.int64)
        cuts = cut_values(e, states)
        k = int(np.argmax(cuts))
        if cuts[k] > best:
            best, best_state = int(cuts[k]), int(states[k])
    return best, best_state


def random_regular_graph(d: int, n: int, seed: int | None = None) -> list[Edge]:
    """A random ``d``-regular simple graph on ``n`` nodes (sorted edge list), reproducible
    from ``seed`` (a NumPy ``default_rng`` seed).

    Pairing (configuration) model with the Steger-Wormald rule, as networkx does: stubs
    are paired at random, only into pairs that make neither a loop nor a repeated edge;
    a dead end restarts, at most 1000 times. Needs ``0 <= d < n``, ``n*d`` even and
    ``n <= 10,000``. Close to uniform for small ``d`` (exactly uniform in the limit)."""
    for name, value in (("d", d), ("n", n)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise RevadError(f"random_regular_graph: {name} must be an integer, got {value!r}")
    d, n = int(d), int(n)
    if not 1 <= n <= _MAX_REGULAR_NODES:
        raise RevadError(f"random_regular_graph: n must be 1 to {_MAX_REGULAR_NODES:,}, got {n}")
    if not 0 <= d < n:
        raise RevadError(f"random_regular_graph: need 0 <= d < n, got d={d}, n={n}")
    if (n * d) % 2:
        raise RevadError(f"random_regular_graph: n*d must be even, got n={n}, d={d}")
    rng = np.random.default_rng(seed)
    for _ in range(_REGULAR_ATTEMPTS):
        edges = _try_regular(d, n, rng)
        if edges is not None:
            return sorted(edges)
    raise RevadError(  # practically unreachable for d well below n
        f"random_regular_graph: no {d}-regular graph on {n} nodes after "
        f"{_REGULAR_ATTEMPTS} attempts"
    )


def _try_regular(d: int, n: int, rng: np.random.Generator) -> set[Edge] | None:
    edges: set[Edge] = set()
    stubs = [v for v in range(n) for _ in range(d)]
    if not stubs:
        return edges
    for _ in range(100 * n):  # passes; each usually pairs most stubs left
        # Pair the stubs of one shuffled pass; leftovers (pairs refused) go round again.
        order = rng.permutation(len(stubs))
        shuffled = [stubs[k] for k in order]
        left: list[int] = []
        for a, b in zip(shuffled[::2], shuffled[1::2], strict=True):
            e = (min(a, b), max(a, b))
            if a == b or e in edges:
                left += [a, b]
            else:
                edges.add(e)
        if len(left) == len(stubs) and not _can_pair(left, edges):
            return None
        stubs = left
        if not stubs:
            return edges
    return None


def _can_pair(stubs: list[int], edges: set[Edge]) -> bool:
    """Whether any two remaining stubs could still make a new edge."""
    nodes = sorted(set(stubs))
    return any((a, b) not in edges for k, a in enumerate(nodes) for b in nodes[k + 1 :])


def has_triangle(edges: Iterable[Sequence[int]]) -> bool:
    """Whether the graph has a triangle (three mutually joined nodes)."""
    adj: dict[int, set[int]] = {}
    for i, j in edges:
        adj.setdefault(i, set()).add(j)
        adj.setdefault(j, set()).add(i)
    return any(adj[i] & adj[j] for i in adj for j in adj[i] if i < j)
