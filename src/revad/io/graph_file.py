"""A bounded reader of edge-list files (graphs for ``revad train --ansatz qaoa --graph``).

Edge-list files (read here) are text, one edge per line::

    # a triangle and a pendant node
    0 1
    1 2
    0 2
    2 3   # comments may follow an edge

Blank lines and ``#`` comments are ignored; each other line holds exactly two
non-negative integers. Limits: at most ``MAX_GRAPH_BYTES`` (1 MiB), nodes
``0 … MAX_QUBITS-1`` (one qubit per node). Every problem names the file and the line.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import RevadError
from ..ir.graphs import Edge
from ..limits import MAX_QUBITS
from .bounded import read_text

MAX_GRAPH_BYTES = 2**20  # 1 MiB of "i j" lines: far more than MAX_QUBITS nodes can use


def read_graph(path: str | os.PathLike[str]) -> tuple[list[Edge], int]:
    """``(edges, node count)`` from an edge-list file (format in the module docstring).

    The node count is one more than the largest node named. A regular file of at most
    ``MAX_GRAPH_BYTES`` (checked before reading; a FIFO or device is never read), UTF-8;
    errors name the file and line. Nothing in it is evaluated: each line is split and
    parsed as two decimal integers."""
    where = os.fspath(path)
    text = read_text(Path(where), MAX_GRAPH_BYTES, "graph file")
    edges: list[Edge] = []
    lines: dict[Edge, int] = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split()
        if len(fields) != 2:
            raise RevadError(
                f"{where}, line {lineno}: expected two node numbers 'i j', got {_short(line)}"
            )
        nodes = []
        for f in fields:
            if not f.isdigit() or not f.isascii():
                raise RevadError(
                    f"{where}, line {lineno}: {_short(f)} is not a node number "
                    "(a non-negative integer)"
                )
            if len(f) > 6 or int(f) >= MAX_QUBITS:
                raise RevadError(
                    f"{where}, line {lineno}: node {_short(f)} is beyond revad's limit of "
                    f"{MAX_QUBITS} nodes (0 … {MAX_QUBITS - 1}; one qubit per node)"
                )
            nodes.append(int(f))
        i, j = nodes
        if i == j:
            raise RevadError(f"{where}, line {lineno}: edge {i} {j} is a self-loop")
        e = (min(i, j), max(i, j))
        if e in lines:
            raise RevadError(
                f"{where}, line {lineno}: edge {i} {j} repeats the edge of line {lines[e]}"
            )
        lines[e] = lineno
        edges.append(e)
    if not edges:
        raise RevadError(f"{where}: no edges (expected lines 'i j')")
    return edges, max(max(e) for e in edges) + 1


def _short(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")
