"""Size limits: clear errors before anything is allocated."""

import pytest

from revad import limits
from revad.errors import RevadError


@pytest.mark.parametrize(
    "n, match",
    [(0, "between 1 and 30"), (31, "between 1 and 30"), (2.0, "an integer"), (True, "integer")],
)
def test_qubit_count(n, match):
    with pytest.raises(RevadError, match=match):
        limits.check_qubit_count(n, "--qubits")
    assert limits.check_qubit_count(30) == 30


def test_gate_count():
    limits.check_gate_count(limits.MAX_GATES, "the circuit")
    with pytest.raises(RevadError, match="10,000,001 gates"):
        limits.check_gate_count(limits.MAX_GATES + 1, "the circuit")


def test_memory_names_both_numbers(monkeypatch):
    monkeypatch.setattr(limits, "available_memory", lambda: 2**30)
    limits.check_memory(20, 4)  # 64 MiB
    with pytest.raises(RevadError, match=r"needs about 4\.0 GiB .* only 1\.0 GiB"):
        limits.check_memory(24, 16, what="value_and_grad")
    monkeypatch.setattr(limits, "available_memory", lambda: None)
    limits.check_memory(30, 100)  # unknown: no refusal
