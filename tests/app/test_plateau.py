"""The barren-plateau diagnostic (revad.app.plateau)."""

import json

import numpy as np
import pytest

import revad
from revad.app.init import initial_params
from revad.app.plateau import plateau, write_plateau


def test_variance_equals_a_loop_of_gradients(tmp_path):
    """The vmapped gradients against revad.value_and_grad, one sample at a time."""
    result = plateau([2, 3], layers=3, samples=5, inits=["uniform", "small"], seed=4)
    c = revad.variational_circuit(3, 3)
    cost = revad.Hamiltonian([(1.0, [("Z", 0), ("Z", 1)])], n_qubits=3)
    grads = [revad.value_and_grad(c, cost, initial_params(c, "uniform", seed=4 + s, layers=3))[1]
             for s in range(5)]  # fmt: skip
    expected = float(np.mean(np.var(grads, axis=0)))
    assert result["variance"][1] == pytest.approx(expected, rel=1e-10)
    assert set(result["curves"]) == {"uniform", "small"} and result["qubits"] == [2, 3]
    write_plateau(result, tmp_path)
    assert json.loads((tmp_path / "plateau.json").read_text())["qubits"] == [2, 3]
    assert (tmp_path / "plateau.png").stat().st_size > 1000


def test_bad_sizes():
    with pytest.raises(revad.RevadError, match="two qubit counts"):
        plateau([4], layers=2, samples=4, inits=["uniform"])
    with pytest.raises(revad.RevadError, match="2 samples"):
        plateau([2, 3], layers=2, samples=1, inits=["uniform"])
