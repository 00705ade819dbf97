"""The built-in molecules: their Hamiltonians against their stored energies, PySCF and the
literature, and molecule_info."""

import numpy as np
import pytest

import revad
from revad.errors import RevadError
from revad.io.hamiltonian_io import load_hamiltonian
from revad.io.molecules import BUILTINS, builtin_name, molecule_info

# PySCF 2.14 (an independent code: its own integrals and SCF), same geometries, STO-3G:
# RHF + FCI for H2 at 0.7414 A; RHF + CASCI(2e; 2sigma, 3sigma, 4sigma) for LiH at 1.5949 A;
# RHF + FCI for H4; RHF + mcscf.CASCI(mf, ncas, nelecas) (the lowest orbitals frozen) for
# BeH2 (6o, 4e), H2O (6o, 8e) and N2 (6o, 6e), and "full": FCI with all orbitals.
# The two codes' STO-3G integrals agree to ~1e-8 hartree (6e-8 for N2).
PYSCF = {
    "h2": {"hf": -1.1166843870853405, "fci": -1.137270174660903},
    "lih": {"hf": -7.8620269593941385, "fci": -7.8811464685143005},
    "h4": {"hf": -2.098545936998005, "fci": -2.1663874486347625},
    "beh2": {
        "hf": -15.560312342811914,
        "fci": -15.594837958808949,
        "full": -15.595176868923053,
    },
    "h2o": {"hf": -74.96311986160853, "fci": -75.0126813050985, "full": -75.01275931305605},
    "n2": {"hf": -107.49589330783444, "fci": -107.62184885986898, "full": -107.65282873057713},
}
MOLECULES = [  # name, qubits, terms, active electrons
    ("h2", 4, 15, 2),
    ("lih", 6, 118, 2),
    ("h4", 8, 185, 4),
    ("beh2", 12, 327, 4),
    ("h2o", 12, 551, 8),
    ("n2", 12, 423, 6),
]
METADATA = (
    "name description units fci_energy fci_energy_note lowest_eigenvalue_all_sectors "
    "hf_energy hf_energy_note correlation_energy n_electrons n_electrons_total hf_bitstring "
    "hf_occupation hf_index geometry charge multiplicity basis active_space mapping "
    "qubit_order library generator checks n_qubits n_terms"
).split()


@pytest.mark.parametrize(("name", "n_qubits", "n_terms", "n_electrons"), MOLECULES)
def test_builtin_molecules(name, n_qubits, n_terms, n_electrons):
    h = load_hamiltonian(name)
    info = molecule_info(name)
    assert set(METADATA) <= set(info)
    assert (h.n_qubits, len(h.terms)) == (n_qubits, n_terms)
    assert (info["n_qubits"], info["n_terms"], info["n_electrons"]) == (
        n_qubits,
        n_terms,
        n_electrons,
    )
    # FCI: the stored value is the Hamiltonian's ground energy (all sectors coincide;
    # ground_energy is dense up to 10 qubits, sparse Lanczos above).
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
    if "full" in PYSCF[name]:
        full = info["full_space_fci_energy"]
        np.testing.assert_allclose(full, PYSCF[name]["full"], atol=1e-7, rtol=0)
        assert full < info["fci_energy"]
    assert info["mapping"] == "jordan_wigner" and info["basis"] == "sto-3g"
    assert (info["charge"], info["multiplicity"], info["units"]) == (0, 1, "hartree")
    assert info["library"]["name"] == "pennylane"
    assert info["generator"]["command"] == "python scripts/make_molecules.py"
    space = info["active_space"]
    assert space["n_active_electrons"] == n_electrons
    assert 2 * space["n_active_orbitals"] == n_qubits == 2 * len(space["active_orbitals"])
    assert info["n_electrons_total"] == n_electrons + 2 * len(space["core_orbitals"])


@pytest.mark.parametrize(("name", "n_qubits", "n_terms", "n_electrons"), MOLECULES)
def test_fci_energy_is_in_the_electron_number_sector(name, n_qubits, n_terms, n_electrons):
    """The stored FCI energy is the lowest eigenvalue among the states with n_electrons
    ones (CASCI), not just the lowest overall; the matrix is real (even numbers of Y)."""
    h = load_hamiltonian(name)
    basis = np.arange(2**n_qubits)
    idx = basis[np.bitwise_count(basis) == n_electrons]
    block = h.to_sparse()[idx][:, idx]
    assert abs(block.imag).max() < 1e-14
    lowest = np.linalg.eigvalsh(block.real.toarray())[0]
    np.testing.assert_allclose(lowest, molecule_info(name)["fci_energy"], atol=1e-10, rtol=0)


