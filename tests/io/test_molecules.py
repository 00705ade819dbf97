"""The built-in molecules: their Hamiltonians against their stored energies, PySCF and the
literature, and molecule_info."""

import numpy as np
import pytest

import revad
from revad.errors import RevadError
from revad.io.hamiltonian_io import load_hamiltonian
from revad.io.molecules import BUILTINS, builtin_name, molecule_info

# PySCF 2.14 (an independent code: its own integrals and SCF), same geometries, STO-3G:
# RHF + FCI for H2 at 0.7414 A; RHF + CASCI(2e; 2sigma, 3sigma, 4sigma) for LiH at 1.5949 A.
PYSCF = {
    "h2": {"hf": -1.1166843870853405, "fci": -1.137270174660903},
    "lih": {"hf": -7.8620269593941385, "fci": -7.8811464685143005},
}


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


def test_builtin_names():
    assert BUILTINS == ("h2", "lih")
    assert builtin_name(" LiH ") == "lih" and builtin_name("H2") == "h2"
    assert builtin_name("h3") is None and builtin_name("./h2") is None
    assert builtin_name(None) is None


def test_unknown_molecule():
    with pytest.raises(RevadError, match=r"unknown built-in molecule 'h3'.*h2, lih"):
        molecule_info("h3")
