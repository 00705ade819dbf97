"""The suites of a run."""

from __future__ import annotations

import pytest

from revad.bench.settings import make_suites


def test_suites():
    (d,) = make_suites("depth", quick=False)
    assert d.cases == [(10, 10), (10, 100), (10, 1000), (10, 10000)]
    (w,) = make_suites("width", quick=False)
    assert w.cases == [(n, 10) for n in (4, 8, 12, 16, 20, 22)]
    assert [s.name for s in make_suites("all", quick=True)] == ["depth", "width"]


def test_unknown_suite_is_refused():
    with pytest.raises(ValueError, match="unknown suite"):
        make_suites("sideways", quick=True)
