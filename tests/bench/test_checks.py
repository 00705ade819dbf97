"""The cross-check of a case's methods: energies and gradient checksums must agree."""

from __future__ import annotations

import revad
from revad.bench.checks import check_energies
from revad.bench.problem import Problem
from revad.bench.records import Record


def test_gradient_checksum_catches_a_permuted_gradient():
    p = Problem(3, 2, seed=5)
    _, g = revad.value_and_grad(p.circuit, p.hamiltonian, p.theta, backend="numpy")
    recs = [
        Record(method=m, n=3, layers=2, seed=5, energy=0.1, grad_checksum=c)
        for m, c in (
            ("a", p.grad_checksum(g)),
            ("b", p.grad_checksum(g)),
            ("c", p.grad_checksum(g[::-1])),
        )  # fmt: skip
    ]
    failures = check_energies(recs)
    assert len(failures) == 1 and "gradient" in failures[0]
    assert [r.grad_check for r in recs] == ["ok", "ok", "fail"]


def test_records_without_energy_are_not_checked():
    recs = [Record(method="a", n=3, layers=1, energy=0.5), Record(method="b", n=3, layers=1)]
    assert check_energies(recs) == []
    assert [r.energy_check for r in recs] == ["ok", "n/a"]
