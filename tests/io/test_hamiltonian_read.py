"""Reading Hamiltonian files: the text and JSON parsers, the bounds on what is read, and
every malformed-file error."""

import os
from pathlib import Path

import pytest

from revad.errors import RevadError
from revad.io import hamiltonian_read
from revad.io.hamiltonian_read import MAX_FILE_BYTES, read_hamiltonian_file
from revad.limits import MAX_QUBITS

# --------------------------------------------------------------------------- formats


def test_text_format_features(tmp_path):
    path = tmp_path / "h.txt"
    path.write_text(
        "# a comment line\n"
        "\n"
        "n_qubits 4   # header with a comment\n"
        "  -0.5\n"
        "0.25 I        # identity spelled out\n"
        "1e-3  X0 Z3\n"
        "-2 y1 z2 I0\n"
        "\t0.75\tZ2\t\n"
    )
    h = read_hamiltonian_file(path)
    assert h.n_qubits == 4
    assert h.terms == (
        (-0.5, ()),
        (0.25, ()),
        (1e-3, (("X", 0), ("Z", 3))),
        (-2.0, (("Y", 1), ("Z", 2))),
        (0.75, (("Z", 2),)),
    )


def test_text_without_header_infers_n_qubits(tmp_path):
    path = tmp_path / "h.txt"
    path.write_text("1.0 X0 X7\n")
    assert read_hamiltonian_file(path).n_qubits == 8


def test_json_format_with_metadata(tmp_path):
    path = tmp_path / "h.json"
    path.write_text(
        '{"n_qubits": 4, "basis": "sto-3g", "terms": '
        '[[-0.0971, []], [0.1712, [["z", 0]]], [0.0453, [["X", 0], ["Z", 3]]]]}'
    )
    h = read_hamiltonian_file(path)
    assert h.n_qubits == 4
    assert h.terms == ((-0.0971, ()), (0.1712, (("Z", 0),)), (0.0453, (("X", 0), ("Z", 3))))


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "h.txt"
    path.write_bytes(b"\xef\xbb\xbf1.0 Z0\n")
    assert read_hamiltonian_file(path).terms == ((1.0, (("Z", 0),)),)


# --------------------------------------------------------------------------- bounds


