"""OpenQASM -> revad through Qiskit's parsers; revad -> OpenQASM 2.0 by revad's writer.

:func:`from_qasm` reads OpenQASM 2.0 with ``qiskit.qasm2.loads`` and OpenQASM 3 with
``openqasm3.parse`` and ``qiskit_qasm3_import.convert`` (``qiskit.qasm3.loads`` in two
halves, so that revad can check the syntax tree in between), then converts the circuit
with :func:`revad.interop.qiskit_expand.convert`, global phase kept. Around the parsers it keeps
revad's bounds: text size, registers (read before Qiskit allocates them), the expansion
of gate definitions (gate applications and nesting, known before anything is built).
:func:`to_qasm` writes original-qelib1 OpenQASM 2.0 that strict readers accept. See
docs/interop.md.
"""

from __future__ import annotations

import re

import numpy as np

from ..errors import RevadError
from ..ir.circuit import Circuit
from ..ir.gates import GATES, peer_names
from ..limits import MAX_GATES, MAX_QUBITS
from ._common import ANGLE, MAX_GATE_DEPTH, pauli_rotation_steps, pauli_terms, require

MAX_TEXT_CHARS = 8 * 2**20
MAX_QASM3_CHARS = 2**20  # openqasm3's ANTLR parser reads about 35 kB a second
MAX_CLBITS = 10**6  # classical bits, all registers together (Qiskit allocates each)

_BLANK = re.compile(r"\s+|//[^\n]*|/\*.*?\*/", re.DOTALL)  # before the header
_HEADER = re.compile(r"OPENQASM\s+([0-9.]+)\s*;")
_COMMENT = re.compile(r"//[^\n]*")
_REGISTER = re.compile(r"\b([qc]reg)\s+([A-Za-z_]\w*)\s*\[\s*(\d+)\s*\]")
_POSITION = re.compile(r"^(?:<input>:)?(\d+),(\d+): ")  # Qiskit's, columns from 0

# Exact definitions (global phase included) the writer adds for revad gates that the
# original qelib1 lacks. H·Rz·H = Rx, and Rx(π/2) conjugates Z into Y. The excitations are
# products of commuting Pauli rotations (their generators' Pauli terms, see
# ``_common.pauli_terms``), appended below once ``_fmt`` is defined.
WRITER_DEFINITIONS = {
    "swap": "gate swap a,b { cx a,b; cx b,a; cx a,b; }",
    "crx": "gate crx(theta) a,b { h b; crz(theta) a,b; h b; }",
    "cry": "gate cry(theta) a,b { ry(theta/2) b; cx a,b; ry(-theta/2) b; cx a,b; }",
    "rxx": "gate rxx(theta) a,b { h a; h b; cx a,b; rz(theta) b; cx a,b; h a; h b; }",
    "ryy": (
        "gate ryy(theta) a,b { rx(pi/2) a; rx(pi/2) b; cx a,b; rz(theta) b; cx a,b; "
        "rx(-pi/2) a; rx(-pi/2) b; }"
    ),
    "rzz": "gate rzz(theta) a,b { cx a,b; rz(theta) b; cx a,b; }",
}
# mcx with more controls than this is refused by the writer: its definition (Gray code)
# has 2^k − 1 cu1 gates and about as many CNOTs.
WRITER_MAX_MCX_CONTROLS = 12