def _angle_degrees(a, b, c):
    """The angle b-a-c at atom a."""
    u, v = np.subtract(b, a), np.subtract(c, a)
    return np.degrees(np.arccos(u @ v / np.linalg.norm(u) / np.linalg.norm(v)))


def test_h2o_and_beh2_geometry_and_active_space():
    h2o = molecule_info("H2O")  # names are case-insensitive
    geo = h2o["geometry"]
    assert geo["symbols"] == ["O", "H", "H"]
    o, h1, h2 = geo["coordinates_angstrom"]
    for h in (h1, h2):
        np.testing.assert_allclose(np.linalg.norm(np.subtract(h, o)), 0.9584, atol=1e-12)
    np.testing.assert_allclose(_angle_degrees(o, h1, h2), 104.45, atol=1e-9)
    assert (geo["bond_length_angstrom"], geo["bond_angle_degrees"]) == (0.9584, 104.45)
    assert h2o["active_space"]["core_orbitals"] == [0]  # O 1s
    assert h2o["active_space"]["active_orbitals"] == [1, 2, 3, 4, 5, 6]
    assert (h2o["n_electrons"], h2o["n_electrons_total"], h2o["n_qubits"]) == (8, 10, 12)
    assert h2o["hf_bitstring"] == "1" * 8 + "0" * 4 and h2o["hf_index"] == 255
    # Literature: H2O/STO-3G RHF at the experimental geometry, -74.963 Ha.
    np.testing.assert_allclose(h2o["hf_energy"], -74.963, atol=5e-4, rtol=0)

    beh2 = molecule_info("beh2")
    geo = beh2["geometry"]
    be, h1, h2 = geo["coordinates_angstrom"]
    assert geo["symbols"] == ["Be", "H", "H"]
    np.testing.assert_allclose(_angle_degrees(be, h1, h2), 180.0, atol=1e-9)
    for h in (h1, h2):
        np.testing.assert_allclose(np.linalg.norm(np.subtract(h, be)), 1.3264, atol=1e-12)
    assert beh2["active_space"]["core_orbitals"] == [0]  # Be 1s
    assert beh2["active_space"]["active_orbitals"] == [1, 2, 3, 4, 5, 6]  # the pi pair too
    assert (beh2["n_electrons"], beh2["n_electrons_total"], beh2["n_qubits"]) == (4, 6, 12)
    assert beh2["hf_index"] == 15


def test_n2_and_h4_active_spaces():
    n2 = molecule_info("N2")
    assert n2["geometry"]["bond_length_angstrom"] == 1.0977
    # CAS(6e, 6o): the N 1s and 2s pairs (1sigma_g/u, 2sigma_g/u) frozen, the six 2p
    # valence orbitals active, both degenerate pi pairs whole.
    space = n2["active_space"]
    assert space["core_orbitals"] == [0, 1, 2, 3]
    assert space["active_orbitals"] == [4, 5, 6, 7, 8, 9]
    energies = space["mo_energies"]
    assert abs(energies[4] - energies[5]) < 1e-8 and abs(energies[7] - energies[8]) < 1e-8
    assert (n2["n_electrons"], n2["n_electrons_total"]) == (6, 14)

    h4 = molecule_info("h4")
    z = [xyz[2] for xyz in h4["geometry"]["coordinates_angstrom"]]
    assert z == [0.0, 1.0, 2.0, 3.0]
    assert h4["active_space"]["core_orbitals"] == []
    assert "full_space_fci_energy" not in h4  # all orbitals are active: FCI is full


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
    assert BUILTINS == ("h2", "lih", "h4", "beh2", "h2o", "n2")
    assert builtin_name(" LiH ") == "lih" and builtin_name("H2") == "h2"
    assert builtin_name("H2O") == "h2o" and builtin_name("BeH2") == "beh2"
    assert builtin_name("N2") == "n2" and builtin_name("H4") == "h4"
    assert builtin_name("h3") is None and builtin_name("./h2") is None
    assert builtin_name(None) is None


def test_unknown_molecule():
    names = r"h2, lih, h4, beh2, h2o, n2"
    with pytest.raises(RevadError, match=rf"unknown built-in molecule 'h3'.*{names}"):
        molecule_info("h3")