def test_file_size_limit(tmp_path, monkeypatch):
    assert MAX_FILE_BYTES == 64 * 2**20
    monkeypatch.setattr(hamiltonian_read, "MAX_FILE_BYTES", 16)
    path = tmp_path / "h.txt"
    path.write_text("1.0 Z0\n2.0 X0\n")  # 14 bytes: under the limit
    assert len(read_hamiltonian_file(path).terms) == 2
    path.write_text("1.0 Z0\n2.0 X0\n3.0 Y0\n")  # 21 bytes
    with pytest.raises(RevadError, match=r"h.txt: file is larger than revad's limit of 0 MiB"):
        read_hamiltonian_file(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_fifo_is_refused_without_blocking(tmp_path):
    path = tmp_path / "h.txt"
    os.mkfifo(path)  # opening it for a blocking read would hang: it must not be opened
    with pytest.raises(RevadError, match=r"is a named pipe \(FIFO\); Hamiltonian files must"):
        read_hamiltonian_file(path)


def test_device_is_refused():
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    with pytest.raises(RevadError, match=r"/dev/zero: is a character device"):
        read_hamiltonian_file(Path("/dev/zero"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (f"n_qubits {MAX_QUBITS + 1}\n1.0 Z0\n", r"line 1: n_qubits 31 is beyond revad's limit"),
        ("n_qubits 1" + "0" * 40 + "\n1.0 Z0\n", r"n_qubits 100000\.\.\. \(41 digits\) is beyond"),
        (f"1.0 Z{MAX_QUBITS}\n", r"line 1: qubit 30 is beyond revad's limit of 30 qubits"),
        ("1.0 Z" + "9" * 5000 + "\n", r"qubit 999999\.\.\. \(5000 digits\) is beyond"),
    ],
    ids=["header", "header-huge", "qubit", "qubit-huge"],
)
def test_text_qubit_limits(tmp_path, content, message):
    path = tmp_path / "h.txt"
    path.write_text(content)
    with pytest.raises(RevadError, match=message):
        read_hamiltonian_file(path)


def test_json_qubit_limit_and_deep_nesting(tmp_path):
    path = tmp_path / "h.json"
    path.write_text(f'{{"n_qubits": {MAX_QUBITS + 1}, "terms": [[1.0, []]]}}')
    with pytest.raises(RevadError, match=r"'n_qubits' is 31, beyond revad's limit of 30"):
        read_hamiltonian_file(path)
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(RevadError, match=r"not valid JSON"):
        read_hamiltonian_file(path)


# --------------------------------------------------------------------------- errors

_TEXT_ERRORS = [
    ("empty", "", r"empty file"),
    ("comments_only", "# nothing\n\n   \n# here\n", r"empty file"),
    ("bad_coefficient", "0.5 Z0\nabc X0\n", r"line 2: bad coefficient 'abc'"),
    ("coefficient_missing", "X0 Z1\n", r"line 1: bad coefficient 'X0'"),
    ("coefficient_nan", "nan Z0\n", r"line 1: coefficient must be finite"),
    ("coefficient_inf", "# c\n-inf Z0\n", r"line 2: coefficient must be finite"),
    ("unknown_label", "1.0 W0\n", r"line 1: unknown Pauli label 'W'"),
    ("label_without_qubit", "1.0 X\n", r"line 1: bad Pauli operator 'X'"),
    ("negative_qubit", "1.0 X-1\n", r"line 1: bad Pauli operator 'X-1'"),
    ("two_letter_label", "1.0 XY0\n", r"line 1: bad Pauli operator 'XY0'"),
    ("repeated_qubit", "1.0 X0\n2.0 Z1 Y1\n", r"line 2: qubit 1 appears twice"),
    ("qubit_beyond_header", "n_qubits 2\n1.0 Z2\n", r"line 2: qubit 2 is beyond n_qubits=2"),
    ("header_after_term", "1.0 Z0\nn_qubits 2\n", r"line 2: .*before the first term"),
    ("header_twice", "n_qubits 2\nn_qubits 3\n", r"line 2: second n_qubits header"),
    ("header_not_integer", "n_qubits four\n1.0 Z0\n", r"line 1: expected 'n_qubits N'"),
    ("header_zero", "n_qubits 0\n1.0 Z0\n", r"line 1: expected 'n_qubits N'"),
    ("header_only", "n_qubits 3\n", r"no terms after the n_qubits header"),
]

_JSON_ERRORS = [
    ("empty", "", r"empty file"),
    ("not_json", '{"n_qubits": 2, "terms": [}', r"not valid JSON \(line 1, column"),
    ("not_json_line", '{\n"n_qubits": 2,\n"terms": [1.0 []]\n}', r"not valid JSON \(line 3"),
    ("top_level_array", "[1, 2]", r"top level must be a JSON object.*got a JSON array"),
    ("missing_n_qubits", '{"terms": [[1.0, []]]}', r"missing field 'n_qubits'"),
    ("missing_terms", '{"n_qubits": 2}', r"missing field 'terms'"),
    ("n_qubits_float", '{"n_qubits": 2.0, "terms": [[1.0, []]]}', r"'n_qubits' must be a pos"),
    ("n_qubits_bool", '{"n_qubits": true, "terms": [[1.0, []]]}', r"'n_qubits' must be a pos"),
    ("n_qubits_string", '{"n_qubits": "2", "terms": [[1.0, []]]}', r"'n_qubits' must be a pos"),
    ("n_qubits_zero", '{"n_qubits": 0, "terms": [[1.0, []]]}', r"'n_qubits' must be a pos"),
    ("terms_not_list", '{"n_qubits": 2, "terms": {"a": 1}}', r"'terms' must be a list"),
    ("terms_empty", '{"n_qubits": 2, "terms": []}', r"'terms' is empty"),
    ("term_not_pair", '{"n_qubits": 2, "terms": [[1.0, []], [1.0]]}', r"terms\[1\]: expected \["),
    ("term_not_list", '{"n_qubits": 2, "terms": [1.0]}', r"terms\[0\]: expected \["),
    ("coeff_string", '{"n_qubits": 2, "terms": [["1.0", []]]}', r"terms\[0\]: coefficient must"),
    ("coeff_bool", '{"n_qubits": 2, "terms": [[true, []]]}', r"terms\[0\]: coefficient must"),
    ("coeff_complex", '{"n_qubits": 2, "terms": [[[1, 2], []]]}', r"terms\[0\]: coefficient must"),
    ("coeff_nan", '{"n_qubits": 2, "terms": [[NaN, []]]}', r"terms\[0\]: coefficient must be fin"),
    ("ops_not_list", '{"n_qubits": 2, "terms": [[1.0, "Z0"]]}', r"terms\[0\]: Pauli operators"),
    ("op_not_pair", '{"n_qubits": 2, "terms": [[1.0, [["Z"]]]]}', r"terms\[0\]: expected \[label"),
    ("unknown_label", '{"n_qubits": 2, "terms": [[1.0, [["W", 0]]]]}', r"unknown Pauli label 'W'"),
    ("long_label", '{"n_qubits": 2, "terms": [[1.0, [["XX", 0]]]]}', r"unknown Pauli label 'XX'"),
    ("label_not_str", '{"n_qubits": 2, "terms": [[1.0, [[1, 0]]]]}', r"unknown Pauli label 1"),
    ("qubit_negative", '{"n_qubits": 2, "terms": [[1.0, [["X", -1]]]]}', r"qubit must be a non"),
    ("qubit_float", '{"n_qubits": 2, "terms": [[1.0, [["X", 1.0]]]]}', r"qubit must be a non"),
    ("qubit_beyond", '{"n_qubits": 2, "terms": [[1.0, [["X", 2]]]]}', r"qubit 2 is beyond n_q"),
    (
        "repeated_qubit",
        '{"n_qubits": 2, "terms": [[1.0, []], [1.0, [["X", 1], ["Z", 1]]]]}',
        r"terms\[1\]: qubit 1 appears twice",
    ),
]


@pytest.mark.parametrize(
    ("fmt", "case", "content", "message"),
    [("txt", *c) for c in _TEXT_ERRORS] + [("json", *c) for c in _JSON_ERRORS],
    ids=[f"txt-{c[0]}" for c in _TEXT_ERRORS] + [f"json-{c[0]}" for c in _JSON_ERRORS],
)
def test_malformed_file(tmp_path, fmt, case, content, message):
    path = tmp_path / f"{case}.{fmt}"
    path.write_text(content)
    with pytest.raises(RevadError, match=message) as err:
        read_hamiltonian_file(path)
    assert isinstance(err.value, ValueError)
    assert str(path) in str(err.value)  # the message names the file
    # No chained json/KeyError/IndexError traceback behind it.
    e = err.value
    assert e.__cause__ is None and (e.__context__ is None or e.__suppress_context__)


@pytest.mark.parametrize("fmt", ["txt", "json"])
def test_not_utf8(tmp_path, fmt):
    path = tmp_path / f"h.{fmt}"
    path.write_bytes(b"1.0 Z0\n\xff\xfe\n")
    with pytest.raises(RevadError, match=r"not UTF-8 text"):
        read_hamiltonian_file(path)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(RevadError, match=r"no such file"):
        read_hamiltonian_file(tmp_path / "absent.json")
    with pytest.raises(RevadError, match=r"is a directory"):
        read_hamiltonian_file(tmp_path)
