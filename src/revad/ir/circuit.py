"""Circuit IR and builder.

A circuit is data: a sequence of :class:`Op` (gate name, qubits, and for parametric
gates either a trainable parameter slot or a fixed angle). Parameters form one flat
vector; a slot may be shared by several gates, whose gradients then add.

The only ways to change a circuit are its builder methods (``add``, the gate methods,
``new_params``); ``ops`` is a read-only tuple and the object has no other attributes
(``__slots__``). Backends never store anything on a circuit: they cache compiled
programs under :meth:`Circuit.key`, the circuit's content, so a circuit changed after
evaluation is recompiled, never answered from a stale program.
"""

from __future__ import annotations

import copy
import math
import numbers
from typing import NamedTuple

from ..errors import RevadError
from ..limits import MAX_GATES, MAX_QUBITS
from .gates import FAMILIES, GATES, GateDef, gate_of


class Op(NamedTuple):
    """One gate application. ``param`` is a slot index or None; ``angle`` a fixed angle;
    ``data`` what a gate family needs besides its qubits (a Pauli word, a unitary's
    entries as nested tuples), canonical and hashable."""

    name: str
    qubits: tuple[int, ...]
    param: int | None = None
    angle: float | None = None
    data: object = None

    @property
    def gate(self) -> GateDef:
        """This use's gate definition (matrix, generator), families included."""
        return gate_of(self.name, len(self.qubits), self.data)


def _check_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise RevadError(f"{what} must be an integer, got {value!r}")
    return int(value)


Qubits = int | tuple[int, ...] | list[int]
"""The qubits of :meth:`Circuit.add`: one qubit, or a tuple or list of them."""


class CircuitKey(NamedTuple):
    """A circuit's content, hashable: what compiled programs are keyed on."""

    n_qubits: int
    n_params: int
    ops: tuple[Op, ...]


