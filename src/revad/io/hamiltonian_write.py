"""Writing Hamiltonian files (the formats of :mod:`.hamiltonian_read`), atomically."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import RevadError
from ..ir.hamiltonian import Hamiltonian
from .atomic import atomic_write_text
from .hamiltonian_read import RESERVED, as_path


def save_hamiltonian(h: Hamiltonian, path, /, **metadata) -> Path:
    """Write ``h`` (and JSON-serialisable ``metadata``) to ``path``, atomically.

    ``.json`` paths get the JSON format with the metadata as extra keys; any other
    extension gets the text format with the metadata as ``# key: value`` comment lines
    (values as JSON, so escaped onto one line; a key containing a line break is refused),
    so that ``load_hamiltonian(save_hamiltonian(h, p)) == h``. ``h`` and ``path`` are
    positional-only, so ``path=...`` is metadata like any other key; ``n_qubits`` and
    ``terms`` are reserved.
    The file is written to a temporary file in the same directory (flushed and fsynced),
    then moved into place with ``os.replace``: readers see the old file or the new one,
    never half of one. Coefficients are written with ``repr`` precision, so they
    round-trip exactly. Returns the path written.
    """
    if not isinstance(h, Hamiltonian):
        raise RevadError(f"save_hamiltonian expects a revad.Hamiltonian, got {type(h).__name__}")
    if not h.terms:
        raise RevadError(
            "cannot save a Hamiltonian with no terms (files must name at least one term; "
            "write the zero operator as a 0.0 identity term)"
        )
    clash = [k for k in RESERVED if k in metadata]
    if clash:
        raise RevadError(f"metadata key(s) {clash} are reserved for the Hamiltonian itself")
    path = as_path(path)
    if path.suffix.lower() == ".json":
        text = _dumps_json(h, metadata)
    else:
        broken = [k for k in metadata if len(f"#{k}:".splitlines()) != 1]
        if broken:
            raise RevadError(
                f"metadata key(s) {broken} contain a line break, which the text format's "
                "'# key: value' lines cannot hold (use a .json path to keep such keys)"
            )
        text = _dumps_text(h, metadata)
    if path.is_dir():
        raise RevadError(f"{path}: is a directory")
    try:
        atomic_write_text(path, text)
    except OSError as err:
        raise RevadError(f"{path}: cannot write ({err.strerror or err})") from None
    return path


def _jsonable(x):
    """``json.dumps`` fallback for NumPy scalars and arrays in metadata."""
    if hasattr(x, "tolist"):
        return x.tolist()
    if hasattr(x, "item"):
        return x.item()
    raise TypeError(f"{type(x).__name__} is not JSON serialisable")


def _dumps_metadata(metadata, **kw) -> str:
    try:
        return json.dumps(metadata, allow_nan=False, default=_jsonable, **kw)
    except (TypeError, ValueError) as err:
        raise RevadError(f"metadata is not JSON-serialisable: {err}") from None


def _dumps_json(h: Hamiltonian, metadata: dict) -> str:
    """One top-level key per line (values compact), then one term per line."""
    head = {"n_qubits": h.n_qubits, **metadata}
    rows = [f"  {json.dumps(str(k))}: {_dumps_metadata(v)}," for k, v in head.items()]
    terms = [json.dumps([c, [[label, q] for label, q in ops]]) for c, ops in h.terms]
    return "{\n" + "\n".join(rows) + '\n  "terms": [\n    ' + ",\n    ".join(terms) + "\n  ]\n}\n"


def _dumps_text(h: Hamiltonian, metadata: dict) -> str:
    lines = [f"# {key}: {_dumps_metadata(value)}" for key, value in metadata.items()]
    lines.append(f"n_qubits {h.n_qubits}")
    for c, ops in h.terms:
        lines.append(" ".join([repr(c)] + [f"{label}{q}" for label, q in ops]))
    return "\n".join(lines) + "\n"
