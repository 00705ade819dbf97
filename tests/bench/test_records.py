"""Records: status and reason, the JSON form, and records written by older versions."""

from __future__ import annotations

import json

from revad.bench.records import (
    MARK,
    Record,
    Status,
    classify,
    last_record,
    read_records,
    record_line,
    write_records,
)


def test_failed_allocation_is_oom_not_error():
    why = "first call: JaxRuntimeError: RESOURCE_EXHAUSTED: Out of memory"
    rec = Record(method="m", n=2, layers=1, status=Status.ERROR, reason=why)
    assert classify(rec).status == "oom"
    assert "RESOURCE_EXHAUSTED" in rec.reason
    bad = Record(method="m", n=2, layers=1, status=Status.ERROR, reason="first call: ValueError")
    assert classify(bad).label.startswith("error")


def test_old_prose_status_is_read_as_status_and_reason():
    old = {"method": "m", "n": 2, "layers": 1,
           "status": "error: first call: JaxRuntimeError: RESOURCE_EXHAUSTED: Out of memory "
                     "allocating 2097152 bytes."}  # fmt: skip
    rec = classify(Record.from_dict(old))
    assert rec.status is Status.OOM and rec.reason.startswith("first call: JaxRuntimeError")
    assert rec.mem_request_mb == 2.0
    skipped = Record.from_dict({"method": "m", "n": 2, "layers": 3,
                                "status": "skipped: timeout at layers=1"})  # fmt: skip
    assert (skipped.status, skipped.reason) == (Status.SKIPPED, "timeout at layers=1")
    assert skipped.label == "skipped: timeout at layers=1"
    # oom/timeout kept their detail in "note".
    oom = Record.from_dict({"method": "m", "n": 2, "layers": 1, "status": "oom",
                            "note": "killed: resident memory passed the 10 MB limit"})  # fmt: skip
    assert (oom.status, oom.label) == (Status.OOM, "oom")
    assert oom.reason == "killed: resident memory passed the 10 MB limit"
    assert "note" not in oom.to_dict() and oom.to_dict()["status"] == "oom"
    odd = Record.from_dict({"method": "m", "n": 2, "layers": 1, "status": "exploded"})
    assert (odd.status, odd.reason) == (Status.ERROR, "exploded")


def test_json_round_trip_keeps_fields_and_unknown_keys(tmp_path):
    rec = Record(method="m", n=2, layers=1, energy=-1.5, status=Status.TIMEOUT,
                 reason="killed after the 1 s budget", kernels="jax", suites=["depth"],
                 times=[0.1, 0.2], extra={"from_the_future": 7})  # fmt: skip
    d = rec.to_dict()
    assert d["status"] == "timeout" and d["reason"] == "killed after the 1 s budget"
    assert d["from_the_future"] == 7 and "extra" not in d
    assert "traceback" not in d and d["time_grad"] is None  # main fields always written
    write_records(tmp_path / "results.json", [rec])
    assert json.loads((tmp_path / "results.json").read_text()) == [d]
    (back,) = read_records(tmp_path / "results.json")
    assert back == rec


def test_worker_lines_keep_the_last_record():
    first = Record(method="m", n=2, layers=1, energy=0.25)
    final = Record(method="m", n=2, layers=1, energy=0.25, status=Status.OK, time_grad=1e-3)
    lines = ["noise", record_line(first), MARK + "{not json", record_line(final), "more"]
    assert last_record(lines) == final
    assert last_record(["nothing here"]) is None
