"""Reading Hamiltonian files: bounded reads of user files and the JSON and text parsers.

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
"""

from __future__ import annotations

import json
import math
import numbers
import os
import re
import reprlib
from pathlib import Path

from ..errors import RevadError
from ..ir.hamiltonian import Hamiltonian
from ..limits import MAX_QUBITS
from . import bounded

RESERVED = ("n_qubits", "terms")
"""The JSON keys that hold the Hamiltonian itself; any other key is metadata."""
MAX_FILE_BYTES = 64 * 2**20  # 64 MiB: ~5 million terms of text
_QUBIT_DIGITS = 9  # longer qubit numbers are refused before int() (beyond any limit)
_PAULI_TOKEN = re.compile(r"^([A-Za-z])([0-9]+)$")
_POSITIVE_INT = re.compile(r"^[0-9]+$")


def read_hamiltonian_file(path: Path) -> Hamiltonian:
    """The Hamiltonian in the file ``path``: JSON if it ends in ``.json``, text otherwise."""
    text = read_text(path)
    if path.suffix.lower() == ".json":
        return hamiltonian_from_json(parse_json(text, str(path)), str(path))
    return parse_text(text, str(path))


def as_path(source) -> Path:
    try:
        return Path(os.fspath(source))
    except TypeError:
        raise RevadError(
            f"expected a built-in name or a file path, got {type(source).__name__}"
        ) from None


# --------------------------------------------------------------------------- bounded reads


def read_text(path: Path) -> str:
    """The file's text (:func:`revad.io.bounded.read_text`, at most ``MAX_FILE_BYTES``)."""
    return bounded.read_text(path, MAX_FILE_BYTES, "Hamiltonian file")


# --------------------------------------------------------------------------- JSON


def parse_json(text: str, where: str) -> dict:
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


def check_json_shape(data, where: str) -> None:
    if not isinstance(data, dict):
        raise RevadError(
            f"{where}: top level must be a JSON object with 'n_qubits' and 'terms', "
            f"got a JSON {_json_type(data)}"
        )
    for key in RESERVED:
        if key not in data:
            raise RevadError(f"{where}: missing field {key!r}")


def hamiltonian_from_json(data, where: str) -> Hamiltonian:
    check_json_shape(data, where)
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


# --------------------------------------------------------------------------- text


def parse_text(text: str, where: str) -> Hamiltonian:
    n_qubits: int | None = None
    header_line = 0
    terms: list[tuple[float, list[tuple[str, int]]]] = []
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
