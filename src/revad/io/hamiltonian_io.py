"""Hamiltonians in files, and revad's built-in molecular Hamiltonians.

Two formats, chosen by the file's extension: ``.json`` is JSON, anything else is text.

JSON (``terms[i]`` is ``[coefficient, [[label, qubit], ...]]``; ``[]`` is the identity;
any other key is metadata)::

    {"n_qubits": 4, "basis": "sto-3g",
     "terms": [[-0.0971, []], [0.1712, [["Z", 0]]], [0.0453, [["X", 0], ["Z", 3]]]]}

Text, one term per line (``#`` starts a comment; the header ``n_qubits N`` is optional
and, if present, comes before the first term; without it ``n_qubits`` is one more than
the largest qubit named)::

    # H2, STO-3G
    n_qubits 4
    -0.0971          # identity (or: -0.0971 I)
    0.1712  Z0
    0.0453  X0 Z3

Qubit ``q`` is revad's qubit ``q``: bit ``q`` of the basis index (qubit 0 least significant).
Limits, checked before anything large is allocated: ``n_qubits`` from 1 to ``MAX_QUBITS``
(30), so qubits 0 to 29; files must be regular files of at most ``MAX_FILE_BYTES`` (64 MiB;
devices and pipes are refused without being opened for a blocking read).
Every problem with a file raises :class:`revad.errors.RevadError` naming the file, the
line (text) or term (JSON), and what is wrong.

Built-in molecules (``load_hamiltonian("h2")``, ``molecule_info("lih")``) live in
``revad/data/*.json``; ``scripts/make_molecules.py`` regenerates them.
"""

from __future__ import annotations

import importlib.resources
import json
import math
import numbers
import os
import re
import reprlib
import stat
from pathlib import Path

from ..errors import RevadError
from ..ir.hamiltonian import Hamiltonian
from ..limits import MAX_QUBITS
from .atomic import atomic_write_text

BUILTINS = ("h2", "lih")
_RESERVED = ("n_qubits", "terms")
_PAULI_TOKEN = re.compile(r"^([A-Za-z])([0-9]+)$")
_POSITIVE_INT = re.compile(r"^[0-9]+$")
MAX_FILE_BYTES = 64 * 2**20  # 64 MiB: ~5 million terms of text
_QUBIT_DIGITS = 9  # longer qubit numbers are refused before int() (beyond any limit)


def load_hamiltonian(source) -> Hamiltonian:
    """A Hamiltonian from a built-in name (``"h2"``, ``"lih"``) or from a file.

    A string equal to a built-in name (case-insensitive) means the built-in; to read a
    file that happens to be called ``h2``, pass ``"./h2"`` or a ``Path``.
    Files ending in ``.json`` are read as JSON, all others as text (see module docstring).
    """
    name = _builtin_name(source)
    if name is not None:
        data = _builtin_data(name)
        return _hamiltonian_from_json(data, f"built-in molecule {name!r} (revad/data/{name}.json)")
    path = _as_path(source)
    if not path.exists() and isinstance(source, str) and len(path.parts) == 1 and not path.suffix:
        raise RevadError(
            f"{source!r} is neither a built-in molecule ({', '.join(BUILTINS)}) nor an "
            "existing file"
        )
    text = _read_text(path)
    if path.suffix.lower() == ".json":
        return _hamiltonian_from_json(_parse_json(text, str(path)), str(path))
    return _parse_text(text, str(path))


