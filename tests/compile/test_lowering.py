"""Lowering (revad.compile.lowering): every gate's single pass, rebuilt as a dense matrix
from its masks and table row, equals the gate's own matrix embedded in the register."""

import numpy as np
import pytest

import revad
from revad.compile.lowering import DENSE_STEP, ascending, lower
from revad.compile.tables import GA, GB, TA, TB, angle_basis
from revad.ir.gates import FAMILIES, GATES
from tests.reference import embed, random_unitary

N = 5


def _pass_matrix(low, coef_a, coef_b, n=N, generator=False):
    """The 2^n matrix of (Uψ)[j] = A[k]ψ[j] + B[k]σ(j)ψ[j^x] where active, ψ[j] (or 0) else."""
    if low.step_type == DENSE_STEP:
        bits = [q for q in range(n) if (low.cm >> q) & 1]
        full = np.zeros((2**n, 2**n), complex)
        for j in range(2**n):
            local = sum(((j >> q) & 1) << i for i, q in enumerate(bits))
            for l in range(2 ** len(bits)):
                src = j
                for i, q in enumerate(bits):
                    src = (src & ~(1 << q)) | (((l >> i) & 1) << q)
                full[j, src] += low.dense[local, l]
        return full
    full = np.zeros((2**n, 2**n), complex)
    for j in range(2**n):
        if (j & low.cm) not in (low.cv, low.cv2):
            full[j, j] = 0 if generator else 1
            continue
        k = 2 * ((j >> low.a) & 1) + ((j >> low.b) & 1)
        sign = (-1) ** bin(j & low.z).count("1")
        full[j, j] += coef_a[k]
        full[j, j ^ low.x] += coef_b[k] * sign
    return full


def _uses(rng):
    """(name, qubits, data) for every registry gate and several uses of each family."""
    for name, gate in GATES.items():
        yield name, tuple(int(q) for q in rng.choice(N, gate.n_qubits, replace=False)), None
    for word in ("X", "Y", "Z", "XY", "YY", "ZXY", "YZYX", "ZZZ"):
        yield "pauli_rot", tuple(int(q) for q in rng.choice(N, len(word), replace=False)), word
    for k in (2, 3, 4):
        yield "mcx", tuple(int(q) for q in rng.choice(N, k, replace=False)), None
    for k in (1, 2, 3):
        qubits = tuple(int(q) for q in rng.choice(N, k, replace=False))
        yield "unitary", qubits, random_unitary(2**k, rng)


@pytest.mark.parametrize("theta", [0.0, 0.81, -2.3])
def test_every_gate_lowers_to_its_matrix(theta):
    rng = np.random.default_rng(7)
    for name, qubits, data in _uses(rng):
        c = revad.Circuit(N)
        parametric = name in GATES and GATES[name].parametric or name == "pauli_rot"
        c.add(name, qubits, data=data, **({"angle": theta} if parametric else {}))
        op = c.ops[0]
        low = lower(op)
        basis = angle_basis(np.float64(theta))
        got = _pass_matrix(low, basis @ TA[low.kind], basis @ TB[low.kind])
        want = embed(op.gate.matrix(theta), op.qubits, N)
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-13, err_msg=f"{name} {qubits}")
        if parametric:
            gen = _pass_matrix(low, GA[low.kind], GB[low.kind], generator=True)
            np.testing.assert_allclose(gen, embed(op.gate.generator, op.qubits, N), rtol=0,
                                       atol=1e-13, err_msg=f"{name} generator")  # fmt: skip


def test_ascending_order():
    u = random_unitary(8, np.random.default_rng(1))
    qubits = (4, 0, 2)
    full = embed(u, qubits, N)
    np.testing.assert_allclose(embed(ascending(u, qubits), (4, 2, 0), N), full, atol=1e-15)


def test_families_are_all_exercised():
    names = {name for name, _, _ in _uses(np.random.default_rng(0))}
    assert names == set(GATES) | set(FAMILIES)
