"""Helpers shared by the interop converters: lazy imports, slots, real coefficients, and
the exact Pauli-rotation decompositions the writers use."""

from __future__ import annotations

import functools
import importlib
import math
import numbers

from ..errors import RevadError
from ..ir.circuit import Circuit

# A coefficient's imaginary part is treated as round-off up to this (relative) size.
IMAG_RTOL = 1e-12
# Gate definitions calling gate definitions, when a converter expands them.
MAX_GATE_DEPTH = 64


def require(module: str, func: str, extra: str):
    """Import ``module`` or raise a RevadError telling which extra installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise RevadError(f"{func} needs {module}: pip install 'revad[{extra}]'") from exc


def reserve_slots(circuit: Circuit, n: int) -> None:
    """Give an empty circuit ``n`` trainable slots up front.

    Foreign tools fix the parameter order (Qiskit: ``qc.parameters``; PennyLane: tape
    order), which need not be the order in which gates first use the parameters, so the
    converters reserve every slot first and then add gates with ``param=slot``. A slot
    that no gate uses has gradient 0.
    """
    if circuit.ops or circuit.n_params:
        raise RevadError("reserve_slots needs an empty circuit")
    circuit.new_params(n)


def real_number(value, what: str) -> float:
    """``value`` as a finite float; complex values must be real up to round-off.

    NaN or inf in the real or the imaginary part is refused (``abs(nan) > tol`` is
    False, so it must be checked first); an imaginary part above ``IMAG_RTOL`` times
    ``max(1, |real part|)`` is refused as complex.
    """
    try:
        z = complex(value)
    except (TypeError, ValueError, OverflowError):
        raise RevadError(f"{what} must be a number, got {value!r}") from None
    if not (math.isfinite(z.real) and math.isfinite(z.imag)):
        raise RevadError(f"{what} must be finite, got {value!r}")
    if abs(z.imag) > IMAG_RTOL * max(1.0, abs(z.real)):
        raise RevadError(
            f"{what} is complex ({z!r}); a Hamiltonian needs real coefficients "
            "(a Hermitian sum of Pauli strings)"
        )
    return float(z.real)


def angle_value(value, what: str) -> float:
    """A gate angle as a finite real float."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        out = float(value)
    else:
        try:
            z = complex(value)
        except (TypeError, ValueError):
            raise RevadError(f"{what} must be a real number, got {value!r}") from None
        if z.imag != 0:
            raise RevadError(f"{what} must be real, got {z!r}")
        out = z.real
    if not math.isfinite(out):
        raise RevadError(f"{what} must be finite, got {value!r}")
    return out


# ---- exact decompositions shared by the writers (OpenQASM text, Qiskit definitions) -----

ANGLE = "angle"
"""In :func:`pauli_rotation_steps`: the rotation's own angle (``rz(φ)``)."""


def pauli_rotation_steps(word: str) -> list[tuple[str, tuple[int, ...], float | str | None]]:
    """``exp(-iφ/2·P)`` for the Pauli word ``P`` (``word[i]`` on local qubit ``i``, no ``I``)
    as ``(gate, local qubits, angle)`` steps in ``h``, ``rx``, ``cx``, ``rz``: the angle is
    None for fixed gates, a number for ``rx(±π/2)``, :data:`ANGLE` for the ``rz(φ)``.

    Exact, global phase included (``rz`` is ``exp(-iφZ/2)``): H takes X to Z and
    ``Rx(π/2)`` takes Y to Z; a CNOT ladder puts the parity on the last qubit.
    """
    if not word or set(word) - set("XYZ"):
        raise ValueError(f"a Pauli word is a string of X, Y and Z, got {word!r}")
    Step = tuple[str, tuple[int, ...], float | str | None]
    change: dict[str, list[tuple[str, float | None]]] = {
        "X": [("h", None)],
        "Y": [("rx", math.pi / 2)],
        "Z": [],
    }
    undo: dict[str, list[tuple[str, float | None]]] = {
        "X": [("h", None)],
        "Y": [("rx", -math.pi / 2)],
        "Z": [],
    }
    ladder: list[Step] = [("cx", (i, i + 1), None) for i in range(len(word) - 1)]
    steps: list[Step] = [
        (gate, (i,), angle) for i, letter in enumerate(word) for gate, angle in change[letter]
    ]
    steps += ladder + [("rz", (len(word) - 1,), ANGLE)] + ladder[::-1]
    steps += [(gate, (i,), angle) for i, letter in enumerate(word) for gate, angle in undo[letter]]
    return steps


@functools.cache
def pauli_terms(name: str) -> tuple[tuple[str, float], ...]:
    """The generator of registry gate ``name`` as ``Σ c·P``: ``(word, c)`` pairs (``word[i]``
    on the gate's qubit ``i``), the words commuting, so that
    ``exp(-iθ/2·Σ cP) = Π pauli_rot(P, c·θ)`` exactly (``single_excitation`` is
    ``(YX − XY)/2``, ``double_excitation`` eight words of ±1/8)."""
    import itertools

    import numpy as np

    from ..ir.gates import GATES, pauli_word

    generator = GATES[name].generator
    if generator is None:
        raise ValueError(f"gate {name!r} has no generator")
    n = GATES[name].n_qubits
    terms = []
    for letters in itertools.product("IXYZ", repeat=n):
        word = "".join(letters)
        c = np.trace(pauli_word(word) @ generator) / 2**n
        if abs(c) > 1e-14:
            if abs(c.imag) > 1e-14 or "I" in word:
                raise ValueError(f"gate {name!r}: term {word} is not a rotation (c = {c})")
            terms.append((word, float(c.real)))
    mats = [pauli_word(w) for w, _ in terms]
    if any(np.abs(a @ b - b @ a).max() > 0 for a in mats for b in mats):
        raise ValueError(f"gate {name!r}: its Pauli terms do not commute")
    return tuple(terms)