def from_qasm(text: str, *, trainable: bool = False):
    """An OpenQASM 2.0 or 3 program as a revad :class:`Circuit` (see the module docstring).

    Angles in QASM are numbers, so by default every gate has a fixed angle
    (``n_params == 0``). With ``trainable=True`` every parametric revad gate of the
    expanded circuit gets its own slot instead, and ``(circuit, theta)`` is returned,
    ``theta`` holding the angles from the file (the global-phase pair, if any, stays
    fixed).
    """
    if not isinstance(text, str):
        raise RevadError(f"from_qasm expects the program text (str), got {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        raise RevadError(
            f"from_qasm: the program has {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}"
        )
    start = 0
    while blank := _BLANK.match(text, start):
        start = blank.end()
    header = _HEADER.match(text, start)
    if header is None:
        raise RevadError("from_qasm: line 1: a program must start with 'OPENQASM 2.0;' (or 3)")
    version = header.group(1)
    if version == "2.0":
        qc = _parse2(text)
    elif re.fullmatch(r"3(\.\d+)?", version):
        qc = _parse3(text)
    else:
        raise RevadError(f"from_qasm: only OpenQASM 2.0 and 3 are supported, got {version!r}")
    if qc.num_qubits == 0:
        raise RevadError("from_qasm: the program declares no qubits (no qreg)")
    if qc.num_qubits > MAX_QUBITS:  # the declarations were checked; this is Qiskit's count
        raise RevadError(
            f"from_qasm: {qc.num_qubits:,} qubits; revad simulates at most {MAX_QUBITS}"
        )
    from .qiskit_expand import convert

    values: list[float] | None = [] if trainable else None
    circuit = convert(
        qc,
        "from_qasm",
        max_gates=MAX_GATES,
        max_depth=MAX_GATE_DEPTH,
        exact_phase=True,
        names_unique=version == "2.0",  # OpenQASM 3 modifiers make names (g_dg, ...)
        values=values,
    )
    if trainable:
        return circuit, np.array(values, dtype=np.float64)
    return circuit


def _parse2(text: str):
    _check_registers(text)
    require("qiskit", "from_qasm", "qiskit")
    from qiskit import qasm2
    from qiskit.circuit.library import IGate, RYYGate

    custom = [c for c in qasm2.LEGACY_CUSTOM_INSTRUCTIONS if c.name != "u0"]
    custom += [
        qasm2.CustomInstruction("u0", 1, 1, lambda _length: IGate(), builtin=True),
        qasm2.CustomInstruction("ryy", 1, 2, RYYGate, builtin=True),
    ]
    try:
        return qasm2.loads(text, include_path=(), custom_instructions=custom)
    except Exception as exc:  # QASM2ParseError, and a few others (TypeError, ...)
        raise _wrap(exc) from exc


def _check_registers(text: str) -> None:
    """OpenQASM 2 register sizes and broadcasts, bounded before Qiskit allocates them."""
    code = _COMMENT.sub(lambda m: " " * len(m[0]), text)  # Qiskit knows no other comment
    sizes = {"qreg": 0, "creg": 0}
    qregs: dict[str, int] = {}
    for m in _REGISTER.finditer(code):
        kind, name, digits = m.groups()
        where = f"from_qasm: line {code.count(chr(10), 0, m.start()) + 1}:"
        if len(digits) > 18:
            raise RevadError(f"{where} integer {digits[:20]}... is too large")
        size = int(digits)
        sizes[kind] += size
        if kind == "qreg" and sizes[kind] > MAX_QUBITS:
            raise RevadError(
                f"{where} qreg {name}[{size}] makes {sizes[kind]:,} qubits in all; "
                f"revad simulates at most {MAX_QUBITS}"
            )
        if kind == "creg" and sizes[kind] > MAX_CLBITS:
            raise RevadError(
                f"{where} creg {name}[{size}] makes {sizes[kind]:,} classical bits in all; "
                f"the limit is {MAX_CLBITS:,}"
            )
        if kind == "qreg":
            qregs[name] = max(size, qregs.get(name, 0))
    widest = max(qregs.values(), default=1)
    if widest > 1:  # ``h q;`` is one statement per qubit of q
        names = "|".join(map(re.escape, qregs))
        whole = re.compile(rf"\b(?:{names})\b(?!\s*\[)")
        bound = code.count(";") + widest * len(whole.findall(code))
        if bound > MAX_GATES:
            raise RevadError(
                f"from_qasm: the program may apply up to {bound:,} gates (statements, and "
                f"operands that are whole registers of up to {widest} qubits); the limit is "
                f"{MAX_GATES:,}"
            )


