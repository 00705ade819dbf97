"""The benchmark problem in each peer's terms."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import revad
from revad.bench.problem import Problem
from revad.interop.qiskit import to_qiskit, to_qiskit_operator

HAVE_QISKIT = all(importlib.util.find_spec(m) for m in ("qiskit", "qiskit_algorithms"))


@pytest.mark.skipif(not HAVE_QISKIT, reason="qiskit not installed")
def test_qiskit_translation_matches_revad_bit_order():
    from qiskit.quantum_info import Statevector

    p = Problem(3, 1, seed=2)
    qc, params = to_qiskit(p.circuit)
    psi = Statevector(qc.assign_parameters(dict(zip(params, p.theta, strict=True)))).data
    ref = revad.statevector(p.circuit, p.theta, backend="numpy")
    np.testing.assert_allclose(psi, ref, atol=1e-12)
    h = to_qiskit_operator(p.hamiltonian).to_matrix()
    np.testing.assert_allclose(h, p.hamiltonian.to_dense(), atol=1e-12)
