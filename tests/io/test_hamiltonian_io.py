"""Hamiltonian files (JSON and text), built-in molecules, and every malformed-file error."""

import json
import os

import numpy as np
import pytest

import revad
from revad.errors import RevadError
from revad.io.hamiltonian_io import BUILTINS, load_hamiltonian, molecule_info, save_hamiltonian
from revad.ir.hamiltonian import Hamiltonian

# PySCF 2.14 (an independent code: its own integrals and SCF), same geometries, STO-3G:
# RHF + FCI for H2 at 0.7414 A; RHF + CASCI(2e; 2sigma, 3sigma, 4sigma) for LiH at 1.5949 A.
PYSCF = {
    "h2": {"hf": -1.1166843870853405, "fci": -1.137270174660903},
    "lih": {"hf": -7.8620269593941385, "fci": -7.8811464685143005},
}


def _random_hamiltonian(rng, n_qubits=5, n_terms=12) -> Hamiltonian:
    terms = [(float(rng.normal()), [])]  # identity
    for _ in range(n_terms):
        qubits = rng.choice(n_qubits - 1, size=rng.integers(1, 4), replace=False)
        terms.append(
            (float(rng.normal()), [(str(rng.choice(list("XYZ"))), int(q)) for q in qubits])
        )
    return Hamiltonian(terms, n_qubits=n_qubits)  # top qubit unused: n_qubits must survive


def _same(a: Hamiltonian, b: Hamiltonian) -> None:
    assert a.n_qubits == b.n_qubits
    assert a.terms == b.terms  # exact: coefficients are written with repr precision


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("name", ["h.json", "h.JSON", "h.txt", "h.ham", "h"])
def test_save_load_round_trip(tmp_path, rng, name):
    h = _random_hamiltonian(rng)
    path = save_hamiltonian(h, tmp_path / name, source="test", values=[1, 2.5])
    assert path == tmp_path / name
    _same(load_hamiltonian(path), h)
    _same(load_hamiltonian(str(path)), h)
    if name.lower().endswith(".json"):
        data = json.loads(path.read_text())
        assert data["source"] == "test" and data["values"] == [1, 2.5]
        assert data["n_qubits"] == 5 and len(data["terms"]) == len(h.terms)
    else:
        assert '# source: "test"' in path.read_text()


def test_save_accepts_numpy_metadata(tmp_path):
    h = Hamiltonian([(1.0, [("Z", 0)])])
    path = save_hamiltonian(h, tmp_path / "h.json", e=np.float64(-1.5), occ=np.array([1, 0]))
    data = json.loads(path.read_text())
    assert data["e"] == -1.5 and data["occ"] == [1, 0]


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
    h = load_hamiltonian(path)
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
    assert load_hamiltonian(path).n_qubits == 8


def test_text_and_json_give_the_same_matrix(tmp_path, rng):
    h = _random_hamiltonian(rng, n_qubits=4)
    a = load_hamiltonian(save_hamiltonian(h, tmp_path / "a.json"))
    b = load_hamiltonian(save_hamiltonian(h, tmp_path / "b.txt"))
    np.testing.assert_allclose(a.to_dense(), b.to_dense(), atol=0, rtol=0)
    np.testing.assert_allclose(a.to_dense(), h.to_dense(), atol=0, rtol=0)


def test_save_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "h.json"
    old = Hamiltonian([(1.0, [("Z", 0)])])
    save_hamiltonian(old, path)
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(RevadError, match="cannot write"):
        save_hamiltonian(Hamiltonian([(2.0, [("X", 1)])]), path)
    assert path.read_bytes() == before  # the old file is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.json"]  # no temp file left


def test_save_overwrites_and_keeps_mode(tmp_path):
    path = tmp_path / "h.txt"
    save_hamiltonian(Hamiltonian([(1.0, [("Z", 0)])]), path)
    os.chmod(path, 0o640)
    save_hamiltonian(Hamiltonian([(3.0, [("X", 0)])]), path)
    assert load_hamiltonian(path).terms == ((3.0, (("X", 0),)),)
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.txt"]


# --------------------------------------------------------------------------- built-ins


@pytest.mark.parametrize(
    ("name", "n_qubits", "n_terms", "n_electrons"), [("h2", 4, 15, 2), ("lih", 6, 118, 2)]
)
def test_builtin_molecules(name, n_qubits, n_terms, n_electrons):
    h = load_hamiltonian(name)
    info = molecule_info(name)
    assert (h.n_qubits, len(h.terms)) == (n_qubits, n_terms)
    assert (info["n_qubits"], info["n_terms"], info["n_electrons"]) == (
        n_qubits,
        n_terms,
        n_electrons,
    )
    # FCI: the stored value is the Hamiltonian's ground energy (all sectors coincide).
    np.testing.assert_allclose(h.ground_energy(), info["fci_energy"], atol=1e-8, rtol=0)
    # Hartree-Fock: the stored bitstring (character q = qubit q) is the stored basis index,
    # and its diagonal element is the stored HF energy.
    bits = info["hf_bitstring"]
    assert bits == "1" * n_electrons + "0" * (n_qubits - n_electrons)
    assert info["hf_index"] == sum(1 << q for q, b in enumerate(bits) if b == "1")
    assert info["hf_occupation"] == [int(b) for b in bits]
    e_hf = h.to_sparse()[info["hf_index"], info["hf_index"]].real
    np.testing.assert_allclose(e_hf, info["hf_energy"], atol=1e-10, rtol=0)
    assert info["fci_energy"] < info["hf_energy"]
    # Independent code (PySCF): same energies up to integral/SCF precision.
    np.testing.assert_allclose(info["hf_energy"], PYSCF[name]["hf"], atol=1e-7, rtol=0)
    np.testing.assert_allclose(info["fci_energy"], PYSCF[name]["fci"], atol=1e-7, rtol=0)
    assert info["mapping"] == "jordan_wigner" and info["basis"] == "sto-3g"
    assert info["library"]["name"] == "pennylane"
    assert info["generator"]["command"] == "python scripts/make_molecules.py"