def _parse3(text: str):
    if len(text) > MAX_QASM3_CHARS:
        raise RevadError(
            f"from_qasm: the OpenQASM 3 program has {len(text):,} characters; the limit is "
            f"{MAX_QASM3_CHARS:,}"
        )
    require("qiskit", "from_qasm", "qiskit")
    importer = require("qiskit_qasm3_import", "from_qasm (OpenQASM 3)", "qasm")
    import openqasm3

    try:
        program = openqasm3.parse(text)
    except Exception as exc:  # QASM3ParsingError, RecursionError
        raise RevadError(f"from_qasm: {_syntax_error(exc)}") from exc
    _check_program(program)
    try:
        return importer.convert(program)
    except Exception as exc:  # QASM3ImporterError, ConversionError, others on some input
        raise _wrap(exc, importer.ConversionError) from exc


def _wrap(exc: Exception, *known: type) -> RevadError:
    """Qiskit's error as a RevadError, its message kept (its position made 1-based)."""
    from qiskit.exceptions import QiskitError

    if not isinstance(exc, (QiskitError, *known)):
        return RevadError(f"from_qasm: Qiskit's reader failed ({type(exc).__name__}: {exc})")
    message = getattr(exc, "message", None) or str(exc)
    message = _POSITION.sub(lambda m: f"line {m[1]}, column {int(m[2]) + 1}: ", message)
    return RevadError(f"from_qasm: {message}")


def _syntax_error(exc) -> str:
    if str(exc):
        return str(exc)
    cause = exc.__cause__
    token = getattr(cause.args[0], "offendingToken", None) if cause and cause.args else None
    if token is None:
        return f"syntax error ({type(exc).__name__})"
    return f"line {token.line}, column {token.column + 1}: syntax error at {token.text!r}"


def _check_program(program) -> None:
    """OpenQASM 3 bounds, from the syntax tree, before Qiskit's importer runs: qubit and
    bit counts, and the expansion of gate definitions (the importer copies a definition
    into each of its calls, so a definition that doubles at each level would take it
    exponential time)."""
    import dataclasses

    from openqasm3 import ast

    totals = {"qubits": 0, "classical bits": 0}
    limits = {"qubits": MAX_QUBITS, "classical bits": MAX_CLBITS}
    registers: dict[str, int] = {}
    calls = []  # gate applications outside definitions
    stack = [program]
    while stack:  # every node, iteratively: bit[n] may be declared in any block
        node = stack.pop()
        if isinstance(node, (ast.QubitDeclaration, ast.BitType)):
            what = "qubits" if isinstance(node, ast.QubitDeclaration) else "classical bits"
            if node.size is None:
                size = 1
            elif isinstance(node.size, ast.IntegerLiteral):
                size = node.size.value
            else:
                raise RevadError(f"from_qasm: line {_line(node)}: register sizes must be integers")
            totals[what] += size
            if totals[what] > limits[what]:
                raise RevadError(
                    f"from_qasm: line {_line(node)}: {totals[what]:,} {what} declared in all; "
                    f"the limit is {limits[what]:,}"
                )
            if isinstance(node, ast.QubitDeclaration):
                registers[node.qubit.name] = size
        elif isinstance(node, ast.QuantumGateDefinition):
            continue
        elif isinstance(node, ast.QuantumGate):
            calls.append(node)
        for field in dataclasses.fields(node):
            value = getattr(node, field.name)
            for child in value if isinstance(value, list) else [value]:
                if isinstance(child, ast.QASMNode):
                    stack.append(child)
    sizes: dict[str, tuple[int, int]] = {}  # gate -> (applications, nesting), as convert
    for node in program.statements:
        if isinstance(node, ast.QuantumGateDefinition):
            total, depth = 1, 0
            for call in node.body:
                callee = call.name.name if isinstance(call, ast.QuantumGate) else ""
                n, d = sizes.get(callee, (1, 0))
                total, depth = min(total + n, MAX_GATES + 1), max(depth, d)
            sizes[node.name.name] = (total, depth + 1)
            _check_expansion(node, total, depth + 1)
    total = 0
    for call in calls:
        width = max(
            [registers.get(q.name, 1) for q in call.qubits if isinstance(q, ast.Identifier)],
            default=1,
        )
        total += width * sizes.get(call.name.name, (1, 0))[0]
        _check_expansion(call, total, 0)


