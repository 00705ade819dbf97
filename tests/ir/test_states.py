"""Input states (revad.ir.states): None, a basis index or a normalised vector."""

import numpy as np
import pytest

from revad import RevadError
from revad.ir.states import NORM_TOLERANCE, initial_state


def test_none_index_and_vector():
    assert initial_state(None, 3) is None
    np.testing.assert_array_equal(initial_state(np.int64(5), 3), np.eye(8)[5])
    psi = initial_state([0.6, 0.8j], 1)
    assert psi.dtype == np.complex128
    np.testing.assert_array_equal(psi, [0.6, 0.8j])


def test_norm_tolerance():
    psi = np.array([1 + NORM_TOLERANCE / 2, 0])
    np.testing.assert_array_equal(initial_state(psi, 1), psi)  # kept as given
    with pytest.raises(RevadError, match="normalised"):
        initial_state(np.array([1 + 2 * NORM_TOLERANCE, 0]), 1)
    with pytest.raises(RevadError, match="normalised; its norm is 0"):
        initial_state(np.zeros(2), 1)
