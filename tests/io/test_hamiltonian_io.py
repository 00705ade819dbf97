"""revad.io.hamiltonian_io, the public entry points: what load_hamiltonian dispatches to
(built-in molecule or file) and that every public name is importable from it and revad."""

import pytest

import revad
from revad.errors import RevadError
from revad.io import hamiltonian_io, hamiltonian_read, hamiltonian_write, molecules
from revad.io.hamiltonian_io import BUILTINS, load_hamiltonian, molecule_info, save_hamiltonian
from revad.ir.hamiltonian import Hamiltonian


def test_public_names():
    assert hamiltonian_io.save_hamiltonian is hamiltonian_write.save_hamiltonian
    assert hamiltonian_io.molecule_info is molecules.molecule_info
    assert hamiltonian_io.BUILTINS is molecules.BUILTINS == BUILTINS
    assert hamiltonian_io.MAX_FILE_BYTES == hamiltonian_read.MAX_FILE_BYTES
    assert revad.load_hamiltonian is load_hamiltonian
    assert revad.save_hamiltonian is save_hamiltonian
    assert revad.molecule_info is molecule_info


def test_loads_files_and_builtins(tmp_path):
    path = save_hamiltonian(Hamiltonian([(1.0, [("Z", 0)]), (0.5, [])]), tmp_path / "h.txt")
    assert load_hamiltonian(path) == load_hamiltonian(str(path))
    assert load_hamiltonian(path).terms == ((1.0, (("Z", 0),)), (0.5, ()))
    assert load_hamiltonian(" H2 ").n_qubits == 4  # names are case-insensitive, stripped


def test_builtin_name_wins_but_paths_still_load(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "h2").write_text("1.0 Z0\n")
    assert load_hamiltonian("h2").n_qubits == 4  # the built-in
    assert load_hamiltonian("./h2").n_qubits == 1  # the file


def test_unknown_name_and_bad_source(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(
        RevadError, match=r"'h3' is neither a built-in molecule \(h2, lih, h4, beh2, h2o, n2\)"
    ):
        load_hamiltonian("h3")
    with pytest.raises(RevadError, match=r"expected a built-in name or a file path"):
        load_hamiltonian(42)
    with pytest.raises(RevadError, match=r"no such file"):
        load_hamiltonian("h3.json")  # an extension: a file name, not a molecule name
