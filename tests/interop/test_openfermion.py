"""OpenFermion interop: QubitOperator -> Hamiltonian, checked against OpenFermion's matrices."""

import numpy as np
import pytest

import revad
from revad.interop import from_openfermion

of = pytest.importorskip("openfermion")


def bit_reversal(n):
    """revad index -> OpenFermion index: OpenFermion's qubit 0 is the most significant bit."""
    return np.array([int(format(i, f"0{n}b")[::-1], 2) for i in range(2**n)])


def random_qubit_operator(rng, n, n_terms):
    op = of.QubitOperator((), float(rng.normal()))
    for _ in range(n_terms):
        qubits = rng.choice(n, int(rng.integers(1, n + 1)), replace=False)
        word = tuple((int(q), str(rng.choice(list("XYZ")))) for q in sorted(qubits))
        op += of.QubitOperator(word, float(rng.normal()))
    return op


def test_matrix_matches_openfermion_up_to_bit_order():
    n = 4
    op = random_qubit_operator(np.random.default_rng(0), n, 8)
    h = from_openfermion(op, n)
    assert h.n_qubits == n
    ref = of.get_sparse_operator(op, n_qubits=n).toarray()
    perm = bit_reversal(n)
    np.testing.assert_allclose(h.to_dense(), ref[np.ix_(perm, perm)], atol=1e-12, rtol=0)


def test_energy_of_a_circuit_state_matches_openfermion_expectation():
    n = 3
    rng = np.random.default_rng(1)
    op = random_qubit_operator(rng, n, 6)
    c = revad.variational_circuit(n, 2)
    theta = rng.uniform(-np.pi, np.pi, c.n_params)
    e = revad.expectation(c, from_openfermion(op, n), theta, backend="numpy")
    psi = revad.statevector(c, theta, backend="numpy")
    state_of = np.empty_like(psi)
    state_of[bit_reversal(n)] = psi
    e_ref = of.expectation(of.get_sparse_operator(op, n_qubits=n), state_of)
    np.testing.assert_allclose(e, e_ref.real, atol=1e-12, rtol=0)


def test_jordan_wigner_hamiltonian():
    """A Hermitian fermionic hopping model, mapped to qubits, converts; its spectrum survives."""
    n = 3
    fop = of.FermionOperator()
    for i in range(n - 1):
        fop += of.FermionOperator(f"{i}^ {i + 1}", -1.0) + of.FermionOperator(f"{i + 1}^ {i}", -1.0)
        fop += of.FermionOperator(f"{i}^ {i} {i + 1}^ {i + 1}", 0.5)
    qop = of.jordan_wigner(fop)
    h = from_openfermion(qop, n)
    ref = of.get_sparse_operator(qop, n_qubits=n).toarray()
    np.testing.assert_allclose(
        np.linalg.eigvalsh(h.to_dense()), np.linalg.eigvalsh(ref), atol=1e-12, rtol=0
    )


def test_identity_term_and_wider_register():
    h = from_openfermion(of.QubitOperator("Z1", 2.0) + of.QubitOperator((), -1.0), 4)
    assert h.n_qubits == 4
    assert sorted(h.terms) == sorted([(2.0, (("Z", 1),)), (-1.0, ())])


def test_errors():
    with pytest.raises(revad.RevadError, match="jordan_wigner"):
        from_openfermion(of.FermionOperator("0^ 1"), 2)
    with pytest.raises(revad.RevadError, match="QubitOperator"):
        from_openfermion("X0", 2)
    with pytest.raises(revad.RevadError, match="beyond n_qubits=2"):
        from_openfermion(of.QubitOperator("X3"), 2)
    with pytest.raises(revad.RevadError, match="complex"):
        from_openfermion(of.QubitOperator("X0 Y1", 1j), 2)
    with pytest.raises(revad.RevadError, match="n_qubits"):
        from_openfermion(of.QubitOperator("X0"), 0)


@pytest.mark.parametrize(
    "coeff",
    [complex(1, float("nan")), complex(float("nan"), 0), complex(1, float("inf")), float("inf")],
)
def test_non_finite_coefficients_are_refused(coeff):
    """NaN in the imaginary part used to slip through (``abs(nan) > tol`` is False): 1.0."""
    with pytest.raises(revad.RevadError, match="must be finite"):
        from_openfermion(of.QubitOperator("Z0", coeff), 1)


def test_complex_coefficients_are_refused_beyond_round_off():
    with pytest.raises(revad.RevadError, match="is complex"):
        from_openfermion(of.QubitOperator("Z0", complex(1, 1e-6)), 1)
    h = from_openfermion(of.QubitOperator("Z0", complex(2, 1e-15)), 1)  # round-off: real
    assert h.terms == ((2.0, (("Z", 0),)),)
