"""Helpers shared by the interop converters: lazy imports, slots, real coefficients."""

from __future__ import annotations

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