def save_hamiltonian(h: Hamiltonian, path, /, **metadata) -> Path:
    """Write ``h`` (and JSON-serialisable ``metadata``) to ``path``, atomically.

    ``.json`` paths get the JSON format with the metadata as extra keys; any other
    extension gets the text format with the metadata as ``# key: value`` comment lines
    (values as JSON, so escaped onto one line; a key containing a line break is refused),
    so that ``load_hamiltonian(save_hamiltonian(h, p)) == h``. ``h`` and ``path`` are
    positional-only, so ``path=...`` is metadata like any other key; ``n_qubits`` and
    ``terms`` are reserved.
    The file is written to a temporary file in the same directory, then moved into place
    with ``os.replace``: readers see the old file or the new one, never half of one.
    Coefficients are written with ``repr`` precision, so they round-trip exactly.
    Returns the path written.
    """
    if not isinstance(h, Hamiltonian):
        raise RevadError(f"save_hamiltonian expects a revad.Hamiltonian, got {type(h).__name__}")
    if not h.terms:
        raise RevadError(
            "cannot save a Hamiltonian with no terms (files must name at least one term; "
            "write the zero operator as a 0.0 identity term)"
        )
    clash = [k for k in _RESERVED if k in metadata]
    if clash:
        raise RevadError(f"metadata key(s) {clash} are reserved for the Hamiltonian itself")
    path = _as_path(path)
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
    _atomic_write(path, text)
    return path


def molecule_info(name: str) -> dict:
    """Metadata of a built-in molecule: ``fci_energy``, ``hf_energy``, ``hf_bitstring``,
    ``hf_index``, ``n_electrons``, ``n_qubits``, ``n_terms``, geometry, basis, active space,
    mapping, the library and the command that generated it (a fresh copy each call)."""
    key = _builtin_name(name)
    if key is None:
        raise RevadError(f"unknown built-in molecule {name!r}; built-ins: {', '.join(BUILTINS)}")
    data = _builtin_data(key)
    info = {k: v for k, v in data.items() if k != "terms"}
    info["n_terms"] = len(data["terms"])
    return json.loads(json.dumps(info))  # deep copy: callers may mutate it freely


# --------------------------------------------------------------------------- sources


def _builtin_name(source) -> str | None:
    if isinstance(source, str) and source.strip().lower() in BUILTINS:
        return source.strip().lower()
    return None


def _builtin_text(name: str) -> str:
    return importlib.resources.files("revad.data").joinpath(f"{name}.json").read_text("utf-8")


def _builtin_data(name: str) -> dict:
    where = f"revad/data/{name}.json"
    try:
        text = _builtin_text(name)
    except (OSError, ModuleNotFoundError) as err:
        raise RevadError(f"{where}: built-in data file is missing ({err})") from None
    data = _parse_json(text, where)
    _check_json_shape(data, where)
    return data


def _as_path(source) -> Path:
    try:
        return Path(os.fspath(source))
    except TypeError:
        raise RevadError(
            f"expected a built-in name or a file path, got {type(source).__name__}"
        ) from None


_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def _check_regular(path: Path, st: os.stat_result) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise RevadError(f"{path}: is a directory, not a Hamiltonian file")
    if not stat.S_ISREG(st.st_mode):
        kind = _KINDS.get(stat.S_IFMT(st.st_mode), "not a regular file")
        raise RevadError(f"{path}: is {kind}; Hamiltonian files must be regular files")
    if st.st_size > MAX_FILE_BYTES:
        raise RevadError(_too_big(path, st.st_size))


def _too_big(path: Path, size: int) -> str:
    return (
        f"{path}: file is larger than revad's limit of {MAX_FILE_BYTES // 2**20} MiB for a "
        f"Hamiltonian file ({size / 2**20:.1f} MiB or more)"
    )


