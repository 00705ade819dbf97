"""Independent dense references for tests: full matrices built bit by bit."""

import numpy as np

import revad
from revad.ir.gates import FAMILIES, GATES


def embed(local: np.ndarray, qubits: tuple[int, ...], n: int) -> np.ndarray:
    """Full 2^n matrix of a local gate; local index k = Σ bit(qubits[i]) << (len-1-i)."""
    dim = 2**n
    full = np.zeros((dim, dim), dtype=complex)
    width = len(qubits)
    for j in range(dim):
        l = sum(((j >> q) & 1) << (width - 1 - i) for i, q in enumerate(qubits))
        for k in range(2**width):
            i_ = j
            for pos, q in enumerate(qubits):
                bit = (k >> (width - 1 - pos)) & 1
                i_ = (i_ & ~(1 << q)) | (bit << q)
            full[i_, j] = local[k, l]
    return full


def dense_unitary(circuit: revad.Circuit, theta) -> np.ndarray:
    n = circuit.n_qubits
    u = np.eye(2**n, dtype=complex)
    for op in circuit.ops:
        angle = op.angle if op.param is None else theta[op.param]
        local = op.gate.matrix(0.0 if angle is None else angle)
        u = embed(local, op.qubits, n) @ u
    return u


def dense_state(circuit: revad.Circuit, theta) -> np.ndarray:
    return dense_unitary(circuit, theta)[:, 0]


def dense_energy(circuit, h: revad.Hamiltonian, theta) -> float:
    psi = dense_state(circuit, theta)
    return float(np.vdot(psi, h.to_dense(circuit.n_qubits) @ psi).real)


def finite_difference(f, theta, eps=1e-5) -> np.ndarray:
    """Central differences of a scalar function."""
    grad = np.zeros(len(theta))
    for i in range(len(theta)):
        step = np.zeros(len(theta))
        step[i] = eps
        grad[i] = (f(theta + step) - f(theta - step)) / (2 * eps)
    return grad


def random_unitary(dim: int, rng) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim)))
    return q * (np.diag(r) / np.abs(np.diag(r)))


def _family_use(name: str, n: int, rng) -> tuple[int, object]:
    """A random arity and data for a gate family on n qubits."""
    if name == "pauli_rot":
        k = int(rng.integers(1, min(n, 4) + 1))
        return k, "".join(rng.choice(list("XYZ"), size=k))
    if name == "mcx":
        return int(rng.integers(2, min(n, 4) + 1)), None
    k = int(rng.integers(1, min(n, 3) + 1))
    return k, random_unitary(2**k, rng)


def random_circuit(n: int, n_gates: int, rng, names: list[str] | None = None) -> revad.Circuit:
    """Every gate of revad's set that fits on n qubits at least once (families with random
    words, arities and unitaries), with new, shared and fixed parameters; ``names``
    restricts the set."""
    c = revad.Circuit(n)
    fits = [g for g in GATES if GATES[g].n_qubits <= n] + [
        f for f in FAMILIES if n >= 2 or f != "mcx"
    ]
    fits = [g for g in fits if names is None or g in names]
    names = fits + list(rng.choice(fits, size=max(n_gates - len(fits), 0)))
    rng.shuffle(names)
    for name in names:
        if name in GATES:
            size, data, parametric = GATES[name].n_qubits, None, GATES[name].parametric
        else:
            (size, data), parametric = _family_use(name, n, rng), FAMILIES[name].parametric
        qubits = tuple(int(q) for q in rng.choice(n, size=size, replace=False))
        if not parametric:
            c.add(name, qubits, data=data)
            continue
        choice = rng.integers(3) if c.n_params else 0
        if choice == 0:
            c.add(name, qubits, data=data)
        elif choice == 1:
            c.add(name, qubits, param=int(rng.integers(c.n_params)), data=data)
        else:
            c.add(name, qubits, angle=float(rng.uniform(-np.pi, np.pi)), data=data)
    return c


def random_hamiltonian(n: int, n_terms: int, rng) -> revad.Hamiltonian:
    terms = []
    for _ in range(n_terms):
        k = int(rng.integers(1, n + 1))
        qubits = rng.choice(n, size=k, replace=False)
        terms.append(
            (float(rng.normal()), [(str(rng.choice(list("IXYZ"))), int(q)) for q in qubits])
        )
    return revad.Hamiltonian(terms, n_qubits=n)


def mixed_circuit() -> revad.Circuit:
    """Every gate, shared slots and fixed angles, on 3 qubits."""
    c = revad.Circuit(3)
    i = c.rx(0)
    c.ry(1, angle=0.3)
    c.rz(2, param=i)
    c.h(0)
    c.s(1)
    c.t(2)
    c.x(0)
    c.y(1)
    c.z(2)
    j = c.phase(1)
    c.cnot(2, 0)
    c.cz(1, 2)
    c.swap(0, 2)
    c.crx(0, 1)
    c.cry(2, 1, angle=-0.7)
    c.crz(1, 0, param=j)
    c.rxx(0, 2)
    c.ryy(2, 1)
    c.rzz(1, 0, param=i)
    c.phase(2, angle=1.1)
    c.ry(0)
    return c