def _line(node) -> str:
    return str(node.span.start_line) if node.span else "?"


def _check_expansion(node, total: int, depth: int) -> None:
    if total > MAX_GATES:
        raise RevadError(
            f"from_qasm: line {_line(node)}: the expansion is too large: gate "
            f"{node.name.name!r} brings it to more than {MAX_GATES:,} gate applications, "
            f"beyond the limit of {MAX_GATES:,} gates"
        )
    if depth > MAX_GATE_DEPTH:
        raise RevadError(
            f"from_qasm: line {_line(node)}: gate {node.name.name!r} has gate definitions "
            f"nested {depth} deep; the limit is {MAX_GATE_DEPTH}"
        )


_QASM_NAMES = peer_names("qasm")  # revad name -> the name to_qasm writes


def _fmt(x: float) -> str:
    """Shortest round-trip repr, with the decimal point OpenQASM 2's grammar wants."""
    r = repr(float(x))
    mantissa, e, exponent = r.partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return mantissa + e + exponent


def _times_theta(c: float) -> str:
    """``c·theta`` as OpenQASM text: ``theta``, ``-theta/8``, ``theta*0.3``."""
    sign = "-" if c < 0 else ""
    inverse = 1 / abs(c)
    if inverse == 1:
        return f"{sign}theta"
    if inverse == round(inverse) and abs(c) * round(inverse) == 1:
        return f"{sign}theta/{round(inverse)}"
    return f"theta*{_fmt(c)}"


def _rotations(name: str, terms, n_qubits: int) -> str:
    """``gate name(theta)``: the product of ``exp(-i c·theta/2·P)`` over ``(P, c)`` in
    ``terms`` (commuting words on all ``n_qubits`` arguments), exactly."""
    args = [f"a{i}" for i in range(n_qubits)]
    body = []
    for word, c in terms:
        for gate, local, angle in pauli_rotation_steps(word):
            on = ",".join(args[i] for i in local)
            if angle is None:
                body.append(f"{gate} {on};")
            elif angle == ANGLE:
                body.append(f"{gate}({_times_theta(c)}) {on};")
            else:
                body.append(f"{gate}({'pi/2' if float(angle) > 0 else '-pi/2'}) {on};")
    return f"gate {name}(theta) {','.join(args)} {{ {' '.join(body)} }}"


def _mcx(k: int) -> str:
    """``gate mcx_k``: X on the last argument when the ``k`` first are all 1, exactly:
    ``H·CᵏP(π)·H``, the multi-controlled phase by Gray code (Barenco et al. 1995, as
    Qiskit's ``mcu1``): ``cu1(±π/2^(k−1))`` from the parity of each non-empty set of
    controls, kept on its leading control by CNOTs."""
    args = [f"a{i}" for i in range(k + 1)]
    controls, target = args[:k], args[k]
    angle = "pi" if k == 1 else f"pi/{2 ** (k - 1)}"
    codes = [0]
    for i in range(k):
        codes += [x + 2**i for x in reversed(codes)]
    body = [f"h {target};"]
    last = None
    for code in codes[1:]:
        pattern = format(code, f"0{k}b")
        lead = pattern.index("1")
        if last is not None:
            changed = next(i for i in range(k) if pattern[i] != last[i])
            if changed != lead:
                body.append(f"cx {controls[changed]},{controls[lead]};")
            else:
                ones = [i for i in range(k) if pattern[i] == "1"]
                body += [f"cx {controls[i]},{controls[lead]};" for i in ones[1:]]
        sign = "-" if pattern.count("1") % 2 == 0 else ""
        body.append(f"cu1({sign}{angle}) {controls[lead]},{target};")
        last = pattern
    body.append(f"h {target};")
    return f"gate mcx_{k} {','.join(args)} {{ {' '.join(body)} }}"