def test_h2_matches_literature():
    """H2/STO-3G FCI at 0.7414 A is -1.13727 Ha (PySCF: -1.1372701747; ~-1.1373 often quoted;
    the other commonly quoted -1.1372838 is for R = 0.740 A)."""
    info = molecule_info("h2")
    assert info["geometry"]["bond_length_angstrom"] == 0.7414
    np.testing.assert_allclose(info["fci_energy"], -1.1373, atol=1e-4, rtol=0)
    np.testing.assert_allclose(info["fci_energy"], -1.1372701747, atol=1e-8, rtol=0)
    np.testing.assert_allclose(info["hf_energy"], -1.1166843871, atol=1e-8, rtol=0)


def test_lih_active_space():
    info = molecule_info("LiH")  # names are case-insensitive
    space = info["active_space"]
    assert info["geometry"]["bond_length_angstrom"] == 1.5949
    assert space["core_orbitals"] == [0] and space["active_orbitals"] == [1, 2, 5]
    assert space["dropped_orbitals"] == [3, 4]  # the degenerate pi pair
    assert info["n_electrons_total"] == 4
    # The full 12-qubit FCI lies below the active-space one, which lies below HF.
    assert info["full_space_fci_energy"] < info["fci_energy"] < info["hf_energy"]


@pytest.mark.parametrize("name", BUILTINS)
def test_hf_circuit_gives_hf_energy(name):
    """Qubit order end to end: X on the occupied qubits, in revad's simulator."""
    h = load_hamiltonian(name)
    info = molecule_info(name)
    c = revad.Circuit(h.n_qubits)
    for q, occupied in enumerate(info["hf_occupation"]):
        if occupied:
            c.x(q)
    e = revad.expectation(c, h, np.zeros(0), backend="numpy")
    np.testing.assert_allclose(e, info["hf_energy"], atol=1e-10, rtol=0)


def test_molecule_info_is_a_copy():
    info = molecule_info("h2")
    info["fci_energy"] = 0.0
    info["active_space"]["core_orbitals"].append(99)
    assert molecule_info("h2")["fci_energy"] < -1
    assert molecule_info("h2")["active_space"]["core_orbitals"] == []


def test_builtin_name_wins_but_paths_still_load(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "h2").write_text("1.0 Z0\n")
    assert load_hamiltonian("h2").n_qubits == 4  # the built-in
    assert load_hamiltonian("./h2").n_qubits == 1  # the file


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
        load_hamiltonian(path)
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
        load_hamiltonian(path)


def test_missing_file_directory_and_unknown_name(tmp_path, monkeypatch):
    with pytest.raises(RevadError, match=r"no such file"):
        load_hamiltonian(tmp_path / "absent.json")
    with pytest.raises(RevadError, match=r"is a directory"):
        load_hamiltonian(tmp_path)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RevadError, match=r"'h3' is neither a built-in molecule \(h2, lih\)"):
        load_hamiltonian("h3")
    with pytest.raises(RevadError, match=r"unknown built-in molecule 'h3'.*h2, lih"):
        molecule_info("h3")
    with pytest.raises(RevadError, match=r"expected a built-in name or a file path"):
        load_hamiltonian(42)


def test_save_errors(tmp_path):
    h = Hamiltonian([(1.0, [("Z", 0)])])
    with pytest.raises(RevadError, match=r"expects a revad.Hamiltonian"):
        save_hamiltonian([(1.0, [("Z", 0)])], tmp_path / "h.json")
    with pytest.raises(RevadError, match=r"no terms"):
        save_hamiltonian(Hamiltonian([], n_qubits=2), tmp_path / "h.json")
    with pytest.raises(RevadError, match=r"reserved"):
        save_hamiltonian(h, tmp_path / "h.json", n_qubits=3)
    with pytest.raises(RevadError, match=r"not JSON-serialisable"):
        save_hamiltonian(h, tmp_path / "h.json", thing=object())
    with pytest.raises(RevadError, match=r"not JSON-serialisable"):
        save_hamiltonian(h, tmp_path / "h.txt", e=float("nan"))
    with pytest.raises(RevadError, match=r"cannot write"):
        save_hamiltonian(h, tmp_path / "missing_dir" / "h.json")
    with pytest.raises(RevadError, match=r"is a directory"):
        save_hamiltonian(h, tmp_path)
    assert list(tmp_path.iterdir()) == []
