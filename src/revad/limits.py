"""Size limits, checked before anything is allocated.

A statevector on n qubits holds 2**n amplitudes (16 bytes each in complex128: 16 GiB at
n=30). revad's simulators index amplitudes with int32, so they stop at ``MAX_QUBITS``;
and before a backend allocates, :func:`check_memory` compares what it will need with
what the machine has available, so a too-large problem is a clear error, not a
``MemoryError`` (or the OOM killer) halfway through.
"""

from __future__ import annotations

import numbers
import os

import numpy as np

from .errors import RevadError

MAX_QUBITS = 30  # int32 basis indices
MAX_GATES = 10_000_000  # ~150 bytes per gate in Python: 1.5 GB of circuit at the limit


def check_qubit_count(n, what: str = "n_qubits") -> int:
    """``n`` as an int in [1, MAX_QUBITS], or a RevadError naming ``what``."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise RevadError(f"{what} must be an integer, got {n!r}")
    n = int(n)
    if not 1 <= n <= MAX_QUBITS:
        raise RevadError(f"{what} must be between 1 and {MAX_QUBITS}, got {n}")
    return n


def check_gate_count(n_gates: int, what: str) -> None:
    """Refuse circuits of more than ``MAX_GATES`` gates before building them."""
    if n_gates > MAX_GATES:
        raise RevadError(f"{what} would have {n_gates:,} gates; revad's limit is {MAX_GATES:,}")


def available_memory() -> int | None:
    """Bytes the OS reports as available (``MemAvailable``), or None where unknown."""
    try:
        with open("/proc/meminfo", "rb") as f:
            for line in f:
                if line.startswith(b"MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def statevector_bytes(n_qubits: int, dtype="complex128") -> int:
    return (1 << n_qubits) * np.dtype(dtype).itemsize


def check_memory(n_qubits: int, n_states: float, dtype="complex128", what: str = "") -> None:
    """Refuse when ``n_states`` statevectors of ``n_qubits`` need more than is available."""
    n_qubits = check_qubit_count(n_qubits)
    need = int(n_states * statevector_bytes(n_qubits, dtype))
    have = available_memory()
    if have is not None and need > have:
        raise RevadError(
            f"{what or 'this simulation'} needs about {_gib(need)} ({n_states:g} statevectors "
            f"of {n_qubits} qubits in {np.dtype(dtype).name}) but only {_gib(have)} of memory "
            "is available"
        )


def _gib(nbytes: int) -> str:
    return f"{nbytes / 2**30:.1f} GiB" if nbytes >= 2**28 else f"{nbytes / 2**20:.0f} MiB"
