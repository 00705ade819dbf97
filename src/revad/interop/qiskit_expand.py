"""Qiskit circuit -> revad circuit under bounds: definitions expanded, gates counted.

The engine behind :func:`revad.interop.qiskit.from_qiskit` and the OpenQASM reader:
gates revad has map by the registry's ``qiskit`` names; ``u`` by its exact rule; the
gates of revad's families and excitations (``PauliEvolution`` of one Pauli term, ``mcx``,
``unitary``, ``xx_plus_yy(θ, ∓π/2)``, revad's ``double_excitation``) by the rules of
:func:`_special`; others through their ``definition``, recursively, with each
definition's size and nesting computed once, so that a blow-up is refused before
anything is built.
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import RevadError
from ..ir.circuit import Circuit
from ..ir.gates import UNITARY_MAX_QUBITS, from_peer
from ..limits import MAX_GATES
from ._common import IMAG_RTOL, MAX_GATE_DEPTH, angle_value, reserve_slots

# Qiskit name -> revad name, for gates revad has: the registry's ``qiskit`` names
# inverted, plus Qiskit's older spellings of ``p`` and ``cp`` (same convention:
# diag(1, e^{iθ}), diag(1, 1, 1, e^{iθ})).
_ALIASES = {"u1": "phase", "cu1": "cphase"}
_DIRECT = from_peer("qiskit", _ALIASES)
# Fixed gates that are revad phase gates with a fixed angle.
_FIXED_PHASE = {"sdg": -math.pi / 2, "tdg": -math.pi / 4}
# Instructions with no effect on the state revad computes.
_SKIP = {"id", "barrier", "delay"}
# What other gates are decomposed into (Qiskit's transpiler, optimization_level=0).
BASIS = tuple(_DIRECT) + tuple(_FIXED_PHASE)
# Instructions handled without a definition (``u`` has none in Qiskit).
_LEAVES = frozenset(BASIS) | _SKIP | {"u", "global_phase", "measure", "reset"}
_CACHE_SIZE = 4096  # definitions kept, flattened, per conversion
# XXPlusYYGate(θ, β) is single_excitation(θ) on its qubits for β = -π/2, on them swapped
# for β = +π/2 (mod 2π), to within this.
_BETA_ATOL = 1e-12
# A PauliEvolutionGate with a parameter time t and coefficient c is exp(-i·m·θ/2·P) with
# θ the parameter's value and m = 2·c·(dt/dθ): |m| copies of pauli_rot sharing its slot
# (conjugated by a Pauli for m < 0), for |m| a whole number up to this.
MAX_ROTATION_MULTIPLE = 4


def convert(
    qc,
    who: str,
    *,
    max_gates: int = MAX_GATES,
    max_depth: int = MAX_GATE_DEPTH,
    exact_phase: bool = False,
    names_unique: bool = False,
    values: list | None = None,
) -> Circuit:
    """``qc`` as a revad circuit (see :func:`from_qiskit`); errors start with ``who``.

    ``exact_phase``: keep the global phase (``qc``'s and its gates' definitions'), as a
    final fixed-angle ``phase(2φ)``, ``rz(-2φ)`` pair on qubit 0 (``e^{iφ}·I`` exactly).
    ``values``: a list, to give every numeric angle of a gate its own slot and append the
    angle to it (``sdg``, ``tdg`` included).
    ``names_unique``: gates of one name share one definition (as in an OpenQASM
    program), so definitions' sizes are computed once per name, not once per object.
    """
    slots = {p: i for i, p in enumerate(qc.parameters)}
    circuit = Circuit(qc.num_qubits)
    reserve_slots(circuit, len(slots))
    ex = _Expander(circuit, slots, who, max_gates, max_depth, names_unique, values)
    top = _flatten(qc)
    ex.check_size(top)
    ex.emit(top, list(range(qc.num_qubits)), None, 0)
    if exact_phase:
        ex.add_phase(qc.global_phase)
        phi = math.remainder(ex.phase, 2 * math.pi)
        if phi != 0.0:
            circuit.add("phase", 0, angle=2 * phi)
            circuit.add("rz", 0, angle=-2 * phi)
    return circuit


def _flatten(qc):
    """``qc``'s instructions as ``(operation, qubit indices, uses classical bits)``."""
    index = {q: i for i, q in enumerate(qc.qubits)}
    return [(i.operation, tuple(index[q] for q in i.qubits), bool(i.clbits)) for i in qc.data]


_STANDARD: dict | None = None


def _is_standard(op) -> bool:
    """Whether ``op`` is Qiskit's standard gate of its name (its definition then depends
    on its parameters only)."""
    global _STANDARD
    if _STANDARD is None:
        from qiskit.circuit.library import get_standard_gate_name_mapping

        _STANDARD = {n: g.base_class for n, g in get_standard_gate_name_mapping().items()}
    return _STANDARD.get(op.name, False) is getattr(op, "base_class", None)


class _Expander:
    """Appends Qiskit instructions to a revad circuit, expanding definitions in bounds.

    Every instruction met counts one gate application, those of definitions included;
    each definition's total (and nesting) is computed once and remembered, so that the
    size of a call is known before expanding it (a definition calling the one before it
    twice, 40 times over, is 2^40 applications, refused at once).
    """

    def __init__(self, circuit, slots, who, max_gates, max_depth, names_unique, values):
        self.circuit, self.slots, self.who = circuit, slots, who
        self.max_gates, self.max_depth = max_gates, max_depth
        self.names_unique, self.values = names_unique, values
        self.sizes: dict = {}  # key -> (gate applications, nesting depth)
        self.definitions: dict = {}  # (key, params) -> (flat definition, global phase)
        self.count = 0  # gate applications emitted so far
        self.phase = 0.0
        self.measured: set[int] = set()
        from qiskit.circuit import ControlFlowOp

        self.control_flow = ControlFlowOp

    def error(self, where: str, msg: str) -> RevadError:
        return RevadError(f"{self.who}: {where} {msg}")

    # ---- sizes, before building --------------------------------------------------------
    def key(self, op):
        """What identifies ``op``'s definition up to parameter values, or None when only
        the definition itself does: in an OpenQASM program a name has one definition,
        a standard gate's depends on its parameters only."""
        standard = _is_standard(op)
        if standard or self.names_unique:
            return (standard, op.name, op.num_qubits, len(op.params))
        return None

    def check_size(self, top) -> None:
        total = 0
        for k, (op, _, _) in enumerate(top):
            where = f"instruction {k} ({op.name!r})"
            size = self.size(op, 0, where)[0]
            if total + size > self.max_gates:
                n = f"more than {self.max_gates:,}" if size > self.max_gates else f"{size:,}"
                raise self.error(
                    "the expansion is too large:",
                    f"{where} expands to {n} gate applications ({total:,} so far), beyond "
                    f"the limit of {self.max_gates:,} gates",
                )
            total += size

    def size(self, op, depth: int, where: str) -> tuple[int, int]:
        """(gate applications, nesting) of one application of ``op`` at ``depth``."""
        if op.name in _LEAVES or isinstance(op, self.control_flow) or _special(op):
            return 1, 0  # control flow is refused when met
        if not hasattr(op, "definition"):
            return 1, 0  # transpiled when met
        key = self.key(op)
        fetched = key is None
        flat = self.definition(op, None, where) if fetched else None
        if key is None:  # a Qiskit object: its name, and its definition's shape
            shape = tuple((sub.name, local) for sub, local, _ in flat[0]) if flat else None
            key = (op.name, op.num_qubits, len(op.params), shape)
        known = self.sizes.get(key)
        if known is None:
            if depth >= self.max_depth:
                raise self.nesting(where, depth + 1)
            if not fetched:
                flat = self.definition(op, key, where)
            total, height = 1, 0
            for sub, _, _ in flat[0] if flat else ():
                n, h = self.size(sub, depth + 1, where)
                total, height = total + n, max(height, h)
                if total > self.max_gates:
                    break
            known = self.sizes[key] = (min(total, self.max_gates + 1), height + 1)
        if depth + known[1] > self.max_depth:
            raise self.nesting(where, depth + known[1])
        return known

    def nesting(self, where: str, depth: int) -> RevadError:
        return self.error(
            where, f"has gate definitions nested {depth} deep; the limit is {self.max_depth}"
        )

    def definition(self, op, key, where: str):
        """``(flattened op.definition, its global phase)``, or None if it has none;
        remembered under ``key`` and the parameters (unless ``key`` is None)."""
        cache_key = None
        if key is not None:
            cache_key = (key, tuple(op.params))
            try:
                hash(cache_key)
            except TypeError:  # e.g. a matrix parameter
                cache_key = None
        if cache_key is not None and cache_key in self.definitions:
            return self.definitions[cache_key]
        try:
            sub = op.definition
        except Exception as exc:  # building a definition may raise anything
            raise self.error(where, f"has no usable definition of {op.name!r}: {exc}") from exc
        out = None
        if sub is not None:
            if sub.num_qubits != op.num_qubits:
                raise self.error(where, f"has a definition of {op.name!r} on other qubits")
            out = (_flatten(sub), sub.global_phase)
        if cache_key is not None and len(self.definitions) < _CACHE_SIZE:
            self.definitions[cache_key] = out
        return out

    # ---- building ----------------------------------------------------------------------
    def add_phase(self, value) -> None:
        try:
            self.phase += float(value)
        except TypeError:  # a parameter expression: revad drops the global phase anyway
            pass

    def emit(self, flat, qubit_map, origin: str | None, depth: int) -> None:
        """Append ``flat``'s instructions; ``qubit_map[k]`` is its qubit k's revad index.

        ``origin`` names the gate being expanded (for error messages), None at top level.
        """
        for k, (op, local, uses_clbits) in enumerate(flat):
            name = op.name
            where = f"instruction {k} ({name!r})" if origin is None else f"gate {origin!r}"
            qubits = tuple(qubit_map[i] for i in local)
            self.count += 1
            if self.count > self.max_gates:
                raise self.error(
                    "the expansion is too large:", f"more than {self.max_gates:,} gate applications"
                )
            if isinstance(op, self.control_flow) or getattr(op, "condition", None) is not None:
                raise self.error(
                    where,
                    "is classical control flow, which revad cannot represent (it simulates "
                    "one pure state)",
                )
            if name == "measure":
                self.measured.update(qubits)
                continue
            if name in _SKIP:
                continue
            if name == "global_phase":
                self.add_phase(op.params[0])
                continue
            if name == "reset":
                raise self.error(where, "resets a qubit; revad cannot represent reset")
            if self.measured.intersection(qubits):
                raise self.error(
                    where,
                    f"acts on qubit(s) {sorted(self.measured.intersection(qubits))} after "
                    "they were measured; mid-circuit measurements cannot be represented "
                    "(final measurements are fine and are ignored)",
                )
            if name in _FIXED_PHASE:
                self.add("phase", qubits, _FIXED_PHASE[name], where)
            elif name in _DIRECT:
                self.add(_DIRECT[name], qubits, op.params[0] if op.params else None, where)
            elif name == "u":  # U(θ,φ,λ) = P(φ)·Ry(θ)·P(λ), global phase included
                theta, phi, lam = op.params
                for gate, angle in (("phase", lam), ("ry", theta), ("phase", phi)):
                    self.add(gate, qubits, angle, where)
            elif kind := _special(op):
                self.special(kind, op, qubits, where)
            elif uses_clbits:
                raise self.error(where, "uses classical bits; revad cannot represent it")
            else:
                self.expand(op, qubits, origin or name, depth, where)

    def expand(self, op, qubits, origin: str, depth: int, where: str) -> None:
        if depth >= self.max_depth:
            raise self.nesting(where, depth + 1)
        flat = self.definition(op, self.key(op), where) if hasattr(op, "definition") else None
        if flat is None:
            sub = _decompose(op, len(qubits), where, self.who)
            flat = (_flatten(sub), sub.global_phase)
        self.add_phase(flat[1])
        self.emit(flat[0], list(qubits), origin, depth + 1)

    def add(self, gate: str, qubits, value, where: str, data=None) -> None:
        if value is None:
            self.circuit.add(gate, qubits, data=data)
            return
        kwargs = _angle_or_slot(value, self.slots, f"{self.who}: {where}")
        if self.values is not None and "angle" in kwargs:
            self.circuit.add(gate, qubits, data=data)
            self.values.append(kwargs["angle"])
        else:
            self.circuit.add(gate, qubits, data=data, **kwargs)

    def special(self, kind: str, op, qubits, where: str) -> None:
        """One of :func:`_special`'s gates."""
        if kind == "pauli_rot":
            self.pauli_evolution(op, qubits, where)
        elif kind == "mcx":
            self.circuit.add("mcx", qubits)
        elif kind == "double_excitation":
            self.add("double_excitation", qubits, op.params[0], where)
        elif kind == "single_excitation":  # β = -π/2: these qubits; β = +π/2: swapped
            swap = abs(math.remainder(float(op.params[1]) - math.pi / 2, 2 * math.pi)) <= 1
            self.add(kind, qubits[::-1] if swap else qubits, op.params[0], where)
        else:
            self.unitary(op, qubits, where)

    def unitary(self, op, qubits, where: str) -> None:
        """Qiskit's UnitaryGate: its matrix has qubit 0 least significant, revad's local
        matrix qubit 0 most significant, so the matrix is permuted (exactly)."""
        import numpy as np

        from ._qiskit_gates import little_endian

        if len(qubits) > UNITARY_MAX_QUBITS:
            raise self.error(
                where,
                f"is a unitary on {len(qubits)} qubits; revad's unitary gate acts on 1 to "
                f"{UNITARY_MAX_QUBITS} (decompose it first, e.g. with Qiskit's transpile)",
            )
        matrix = little_endian(np.asarray(op.to_matrix(), dtype=complex))
        try:
            self.circuit.add("unitary", qubits, data=matrix)
        except RevadError as exc:
            raise self.error(where, f"is refused: {exc}") from None

    def pauli_evolution(self, op, qubits, where: str) -> None:
        """``exp(-i t c P)`` for one Pauli term ``cP``: revad ``pauli_rot(P, 2tc)``."""
        from qiskit.quantum_info import SparsePauliOp

        operator = op.operator
        if isinstance(operator, list):
            if len(operator) != 1:
                raise self.error(
                    where,
                    f"evolves a list of {len(operator)} operators; revad converts the "
                    "evolution of one Pauli term only",
                )
            operator = operator[0]
        operator = SparsePauliOp(operator)
        if operator.coeffs.dtype == object:
            raise self.error(where, "has parameterized coefficients; bind them first")
        terms = operator.simplify(atol=0.0, rtol=0.0).to_list()
        if len(terms) != 1:
            labels = ", ".join(label for label, _ in terms[:4])
            labels += ", ..." if len(terms) > 4 else ""
            raise self.error(
                where,
                f"is the evolution of a sum of {len(terms)} Pauli terms ({labels}); revad "
                "converts a PauliEvolutionGate of one Pauli term only (exp(-i t c P) is "
                "pauli_rot with angle 2tc): use one PauliEvolutionGate per term (their "
                "product equals the sum's evolution only when the terms commute)",
            )
        label, coeff = terms[0]
        coeff = complex(coeff)
        if abs(coeff.imag) > IMAG_RTOL * max(1.0, abs(coeff.real)):
            raise self.error(
                where,
                f"has the complex coefficient {coeff} for {label}; exp(-i t c P) is "
                "unitary only for real c",
            )
        c = coeff.real
        n = len(label)  # Qiskit labels put the gate's qubit 0 rightmost
        keep = [i for i in range(n) if label[n - 1 - i] != "I"]
        word = "".join(label[n - 1 - i] for i in keep)
        qubits = tuple(qubits[i] for i in keep)
        time = op.params[0]
        linear = _linear(time, self.slots, f"{self.who}: {where}")
        if linear is None:  # a number
            value = 2 * c * angle_value(_number(time), f"{self.who}: {where}: time")
            if word:
                self.add("pauli_rot", qubits, value, where, data=word)
            else:  # exp(-i t c I): a global phase
                self.add_phase(-value / 2)
            return
        if not word:
            return  # a global phase depending on a parameter: dropped
        slot, rate = linear
        m = 2 * c * rate
        copies = round(abs(m))
        if not (1 <= copies <= MAX_ROTATION_MULTIPLE and abs(abs(m) - copies) <= 1e-12):
            raise self.error(
                where,
                f"has time {time} and coefficient {c:g}: its angle is {m:g} times a "
                f"parameter; revad can represent 1 to {MAX_ROTATION_MULTIPLE} times a "
                "parameter (or minus that) in a Pauli rotation",
            )
        # exp(+iφ/2·P) = Q·exp(-iφ/2·P)·Q for a Pauli Q anticommuting with P.
        flip = ("z" if word[0] in "XY" else "x") if m < 0 else None
        if flip:
            self.circuit.add(flip, qubits[0])
        for _ in range(copies):
            self.circuit.add("pauli_rot", qubits, param=slot, data=word)
        if flip:
            self.circuit.add(flip, qubits[0])


_CLASSES: dict | None = None


def _classes() -> dict:
    global _CLASSES
    if _CLASSES is None:
        from qiskit.circuit import ControlledGate
        from qiskit.circuit.library import PauliEvolutionGate, UnitaryGate

        from ._qiskit_gates import DoubleExcitationGate

        _CLASSES = {
            "PauliEvolution": PauliEvolutionGate,
            "unitary": UnitaryGate,
            "double_excitation": DoubleExcitationGate,
            "controlled": ControlledGate,
        }
    return _CLASSES


def _special(op) -> str | None:
    """The revad gate that Qiskit operation ``op`` is, by a rule of its own (not a
    registry name): ``pauli_rot`` (``PauliEvolutionGate``), ``mcx`` (``MCXGate``,
    ``C3XGate``, ``C4XGate``: Qiskit's name ``mcx``, every control closed), ``unitary``
    (``UnitaryGate``), ``single_excitation`` (``XXPlusYYGate(θ, ∓π/2)``) or
    ``double_excitation`` (revad's own gate); None for other operations."""
    name = op.name
    if name not in ("PauliEvolution", "mcx", "unitary", "xx_plus_yy", "double_excitation"):
        return None
    classes = _classes()
    if name == "mcx":
        ok = (
            isinstance(op, classes["controlled"])
            and op.base_gate.name == "x"
            and op.num_qubits == op.num_ctrl_qubits + 1
            and op.ctrl_state == 2**op.num_ctrl_qubits - 1
        )
        return "mcx" if ok else None
    if name == "xx_plus_yy":
        if not _is_standard(op):
            return None
        try:
            beta = float(op.params[1])
        except TypeError:  # a parameter: through the definition
            return None
        off = abs(abs(math.remainder(beta, 2 * math.pi)) - math.pi / 2)
        return "single_excitation" if off <= _BETA_ATOL else None
    if isinstance(op, classes[name]):
        return "pauli_rot" if name == "PauliEvolution" else name
    return None


def _number(value):
    """A bound Qiskit ``ParameterExpression`` as a complex number; numbers as they are."""
    from qiskit.circuit import ParameterExpression

    return complex(value) if isinstance(value, ParameterExpression) else value


def _linear(value, slots, where: str) -> tuple[int, float] | None:
    """``(slot, a)`` when ``value`` is ``a·p`` for a parameter ``p`` of ``slots``; None for a
    number; anything else is refused."""
    from qiskit.circuit import Parameter, ParameterExpression

    if not isinstance(value, ParameterExpression) or not value.parameters:
        return None
    rate: Any
    if isinstance(value, Parameter):
        param, rate = value, 1.0
    else:
        (param, *others) = value.parameters
        rate = value.gradient(param) if not others else None
        if isinstance(rate, ParameterExpression) or rate is None or complex(rate).imag != 0:
            rate = None
        elif complex(value.bind({param: 0})) != 0:
            rate = None
        if rate is None:
            raise RevadError(
                f"{where} has time {value}, a parameter expression; revad supports numbers "
                "and constant multiples of a parameter there"
            )
        rate = complex(rate).real
    if param not in slots:
        raise RevadError(f"{where} uses {param}, not in qc.parameters")
    return slots[param], rate


def _angle_or_slot(value, slots, where: str) -> dict:
    from qiskit.circuit import Parameter, ParameterExpression

    if isinstance(value, Parameter):
        if value not in slots:
            raise RevadError(f"{where} uses {value}, not in qc.parameters")
        return {"param": slots[value]}
    if isinstance(value, ParameterExpression):
        if value.parameters:
            raise RevadError(
                f"{where} has angle {value}, a parameter expression; revad "
                "supports numbers and plain parameters only (use a new Parameter instead)"
            )
        value = complex(value)
    return {"angle": angle_value(value, f"{where}: angle")}


def _decompose(op, n_qubits: int, where: str, who: str):
    """Qiskit's transpiler, one gate, into :data:`BASIS` (no layout, no optimisation)."""
    from qiskit import QuantumCircuit, transpile

    one = QuantumCircuit(n_qubits)
    one.append(op, range(n_qubits))
    try:
        out = transpile(one, basis_gates=list(BASIS), optimization_level=0)
    except Exception as exc:  # the transpiler raises several error types
        raise RevadError(
            f"{who}: {where} is not in revad's gate set ({', '.join(BASIS)}) and has no "
            f"definition (an opaque gate?); Qiskit's transpiler could not decompose it: {exc}"
        ) from exc
    if out.num_qubits != n_qubits:
        raise RevadError(f"{who}: decomposing {where} changed the number of qubits")
    return out
