"""Circuit IR and builder.

A circuit is data: a list of :class:`Op` (gate name, qubits, and for parametric gates
either a trainable parameter slot or a fixed angle). Backends compile this list.
Parameters form one flat vector; a slot may be shared by several gates, whose
gradients then add.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

from .errors import RevadError
from .gates import GATES


@dataclass(frozen=True, slots=True)
class Op:
    """One gate application. ``param`` is a slot index or None; ``angle`` a fixed angle."""

    name: str
    qubits: tuple[int, ...]
    param: int | None = None
    angle: float | None = None


def _check_int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise RevadError(f"{what} must be an integer, got {value!r}")
    return int(value)


class Circuit:
    """A quantum circuit on ``n_qubits`` qubits, built gate by gate.

    >>> c = Circuit(2)
    >>> i = c.rx(0)             # new trainable slot i
    >>> c.ry(1, angle=0.3)      # fixed angle
    >>> c.rz(0, param=i)        # reuse slot i
    """

    def __init__(self, n_qubits: int):
        n = _check_int(n_qubits, "n_qubits")
        if n < 1:
            raise RevadError(f"a circuit needs at least 1 qubit, got n_qubits={n}")
        self.n_qubits = n
        self.ops: list[Op] = []
        self.n_params = 0

    def __repr__(self) -> str:
        return f"Circuit(n_qubits={self.n_qubits}, gates={len(self.ops)}, n_params={self.n_params})"

    def __len__(self) -> int:
        return len(self.ops)

    def new_params(self, count: int = 1) -> range:
        """Reserve ``count`` trainable slots without gates (use them with ``param=``).

        For parameter orders fixed elsewhere (e.g. Qiskit's ``qc.parameters``); a slot no
        gate uses has gradient 0.
        """
        count = _check_int(count, "count")
        if count < 0:
            raise RevadError(f"count must be >= 0, got {count}")
        self.n_params += count
        return range(self.n_params - count, self.n_params)

    def _qubit(self, q) -> int:
        q = _check_int(q, "qubit")
        if not 0 <= q < self.n_qubits:
            raise RevadError(f"qubit {q} out of range for a {self.n_qubits}-qubit circuit")
        return q

    def add(self, name: str, qubits, *, angle: float | None = None, param: int | None = None):
        """Append gate ``name`` on ``qubits``; returns the parameter slot (or None).

        A parametric gate with neither ``angle`` nor ``param`` takes a new trainable slot.
        """
        if name not in GATES:
            raise RevadError(f"unknown gate {name!r}; known gates: {', '.join(GATES)}")
        gate = GATES[name]
        qubits = tuple(qubits) if isinstance(qubits, (tuple, list)) else (qubits,)
        if len(qubits) != gate.n_qubits:
            raise RevadError(f"gate {name!r} acts on {gate.n_qubits} qubit(s), got {qubits}")
        qubits = tuple(self._qubit(q) for q in qubits)
        if len(set(qubits)) != len(qubits):
            raise RevadError(f"gate {name!r} needs distinct qubits, got {qubits}")
        if not gate.parametric:
            if angle is not None or param is not None:
                raise RevadError(f"gate {name!r} takes no angle or parameter")
            self.ops.append(Op(name, qubits))
            return None
        if angle is not None and param is not None:
            raise RevadError(f"gate {name!r}: give either angle= or param=, not both")
        if angle is not None:
            if isinstance(angle, (bool, complex)) or not isinstance(angle, numbers.Real):
                raise RevadError(f"gate {name!r}: angle must be a real number, got {angle!r}")
            if not math.isfinite(angle):
                raise RevadError(f"gate {name!r}: angle must be finite, got {angle!r}")
            self.ops.append(Op(name, qubits, angle=float(angle)))
            return None
        if param is None:
            param = self.n_params
            self.n_params += 1
        else:
            param = _check_int(param, "param")
            if not 0 <= param < self.n_params:
                raise RevadError(
                    f"gate {name!r}: param={param} is not an existing slot "
                    f"(this circuit has {self.n_params} parameters)"
                )
        self.ops.append(Op(name, qubits, param=param))
        return param

    # Fixed gates.
    def x(self, q: int) -> None:
        self.add("x", q)

    def y(self, q: int) -> None:
        self.add("y", q)

    def z(self, q: int) -> None:
        self.add("z", q)

    def h(self, q: int) -> None:
        self.add("h", q)

    def s(self, q: int) -> None:
        self.add("s", q)

    def t(self, q: int) -> None:
        self.add("t", q)

    def cnot(self, control: int, target: int) -> None:
        self.add("cnot", (control, target))

    def cz(self, q0: int, q1: int) -> None:
        self.add("cz", (q0, q1))

    def swap(self, q0: int, q1: int) -> None:
        self.add("swap", (q0, q1))

    # Parametric gates: return the parameter slot (None for a fixed angle).
    def rx(self, q: int, *, angle: float | None = None, param: int | None = None):
        return self.add("rx", q, angle=angle, param=param)

    def ry(self, q: int, *, angle: float | None = None, param: int | None = None):
        return self.add("ry", q, angle=angle, param=param)

    def rz(self, q: int, *, angle: float | None = None, param: int | None = None):
        return self.add("rz", q, angle=angle, param=param)

    def phase(self, q: int, *, angle: float | None = None, param: int | None = None):
        return self.add("phase", q, angle=angle, param=param)

    def crx(self, control: int, target: int, *, angle=None, param=None):
        return self.add("crx", (control, target), angle=angle, param=param)

    def cry(self, control: int, target: int, *, angle=None, param=None):
        return self.add("cry", (control, target), angle=angle, param=param)

    def crz(self, control: int, target: int, *, angle=None, param=None):
        return self.add("crz", (control, target), angle=angle, param=param)

    def rxx(self, q0: int, q1: int, *, angle=None, param=None):
        return self.add("rxx", (q0, q1), angle=angle, param=param)

    def ryy(self, q0: int, q1: int, *, angle=None, param=None):
        return self.add("ryy", (q0, q1), angle=angle, param=param)

    def rzz(self, q0: int, q1: int, *, angle=None, param=None):
        return self.add("rzz", (q0, q1), angle=angle, param=param)
