import copy
import pickle
import time
import tracemalloc

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


# --------------------------------------------------------------------------- matrices


def _kron_reference(h, n):
    """Dense Σ c_t ⊗_q σ_q with np.kron, qubit 0 the last (least significant) factor."""
    out = np.zeros((2**n, 2**n), dtype=complex)
    for coeff, ops in h.terms:
        labels = {q: label for label, q in ops}
        m = np.eye(1)
        for q in reversed(range(n)):
            m = np.kron(m, revad.ir.gates.PAULI[labels.get(q, "I")])
        out += coeff * m
    return out


def _random_terms(rng, n, n_terms, labels="IXYZ"):
    return [
        (
            float(rng.normal()),
            [(str(rng.choice(list(labels))), int(q)) for q in rng.choice(n, rng.integers(0, 5))],
        )
        for _ in range(n_terms)
    ]


def _unique_qubits(terms):
    return [(c, list({q: (p, q) for p, q in ops}.values())) for c, ops in terms]


@pytest.mark.parametrize(("n", "n_terms"), [(1, 3), (3, 40), (6, 300)])
def test_to_sparse_matches_kron_reference(rng, n, n_terms):
    terms = _unique_qubits(_random_terms(rng, n, n_terms))
    terms += terms[:5]  # repeated Pauli strings add
    h = revad.Hamiltonian(terms, n_qubits=n)
    for size in (n, n + 1):  # also embedded in a larger register
        m = h.to_sparse(size)
        assert m.format == "csr" and m.shape == (2**size, 2**size)
        np.testing.assert_allclose(m.toarray(), _kron_reference(h, size), atol=1e-12)
        np.testing.assert_allclose(h.to_dense(size), _kron_reference(h, size), atol=1e-12)


def test_to_sparse_of_10k_terms_is_fast_and_right(rng):
    """Was quadratic (``out = out + c*m`` per term): ~110 s for 10^4 terms on 10 qubits."""
    n = 10
    h = revad.Hamiltonian(_unique_qubits(_random_terms(rng, n, 10_000, "XYZ")), n_qubits=n)
    start = time.perf_counter()
    m = h.to_sparse()
    elapsed = time.perf_counter() - start
    assert elapsed < 30, f"to_sparse of 10^4 terms took {elapsed:.1f} s"
    psi = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)
    np.testing.assert_allclose(m @ psi, _apply_masks(h, psi), atol=1e-9)  # the other path
    np.testing.assert_allclose(m.toarray(), m.toarray().conj().T, atol=1e-12)  # Hermitian


def test_to_sparse_cancellations_and_empty():
    h = revad.Hamiltonian([(1.0, [("X", 0), ("Z", 1)]), (-1.0, [("Z", 1), ("X", 0)])])
    assert h.to_sparse().nnz == 0  # no explicit zeros left
    assert revad.Hamiltonian([], n_qubits=3).to_sparse().shape == (8, 8)


def test_to_sparse_returns_a_fresh_matrix():
    """No hidden cache: changing a returned matrix cannot change the next one."""
    h = revad.Hamiltonian([(1.0, [("Z", 0)])])
    m = h.to_sparse()
    m[0, 0] = 99.0
    assert h.to_sparse()[0, 0] == 1.0


def test_matrix_sizes_checked_before_allocating():
    h = revad.Hamiltonian([(1.0, [("Z", 0)])])
    with pytest.raises(RevadError, match=r"to_dense on 20 qubits would need 16384 GiB"):
        h.to_dense(20)
    with pytest.raises(RevadError, match=r"to_sparse on 25 qubits.*limit is 24"):
        h.to_sparse(25)
    with pytest.raises(RevadError, match=r"limited to 22 qubits, got 23"):
        h.ground_energy(23)
    with pytest.raises(RevadError, match=r"n_qubits must be between 1 and 30, got 31"):
        h.to_sparse(31)


def test_matrix_smaller_than_the_hamiltonian_is_refused():
    """Was silently wrong: to_sparse(2) of Z3 dropped the Z and returned the identity."""
    h = revad.Hamiltonian([(1.0, [("Z", 3)])])
    for method in (h.to_sparse, h.to_dense, h.ground_energy):
        with pytest.raises(RevadError, match=r"acts on 4 qubits"):
            method(2)


# --------------------------------------------------------------------------- limits, errors


