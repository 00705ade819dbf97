"""NumPy reference backend: in-place statevector simulation and reversible adjoint.

Gates are applied straight from their local matrices (``revad.ir.gates``) on views of a
preallocated ``(2,)*n`` tensor; the only per-gate work buffers are preallocated too.
It is the yardstick the JAX backend is checked against: clear rather than fast.

Memory: ψ, λ, two statevector-sized scratch buffers and half of one more, whatever the
depth. The backward sweep walks the gates in reverse, reading
``∂E/∂θ_k = Im⟨λ|P_k|ψ⟩`` and uncomputing ``ψ ← U_k†ψ``, ``λ ← U_k†λ``.
"""

from __future__ import annotations

import numpy as np

from ..errors import RevadError
from ..ir.circuit import Circuit
from ..ir.hamiltonian import Hamiltonian
from .base import Backend


class _Workspace:
    """Preallocated buffers and in-place kernels for one qubit count and dtype."""

    def __init__(self, n: int, dtype):
        self.n = n
        self.dtype = np.dtype(dtype)
        self.scratch_psi = np.empty(2**n, dtype=self.dtype)
        self.scratch_lam = np.empty(2**n, dtype=self.dtype)
        self.tmp = np.empty(2 ** max(n - 1, 0), dtype=self.dtype)

    def tensor(self, flat: np.ndarray) -> np.ndarray:
        """``(1, 2, …, 2)`` view: the leading axis keeps every block a view, never a scalar."""
        return flat.reshape((1,) + (2,) * self.n)

    def blocks(self, tensor: np.ndarray, qubits: tuple[int, ...]) -> list[np.ndarray]:
        """Views of ``tensor`` for each local index ``k`` (first qubit most significant)."""
        axes = [self.n - q for q in qubits]
        views = []
        for k in range(2 ** len(qubits)):
            index: list[slice | int] = [slice(None)] * (self.n + 1)
            for pos, axis in enumerate(axes):
                index[axis] = (k >> (len(qubits) - 1 - pos)) & 1
            views.append(tensor[tuple(index)])
        return views

    def _stash(self, blocks: list[np.ndarray], flat_scratch: np.ndarray) -> np.ndarray:
        """Copy blocks into contiguous scratch; returns array shaped (d, block_size)."""
        d = len(blocks)
        stash = flat_scratch.reshape(d, -1)
        for k, block in enumerate(blocks):
            np.copyto(stash[k].reshape(block.shape), block)
        return stash

    def _combine(self, blocks, stash: np.ndarray, matrix: np.ndarray) -> None:
        """``blocks[k] = Σ_l matrix[k, l] * stash[l]``, in place, skipping zeros."""
        tmp = self.tmp[: stash.shape[1]]
        for k, block in enumerate(blocks):
            block[...] = 0
            for l, value in enumerate(matrix[k]):
                if value != 0:
                    np.multiply(stash[l], value, out=tmp)
                    block += tmp.reshape(block.shape)

    def apply(self, psi: np.ndarray, matrix: np.ndarray, qubits: tuple[int, ...]) -> None:
        """ψ ← (matrix on ``qubits``) ψ, in place."""
        blocks = self.blocks(self.tensor(psi), qubits)
        stash = self._stash(blocks, self.scratch_psi)
        self._combine(blocks, stash, matrix)

    def grad_and_uncompute(self, psi, lam, matrix, generator, qubits) -> float:
        """Returns ``Im⟨λ|P|ψ⟩`` (or 0 without generator), then ψ ← U†ψ, λ ← U†λ."""
        psi_blocks = self.blocks(self.tensor(psi), qubits)
        lam_blocks = self.blocks(self.tensor(lam), qubits)
        psi_stash = self._stash(psi_blocks, self.scratch_psi)
        lam_stash = self._stash(lam_blocks, self.scratch_lam)
        grad = 0.0
        if generator is not None:
            d = len(psi_blocks)
            overlap = np.array(
                [[np.vdot(lam_stash[k], psi_stash[l]) for l in range(d)] for k in range(d)]
            )
            grad = float(np.sum(generator * overlap).imag)
        inverse = matrix.conj().T
        self._combine(psi_blocks, psi_stash, inverse)
        self._combine(lam_blocks, lam_stash, inverse)
        return grad


def _gate_matrix(op, theta: np.ndarray) -> np.ndarray:
    gate = op.gate
    angle = op.angle if op.param is None else theta[op.param]
    return gate.matrix(0.0 if angle is None else float(angle))


