import numpy as np
import pytest

import revad
from revad import RevadError


def _apply_masks(h, psi):
    """Hψ from the bit-mask form, to check it against the Kronecker-product matrix."""
    m = h.masks()
    j = np.arange(len(psi))
    out = np.zeros_like(psi)
    for x, z, w in zip(m.xmask, m.zmask, m.weight, strict=True):
        src = j ^ x
        sign = 1 - 2 * (np.array([bin(v).count("1") for v in src & z]) % 2)
        out += w * sign * psi[src]
    return out


def test_masks_match_matrix(rng):
    terms = [(0.7, [("X", 0), ("Y", 2)]), (-1.3, [("Z", 1), ("Y", 0)]), (0.2, [("I", 1)])]
    h = revad.Hamiltonian(terms, n_qubits=3)
    psi = rng.normal(size=8) + 1j * rng.normal(size=8)
    np.testing.assert_allclose(_apply_masks(h, psi), h.to_dense() @ psi, atol=1e-13)


def test_qubit_zero_is_least_significant_bit():
    h = revad.Hamiltonian([(1.0, [("Z", 0)])], n_qubits=2)
    np.testing.assert_allclose(np.diag(h.to_dense()).real, [1, -1, 1, -1])


def test_heisenberg_and_tfim_match_yao_definitions():
    h = revad.heisenberg(6)
    assert len(h) == 18
    assert np.isclose(h.ground_energy(), -11.21110255, atol=1e-7)
    assert len(revad.heisenberg(6, periodic=False)) == 15
    t = revad.tfim(4, 0.5)
    assert sorted(t.terms)[:1] == [(0.5, (("X", 0),))]
    dense = t.to_dense()
    z = np.diag([1.0, -1.0])
    x = np.array([[0.0, 1.0], [1.0, 0.0]])
    eye = np.eye(2)

    def op(mats):  # mats[q] acts on qubit q; qubit 0 is the last kron factor
        out = np.eye(1)
        for m in reversed(mats):
            out = np.kron(out, m)
        return out

    ref = sum(op([z if q in (i, (i + 1) % 4) else eye for q in range(4)]) for i in range(4))
    ref = ref + 0.5 * sum(op([x if q == i else eye for q in range(4)]) for i in range(4))
    np.testing.assert_allclose(dense, ref, atol=1e-14)


def test_sparse_ground_energy_agrees_with_dense():
    h = revad.heisenberg(11)
    assert np.isclose(h.ground_energy(), np.linalg.eigvalsh(h.to_dense())[0], atol=1e-9)


@pytest.mark.parametrize(
    "terms, match",
    [
        ([(1.0, [("Q", 0)])], "unknown Pauli label 'Q'"),
        ([(1j, [("X", 0)])], "complex"),
        ([(float("nan"), [("X", 0)])], "finite"),
        ([("a", [("X", 0)])], "real number"),
        ([(1.0, [("X", 0), ("Z", 0)])], "qubit 0 appears twice"),
        ([(1.0, [("X", -1)])], "non-negative integer"),
        ([(1.0,)], "expected \\(coefficient"),
    ],
)
def test_hamiltonian_errors(terms, match):
    with pytest.raises(RevadError, match=match):
        revad.Hamiltonian(terms)


def test_hamiltonian_qubit_beyond_declared_size():
    with pytest.raises(RevadError, match="beyond n_qubits=2"):
        revad.Hamiltonian([(1.0, [("X", 2)])], n_qubits=2)
