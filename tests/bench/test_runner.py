"""The suite loop (budgets, skips, ``results.json``) and ``replot`` of recorded results."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from revad.bench import cli
from revad.bench.records import Status, read_records
from revad.bench.runner import replot, run
from revad.bench.settings import Settings, Suite

RESULTS = Path(__file__).resolve().parents[2] / "benchmarks"


def test_timeout_is_recorded_and_larger_sizes_skipped(tmp_path):
    settings = Settings(
        methods=["revad-numpy-adjoint"],
        suites=[Suite("depth", [(3, 1), (3, 2)])],
        out=tmp_path,
        budget=0.05,
        progress=False,
    )
    records, failures = run(settings)
    assert failures == []
    assert [r.label for r in records] == ["timeout", "skipped: timeout at layers=1"]
    assert [r.status for r in records] == [Status.TIMEOUT, Status.SKIPPED]
    saved = json.loads((tmp_path / "results.json").read_text())
    assert [r["status"] for r in saved] == ["timeout", "skipped"]
    assert [r["reason"] for r in saved] == ["killed after the 0.05 s budget", "timeout at layers=1"]
    assert "timeout" in (tmp_path / "results.md").read_text()


@pytest.mark.parametrize("folder", ["results_final/depth", "results_6bfe1be/depth",
                                    "results_final/width"])  # fmt: skip
def test_replot_of_recorded_results_reproduces_their_table(folder, tmp_path):
    src = RESULTS / folder
    if not (src / "results.json").exists():
        pytest.skip(f"{src} not in this checkout")
    out = tmp_path / "copy"
    shutil.copytree(src, out)
    assert cli.main(["--replot", "--out", str(out)]) == 0
    assert (out / "results.md").read_text() == (src / "results.md").read_text()
    old = json.loads((src / "results.json").read_text())
    new = read_records(out / "results.json")
    assert [(r.method, r.n, r.layers) for r in new] == [
        (r["method"], r["n"], r["layers"]) for r in old
    ]
    for r, o in zip(new, old, strict=True):
        assert r.label == o["status"]
        assert r.reason == o.get("note")  # older files: the oom/timeout detail in "note"
        assert r.kernels == {"revad-jax-adjoint": "auto", "revad-jax-adjoint-purejax": "jax"}.get(
            r.method
        )
    assert replot(out) == []  # the rewritten file reads back the same
    assert (out / "results.md").read_text() == (src / "results.md").read_text()