def _read_text(path: Path) -> str:
    """The file's text: a regular file (``stat`` before opening, so a device or a FIFO is
    never read; opened non-blocking in case it was swapped since) of at most
    ``MAX_FILE_BYTES`` (at most that plus one byte is read, whatever ``st_size`` says)."""
    try:
        _check_regular(path, os.stat(path))
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            _check_regular(path, os.fstat(f.fileno()))
            raw = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise RevadError(f"{path}: no such file") from None
    except OSError as err:
        raise RevadError(f"{path}: cannot read ({err.strerror or err})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise RevadError(_too_big(path, len(raw)))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise RevadError(f"{path}: not UTF-8 text (bad byte at offset {err.start})") from None


# --------------------------------------------------------------------------- JSON


def _parse_json(text: str, where: str) -> dict:
    if not text.strip():
        raise RevadError(f"{where}: empty file (expected a JSON object with n_qubits and terms)")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise RevadError(
            f"{where}: not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})"
        ) from None
    except RecursionError:
        raise RevadError(f"{where}: not valid JSON (nested too deeply)") from None
    except ValueError as err:  # e.g. an integer literal beyond Python's 4300-digit limit
        raise RevadError(f"{where}: not valid JSON ({str(err).split(';')[0]})") from None
    return data


def _check_json_shape(data, where: str) -> None:
    if not isinstance(data, dict):
        raise RevadError(
            f"{where}: top level must be a JSON object with 'n_qubits' and 'terms', "
            f"got a JSON {_json_type(data)}"
        )
    for key in _RESERVED:
        if key not in data:
            raise RevadError(f"{where}: missing field {key!r}")


def _hamiltonian_from_json(data, where: str) -> Hamiltonian:
    _check_json_shape(data, where)
    n = data["n_qubits"]
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise RevadError(f"{where}: 'n_qubits' must be a positive integer, got {_short(n)}")
    if n > MAX_QUBITS:
        raise RevadError(f"{where}: 'n_qubits' is {n}, beyond revad's limit of {MAX_QUBITS}")
    terms = data["terms"]
    if not isinstance(terms, list):
        raise RevadError(f"{where}: 'terms' must be a list, got a JSON {_json_type(terms)}")
    if not terms:
        raise RevadError(f"{where}: 'terms' is empty (a Hamiltonian needs at least one term)")
    parsed = []
    for i, term in enumerate(terms):
        at = f"{where}: terms[{i}]"
        if not isinstance(term, list) or len(term) != 2:
            raise RevadError(
                f"{at}: expected [coefficient, [[label, qubit], ...]], got {_short(term)}"
            )
        coeff, ops = term
        coeff = _check_coeff(coeff, at)
        if not isinstance(ops, list):
            raise RevadError(
                f"{at}: Pauli operators must be a list of [label, qubit], got {_short(ops)}"
            )
        seen: set[int] = set()
        out = []
        for op in ops:
            if not isinstance(op, list) or len(op) != 2:
                raise RevadError(f"{at}: expected [label, qubit], got {_short(op)}")
            label, q = op
            if not isinstance(label, str) or label.upper() not in ("I", "X", "Y", "Z"):
                raise RevadError(f"{at}: unknown Pauli label {_short(label)} (use I, X, Y, Z)")
            if isinstance(q, bool) or not isinstance(q, int) or q < 0:
                raise RevadError(f"{at}: qubit must be a non-negative integer, got {_short(q)}")
            if q >= n:
                raise RevadError(f"{at}: qubit {q} is beyond n_qubits={n}")
            if q in seen:
                raise RevadError(f"{at}: qubit {q} appears twice")
            seen.add(q)
            out.append((label.upper(), q))
        parsed.append((coeff, out))
    try:
        return Hamiltonian(parsed, n_qubits=n)
    except RevadError as err:  # defensive: everything above should already be caught
        raise RevadError(f"{where}: {err}") from None


def _check_coeff(coeff, at: str) -> float:
    if isinstance(coeff, bool) or not isinstance(coeff, numbers.Real):
        raise RevadError(f"{at}: coefficient must be a real number, got {_short(coeff)}")
    if not math.isfinite(coeff):
        raise RevadError(f"{at}: coefficient must be finite, got {coeff!r}")
    return float(coeff)


def _json_type(x) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(x), "number"
    )


_REPR = reprlib.Repr()  # bounded depth and length: never recurses into deep nesting
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother, _REPR.maxlong = 3, 40, 40, 40


def _short(x, limit: int = 60) -> str:
    s = _REPR.repr(x)
    return s if len(s) <= limit else s[: limit - 3] + "..."


def _number(digits: str) -> str:
    """A decimal string for a message, shortened if long (``int()`` of it may be refused)."""
    return digits if len(digits) <= 12 else f"{digits[:6]}... ({len(digits)} digits)"


def _jsonable(x):
    """``json.dumps`` fallback for NumPy scalars and arrays in metadata."""
    if hasattr(x, "tolist"):
        return x.tolist()
    if hasattr(x, "item"):
        return x.item()
    raise TypeError(f"{type(x).__name__} is not JSON serialisable")