def _zero_state(n: int, dtype) -> np.ndarray:
    psi = np.zeros(2**n, dtype=dtype)
    psi[0] = 1
    return psi


def _start(n: int, dtype, psi0: np.ndarray | None) -> np.ndarray:
    return _zero_state(n, dtype) if psi0 is None else psi0.astype(dtype)  # a copy


def _run(circuit: Circuit, theta: np.ndarray, ws: _Workspace, psi0=None) -> np.ndarray:
    psi = _start(circuit.n_qubits, ws.dtype, psi0)
    for op in circuit.ops:
        ws.apply(psi, _gate_matrix(op, theta).astype(ws.dtype), op.qubits)
    return psi


def statevector(circuit: Circuit, theta: np.ndarray, dtype=np.complex128, psi0=None) -> np.ndarray:
    return _run(circuit, theta, _Workspace(circuit.n_qubits, dtype), psi0)


def _apply_hamiltonian(h: Hamiltonian, n: int, psi: np.ndarray) -> np.ndarray:
    """Hψ from the bit masks, without a matrix.

    ``(P_t ψ)[i] = w_t (-1)^{popcount((i^x_t) & z_t)} ψ[i^x_t]``, so with terms grouped
    by X mask, ``Hψ = Σ_x (d_x ψ)[i^x]`` where ``d_x[j] = Σ_{t: x_t=x} w_t
    (-1)^{popcount(j & z_t)}``: one gather per distinct X mask. O(terms · 2^n) time,
    a few statevectors of memory whatever the number of terms (``to_sparse`` would hold
    up to 2^n nonzeros per distinct X mask). Computed in complex128.
    """
    if h.n_qubits > n:
        raise RevadError(f"the Hamiltonian acts on {h.n_qubits} qubits but the state has {n}")
    if not len(h):
        return np.zeros_like(psi)
    m = h.masks()
    j = np.arange(2**n, dtype=np.int64)
    bits = np.empty_like(j)
    out = np.zeros(2**n, dtype=complex)
    d = np.empty(2**n, dtype=complex)
    order = np.argsort(m.xmask, kind="stable")
    starts = np.flatnonzero(np.diff(m.xmask[order], prepend=-1))
    for group in np.split(order, starts[1:]):
        d[:] = 0
        for t in group:
            np.bitwise_and(j, m.zmask[t], out=bits)
            odd = (np.bitwise_count(bits) & 1).astype(bool)
            d += m.weight[t]
            d[odd] -= 2 * m.weight[t]
        d *= psi
        x = m.xmask[group[0]]
        out += d if x == 0 else d[np.bitwise_xor(j, x, out=bits)]
    return out.astype(psi.dtype, copy=False)


def expectation(
    circuit: Circuit, h: Hamiltonian, theta: np.ndarray, dtype=np.complex128, psi0=None
) -> float:
    psi = statevector(circuit, theta, dtype, psi0)
    return float(np.vdot(psi, _apply_hamiltonian(h, circuit.n_qubits, psi)).real)


def value_and_grad(
    circuit: Circuit, h: Hamiltonian, theta: np.ndarray, dtype=np.complex128, psi0=None
) -> tuple[float, np.ndarray, float]:
    """Reversible adjoint: returns (energy, gradient, drift of the recovered ψ0)."""
    n = circuit.n_qubits
    ws = _Workspace(n, dtype)
    psi = _run(circuit, theta, ws, psi0)
    lam = _apply_hamiltonian(h, n, psi)
    energy = float(np.vdot(psi, lam).real)
    grad = np.zeros(circuit.n_params)
    for op in reversed(circuit.ops):
        matrix = _gate_matrix(op, theta).astype(ws.dtype)
        generator = op.gate.generator if op.param is not None else None
        g = ws.grad_and_uncompute(psi, lam, matrix, generator, op.qubits)
        if op.param is not None:
            grad[op.param] += g
    drift = float(np.linalg.norm(psi - _start(n, ws.dtype, psi0)))
    return energy, grad, drift


class NumpyBackend(Backend):
    """The NumPy reference (see the module docstring): the adjoint only."""

    name = "numpy"

    def statevector(self, circuit, theta, dtype, strategy, psi0=None):
        return statevector(circuit, theta, dtype, psi0)

    def expectation(self, circuit, h, theta, dtype, strategy, psi0=None):
        return expectation(circuit, h, theta, dtype, psi0)

    def value_and_grad(self, circuit, h, theta, dtype, strategy, psi0=None):
        return value_and_grad(circuit, h, theta, dtype, psi0)


BACKEND = NumpyBackend()
