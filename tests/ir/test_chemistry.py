"""Excitation lists of revad.uccsd: PennyLane's, in PennyLane's order."""

import pytest

from revad import RevadError
from revad.ir.chemistry import check_electrons, excitations, hf_occupation


def test_excitations_of_h2_and_lih():
    assert excitations(4, 2) == ([[0, 2], [1, 3]], [[0, 1, 2, 3]])
    singles, doubles = excitations(6, 2)
    assert singles == [[0, 2], [0, 4], [1, 3], [1, 5]]
    assert doubles == [[0, 1, 2, 3], [0, 1, 2, 5], [0, 1, 3, 4], [0, 1, 4, 5]]


@pytest.mark.parametrize("n, e", [(4, 1), (6, 3), (8, 4), (10, 4), (12, 8), (12, 5)])
def test_excitations_match_pennylane(n, e):
    qml = pytest.importorskip("pennylane")
    assert excitations(n, e) == tuple(qml.qchem.excitations(e, n))


def test_excitations_conserve_spin_and_hf_is_the_lowest_orbitals():
    singles, doubles = excitations(10, 4)
    assert all(r % 2 == p % 2 and r < 4 <= p for r, p in singles)
    for s, r, q, p in doubles:
        assert s < r < 4 <= q < p
        assert (s % 2) + (r % 2) == (q % 2) + (p % 2)  # beta count kept
    assert hf_occupation(3) == [0, 1, 2]


def test_check_electrons():
    assert check_electrons(6, 2) == (6, 2)
    with pytest.raises(RevadError, match="uccsd: n_qubits is the number of spin orbitals"):
        check_electrons(7, 2)
    with pytest.raises(RevadError, match="excitations: n_electrons must be positive"):
        excitations(4, 0)