WRITER_DEFINITIONS.update(
    {name: _rotations(name, pauli_terms(name), GATES[name].n_qubits)
     for name in ("single_excitation", "double_excitation")}
)  # fmt: skip


def _writer_name(op, definitions: dict[str, str]) -> str:
    """The name ``to_qasm`` writes for ``op``; a definition it needs that depends on the
    use (a Pauli word, a number of controls) is added to ``definitions``."""
    if op.name == "pauli_rot":
        name = f"pauli_rot_{op.data.lower()}"
        if name not in definitions:
            definitions[name] = _rotations(name, [(op.data, 1.0)], len(op.qubits))
        return name
    if op.name == "mcx":
        k = len(op.qubits) - 1
        if k <= 2:
            return ("cx", "ccx")[k - 1]
        if k > WRITER_MAX_MCX_CONTROLS:
            raise RevadError(
                f"to_qasm: gate 'mcx' with {k} controls: the writer's exact definition "
                f"(Gray code, 2^k - 1 cu1 gates) is limited to {WRITER_MAX_MCX_CONTROLS} controls"
            )
        name = f"mcx_{k}"
        if name not in definitions:
            definitions[name] = _mcx(k)
        return name
    if op.name in WRITER_DEFINITIONS:
        return _QASM_NAMES.get(op.name, op.name)
    if op.name in _QASM_NAMES:
        return _QASM_NAMES[op.name]
    if op.name == "unitary":
        raise RevadError(
            "to_qasm: gate 'unitary' has no OpenQASM 2 form: qelib1 has no gate for an "
            "arbitrary matrix, and the writer does not synthesize one (decompose it first, "
            "e.g. with Qiskit: to_qiskit, transpile, qasm2.dumps)"
        )
    raise RevadError(f"to_qasm: gate {op.name!r} has no OpenQASM 2 name")


def to_qasm(circuit: Circuit, theta=None) -> str:
    """``circuit`` with parameters ``theta`` as an OpenQASM 2.0 program (one ``qreg q``).

    ``qasm2.loads`` in Qiskit reads it back to the same statevector (revad qubit ``k``
    is ``q[k]``, Qiskit's qubit ``k``). Gates the original qelib1 lacks are written with
    exact ``gate`` definitions (:data:`WRITER_DEFINITIONS`; ``pauli_rot`` one per word,
    ``mcx`` one per number of controls, up to :data:`WRITER_MAX_MCX_CONTROLS`);
    ``unitary`` is refused.
    """
    from ..api import check_theta

    if not isinstance(circuit, Circuit):
        raise RevadError(f"to_qasm expects a revad Circuit, got {type(circuit).__name__}")
    theta = check_theta(circuit, theta)
    per_use: dict[str, str] = {}
    body = []
    for op in circuit.ops:
        name = _writer_name(op, per_use)
        args = ",".join(f"q[{q}]" for q in op.qubits)
        if op.param is not None:
            body.append(f"{name}({_fmt(theta[op.param])}) {args};")
        elif op.angle is not None:
            body.append(f"{name}({_fmt(op.angle)}) {args};")
        else:
            body.append(f"{name} {args};")
    lines = ["OPENQASM 2.0;", 'include "qelib1.inc";']
    used = {op.name for op in circuit.ops}
    lines += [text for name, text in WRITER_DEFINITIONS.items() if name in used]
    lines += per_use.values()
    lines.append(f"qreg q[{circuit.n_qubits}];")
    return "\n".join(lines + body) + "\n"
