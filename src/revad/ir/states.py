"""Input states ψ0: ``None`` (|0…0⟩), a basis-state index, or a normalised state vector.

Every entry point that runs a circuit takes ``psi0=``; this module turns what the user
passed into a complex128 vector of length 2**n (qubit 0 = least significant bit), or a
clear error naming the problem.
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import ArrayLike

from ..errors import RevadError

NORM_TOLERANCE = 1e-6  # |‖ψ0‖ − 1| allowed (a float32 state normalised in float32 passes)


def check_basis_index(index: object, n_qubits: int) -> int:
    """A basis-state index as an int in [0, 2**n), or a RevadError."""
    if isinstance(index, bool) or not isinstance(index, numbers.Integral):
        raise RevadError(f"psi0 as a basis state must be an integer, got {index!r}")
    if not 0 <= int(index) < 2**n_qubits:
        raise RevadError(
            f"psi0={int(index)} is not a basis state of {n_qubits} qubits "
            f"(choose 0 … {2**n_qubits - 1})"
        )
    return int(index)


def basis_state(index: object, n_qubits: int) -> np.ndarray:
    psi = np.zeros(2**n_qubits, dtype=np.complex128)
    psi[check_basis_index(index, n_qubits)] = 1
    return psi


def check_state(psi0: ArrayLike, n_qubits: int) -> np.ndarray:
    """A state vector as complex128 of shape (2**n,), finite and normalised, or a RevadError."""
    psi = np.asarray(psi0)
    if psi.ndim == 0:
        raise RevadError(
            f"psi0 must be a basis-state index (int) or a state vector of length "
            f"{2**n_qubits}, got {psi0!r}"
        )
    if not (np.issubdtype(psi.dtype, np.number) and not np.issubdtype(psi.dtype, np.bool_)):
        raise RevadError(f"psi0 must be an array of numbers, got dtype {psi.dtype}")
    if psi.shape != (2**n_qubits,):
        raise RevadError(
            f"psi0 has shape {psi.shape}; a state of {n_qubits} qubits has shape ({2**n_qubits},)"
        )
    if not np.all(np.isfinite(psi)):
        bad = int(np.flatnonzero(~np.isfinite(psi))[0])
        raise RevadError(f"psi0 contains NaN or inf (first at index {bad})")
    norm = float(np.linalg.norm(psi))
    if abs(norm - 1) > NORM_TOLERANCE:
        raise RevadError(f"psi0 must be normalised; its norm is {norm:.8g}")
    return psi.astype(np.complex128)


def initial_state(psi0: ArrayLike | None, n_qubits: int) -> np.ndarray | None:
    """None (|0…0⟩ is the simulators' default), or ψ0 as a checked complex128 vector."""
    if psi0 is None:
        return None
    if isinstance(psi0, numbers.Integral) and not isinstance(psi0, bool):
        return basis_state(psi0, n_qubits)
    return check_state(psi0, n_qubits)