class Circuit:
    """A quantum circuit on ``n_qubits`` qubits, built gate by gate.

    >>> c = Circuit(2)
    >>> i = c.rx(0)             # new trainable slot i
    >>> c.ry(1, angle=0.3)      # fixed angle
    >>> c.rz(0, param=i)        # reuse slot i
    """

    __slots__ = ("_n_qubits", "_n_params", "_ops")

    def __init__(self, n_qubits: int):
        n = _check_int(n_qubits, "n_qubits")
        if n < 1:
            raise RevadError(f"a circuit needs at least 1 qubit, got n_qubits={n}")
        if n > MAX_QUBITS:
            raise RevadError(f"revad simulates at most {MAX_QUBITS} qubits, got n_qubits={n}")
        self._n_qubits = n
        self._n_params = 0
        self._ops: list[Op] = []

    @property
    def n_qubits(self) -> int:
        return self._n_qubits

    @property
    def n_params(self) -> int:
        """Length of the parameter vector (slots, used by gates or reserved)."""
        return self._n_params

    @property
    def ops(self) -> tuple[Op, ...]:
        """The gates in order, as an immutable tuple (build with the gate methods)."""
        return tuple(self._ops)

    def key(self) -> CircuitKey:
        """The circuit's content: circuits with equal keys compute the same thing.
        Compiled programs are cached under it."""
        return CircuitKey(self._n_qubits, self._n_params, tuple(self._ops))

    # Defining __eq__ without __hash__ makes circuits unhashable (Python sets __hash__ to
    # None): they are mutable, so hash circuit.key() instead.
    def __eq__(self, other: object) -> bool:
        return isinstance(other, Circuit) and self.key() == other.key()

    def __copy__(self) -> Circuit:
        new = Circuit(self._n_qubits)
        new._n_params = self._n_params
        new._ops = list(self._ops)  # Ops are immutable: sharing them is safe
        return new

    def __deepcopy__(self, memo: dict[int, object]) -> Circuit:
        return self.__copy__()

    def copy(self) -> Circuit:
        """An independent copy: changing one never changes the other."""
        return copy.copy(self)

    def __repr__(self) -> str:
        return (
            f"Circuit(n_qubits={self.n_qubits}, gates={len(self._ops)}, n_params={self.n_params})"
        )

    def __len__(self) -> int:
        return len(self._ops)

    def new_params(self, count: int = 1) -> range:
        """Reserve ``count`` trainable slots without gates (use them with ``param=``).

        For parameter orders fixed elsewhere (e.g. Qiskit's ``qc.parameters``); a slot no
        gate uses has gradient 0.
        """
        count = _check_int(count, "count")
        if count < 0:
            raise RevadError(f"count must be >= 0, got {count}")
        self._n_params += count
        return range(self._n_params - count, self._n_params)

    def _qubit(self, q: object) -> int:
        q = _check_int(q, "qubit")
        if not 0 <= q < self.n_qubits:
            raise RevadError(f"qubit {q} out of range for a {self.n_qubits}-qubit circuit")
        return q

    def add(
        self,
        name: str,
        qubits: Qubits,
        *,
        angle: float | None = None,
        param: int | None = None,
        data: object = None,
    ) -> int | None:
        """Append gate ``name`` on ``qubits``; returns the parameter slot (or None).

        A parametric gate with neither ``angle`` nor ``param`` takes a new trainable slot.
        ``data``: what a gate family needs (``pauli_rot``: its word; ``unitary``: the matrix).
        """
        if not isinstance(name, str) or (name not in GATES and name not in FAMILIES):
            known = ", ".join([*GATES, *FAMILIES])
            raise RevadError(f"unknown gate {name!r}; known gates: {known}")
        if len(self._ops) >= MAX_GATES:
            raise RevadError(f"a circuit holds at most {MAX_GATES:,} gates")
        qubits = tuple(qubits) if isinstance(qubits, (tuple, list)) else (qubits,)
        if name in FAMILIES:
            try:
                data = FAMILIES[name].check(len(qubits), data)
            except ValueError as exc:
                raise RevadError(f"gate {name!r}: {exc}") from None
            parametric = FAMILIES[name].parametric
        else:
            gate = GATES[name]
            if len(qubits) != gate.n_qubits:
                raise RevadError(f"gate {name!r} acts on {gate.n_qubits} qubit(s), got {qubits}")
            if data is not None:
                raise RevadError(f"gate {name!r} takes no data")
            parametric = gate.parametric
        qubits = tuple(self._qubit(q) for q in qubits)
        if len(set(qubits)) != len(qubits):
            raise RevadError(f"gate {name!r} needs distinct qubits, got {qubits}")
        if not parametric:
            if angle is not None or param is not None:
                raise RevadError(f"gate {name!r} takes no angle or parameter")
            self._ops.append(Op(name, qubits, data=data))
            return None
        if angle is not None and param is not None:
            raise RevadError(f"gate {name!r}: give either angle= or param=, not both")
        if angle is not None:
            if isinstance(angle, (bool, complex)) or not isinstance(angle, numbers.Real):
                raise RevadError(f"gate {name!r}: angle must be a real number, got {angle!r}")
            if not math.isfinite(angle):
                raise RevadError(f"gate {name!r}: angle must be finite, got {angle!r}")
            self._ops.append(Op(name, qubits, angle=float(angle), data=data))
            return None
        if param is None:
            param = self._n_params
            self._n_params += 1
        else:
            param = _check_int(param, "param")
            if not 0 <= param < self.n_params:
                raise RevadError(
                    f"gate {name!r}: param={param} is not an existing slot "
                    f"(this circuit has {self.n_params} parameters)"
                )
        self._ops.append(Op(name, qubits, param=param, data=data))
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
    def rx(self, q: int, *, angle: float | None = None, param: int | None = None) -> int | None:
        return self.add("rx", q, angle=angle, param=param)

    def ry(self, q: int, *, angle: float | None = None, param: int | None = None) -> int | None:
        return self.add("ry", q, angle=angle, param=param)

    def rz(self, q: int, *, angle: float | None = None, param: int | None = None) -> int | None:
        return self.add("rz", q, angle=angle, param=param)

    def phase(self, q: int, *, angle: float | None = None, param: int | None = None) -> int | None:
        return self.add("phase", q, angle=angle, param=param)

    def crx(
        self, control: int, target: int, *, angle: float | None = None, param: int | None = None
    ) -> int | None:
        return self.add("crx", (control, target), angle=angle, param=param)

    def cry(
        self, control: int, target: int, *, angle: float | None = None, param: int | None = None
    ) -> int | None:
        return self.add("cry", (control, target), angle=angle, param=param)

    def crz(
        self, control: int, target: int, *, angle: float | None = None, param: int | None = None
    ) -> int | None:
        return self.add("crz", (control, target), angle=angle, param=param)

    def rxx(
        self, q0: int, q1: int, *, angle: float | None = None, param: int | None = None
    ) -> int | None:
        return self.add("rxx", (q0, q1), angle=angle, param=param)

    def ryy(
        self, q0: int, q1: int, *, angle: float | None = None, param: int | None = None
    ) -> int | None:
        return self.add("ryy", (q0, q1), angle=angle, param=param)

    def rzz(
        self, q0: int, q1: int, *, angle: float | None = None, param: int | None = None
    ) -> int | None:
        return self.add("rzz", (q0, q1), angle=angle, param=param)

    def cphase(
        self, control: int, target: int, *, angle: float | None = None, param: int | None = None
    ) -> int | None:
        """diag(1, 1, 1, e^{iθ}) (PennyLane ``ControlledPhaseShift``, Qiskit ``cp``)."""
        return self.add("cphase", (control, target), angle=angle, param=param)

    def single_excitation(
        self, q0: int, q1: int, *, angle: float | None = None, param: int | None = None
    ) -> int | None:
        """Givens rotation |01⟩ → cos(θ/2)|01⟩ + sin(θ/2)|10⟩ on (q0, q1), q0 most
        significant: PennyLane ``SingleExcitation(θ, wires=[q0, q1])``."""
        return self.add("single_excitation", (q0, q1), angle=angle, param=param)

    def double_excitation(
        self,
        q0: int,
        q1: int,
        q2: int,
        q3: int,
        *,
        angle: float | None = None,
        param: int | None = None,
    ) -> int | None:
        """|0011⟩ → cos(θ/2)|0011⟩ + sin(θ/2)|1100⟩ on (q0, q1, q2, q3), q0 most
        significant: PennyLane ``DoubleExcitation(θ, wires=[q0, q1, q2, q3])``."""
        return self.add("double_excitation", (q0, q1, q2, q3), angle=angle, param=param)

    def pauli_rot(
        self,
        word: str,
        qubits: Qubits,
        *,
        angle: float | None = None,
        param: int | None = None,
    ) -> int | None:
        """exp(-iθ/2 · P) for the Pauli word P (``word[i]`` on ``qubits[i]``), e.g.
        ``pauli_rot("XYZ", [0, 2, 3])``: PennyLane ``PauliRot(θ, "XYZ", wires=[0, 2, 3])``."""
        qubits = tuple(qubits) if isinstance(qubits, (tuple, list)) else (qubits,)
        return self.add("pauli_rot", qubits, angle=angle, param=param, data=word)

    def multirz(
        self, qubits: Qubits, *, angle: float | None = None, param: int | None = None
    ) -> int | None:
        """exp(-iθ/2 · Z⊗…⊗Z): ``pauli_rot("Z" * len(qubits), qubits)``."""
        qubits = tuple(qubits) if isinstance(qubits, (tuple, list)) else (qubits,)
        return self.pauli_rot("Z" * len(qubits), qubits, angle=angle, param=param)

    def ccx(self, c0: int, c1: int, target: int) -> None:
        """Toffoli: X on ``target`` when ``c0`` and ``c1`` are 1."""
        self.add("ccx", (c0, c1, target))

    def mcx(self, controls: Qubits, target: int) -> None:
        """X on ``target`` when every control is 1."""
        controls = tuple(controls) if isinstance(controls, (tuple, list)) else (controls,)
        self.add("mcx", (*controls, target))

    def unitary(self, matrix: object, qubits: Qubits) -> None:
        """A fixed unitary on 1 to 3 qubits, checked unitary to 1e-10; local index as for
        every gate (``qubits[0]`` most significant): PennyLane ``QubitUnitary(U, wires=qubits)``."""
        self.add("unitary", qubits, data=matrix)
