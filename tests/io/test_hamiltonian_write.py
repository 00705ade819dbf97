"""Writing Hamiltonian files: round trips through both formats, metadata, atomic writes
and every refused save."""

import json
import os

import numpy as np
import pytest

from revad.errors import RevadError
from revad.io.hamiltonian_io import load_hamiltonian
from revad.io.hamiltonian_write import save_hamiltonian
from revad.ir.hamiltonian import Hamiltonian


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


# --------------------------------------------------------------------------- errors


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
