#!/usr/bin/env python
"""Generate revad's built-in molecular Hamiltonians: ``revad/data/h2.json``, ``lih.json``.

Run from the repository root (needs PennyLane >= 0.38, i.e. ``pip install -e .[pennylane]``;
nothing else: the integrals and the Hartree-Fock solution come from PennyLane qchem's own
differentiable Hartree-Fock, ``method="dhf"``, not from PySCF or OpenFermion)::

    python scripts/make_molecules.py            # (re)write revad/data/{h2,lih}.json
    python scripts/make_molecules.py --check    # regenerate in memory, compare with the files

Molecules (STO-3G, neutral singlets, Jordan-Wigner, coordinates in angstrom):

* H2 at 0.7414 A, all orbitals active: 2 electrons in 2 spatial orbitals, 4 qubits.
* LiH at 1.5949 A, Li 1s frozen, the two (degenerate) pi orbitals dropped: 2 electrons in
  the 3 sigma orbitals 2sigma, 3sigma, 4sigma, 6 qubits. The pi orbitals are chosen out by
  symmetry, not by position: PennyLane's contiguous active spaces would take one pi orbital
  of the degenerate pair and leave the other, which is arbitrary.

Qubit order: PennyLane's Jordan-Wigner puts spin orbital ``w`` on wire ``w`` (``2p`` is the
alpha, ``2p+1`` the beta spin orbital of active orbital ``p``, orbitals in energy order).
PennyLane wire ``w`` becomes revad qubit ``w``, a relabelling of the Pauli strings; revad's
qubit ``q`` is bit ``q`` of the basis index, so the Hartree-Fock determinant (the lowest
``n_electrons`` spin orbitals occupied) is basis index ``2**n_electrons - 1``. Checked below:
revad's matrix equals PennyLane's ``qml.matrix(H, wire_order=[n-1, ..., 0])`` entry by entry,
and the sorted spectra and Hartree-Fock energies agree.

FCI energy stored: the lowest eigenvalue of the qubit Hamiltonian in the sector with the
molecule's number of (active) electrons, i.e. FCI within the active space (CASCI). The script
also computes the lowest eigenvalue over all 2**n basis states (all particle numbers) and
asserts it is the same number, so that ``Hamiltonian.ground_energy()`` is the FCI energy.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import scipy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from revad.io.hamiltonian_io import load_hamiltonian, save_hamiltonian  # noqa: E402
from revad.ir.hamiltonian import Hamiltonian  # noqa: E402

MOLECULES = {
    "h2": {
        "name": "H2",
        "symbols": ["H", "H"],
        "coordinates_angstrom": [[0.0, 0.0, 0.0], [0.0, 0.0, 0.7414]],
        "n_frozen_core": 0,
        "drop_pi": False,
        "description": "H2, STO-3G, 0.7414 A, all 2 orbitals active, Jordan-Wigner, 4 qubits",
    },
    "lih": {
        "name": "LiH",
        "symbols": ["Li", "H"],
        "coordinates_angstrom": [[0.0, 0.0, 0.0], [0.0, 0.0, 1.5949]],
        "n_frozen_core": 1,
        "drop_pi": True,
        "description": (
            "LiH, STO-3G, 1.5949 A, Li 1s frozen, pi orbitals dropped: 2 electrons in the "
            "3 sigma orbitals, Jordan-Wigner, 6 qubits"
        ),
    },
}
COMMAND = "python scripts/make_molecules.py"  # the file does not depend on which are selected
BASIS = "sto-3g"
MAPPING = "jordan_wigner"
TOL_MATRIX = 1e-12  # revad vs PennyLane matrices, entry by entry
TOL_SPECTRUM = 1e-10  # sorted eigenvalues
# <HF|H|HF> vs PennyLane's hf_energy (same SCF, but hf_energy evaluates the energy with the
# Fock matrix of the SCF's previous iteration: they differ by ~1e-10 for LiH)
TOL_HF = 1e-8


def _pi_orbitals(mol, coeffs) -> list[int]:
    """Molecular orbitals made of p_x/p_y atomic orbitals (the molecule lies on the z axis)."""
    perp = np.array([bf.l in ((1, 0, 0), (0, 1, 0)) for bf in mol.basis_set])
    c2 = np.asarray(coeffs) ** 2
    weight = c2[perp].sum(axis=0) / c2.sum(axis=0)
    pi = [int(i) for i in np.flatnonzero(weight > 0.5)]
    others = np.delete(weight, pi)
    assert np.all(others < 1e-8) and np.all(weight[pi] > 1 - 1e-8), weight  # pure symmetry
    return pi


def _to_revad(h_pl, n_qubits: int) -> Hamiltonian:
    """PennyLane wire w -> revad qubit w; identity first, then by weight, qubits, labels."""
    import pennylane as qml

    terms = []
    for word, coeff in qml.pauli.pauli_sentence(h_pl).items():
        c = complex(coeff)
        assert abs(c.imag) < 1e-12, (word, c)
        if abs(c.real) < 1e-12:
            continue
        ops = sorted(
            ((label, int(w)) for w, label in word.items() if label != "I"), key=lambda lq: lq[1]
        )
        terms.append((c.real, ops))
    terms.sort(key=lambda t: (len(t[1]), [q for _, q in t[1]], [lab for lab, _ in t[1]]))
    return Hamiltonian(terms, n_qubits=n_qubits)


def _sector_ground(dense: np.ndarray, mask: np.ndarray) -> tuple[float, np.ndarray]:
    idx = np.flatnonzero(mask)
    vals, vecs = np.linalg.eigh(dense[np.ix_(idx, idx)])
    psi = np.zeros(dense.shape[0], dtype=complex)
    psi[idx] = vecs[:, 0]
    return float(vals[0]), psi


def build(key: str) -> tuple[Hamiltonian, dict]:
    """The revad Hamiltonian and its metadata for molecule ``key``, every check passed."""
    import pennylane as qml

    spec = MOLECULES[key]
    geometry = np.array(spec["coordinates_angstrom"], dtype=float)
    mol = qml.qchem.Molecule(spec["symbols"], geometry, basis_name=BASIS, unit="angstrom")
    mo_energies, coeffs, *_ = qml.qchem.scf(mol)()
    mo_energies = np.asarray(mo_energies, dtype=float)
    e_scf = float(qml.qchem.hf_energy(mol)())

    n_core = spec["n_frozen_core"]
    core = list(range(n_core))
    dropped = _pi_orbitals(mol, coeffs) if spec["drop_pi"] else []
    active = [p for p in range(mol.n_orbitals) if p not in core and p not in dropped]
    n_el = mol.n_electrons - 2 * n_core
    n = 2 * len(active)
    assert n_el % 2 == 0 and n_el // 2 <= len(active)
    assert all(p >= n_el // 2 + n_core for p in dropped), "dropped orbitals must be virtual"

    # core=None, active=None means "all orbitals", which PennyLane handles on a separate path.
    frozen = {"core": core, "active": active} if (core or dropped) else {}
    h_pl = qml.qchem.diff_hamiltonian(mol, mapping=MAPPING, **frozen)()
    h = _to_revad(h_pl, n)

    # 1. revad's matrix is PennyLane's with wire n-1 as the most significant bit.
    dense = h.to_dense()
    pl_native = np.asarray(qml.matrix(h_pl, wire_order=list(range(n))))  # wire 0 = MSB
    pl_revad_order = np.asarray(qml.matrix(h_pl, wire_order=list(range(n))[::-1]))
    assert np.max(np.abs(dense - pl_revad_order)) < TOL_MATRIX
    assert np.allclose(dense, dense.conj().T, atol=1e-14, rtol=0)
    # 2. Same spectrum (independent of any qubit labelling).
    spectrum = np.linalg.eigvalsh(dense)
    spectrum_pl = np.linalg.eigvalsh(pl_native)
    spectrum_err = float(np.max(np.abs(spectrum - spectrum_pl)))
    assert spectrum_err < TOL_SPECTRUM, spectrum_err

    # 3. Hartree-Fock determinant: lowest n_el spin orbitals, in both orders.
    occupation = [1 if q < n_el else 0 for q in range(n)]
    assert occupation == [int(b) for b in qml.qchem.hf_state(n_el, n)]
    hf_index = sum(1 << q for q, b in enumerate(occupation) if b)  # revad: qubit q = bit q
    pl_index = int("".join(map(str, occupation)), 2)  # PennyLane: wire 0 = MSB
    e_hf = float(dense[hf_index, hf_index].real)
    assert abs(e_hf - float(pl_native[pl_index, pl_index].real)) < TOL_MATRIX
    assert abs(e_hf - e_scf) < TOL_HF, (e_hf, e_scf)

    # 4. FCI in the n_el sector vs the lowest eigenvalue over all sectors.
    basis = np.arange(2**n)
    bits = (basis[:, None] >> np.arange(n)) & 1
    n_particles = bits.sum(axis=1)
    sz = 0.5 * (bits[:, 0::2].sum(axis=1) - bits[:, 1::2].sum(axis=1))
    e_fci, psi = _sector_ground(dense, n_particles == n_el)
    e_fci_sz0, _ = _sector_ground(dense, (n_particles == n_el) & (sz == 0))
    e_min = float(spectrum[0])
    assert abs(e_fci - e_fci_sz0) < 1e-10, (e_fci, e_fci_sz0)
    assert abs(e_fci - e_min) < 1e-10, f"{key}: lowest eigenvalue {e_min} is not in N={n_el}"
    s2_matrix = np.asarray(qml.matrix(qml.qchem.spin2(n_el, n), wire_order=list(range(n))[::-1]))
    s2 = float(np.real(psi.conj() @ s2_matrix @ psi))
    assert abs(s2) < 1e-8, f"{key}: ground state is not a singlet (<S^2> = {s2})"
    assert abs(h.ground_energy() - e_fci) < 1e-10

    kind = "full FCI in the basis (all orbitals active)"
    extra = {}
    if frozen:  # context: FCI of all orbitals and electrons (12 qubits for LiH), sector only
        h_full = _to_revad(qml.qchem.diff_hamiltonian(mol, mapping=MAPPING)(), 2 * mol.n_orbitals)
        n_all = h_full.n_qubits
        pop = np.array([bin(i).count("1") for i in range(2**n_all)])
        idx = np.flatnonzero(pop == mol.n_electrons)
        block = h_full.to_sparse()[idx][:, idx].toarray()
        e_full = float(np.linalg.eigvalsh(block)[0])
        hf_full = 2**mol.n_electrons - 1
        assert abs(h_full.to_sparse()[hf_full, hf_full] - e_hf) < TOL_MATRIX
        kind = f"CASCI({n_el}e, {len(active)}o): FCI within the active space"
        extra = {
            "full_space_fci_energy": e_full,
            "full_space_fci_note": (
                f"for context only: FCI with all {mol.n_orbitals} orbitals and "
                f"{mol.n_electrons} electrons ({n_all} qubits, N={mol.n_electrons} sector); "
                "not this Hamiltonian's ground energy"
            ),
        }

    meta = {
        "name": spec["name"],
        "description": spec["description"],
        "units": "hartree",
        "fci_energy": e_fci,
        "fci_energy_note": (
            f"{kind}; the lowest eigenvalue of this qubit Hamiltonian in the N={n_el} "
            "particle-number sector, checked equal (1e-10) to the lowest eigenvalue over all "
            "sectors and to the Sz=0 sector's; the state is a singlet"
        ),
        "lowest_eigenvalue_all_sectors": e_min,
        **extra,
        "hf_energy": e_hf,
        "hf_energy_note": (
            "<HF|H|HF> of this qubit Hamiltonian; agrees with PennyLane's qchem.hf_energy within "
            "checks.hf_vs_pennylane_scf"
        ),
        "correlation_energy": e_fci - e_hf,
        "n_electrons": n_el,
        "n_electrons_total": mol.n_electrons,
        "hf_bitstring": "".join(map(str, occupation)),
        "hf_bitstring_note": (
            "character q is the occupation of revad qubit q (qubit 0 first); the basis "
            "index is hf_index = sum of 2**q over occupied q"
        ),
        "hf_occupation": occupation,
        "hf_index": hf_index,
        "geometry": {
            "symbols": spec["symbols"],
            "coordinates_angstrom": spec["coordinates_angstrom"],
            "bond_length_angstrom": float(np.linalg.norm(geometry[1] - geometry[0])),
        },
        "charge": 0,
        "multiplicity": 1,
        "basis": BASIS,
        "active_space": {
            "n_active_electrons": n_el,
            "n_active_orbitals": len(active),
            "core_orbitals": core,
            "active_orbitals": active,
            "dropped_orbitals": dropped,
            "dropped_reason": "pi orbitals (by symmetry)" if dropped else None,
            "mo_energies": [float(e) for e in mo_energies],
        },
        "mapping": MAPPING,
        "qubit_order": (
            "revad qubit w = PennyLane wire w = spin orbital w (2p: alpha, 2p+1: beta of "
            "active orbital p, in the order of active_orbitals); qubit q is bit q of the "
            "basis index"
        ),
        "library": {
            "name": "pennylane",
            "module": "pennylane.qchem",
            "version": qml.__version__,
            "method": "dhf (PennyLane's built-in differentiable Hartree-Fock and integrals)",
        },
        "generator": {
            "script": "scripts/make_molecules.py",
            "command": COMMAND,
            "cwd": "repository root",
            "numpy": np.__version__,
            "scipy": scipy.__version__,
        },
        "checks": {
            "matrix_vs_pennylane_max_abs": float(np.max(np.abs(dense - pl_revad_order))),
            "spectrum_vs_pennylane_max_abs": spectrum_err,
            "hf_vs_pennylane_scf": abs(e_hf - e_scf),
            "fci_s2": s2,
        },
    }
    return h, meta


def _compare(key: str, h: Hamiltonian, meta: dict, path: Path) -> list[str]:
    old = load_hamiltonian(path)
    import json

    stored = json.loads(path.read_text("utf-8"))
    problems = []
    if old.n_qubits != h.n_qubits or len(old.terms) != len(h.terms):
        problems.append(
            f"{key}: n_qubits/terms {old.n_qubits}/{len(old.terms)} -> {h.n_qubits}/{len(h.terms)}"
        )
    else:
        diff = np.max(np.abs(old.to_dense() - h.to_dense()))
        if diff > 1e-9:
            problems.append(f"{key}: matrices differ by {diff:.2e}")
    for field in ("fci_energy", "hf_energy"):
        if abs(stored[field] - meta[field]) > 1e-9:
            problems.append(f"{key}: {field} {stored[field]!r} -> {meta[field]!r}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outdir", type=Path, default=ROOT / "src" / "revad" / "data")
    parser.add_argument(
        "--check",
        action="store_true",
        help="compare with the stored files instead of writing (exit 1 if they differ)",
    )
    parser.add_argument(
        "molecules", nargs="*", help=f"any of {', '.join(MOLECULES)} (default: all)"
    )
    args = parser.parse_args(argv)
    unknown = [m for m in args.molecules if m not in MOLECULES]
    if unknown:
        parser.error(f"unknown molecule(s) {unknown}; choose from {list(MOLECULES)}")
    args.molecules = args.molecules or list(MOLECULES)
    problems = []
    for key in args.molecules:
        h, meta = build(key)
        path = args.outdir / f"{key}.json"
        print(
            f"{key}: {h.n_qubits} qubits, {len(h.terms)} terms, "
            f"E_FCI = {meta['fci_energy']:.12f}, E_HF = {meta['hf_energy']:.12f}, "
            f"HF bits {meta['hf_bitstring']}, active {meta['active_space']['active_orbitals']}"
        )
        if args.check:
            problems += _compare(key, h, meta, path)
            continue
        save_hamiltonian(h, path, **meta)
        back = load_hamiltonian(path)
        assert back.n_qubits == h.n_qubits and back.terms == h.terms, "round trip failed"
        print(f"  wrote {path}")
    for p in problems:
        print("MISMATCH", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