def _dumps_metadata(metadata: dict, **kw) -> str:
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


# --------------------------------------------------------------------------- text


def _dumps_text(h: Hamiltonian, metadata: dict) -> str:
    lines = [f"# {key}: {_dumps_metadata(value)}" for key, value in metadata.items()]
    lines.append(f"n_qubits {h.n_qubits}")
    for c, ops in h.terms:
        lines.append(" ".join([repr(c)] + [f"{label}{q}" for label, q in ops]))
    return "\n".join(lines) + "\n"


def _parse_text(text: str, where: str) -> Hamiltonian:
    n_qubits: int | None = None
    header_line = 0
    terms = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        at = f"{where}, line {lineno}"
        tokens = line.split()
        if tokens[0].lower() == "n_qubits":
            if n_qubits is not None:
                raise RevadError(f"{at}: second n_qubits header (first on line {header_line})")
            if terms:
                raise RevadError(f"{at}: the n_qubits header must come before the first term")
            if len(tokens) != 2 or not _POSITIVE_INT.match(tokens[1]) or not tokens[1].strip("0"):
                raise RevadError(
                    f"{at}: expected 'n_qubits N' with N a positive integer, got {_short(line)}"
                )
            if len(tokens[1]) > _QUBIT_DIGITS or int(tokens[1]) > MAX_QUBITS:
                raise RevadError(
                    f"{at}: n_qubits {_number(tokens[1])} is beyond revad's limit of {MAX_QUBITS}"
                )
            n_qubits, header_line = int(tokens[1]), lineno
            continue
        try:
            coeff = float(tokens[0])
        except ValueError:
            raise RevadError(
                f"{at}: bad coefficient {_short(tokens[0])} (expected a real number "
                "first, e.g. '0.5 X0 Z3')"
            ) from None
        if not math.isfinite(coeff):
            raise RevadError(f"{at}: coefficient must be finite, got {_short(tokens[0])}")
        ops = []
        seen: dict[int, str] = {}
        for tok in tokens[1:]:
            if tok.upper() == "I":
                continue  # bare identity
            m = _PAULI_TOKEN.match(tok)
            if m is None:
                raise RevadError(
                    f"{at}: bad Pauli operator {_short(tok)} "
                    "(expected label and qubit, e.g. X0 or Z12)"
                )
            label, digits = m.group(1).upper(), m.group(2)
            if label not in ("I", "X", "Y", "Z"):
                raise RevadError(
                    f"{at}: unknown Pauli label {m.group(1)!r} in {_short(tok)} (use I, X, Y, Z)"
                )
            if len(digits) > _QUBIT_DIGITS or int(digits) >= MAX_QUBITS:
                raise RevadError(
                    f"{at}: qubit {_number(digits)} is beyond revad's limit of "
                    f"{MAX_QUBITS} qubits (qubits 0 to {MAX_QUBITS - 1})"
                )
            q = int(digits)
            if q in seen:
                raise RevadError(f"{at}: qubit {q} appears twice ({seen[q]} and {tok})")
            seen[q] = tok
            if n_qubits is not None and q >= n_qubits:
                raise RevadError(
                    f"{at}: qubit {q} is beyond n_qubits={n_qubits} (header on line {header_line})"
                )
            ops.append((label, q))
        terms.append((coeff, ops))
    if not terms:
        if n_qubits is None:
            raise RevadError(f"{where}: empty file (no terms, only blank or comment lines)")
        raise RevadError(f"{where}: no terms after the n_qubits header")
    try:
        return Hamiltonian(terms, n_qubits=n_qubits)
    except RevadError as err:  # defensive: everything above should already be caught
        raise RevadError(f"{where}: {err}") from None


# --------------------------------------------------------------------------- writing


def _atomic_write(path: Path, text: str) -> None:
    if path.is_dir():
        raise RevadError(f"{path}: is a directory")
    try:
        atomic_write_text(path, text)
    except OSError as err:
        raise RevadError(f"{path}: cannot write ({err.strerror or err})") from None
