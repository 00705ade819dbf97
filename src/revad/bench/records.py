"""One benchmark case's record (:class:`Record`), its status, and its JSON form.

A record is what one (method, n, layers) case measured, and how it ended: ``status`` is a
:class:`Status` and ``reason`` says why a case did not finish (the error, what was
missing, the limit that stopped it, why it was skipped). On disk a record is one JSON
object: in ``results.json`` (a list of them, rewritten atomically) and on the worker's
output lines that start with :data:`MARK`.

Files written before ``status`` and ``reason`` were separate fields hold the status as
prose (``"error: first call: ValueError: …"``, ``"skipped: timeout at layers=1"``) and,
for ``oom``/``timeout``, the detail in ``note``; :meth:`Record.from_dict` reads both.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from enum import Enum
from pathlib import Path
from typing import Any, Literal

from ..io.atomic import atomic_write_text

MARK = "@@REVAD_BENCH@@ "
OOM_MARKERS = ("RESOURCE_EXHAUSTED", "Out of memory", "out of memory", "Unable to allocate")

Check = Literal["ok", "fail", "n/a"]


class Status(str, Enum):
    """How a case ended (``RUNNING``: a partial record, the worker is still measuring)."""

    RUNNING = "running"
    OK = "ok"
    TIMEOUT = "timeout"  # killed at the time budget; what it measured before is kept
    OOM = "oom"  # killed at the memory limit, or an allocation failed
    ERROR = "error"
    UNAVAILABLE = "unavailable"  # cannot run here (package or runtime missing)
    SKIPPED = "skipped"  # not run: the method stopped at a smaller size

    def __str__(self) -> str:
        return self.value

    @property
    def stopped(self) -> bool:
        """Stopped by a limit (time or memory): the figures measured before are kept."""
        return self in (Status.TIMEOUT, Status.OOM)


# Statuses whose one-line form includes the reason ("error: …"); for the others the
# reason is a detail shown apart ("oom — first call: …").
_REASON_IN_LABEL = (Status.ERROR, Status.UNAVAILABLE, Status.SKIPPED)
# Keys always written, even when None (the rest only when they have a value).
_ALWAYS = ("method", "n", "layers", "seed", "energy", "time_grad", "time_first", "peak_mb",
           "status", "kernels", "kernels_in_use")  # fmt: skip


@dataclass
class Record:
    """One case: what was measured (seconds, MiB), how it ended, and where it ran."""

    method: str
    n: int
    layers: int
    seed: int = 0
    energy: float | None = None
    time_grad: float | None = None  # median of the timed calls
    time_first: float | None = None  # the first call, compilation included
    peak_mb: float | None = None  # ru_maxrss of the case's process
    status: Status = Status.RUNNING
    reason: str | None = None  # why it did not finish; None when ok
    kernels: str | None = None  # revad.Adjoint(kernels=…) it ran; None: no such choice
    kernels_in_use: str | None = None  # what ran: "native", or why the pure-JAX kernels
    description: str | None = None
    versions: dict[str, str | None] | None = None
    env: dict[str, str | None] | None = None
    machine: dict[str, Any] | None = None
    n_params: int | None = None
    n_gates: int | None = None
    time_setup: float | None = None  # imports, problem, the method's own objects
    base_mb: float | None = None  # ru_maxrss just before the first call
    grad_checksum: float | None = None  # w·∇E for fixed random w
    grad_norm: float | None = None
    device: str | None = None
    times: list[float] | None = None
    repeats: int | None = None
    traceback: str | None = None
    time_total: float | None = None  # the worker process, start to end
    wall_s: float | None = None  # the case as the runner saw it
    returncode: int | None = None
    mem_request_mb: float | None = None  # a failed allocation's size (oom)
    log: str | None = None
    suites: list[str] = field(default_factory=list)
    energy_check: Check | None = None
    energy_dev: float | None = None  # energy minus the case's median
    grad_check: Check | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # keys this version does not know

    @property
    def label(self) -> str:
        """The status on one line: ``"ok"``, ``"oom"``, ``"error: first call: …"``."""
        if self.reason and self.status in _REASON_IN_LABEL:
            return f"{self.status.value}: {self.reason}"
        return self.status.value

    def to_dict(self) -> dict[str, Any]:
        """The JSON object: the main fields always, the others where they have a value."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "extra" or (value is None and f.name not in _ALWAYS):
                continue
            out[f.name] = value.value if isinstance(value, Status) else value
        for key, value in self.extra.items():
            out.setdefault(key, value)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Record:
        """A record from its JSON object, of this version or an older one (prose status)."""
        d = dict(data)
        known = {f.name for f in fields(cls)} - {"extra"}
        status, reason, note = _parse_status(d.pop("status", None), d.pop("reason", None),
                                             d.pop("note", None))  # fmt: skip
        extra = {k: d.pop(k) for k in list(d) if k not in known}
        if note is not None:
            extra["note"] = note
        return cls(**d, status=status, reason=reason, extra=extra)


def _parse_status(status: Any, reason: str | None, note: str | None):
    """(Status, reason, leftover note) from a status field, new (``"error"`` plus a reason)
    or old (``"error: …"``, and ``oom``/``timeout`` with the detail in ``note``)."""
    text = "" if status is None else str(status)
    kind, colon, rest = text.partition(":")
    try:
        st = Status(kind.strip())
    except ValueError:
        return Status.ERROR, text or "no status recorded", note
    if colon and reason is None:
        reason = rest.strip()
    if reason is None and note is not None:
        reason, note = note, None
    return st, reason, note


def is_out_of_memory(exc_or_text: BaseException | str) -> bool:
    """A failed allocation (MemoryError, XLA's RESOURCE_EXHAUSTED, NumPy's 'Unable to
    allocate'): the method needs more memory than the machine has, which is a result."""
    if isinstance(exc_or_text, MemoryError):
        return True
    return any(m in str(exc_or_text) for m in OOM_MARKERS)


def classify(rec: Record) -> Record:
    """Normalise a record's status: a failed allocation reported as an error is ``oom``."""
    if rec.status is Status.ERROR and is_out_of_memory(rec.reason or ""):
        rec.status = Status.OOM
    if rec.status is Status.OOM and rec.mem_request_mb is None:
        found = re.search(r"allocating (\d+) bytes", rec.reason or "")
        if found:  # the allocation that failed: the method needed at least this much more
            rec.mem_request_mb = int(found.group(1)) / 2**20
    return rec


def json_text(data: Any) -> str:
    """``data`` as the JSON text of the run's files (indented, one trailing newline)."""
    return json.dumps(data, indent=1, default=str) + "\n"


def record_line(rec: Record) -> str:
    """The worker's output line for ``rec`` (the runner keeps the last one)."""
    return MARK + json.dumps(rec.to_dict())


def last_record(lines: Iterable[str]) -> Record | None:
    """The last well-formed record line among ``lines`` (a worker's log), or None."""
    rec = None
    for line in lines:
        if line.startswith(MARK):
            try:
                rec = Record.from_dict(json.loads(line[len(MARK) :]))
            except (json.JSONDecodeError, TypeError):
                pass
    return rec


def read_records(path: Path) -> list[Record]:
    """The records of a ``results.json``."""
    return [Record.from_dict(r) for r in json.loads(path.read_text())]


def write_records(path: Path, records: Iterable[Record]) -> None:
    """``records`` as ``results.json``, written atomically (temporary file, fsync, rename)."""
    atomic_write_text(path, json_text([r.to_dict() for r in records]))
