"""The circuits the all-gates interop tests convert: every revad gate, the gate families
included (tests/reference.py draws them), and the new gates alone."""

import math

import numpy as np

from tests.reference import random_circuit, random_hamiltonian

NEW = ["cphase", "single_excitation", "double_excitation", "ccx", "pauli_rot", "mcx", "unitary"]


def circuits(seed, n=4, n_gates=36):
    """A circuit of every gate, and one of the new gates only, with parameters and a
    Hamiltonian for each."""
    rng = np.random.default_rng(seed)
    for c in (random_circuit(n, n_gates, rng), random_circuit(n, n_gates, rng, names=NEW)):
        yield c, rng.uniform(-math.pi, math.pi, c.n_params), random_hamiltonian(n, 6, rng)
