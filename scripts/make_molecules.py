#!/usr/bin/env python
"""Generate revad's built-in molecular Hamiltonians: ``revad/data/<name>.json``.

Run from the repository root (needs PennyLane >= 0.38, i.e. ``pip install -e .[pennylane]``;
nothing else: the integrals and the Hartree-Fock solution come from PennyLane qchem's own
differentiable Hartree-Fock, ``method="dhf"``, not from PySCF or OpenFermion)::

    python scripts/make_molecules.py            # (re)write revad/data/{h2,lih,...}.json
    python scripts/make_molecules.py --check    # regenerate in memory, compare with the files
    python scripts/make_molecules.py h2o beh2   # just these

Molecules (STO-3G, neutral singlets, Jordan-Wigner, coordinates in angstrom):

* H2 at 0.7414 A, all orbitals active: 2 electrons in 2 spatial orbitals, 4 qubits.
* LiH at 1.5949 A, Li 1s frozen, the two (degenerate) pi orbitals dropped: 2 electrons in
  the 3 sigma orbitals 2sigma, 3sigma, 4sigma, 6 qubits. The pi orbitals are chosen out by
  symmetry, not by position: PennyLane's contiguous active spaces would take one pi orbital
  of the degenerate pair and leave the other, which is arbitrary.
* H4, a linear chain of 4 H atoms 1.0 A apart (no equilibrium geometry: a common model of
  strong correlation), all orbitals active: 4 electrons in 4 orbitals, 8 qubits.
* BeH2, linear, Be-H 1.3264 A, Be 1s frozen: 4 electrons in the other 6 orbitals, 12 qubits.
* H2O, O-H 0.9584 A, H-O-H 104.45 deg (experimental), O 1s frozen: 8 electrons in the other
  6 orbitals, 12 qubits.
* N2 at 1.0977 A (experimental), CAS(6e, 6o): 1sigma_g, 1sigma_u, 2sigma_g, 2sigma_u doubly
  occupied and frozen, 6 electrons in the six 2p valence orbitals (1pi_u x2, 3sigma_g,
  1pi_g x2, 3sigma_u), 12 qubits.

Every active space is checked not to split a set of degenerate orbitals (1e-6 hartree).

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

Up to ``DENSE_MAX_QUBITS`` (10) qubits the checks use dense matrices and full ``eigvalsh``.
Above, the matrices are sparse (revad's ``to_sparse``, PennyLane's ``sparse_matrix``), both
are checked block diagonal in the particle number, and the full spectrum is the union of the
spectra of the 2**n states' n+1 particle-number blocks (each diagonalised densely: at most
924 states at 12 qubits), which is exact, not a Lanczos estimate; the blocks are real
(asserted: real orbitals give only Pauli strings with an even number of Y), and real
eigensolvers are ~10x faster. The full-space FCI energy stored for context with a frozen
core is computed in its particle-number block alone: dense up to 1000 states, ``eigsh``
above, the block built from the Pauli masks above 14 qubits (N2: 20 qubits, 38760 states).

``--check`` passes when the rebuilt Hamiltonian's matrix equals the stored one (1e-9), or
equals it up to the signs of some orbitals (an SCF fixes an orbital only up to its sign,
and another LAPACK may choose the other one), or, for molecules with degenerate active
orbitals (which an SCF may rotate among themselves), has the same spectrum (1e-9); and the
FCI and HF energies agree (1e-9). The latter two cases are reported.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import scipy
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from revad.io.hamiltonian_io import load_hamiltonian, save_hamiltonian  # noqa: E402
from revad.ir.hamiltonian import Hamiltonian  # noqa: E402


def _h2o_coordinates(r: float, angle_degrees: float) -> list[list[float]]:
    """O at the origin, the two H in the xz plane, symmetric about the z axis."""
    half = np.deg2rad(angle_degrees) / 2
    x, z = float(r * np.sin(half)), float(r * np.cos(half))
    return [[0.0, 0.0, 0.0], [x, 0.0, z], [-x, 0.0, z]]


# n_frozen_core: the lowest orbitals, doubly occupied and frozen; n_active_orbitals: the next
# ones (None: all the rest); drop_pi: leave out the pi orbitals (molecule on the z axis).
MOLECULES = {
    "h2": {
        "name": "H2",
        "symbols": ["H", "H"],
        "coordinates_angstrom": [[0.0, 0.0, 0.0], [0.0, 0.0, 0.7414]],
        "bond_length_angstrom": 0.7414,
        "n_frozen_core": 0,
        "drop_pi": False,
        "description": "H2, STO-3G, 0.7414 A, all 2 orbitals active, Jordan-Wigner, 4 qubits",
    },
    "lih": {
        "name": "LiH",
        "symbols": ["Li", "H"],
        "coordinates_angstrom": [[0.0, 0.0, 0.0], [0.0, 0.0, 1.5949]],
        "bond_length_angstrom": 1.5949,
        "n_frozen_core": 1,
        "drop_pi": True,
        "description": (
            "LiH, STO-3G, 1.5949 A, Li 1s frozen, pi orbitals dropped: 2 electrons in the "
            "3 sigma orbitals, Jordan-Wigner, 6 qubits"
        ),
    },
    "h4": {
        "name": "H4",
        "symbols": ["H", "H", "H", "H"],
        "coordinates_angstrom": [[0.0, 0.0, 1.0 * i] for i in range(4)],
        "bond_length_angstrom": 1.0,
        "geometry_note": "linear chain, equally spaced (no equilibrium geometry: a model)",
        "n_frozen_core": 0,
        "drop_pi": False,
        "description": (
            "H4 linear chain, STO-3G, H-H 1.0 A (equally spaced), all 4 orbitals active, "
            "Jordan-Wigner, 8 qubits"
        ),
    },
    "beh2": {
        "name": "BeH2",
        "symbols": ["Be", "H", "H"],
        "coordinates_angstrom": [[0.0, 0.0, 0.0], [0.0, 0.0, 1.3264], [0.0, 0.0, -1.3264]],
        "bond_length_angstrom": 1.3264,
        "bond_angle_degrees": 180.0,
        "geometry_note": "linear, Be at the centre; the bond length is Be-H",
        "n_frozen_core": 1,
        "drop_pi": False,
        "description": (
            "BeH2, linear, STO-3G, Be-H 1.3264 A, Be 1s frozen: 4 electrons in the other "
            "6 orbitals, Jordan-Wigner, 12 qubits"
        ),
    },
    "h2o": {
        "name": "H2O",
        "symbols": ["O", "H", "H"],
        "coordinates_angstrom": _h2o_coordinates(0.9584, 104.45),
        "bond_length_angstrom": 0.9584,
        "bond_angle_degrees": 104.45,
        "geometry_note": "experimental equilibrium; the bond length is O-H, the angle H-O-H",
        "n_frozen_core": 1,
        "drop_pi": False,
        "description": (
            "H2O, STO-3G, O-H 0.9584 A, H-O-H 104.45 deg, O 1s frozen: 8 electrons in the "
            "other 6 orbitals, Jordan-Wigner, 12 qubits"
        ),
    },
    "n2": {
        "name": "N2",
        "symbols": ["N", "N"],
        "coordinates_angstrom": [[0.0, 0.0, 0.0], [0.0, 0.0, 1.0977]],
        "bond_length_angstrom": 1.0977,
        "geometry_note": "experimental equilibrium",
        "n_frozen_core": 4,
        "frozen_note": "1sigma_g, 1sigma_u (N 1s) and 2sigma_g, 2sigma_u (N 2s) frozen",
        "drop_pi": False,
        "description": (
            "N2, STO-3G, 1.0977 A, CAS(6e, 6o): 1sigma_g, 1sigma_u, 2sigma_g, 2sigma_u "
            "frozen, 6 electrons in the six 2p valence orbitals, Jordan-Wigner, 12 qubits"
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
TOL_DEGENERATE = 1e-6  # orbitals this close in energy must be all active or all not
DENSE_MAX_QUBITS = 10  # above: sparse matrices, spectra from particle-number blocks
BLOCK_DENSE_MAX_QUBITS = 14  # full-space blocks from to_sparse up to here, masks above
BLOCK_DENSE_MAX_STATES = 1000  # full-space blocks: dense eigvalsh up to here, eigsh above


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


def _real(block):
    """The real part of a block asserted real: a molecular Hamiltonian with real orbitals
    has only Pauli strings with an even number of Y (real eigensolvers are ~10x faster)."""
    imag = abs(block.imag).max() if block.nnz else 0.0
    assert imag < 1e-14, f"complex matrix entries ({imag})"
    return block.real


def _sector_ground(matrix, mask: np.ndarray) -> tuple[float, np.ndarray]:
    """Lowest eigenpair of ``matrix`` (dense or sparse) restricted to the states in ``mask``
    (dense: as it is; sparse: its real part, asserted real)."""
    idx = np.flatnonzero(mask)
    if isinstance(matrix, np.ndarray):
        block = matrix[np.ix_(idx, idx)]
    else:
        block = _real(matrix[idx][:, idx]).toarray()
    vals, vecs = np.linalg.eigh(block)
    psi = np.zeros(matrix.shape[0], dtype=complex)
    psi[idx] = vecs[:, 0]
    return float(vals[0]), psi


def _block_spectrum(matrix: sp.csr_matrix, n: int) -> tuple[np.ndarray, float]:
    """Sorted spectrum of a sparse matrix that conserves the particle number (popcount of
    the basis index): the union of its n+1 blocks' spectra; also the largest entry found
    outside the blocks (asserted negligible)."""
    pop = np.bitwise_count(np.arange(2**n, dtype=np.int64))
    coo = matrix.tocoo()
    outside = pop[coo.row] != pop[coo.col]
    leak = float(np.max(np.abs(coo.data[outside]), initial=0.0))
    assert leak < TOL_MATRIX, f"matrix does not conserve the particle number ({leak})"
    vals = []
    for k in range(n + 1):
        idx = np.flatnonzero(pop == k)
        vals.append(np.linalg.eigvalsh(_real(matrix[idx][:, idx]).toarray()))
    return np.sort(np.concatenate(vals)), leak


def _sector_states(n: int, n_particles: int) -> np.ndarray:
    basis = np.arange(2**n, dtype=np.int64)
    return basis[np.bitwise_count(basis) == n_particles]


def _mask_block(h: Hamiltonian, n_particles: int) -> sp.csr_matrix:
    """The block of ``h`` on the basis states with ``n_particles`` ones (in increasing
    order), from the Pauli masks: term t maps |x> to w_t (-1)^popcount(x & z_t) |x ^ x_t>;
    images outside the block are dropped (they cancel in a number-conserving sum)."""
    states = _sector_states(h.n_qubits, n_particles)
    dim = len(states)
    masks = h.masks()
    cols = np.arange(dim, dtype=np.int64)
    out = sp.csr_matrix((dim, dim), dtype=complex)
    rows_acc, cols_acc, vals_acc, count = [], [], [], 0
    for t, (xm, zm, w) in enumerate(zip(masks.xmask, masks.zmask, masks.weight, strict=True)):
        image = states ^ xm
        pos = np.minimum(np.searchsorted(states, image), dim - 1)
        keep = states[pos] == image
        sign = 1.0 - 2.0 * (np.bitwise_count(states[keep] & zm) & 1)
        rows_acc.append(pos[keep])
        cols_acc.append(cols[keep])
        vals_acc.append(w * sign)
        count += int(keep.sum())
        if count > 1 << 24 or t == len(masks.weight) - 1:
            coo = sp.coo_matrix(
                (np.concatenate(vals_acc), (np.concatenate(rows_acc), np.concatenate(cols_acc))),
                shape=(dim, dim),
            )
            out = out + coo.tocsr()
            rows_acc, cols_acc, vals_acc, count = [], [], [], 0
    return out.tocsr()


def _full_space(h_full: Hamiltonian, n_particles: int) -> tuple[float, float]:
    """(lowest eigenvalue in the n_particles block, <HF|h_full|HF>) of the all-orbital
    Hamiltonian. The block comes from ``to_sparse`` up to BLOCK_DENSE_MAX_QUBITS, from the
    masks above; it is diagonalised densely up to BLOCK_DENSE_MAX_STATES states, by
    Lanczos (``eigsh``, real part) above."""
    n = h_full.n_qubits
    if n <= BLOCK_DENSE_MAX_QUBITS:
        full = h_full.to_sparse()
        pop = np.array([bin(i).count("1") for i in range(2**n)])
        idx = np.flatnonzero(pop == n_particles)
        block = full[idx][:, idx]
    else:
        block = _mask_block(h_full, n_particles)
    e_hf = float(block[0, 0].real)  # the HF state 2**n_particles - 1 is the first state
    if block.shape[0] <= BLOCK_DENSE_MAX_STATES:
        return float(np.linalg.eigvalsh(block.toarray())[0]), e_hf
    from scipy.sparse.linalg import eigsh

    real = _real(block).tocsr()
    assert abs(real - real.T).max() < 1e-14
    val = eigsh(real, k=1, which="SA", tol=1e-14, return_eigenvectors=False)[0]
    return float(val), e_hf


def _split_degenerate(mo_energies: np.ndarray, active: list[int]) -> list[tuple[int, int]]:
    """Pairs (active, not active) of orbitals within TOL_DEGENERATE of each other."""
    others = [q for q in range(len(mo_energies)) if q not in active]
    return [
        (p, q)
        for p in active
        for q in others
        if abs(mo_energies[p] - mo_energies[q]) < TOL_DEGENERATE
    ]


def build(key: str) -> tuple[Hamiltonian, dict]:
    """The revad Hamiltonian and its metadata for molecule ``key``, every check passed."""
    import pennylane as qml

    spec = MOLECULES[key]
    geometry = np.array(spec["coordinates_angstrom"], dtype=float)
    mol = qml.qchem.Molecule(spec["symbols"], geometry, basis_name=BASIS, unit="angstrom")
    mo_energies, coeffs, *_ = qml.qchem.scf(mol)()
    mo_energies = np.asarray(mo_energies, dtype=float)
    e_scf = float(qml.qchem.hf_energy(mol)())
    bond = float(np.linalg.norm(geometry[1] - geometry[0]))
    assert abs(bond - spec["bond_length_angstrom"]) < 1e-12, bond
    if "bond_angle_degrees" in spec:
        u, v = geometry[1] - geometry[0], geometry[2] - geometry[0]
        cos = np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v))
        angle = float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))
        assert abs(angle - spec["bond_angle_degrees"]) < 1e-9, angle
        assert abs(np.linalg.norm(v) - spec["bond_length_angstrom"]) < 1e-12

    n_core = spec["n_frozen_core"]
    core = list(range(n_core))
    dropped = _pi_orbitals(mol, coeffs) if spec["drop_pi"] else []
    active = [p for p in range(mol.n_orbitals) if p not in core and p not in dropped]
    n_el = mol.n_electrons - 2 * n_core
    n = 2 * len(active)
    assert n_el % 2 == 0 and n_el // 2 <= len(active)
    assert all(p >= n_el // 2 + n_core for p in dropped), "dropped orbitals must be virtual"
    split = _split_degenerate(mo_energies, active)
    assert not split, f"{key}: the active space splits degenerate orbitals {split}"

    # core=None, active=None means "all orbitals", which PennyLane handles on a separate path.
    frozen = {"core": core, "active": active} if (core or dropped) else {}
    h_pl = qml.qchem.diff_hamiltonian(mol, mapping=MAPPING, **frozen)()
    h = _to_revad(h_pl, n)
    dense_path = n <= DENSE_MAX_QUBITS

    # 1. revad's matrix is PennyLane's with wire n-1 as the most significant bit.
    # 2. Same spectrum (independent of any qubit labelling).
    if dense_path:
        matrix = h.to_dense()
        pl_native = np.asarray(qml.matrix(h_pl, wire_order=list(range(n))))  # wire 0 = MSB
        pl_revad_order = np.asarray(qml.matrix(h_pl, wire_order=list(range(n))[::-1]))
        matrix_err = float(np.max(np.abs(matrix - pl_revad_order)))
        assert np.allclose(matrix, matrix.conj().T, atol=1e-14, rtol=0)
        spectrum = np.linalg.eigvalsh(matrix)
        spectrum_pl = np.linalg.eigvalsh(pl_native)
        leak = None
    else:
        matrix = h.to_sparse()
        pl_native = h_pl.sparse_matrix(wire_order=list(range(n))).tocsr()
        pl_revad_order = h_pl.sparse_matrix(wire_order=list(range(n))[::-1]).tocsr()
        matrix_err = float(abs(matrix - pl_revad_order).max())
        assert abs(matrix - matrix.getH()).max() < 1e-14
        spectrum, leak = _block_spectrum(matrix, n)
        spectrum_pl, _ = _block_spectrum(pl_native, n)
        # the mask-built block (used for larger full spaces) against to_sparse's
        idx = _sector_states(n, n_el)
        mask_err = abs(_mask_block(h, n_el) - matrix[idx][:, idx]).max()
        assert mask_err < TOL_MATRIX, mask_err
    assert matrix_err < TOL_MATRIX, matrix_err
    spectrum_err = float(np.max(np.abs(spectrum - spectrum_pl)))
    assert spectrum_err < TOL_SPECTRUM, spectrum_err

    # 3. Hartree-Fock determinant: lowest n_el spin orbitals, in both orders.
    occupation = [1 if q < n_el else 0 for q in range(n)]
    assert occupation == [int(b) for b in qml.qchem.hf_state(n_el, n)]
    hf_index = sum(1 << q for q, b in enumerate(occupation) if b)  # revad: qubit q = bit q
    pl_index = int("".join(map(str, occupation)), 2)  # PennyLane: wire 0 = MSB
    e_hf = float(matrix[hf_index, hf_index].real)
    assert abs(e_hf - float(pl_native[pl_index, pl_index].real)) < TOL_MATRIX
    assert abs(e_hf - e_scf) < TOL_HF, (e_hf, e_scf)

    # 4. FCI in the n_el sector vs the lowest eigenvalue over all sectors.
    basis = np.arange(2**n)
    bits = (basis[:, None] >> np.arange(n)) & 1
    n_particles = bits.sum(axis=1)
    sz = 0.5 * (bits[:, 0::2].sum(axis=1) - bits[:, 1::2].sum(axis=1))
    e_fci, psi = _sector_ground(matrix, n_particles == n_el)
    e_fci_sz0, _ = _sector_ground(matrix, (n_particles == n_el) & (sz == 0))
    e_min = float(spectrum[0])
    assert abs(e_fci - e_fci_sz0) < 1e-10, (e_fci, e_fci_sz0)
    assert abs(e_fci - e_min) < 1e-10, f"{key}: lowest eigenvalue {e_min} is not in N={n_el}"
    s2_op = qml.qchem.spin2(n_el, n)
    if dense_path:
        s2_matrix = np.asarray(qml.matrix(s2_op, wire_order=list(range(n))[::-1]))
    else:
        s2_matrix = s2_op.sparse_matrix(wire_order=list(range(n))[::-1])
    s2 = float(np.real(psi.conj() @ (s2_matrix @ psi)))
    assert abs(s2) < 1e-8, f"{key}: ground state is not a singlet (<S^2> = {s2})"
    assert abs(h.ground_energy() - e_fci) < 1e-10

    kind = "full FCI in the basis (all orbitals active)"
    extra = {}
    if frozen:  # context: FCI of all orbitals and electrons (12 qubits for LiH), sector only
        h_full = _to_revad(qml.qchem.diff_hamiltonian(mol, mapping=MAPPING)(), 2 * mol.n_orbitals)
        n_all = h_full.n_qubits
        e_full, e_hf_full = _full_space(h_full, mol.n_electrons)
        assert abs(e_hf_full - e_hf) < TOL_MATRIX
        assert e_full < e_fci + 1e-10
        kind = f"CASCI({n_el}e, {len(active)}o): FCI within the active space"
        extra = {
            "full_space_fci_energy": e_full,
            "full_space_fci_note": (
                f"for context only: FCI with all {mol.n_orbitals} orbitals and "
                f"{mol.n_electrons} electrons ({n_all} qubits, N={mol.n_electrons} sector); "
                "not this Hamiltonian's ground energy"
            ),
        }

    geometry_meta = {
        "symbols": spec["symbols"],
        "coordinates_angstrom": spec["coordinates_angstrom"],
        "bond_length_angstrom": spec["bond_length_angstrom"],
    }
    for field in ("bond_angle_degrees", "geometry_note"):
        if field in spec:
            geometry_meta[field] = spec[field]
    checks = {
        "matrix_vs_pennylane_max_abs": matrix_err,
        "spectrum_vs_pennylane_max_abs": spectrum_err,
        "hf_vs_pennylane_scf": abs(e_hf - e_scf),
        "fci_s2": s2,
    }
    if not dense_path:
        checks["particle_number_leak_max_abs"] = leak
        checks["method"] = (
            "sparse matrices; full spectrum = union of the particle-number blocks' spectra"
        )
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
        "geometry": geometry_meta,
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
        "checks": checks,
    }
    if "frozen_note" in spec:
        meta["active_space"]["core_note"] = spec["frozen_note"]
    return h, meta


def _orbital_signs(old: Hamiltonian, new: Hamiltonian) -> list[int] | None:
    """Spatial orbitals p whose sign flip turns ``old`` into ``new`` (to 1e-9), or None.

    An SCF determines each orbital up to its sign, and another LAPACK may pick the other
    one. Flipping orbital p (a_p -> -a_p for both spins) is conjugation by Z_2p Z_2p+1
    under Jordan-Wigner: a Pauli string's coefficient changes sign once per X or Y on
    qubits 2p, 2p+1. The matrices are then D H D for a diagonal D of signs: same
    spectrum, same diagonal, different off-diagonal signs."""
    a, b = {}, {}
    for terms, out in ((old.terms, a), (new.terms, b)):
        for c, ops in terms:
            out[ops] = out.get(ops, 0.0) + c
    if old.n_qubits != new.n_qubits or a.keys() != b.keys():
        return None
    keys = list(a)
    c_old = np.array([a[k] for k in keys])
    c_new = np.array([b[k] for k in keys])
    n_orb = old.n_qubits // 2
    flips = np.zeros((len(keys), n_orb), dtype=np.int64)  # X/Y count per spatial orbital
    for t, ops in enumerate(keys):
        for label, q in ops:
            flips[t, q // 2] += label in "XY"
    for mask in range(2**n_orb):
        chosen = (mask >> np.arange(n_orb)) & 1
        sign = 1 - 2 * ((flips @ chosen) & 1)
        if np.max(np.abs(c_new - sign * c_old)) <= 1e-9:
            return [int(p) for p in np.flatnonzero(chosen)]
    return None


def _spectrum(h: Hamiltonian) -> np.ndarray:
    if h.n_qubits <= DENSE_MAX_QUBITS:
        return np.linalg.eigvalsh(h.to_dense())
    return _block_spectrum(h.to_sparse(), h.n_qubits)[0]


def _compare(key: str, h: Hamiltonian, meta: dict, path: Path) -> list[str]:
    """What differs between the molecule rebuilt in memory and its stored file.

    The same matrix (1e-9) passes; so do orbital sign flips (same matrix up to D H D,
    reported) and, for molecules with degenerate active orbitals (which an SCF may rotate
    among themselves), the same spectrum (1e-9, reported). Energies must agree (1e-9)."""
    old = load_hamiltonian(path)
    import json

    stored = json.loads(path.read_text("utf-8"))
    problems = []
    if old.n_qubits != h.n_qubits:
        problems.append(f"{key}: n_qubits {old.n_qubits} -> {h.n_qubits}")
        return problems
    same = len(old.terms) == len(h.terms) and abs(old.to_sparse() - h.to_sparse()).max() <= 1e-9
    if not same:
        flipped = _orbital_signs(old, h)
        energies = np.array(stored["active_space"]["mo_energies"])[
            stored["active_space"]["active_orbitals"]
        ]
        degenerate = bool(np.any(np.abs(np.diff(np.sort(energies))) < TOL_DEGENERATE))
        if flipped is not None:
            orbitals = [stored["active_space"]["active_orbitals"][p] for p in flipped]
            print(
                f"  note: {key} is the stored Hamiltonian with orbitals {orbitals} of the "
                "opposite sign (another LAPACK's choice; same spectrum and energies)"
            )
        elif degenerate:
            err = float(np.max(np.abs(_spectrum(old) - _spectrum(h))))
            if err > 1e-9:
                problems.append(f"{key}: spectra differ by {err:.2e}")
            else:
                print(
                    f"  note: {key} differs from the stored file by a rotation among "
                    f"degenerate orbitals; the spectra agree to {err:.1e}"
                )
        else:
            diff = abs(old.to_sparse() - h.to_sparse()).max() if len(old.terms) else np.inf
            problems.append(
                f"{key}: terms {len(old.terms)} -> {len(h.terms)}, matrices differ by {diff:.2e}"
            )
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
