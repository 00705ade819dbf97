"""The bounded edge-list reader (revad.io.graph_file)."""

import os

import pytest

import revad
from revad import RevadError
from revad.io import graph_file as graphs
from revad.io.graph_file import read_graph


def test_read_graph(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("# a square\n0 1\n1 2  # comment\n\n   2 3\n3 0\n")
    assert read_graph(path) == ([(0, 1), (1, 2), (2, 3), (0, 3)], 4)
    assert revad.read_graph(str(path))[1] == 4


@pytest.mark.parametrize(
    "text, match",
    [
        ("0 1\n1\n", "line 2: expected two node numbers"),
        ("0 1\n1 2 3\n", "line 2: expected two node numbers"),
        ("0 1\n\n1 x\n", "line 3: 'x' is not a node number"),
        ("0 -1\n", "line 1: '-1' is not a node number"),
        ("0 1.0\n", "line 1: '1.0' is not a node number"),
        ("0 ١\n", "line 1: '١' is not a node number"),  # a non-ASCII digit
        ("2 2\n", "line 1: edge 2 2 is a self-loop"),
        ("0 1\n# x\n1 0\n", "line 3: edge 1 0 repeats the edge of line 1"),
        ("0 30\n", "line 1: node '30' is beyond revad's limit of 30 nodes"),
        ("0 " + "9" * 5000 + "\n", "line 1: node '9999"),
        ("# nothing\n\n", "no edges"),
        ("__import__('os')\n", "line 1: expected two node numbers"),
    ],
)
def test_read_graph_errors_name_the_line(tmp_path, text, match):
    path = tmp_path / "g.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RevadError, match=match) as exc:
        read_graph(path)
    assert str(path) in str(exc.value)


def test_read_graph_bounds(tmp_path, monkeypatch):
    with pytest.raises(RevadError, match="no such file"):
        read_graph(tmp_path / "missing")
    with pytest.raises(RevadError, match="is a directory"):
        read_graph(tmp_path)
    big = tmp_path / "big.txt"
    big.write_text("0 1\n" + "#" * graphs.MAX_GRAPH_BYTES)
    with pytest.raises(RevadError, match="larger than revad's limit of 1 MiB"):
        read_graph(big)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"0 1\n\xff\n")
    with pytest.raises(RevadError, match="not UTF-8"):
        read_graph(bad)
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "fifo"
        os.mkfifo(fifo)
        with pytest.raises(RevadError, match=r"is a named pipe \(FIFO\); graph files must"):
            read_graph(fifo)  # refused from stat, never opened for a blocking read