def test_qubit_beyond_limit_refused_before_any_allocation():
    tracemalloc.start()
    try:
        for terms in ([(1.0, [("Z", 10**9)])], [(1.0, [("X", 0)]), (1.0, [("Z", 30)])]):
            with pytest.raises(
                RevadError, match=r"term \d: qubit \d+ is beyond revad's limit of 30"
            ):
                revad.Hamiltonian(terms)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**20
    assert revad.Hamiltonian([(1.0, [("Z", 29)])]).n_qubits == 30  # the largest allowed


@pytest.mark.parametrize(
    ("n_qubits", "match"),
    [
        (-5, "must be between 1 and 30, got -5"),
        (0, "must be between 1 and 30, got 0"),
        (31, "must be between 1 and 30, got 31"),
        (10**9, "must be between 1 and 30"),
        (2.5, "must be an integer, got 2.5"),
        (True, "must be an integer, got True"),
    ],
)
def test_n_qubits_errors(n_qubits, match):
    """Was accepted (0) or misreported (-5: 'a term acts on qubit -1'); the files' rule."""
    with pytest.raises(RevadError, match=f"n_qubits {match}"):
        revad.Hamiltonian([], n_qubits=n_qubits)


@pytest.mark.parametrize(
    ("terms", "match"),
    [
        (None, "terms must be an iterable.*got NoneType"),
        (3, "terms must be an iterable.*got int"),
        ("Z0", "terms must be an iterable.*got str"),
        ([(1.0, None)], "term 0: Pauli operators must be a list"),
        ([(1.0, "Z0")], "term 0: Pauli operators must be a list"),
    ],
)
def test_terms_not_iterable(terms, match):
    with pytest.raises(RevadError, match=match):
        revad.Hamiltonian(terms)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: revad.heisenberg(1), "heisenberg: a chain needs at least 2 qubits, got n=1"),
        (lambda: revad.heisenberg(0, periodic=False), "heisenberg: a chain needs at least 2"),
        (lambda: revad.heisenberg(2.5), "heisenberg: n .* must be an integer, got 2.5"),
        (lambda: revad.heisenberg(31), "heisenberg: n must be between 1 and 30, got 31"),
        (lambda: revad.tfim(0), "tfim: a chain needs at least 2 qubits, got n=0"),
        (lambda: revad.tfim(4, h=float("inf")), "tfim: h must be a finite real number, got inf"),
        (lambda: revad.tfim(4, h="1"), "tfim: h must be a finite real number"),
        (lambda: revad.xxz(4, delta=float("nan")), "xxz: delta must be a finite real number"),
        (lambda: revad.xxz(None), "xxz: n .* must be an integer, got None"),
    ],
)
def test_model_errors(make, match):
    with pytest.raises(RevadError, match=match):
        make()


def test_models_still_build():
    assert len(revad.heisenberg(2, periodic=False)) == 3
    assert len(revad.tfim(np.int64(3), h=np.float64(0.5))) == 6
    assert revad.xxz(3, delta=0) == revad.xxz(3, delta=0.0)


# --------------------------------------------------------------------------- equality


def test_equality_and_hash_follow_content():
    terms = [(0.5, [("Z", 1), ("X", 0)]), (-1.0, [])]
    a = revad.Hamiltonian(terms)
    b = revad.Hamiltonian([(0.5, [("X", 0), ("Z", 1)]), (-1, [])], n_qubits=2)
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != revad.Hamiltonian(terms, n_qubits=3)  # different register
    assert a != revad.Hamiltonian(terms[::-1])  # order matters (documented)
    assert a != revad.Hamiltonian([(0.25, [("Z", 1), ("X", 0)])] * 2 + terms[1:])
    assert a != terms and a != "H"
    assert {a: 1}[b] == 1


def test_hamiltonian_is_immutable():
    h = revad.Hamiltonian([(1.0, [("Z", 0)])])
    with pytest.raises(AttributeError):
        h.terms = ()
    with pytest.raises(AttributeError):
        h.n_qubits = 5
    with pytest.raises(AttributeError):
        h.cache = {}
    assert isinstance(h.terms, tuple) and all(isinstance(t[1], tuple) for t in h.terms)
    assert copy.deepcopy(h) == h and pickle.loads(pickle.dumps(h)) == h
