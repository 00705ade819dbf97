"""Gate tables: the eight coefficients of every one- and two-qubit registry gate (and of
its generator) rebuild its matrix at any angle, in the form (Uψ)[j] = A[k]ψ[j] + B[k]ψ[j^m]."""

import numpy as np
import pytest

from revad.compile.tables import GA, GB, KF, KIND, TA, TB, angle_basis
from revad.ir.gates import GATES


def _matrix(coef_a, coef_b, kf):
    """The 4x4 local matrix of the form: row k has A[k] at k and B[k] at k ^ kf."""
    m = np.diag(coef_a).astype(complex)
    if kf:
        m[np.arange(4), np.arange(4) ^ kf] += coef_b
    return m


def _local(gate, m):
    if gate.n_qubits == 2:
        return m
    out = np.zeros((4, 4), complex)
    out[np.ix_([0, 3], [0, 3])] = m
    return out


TABLE_GATES = [g for g in GATES if GATES[g].n_qubits <= 2]  # wider gates: test_lowering.py


@pytest.mark.parametrize("name", TABLE_GATES)
@pytest.mark.parametrize("theta", [0.0, 0.37, -2.1, 5.0, 1e3])
def test_tables_rebuild_every_gate(name, theta):
    gate, kind = GATES[name], KIND[name]
    basis = angle_basis(np.float64(theta))
    rebuilt = _matrix(basis @ TA[kind], basis @ TB[kind], KF[kind])
    mask = _local(gate, np.ones((2, 2))) if gate.n_qubits == 1 else np.ones((4, 4))
    expected = _local(gate, gate.matrix(theta))
    np.testing.assert_allclose(rebuilt * (mask != 0), expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", [g for g in TABLE_GATES if GATES[g].parametric])
def test_generator_tables(name):
    gate, kind = GATES[name], KIND[name]
    np.testing.assert_allclose(
        _matrix(GA[kind], GB[kind], KF[kind]), _local(gate, gate.generator), rtol=0, atol=1e-15
    )
