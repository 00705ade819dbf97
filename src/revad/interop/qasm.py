"""OpenQASM 2.0 <-> revad, with no dependency: a small hand-written reader and a writer.

Reader (:func:`from_qasm`), the subset it accepts:

- ``OPENQASM 2.0;`` then statements; ``include "qelib1.inc";`` is the only include
  (its gates are built in; without it only ``U``, ``CX`` and defined gates exist).
- ``qreg``: one or several, flattened in declaration order (the first register's
  element 0 is revad qubit 0, as in Qiskit). ``creg`` is accepted.
- Gates: the original qelib1 (``u3 u2 u1 cx id x y z h s sdg t tdg rx ry rz cz cy ch ccx
  crz cu1 cu3``), and the gates later qelib1 versions and Qiskit's ``qasm2.dumps`` use
  without defining them (``u p u0 sx sxdg swap cswap crx cry cp csx cu rxx rzz ryy rccx
  rc3x c3x c3sqrtx c4x``). Gates revad lacks are expanded through exact decompositions
  (their qelib1 definitions; ``U(θ,φ,λ) = P(φ)·Ry(θ)·P(λ)``; ``sx = H·S·H``), so
  statevectors match Qiskit's, global phase included.
- ``gate`` definitions, expanded like macros. A program may define the later-qelib1 gates
  (its definition is then used) but not redefine the original ones.
- Angles: numbers, ``pi``, ``+ - * / ^``, ``sin cos tan exp ln sqrt``; evaluated by this
  module's own parser (nothing is passed to ``eval``).
- ``barrier`` is ignored. ``measure`` is accepted when final (no later gate on that
  qubit) and ignored, as revad computes the state before measurement; a gate after a
  measurement, ``reset``, ``if`` (classical control) and ``opaque`` gates are errors.

Bounds, checked before anything is built, each a RevadError naming the limit:

- the program text: at most ``MAX_TEXT_CHARS`` (8 * 2**20) characters;
- ``qreg``: at most ``MAX_QUBITS`` (30) qubits in all registers together; ``creg``: at
  most ``MAX_CLBITS`` (10**6) bits in all;
- the expansion: at most ``MAX_GATES`` (10**7) gate applications, counting every call,
  those of defined gates included, so the circuit has at most ``MAX_GATES`` gates. Each
  ``gate`` definition's expanded size is computed once, when defined (a body may only use
  gates defined before it), so a call too large is refused before expanding anything;
- definitions nest at most ``MAX_GATE_DEPTH`` (64) deep, expressions ``MAX_EXPR_DEPTH``
  (100) deep (parentheses, unary signs, ``^`` and function calls).

Writer (:func:`to_qasm`): ``qreg q[n]``, original-qelib1 names (``cnot`` -> ``cx``,
``phase`` -> ``u1``) and exact ``gate`` definitions for revad gates the original qelib1
lacks (``swap crx cry rxx ryy rzz``), so that strict readers (Qiskit's ``qasm2.loads``)
accept it; angles as shortest round-trip floats.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from ..errors import RevadError
from ..ir.circuit import Circuit
from ..ir.gates import GATES, from_peer, peer_names
from ..limits import MAX_GATES, MAX_QUBITS

MAX_TEXT_CHARS = 8 * 2**20  # the token list takes ~100 bytes a token: under 1 GB
MAX_CLBITS = 10**6  # classical bits, all cregs together (nothing is allocated per bit)
MAX_GATE_DEPTH = 64  # gate definitions calling gate definitions
MAX_EXPR_DEPTH = 100  # nesting in an angle expression

# The original qelib1.inc (what Qiskit's strict ``qasm2.loads`` knows): reserved names.
QELIB1 = frozenset("u3 u2 u1 cx id x y z h s sdg t tdg rx ry rz cz cy ch ccx crz cu1 cu3".split())

# qelib1 gates that revad lacks, by their qelib1.inc definitions (exact: tested against
# Qiskit's matrices, global phase included), except ch: qelib1's is off by a global
# phase e^{iπ/4}, so here it is H = Ry(π/4)·Z·Ry(-π/4), controlled.
_PRELUDE = """
gate cy a,b { sdg b; cx a,b; s b; }
gate ch a,b { ry(-pi/4) b; cz a,b; ry(pi/4) b; }
gate ccx a,b,c { h c; cx b,c; tdg c; cx a,c; t c; cx b,c; tdg c; cx a,c; t b; t c; h c;
  cx a,b; t a; tdg b; cx a,b; }
gate cswap a,b,c { cx c,b; ccx a,b,c; cx c,b; }
gate cu1(lambda) a,b { u1(lambda/2) a; cx a,b; u1(-lambda/2) b; cx a,b; u1(lambda/2) b; }
gate cp(lambda) a,b { p(lambda/2) a; cx a,b; p(-lambda/2) b; cx a,b; p(lambda/2) b; }
gate cu3(theta,phi,lambda) c,t { u1((lambda+phi)/2) c; u1((lambda-phi)/2) t; cx c,t;
  u3(-theta/2,0,-(phi+lambda)/2) t; cx c,t; u3(theta/2,phi,0) t; }
gate csx a,b { h b; cu1(pi/2) a,b; h b; }
gate cu(theta,phi,lambda,gamma) c,t { p(gamma) c; p((lambda+phi)/2) c; p((lambda-phi)/2) t;
  cx c,t; u(-theta/2,0,-(phi+lambda)/2) t; cx c,t; u(theta/2,phi,0) t; }
gate rccx a,b,c { u2(0,pi) c; u1(pi/4) c; cx b,c; u1(-pi/4) c; cx a,c; u1(pi/4) c; cx b,c;
  u1(-pi/4) c; u2(0,pi) c; }
gate rc3x a,b,c,d { u2(0,pi) d; u1(pi/4) d; cx c,d; u1(-pi/4) d; u2(0,pi) d; cx a,d;
  u1(pi/4) d; cx b,d; u1(-pi/4) d; cx a,d; u1(pi/4) d; cx b,d; u1(-pi/4) d; u2(0,pi) d;
  u1(pi/4) d; cx c,d; u1(-pi/4) d; u2(0,pi) d; }
gate c3x a,b,c,d { h d; p(pi/8) a; p(pi/8) b; p(pi/8) c; p(pi/8) d; cx a,b; p(-pi/8) b;
  cx a,b; cx b,c; p(-pi/8) c; cx a,c; p(pi/8) c; cx b,c; p(-pi/8) c; cx a,c; cx c,d;
  p(-pi/8) d; cx b,d; p(pi/8) d; cx c,d; p(-pi/8) d; cx a,d; p(pi/8) d; cx c,d;
  p(-pi/8) d; cx b,d; p(pi/8) d; cx c,d; p(-pi/8) d; cx a,d; h d; }
gate c3sqrtx a,b,c,d { h d; cu1(pi/8) a,d; h d; cx a,b; h d; cu1(-pi/8) b,d; h d; cx a,b;
  h d; cu1(pi/8) b,d; h d; cx b,c; h d; cu1(-pi/8) c,d; h d; cx a,c; h d; cu1(pi/8) c,d;
  h d; cx b,c; h d; cu1(-pi/8) c,d; h d; cx a,c; h d; cu1(pi/8) c,d; h d; }
gate c4x a,b,c,d,e { h e; cu1(pi/2) d,e; h e; c3x a,b,c,d; h e; cu1(-pi/2) d,e; h e;
  c3x a,b,c,d; c3sqrtx a,b,c,e; }
"""

# Exact definitions (global phase included) the writer adds for revad gates that the
# original qelib1 lacks. H·Rz·H = Rx, and Rx(π/2) conjugates Z into Y.
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

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>//[^\n]*)
  | (?P<real>(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+)
  | (?P<int>\d+)
  | (?P<id>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<str>"[^"\n]*")
  | (?P<sym>->|==|[\[\](){},;+\-*/^])
    """,
    re.VERBOSE,
)

_FUNCS = {
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "exp": math.exp,
    "ln": math.log,
    "sqrt": math.sqrt,
}

# A revad op before slots are decided: (gate name, qubits, angle or None).
_RawOp = tuple[str, tuple[int, ...], "float | None"]


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # real, int, id, str, sym, eof
    text: str
    line: int


@dataclass
class _GateDef:
    params: list[str]
    qargs: list[str]
    body: list[_Tok]
    cost: int  # gate applications in one call's expansion (capped at MAX_GATES + 1)
    depth: int  # nesting of definitions below it (1: only built-in gates)


def _tokenize(text: str) -> list[_Tok]:
    if not isinstance(text, str):
        raise RevadError(f"from_qasm expects the program text (str), got {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        raise RevadError(
            f"from_qasm: the program has {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}"
        )
    out, pos, line = [], 0, 1
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise RevadError(f"from_qasm: line {line}: unexpected character {text[pos]!r}")
        kind = m.lastgroup
        if kind not in ("ws", "comment"):
            out.append(_Tok(kind, m.group(), line))
        line += m.group().count("\n")
        pos = m.end()
    out.append(_Tok("eof", "", line))
    return out


class _Reader:
    """Recursive-descent reader; emits revad ops into ``self.ops`` as it goes."""

    def __init__(self, text: str):
        self.toks = _tokenize(text)
        self.pos = 0
        self.qregs: dict[str, tuple[int, int]] = {}  # name -> (offset, size)
        self.cregs: dict[str, int] = {}
        self.n_qubits = 0
        self.n_clbits = 0
        self.cost = 0  # gate applications so far (see MAX_GATES)
        self.expr_depth = 0
        self.gates: dict[str, _GateDef] = {}  # defined by the program
        self.library: dict[str, _GateDef] = {}  # qelib1 gates revad lacks (_PRELUDE)
        self.qelib1 = False
        self.measured: set[int] = set()
        self.ops: list[_RawOp] = []

    # ---- token helpers -------------------------------------------------------------
    def error(self, msg: str, tok: _Tok | None = None):
        tok = tok or self.toks[self.pos]
        return RevadError(f"from_qasm: line {tok.line}: {msg}")

    def peek(self) -> _Tok:
        return self.toks[self.pos]

    def next(self) -> _Tok:
        tok = self.toks[self.pos]
        if tok.kind != "eof":
            self.pos += 1
        return tok

    def accept(self, text: str) -> bool:
        if self.peek().text == text and self.peek().kind in ("sym", "id"):
            self.pos += 1
            return True
        return False

    def expect(self, text: str) -> _Tok:
        tok = self.peek()
        if tok.text != text or tok.kind not in ("sym", "id"):
            raise self.error(f"expected {text!r}, found {tok.text or 'end of input'!r}")
        return self.next()

    def ident(self) -> str:
        tok = self.peek()
        if tok.kind != "id":
            raise self.error(f"expected a name, found {tok.text or 'end of input'!r}")
        return self.next().text

    def integer(self) -> int:
        tok = self.peek()
        if tok.kind != "int":
            raise self.error(f"expected an integer, found {tok.text or 'end of input'!r}")
        if len(tok.text) > 18:
            raise self.error(f"integer {tok.text[:20]}... is too large")
        return int(self.next().text)

    # ---- program -------------------------------------------------------------------
    def program(self) -> None:
        tok = self.peek()
        if tok.text != "OPENQASM":
            raise self.error("a program must start with 'OPENQASM 2.0;'")
        self.next()
        version = self.next()
        if version.kind not in ("real", "int") or float(version.text) != 2.0:
            raise self.error(
                f"only OpenQASM 2.0 is supported, got version {version.text!r}", version
            )
        self.expect(";")
        while self.peek().kind != "eof":
            self.statement()
        if self.n_qubits == 0:
            raise self.error("the program declares no qreg")

    def statement(self) -> None:
        tok = self.peek()
        word = tok.text if tok.kind == "id" else None
        if word == "include":
            self.next()
            name = self.next()
            if name.kind != "str":
                raise self.error("include needs a file name in quotes", name)
            if name.text.strip('"') != "qelib1.inc":
                raise self.error(f"cannot include {name.text}: only qelib1.inc is built in")
            self.expect(";")
            if not self.qelib1:
                self.qelib1 = True
                self.load_prelude()
        elif word in ("qreg", "creg"):
            self.next()
            name = self.ident()
            self.expect("[")
            size = self.integer()
            self.expect("]")
            self.expect(";")
            if name in self.qregs or name in self.cregs:
                raise self.error(f"register {name!r} is declared twice", tok)
            if size < 1:
                raise self.error(f"register {name!r} must have at least one bit", tok)
            if word == "qreg":
                if self.n_qubits + size > MAX_QUBITS:
                    raise self.error(
                        f"qreg {name}[{size}] makes {self.n_qubits + size:,} qubits in all; "
                        f"revad simulates at most {MAX_QUBITS}",
                        tok,
                    )
                self.qregs[name] = (self.n_qubits, size)
                self.n_qubits += size
            else:
                if self.n_clbits + size > MAX_CLBITS:
                    raise self.error(
                        f"creg {name}[{size}] makes {self.n_clbits + size:,} classical bits in "
                        f"all; the limit is {MAX_CLBITS:,}",
                        tok,
                    )
                self.cregs[name] = size
                self.n_clbits += size
        elif word == "gate":
            self.next()
            self.gate_definition(tok)
        elif word == "opaque":
            raise self.error("opaque gates have no definition revad could simulate")
        elif word == "measure":
            self.next()
            qubits = self.operand()
            self.expect("->")
            bits = self.creg_operand()
            self.expect(";")
            if len(qubits) != len(bits):
                raise self.error("measure: the quantum and classical operands differ in size", tok)
            self.measured.update(qubits)
        elif word == "reset":
            raise self.error("reset cannot be represented (revad simulates one pure state)")
        elif word == "if":
            raise self.error("classical control (if) cannot be represented")
        elif word == "barrier":
            self.next()
            self.operand()
            while self.accept(","):
                self.operand()
            self.expect(";")
        elif word is not None:
            self.gate_call({}, None, 0)
        else:
            raise self.error(f"unexpected {tok.text or 'end of input'!r}")

    def load_prelude(self) -> None:
        sub = _Reader(_PRELUDE)
        sub.qelib1 = True
        while sub.peek().kind != "eof":
            start = sub.expect("gate")
            sub.gate_definition(start, library=True)
        self.library.update(sub.gates)

    def gate_definition(self, start: _Tok, library: bool = False) -> None:
        name = self.ident()
        reserved = name in ("U", "CX") or (self.qelib1 and name in QELIB1)
        if not library and (reserved or name in self.gates):
            raise self.error(f"gate {name!r} is already defined", start)
        params: list[str] = []
        if self.accept("("):
            if not self.accept(")"):
                params.append(self.ident())
                while self.accept(","):
                    params.append(self.ident())
                self.expect(")")
        qargs = [self.ident()]
        while self.accept(","):
            qargs.append(self.ident())
        if len(set(params)) != len(params) or len(set(qargs)) != len(qargs):
            raise self.error(f"gate {name!r}: repeated parameter or qubit name", start)
        self.expect("{")
        body = []
        while self.peek().text != "}":
            if self.peek().kind == "eof":
                raise self.error(f"gate {name!r}: missing '}}'", start)
            body.append(self.next())
        self.next()
        body.append(_Tok("eof", "", self.toks[self.pos - 1].line))
        cost, depth = self.body_size(name, body)
        self.gates[name] = _GateDef(params, qargs, body, cost, depth)

    def body_size(self, name: str, body: list[_Tok]) -> tuple[int, int]:
        """(cost, depth) of a call of gate ``name``: one application plus its body's.

        The body may only use gates already defined (as OpenQASM 2 requires), so this is
        computed once, here, and a call is refused before it expands too far.
        """
        cost, depth, i = 1, 1, 0
        while body[i].kind != "eof":
            tok = body[i]
            if tok.kind != "id" or tok.text in _NOT_IN_BODY:
                raise self.error(f"{tok.text!r} is not allowed in a gate body", tok)
            if tok.text != "barrier":
                gate = self.lookup(
                    tok.text, tok, " (a gate body may use only gates defined before it)"
                )
                if isinstance(gate, _GateDef):
                    cost += gate.cost
                    depth = max(depth, gate.depth + 1)
                else:
                    cost += _BUILTIN_COST[tok.text]
            while body[i].text != ";" and body[i].kind != "eof":
                i += 1
            if body[i].kind != "eof":
                i += 1
        if depth > MAX_GATE_DEPTH:
            raise self.error(
                f"gate {name!r}: gate definitions nest {depth} deep; the limit is {MAX_GATE_DEPTH}",
                body[0],
            )
        return min(cost, MAX_GATES + 1), depth

    def lookup(self, name: str, tok: _Tok, hint: str = ""):
        """A defined gate's :class:`_GateDef`, or the built-in's ``_BUILTINS`` entry."""
        gate = self.gates.get(name) or self.library.get(name)
        if gate is not None:
            return gate
        builtin = _BUILTINS.get(name)
        if builtin is None or (name not in ("U", "CX") and not self.qelib1):
            if name in _BUILTINS or name in _LIBRARY_NAMES:
                raise self.error(f"gate {name!r} needs 'include \"qelib1.inc\";'", tok)
            raise self.error(f"unknown gate {name!r}{hint}", tok)
        return builtin

    def check_budget(self, name: str, cost: int, tok: _Tok) -> None:
        """Refuse ``cost`` more gate applications if they would pass MAX_GATES."""
        if self.cost + cost > MAX_GATES:
            size = f"more than {MAX_GATES:,}" if cost > MAX_GATES else f"{cost:,}"
            raise self.error(
                f"the expansion is too large: gate {name!r} expands to {size} gate "
                f"applications ({self.cost:,} so far), beyond the limit of {MAX_GATES:,} gates",
                tok,
            )

    # ---- operands ------------------------------------------------------------------
    def operand(self) -> list[int]:
        """``q`` (the whole register) or ``q[i]``, as revad qubit indices."""
        tok = self.peek()
        name = self.ident()
        if name not in self.qregs:
            raise self.error(f"unknown qreg {name!r}", tok)
        offset, size = self.qregs[name]
        if self.accept("["):
            i = self.integer()
            self.expect("]")
            if not 0 <= i < size:
                raise self.error(f"index {i} out of range for qreg {name}[{size}]", tok)
            return [offset + i]
        return list(range(offset, offset + size))

    def creg_operand(self) -> list[int]:
        tok = self.peek()
        name = self.ident()
        if name not in self.cregs:
            raise self.error(f"unknown creg {name!r}", tok)
        size = self.cregs[name]
        if self.accept("["):
            i = self.integer()
            self.expect("]")
            if not 0 <= i < size:
                raise self.error(f"index {i} out of range for creg {name}[{size}]", tok)
            return [i]
        return list(range(size))

    # ---- expressions ---------------------------------------------------------------
    def expr(self, env: dict[str, float]) -> float:
        value = self.term(env)
        while self.peek().text in ("+", "-") and self.peek().kind == "sym":
            op = self.next().text
            rhs = self.term(env)
            value = value + rhs if op == "+" else value - rhs
        return value

    def term(self, env) -> float:
        value = self.unary(env)
        while self.peek().text in ("*", "/") and self.peek().kind == "sym":
            tok = self.next()
            rhs = self.unary(env)
            if tok.text == "*":
                value = value * rhs
            elif rhs == 0:
                raise self.error("division by zero", tok)
            else:
                value = value / rhs
        return value

    def unary(self, env) -> float:
        if self.expr_depth >= MAX_EXPR_DEPTH:
            raise self.error(f"expression nests more than {MAX_EXPR_DEPTH} deep")
        self.expr_depth += 1
        try:
            if self.accept("-"):
                return -self.unary(env)
            if self.accept("+"):
                return self.unary(env)
            return self.power(env)
        finally:
            self.expr_depth -= 1

    def power(self, env) -> float:
        base = self.atom(env)
        if self.peek().text == "^" and self.peek().kind == "sym":
            tok = self.next()
            exponent = self.unary(env)  # right-associative
            try:
                value = math.pow(base, exponent)
            except (OverflowError, ValueError) as exc:
                raise self.error(f"cannot evaluate {base}^{exponent}: {exc}", tok) from None
            return value
        return base

    def atom(self, env) -> float:
        tok = self.next()
        if tok.kind in ("real", "int"):
            return float(tok.text)
        if tok.kind == "id":
            if tok.text == "pi":
                return math.pi
            if tok.text in _FUNCS:
                self.expect("(")
                arg = self.expr(env)
                self.expect(")")
                try:
                    return _FUNCS[tok.text](arg)
                except (OverflowError, ValueError) as exc:
                    raise self.error(f"cannot evaluate {tok.text}({arg}): {exc}", tok) from None
            if tok.text in env:
                return env[tok.text]
            raise self.error(f"unknown name {tok.text!r} in an expression", tok)
        if tok.kind == "sym" and tok.text == "(":
            value = self.expr(env)
            self.expect(")")
            return value
        raise self.error(f"expected an expression, found {tok.text or 'end of input'!r}", tok)

    # ---- gate calls ----------------------------------------------------------------
    def gate_call(self, env: dict[str, float], qmap: dict[str, int] | None, depth: int) -> None:
        """``name(args) operands;`` at top level (``qmap`` None) or in a gate body."""
        tok = self.peek()
        name = self.ident()
        args: list[float] = []
        if self.accept("("):
            if not self.accept(")"):
                args.append(self.expr(env))
                while self.accept(","):
                    args.append(self.expr(env))
                self.expect(")")
        operands = [self.body_operand(qmap) if qmap is not None else self.operand()]
        while self.accept(","):
            operands.append(self.body_operand(qmap) if qmap is not None else self.operand())
        self.expect(";")
        sizes = {len(o) for o in operands if len(o) > 1}
        if len(sizes) > 1:
            raise self.error(f"{name}: registers of different sizes", tok)
        for i in range(sizes.pop() if sizes else 1):
            qubits = tuple(o[i] if len(o) > 1 else o[0] for o in operands)
            self.apply(name, args, qubits, tok, depth)

    def body_operand(self, qmap: dict[str, int]) -> list[int]:
        tok = self.peek()
        name = self.ident()
        if name not in qmap:
            raise self.error(f"unknown qubit argument {name!r} in a gate body", tok)
        if self.peek().text == "[":
            raise self.error("qubits in a gate body cannot be indexed", tok)
        return [qmap[name]]

    def apply(self, name: str, args: list[float], qubits: tuple[int, ...], tok, depth: int):
        if depth > MAX_GATE_DEPTH:
            raise self.error(f"gate definitions nest more than {MAX_GATE_DEPTH} deep", tok)
        if len(set(qubits)) != len(qubits):
            raise self.error(f"{name}: a qubit appears twice in {list(qubits)}", tok)
        gate = self.lookup(name, tok)
        if isinstance(gate, _GateDef):
            self.check_arity(name, args, qubits, len(gate.params), len(gate.qargs), tok)
            # At top level the whole expansion is refused up front. Each call counts 1
            # and its body counts itself as it runs, which also bounds a library body
            # that uses a gate the program redefined.
            self.check_budget(name, gate.cost if depth == 0 else 1, tok)
            self.cost += 1
            self.expand(gate, args, qubits, depth)
            return
        n_args, n_qubits, fn = gate
        self.check_budget(name, _BUILTIN_COST[name], tok)
        self.cost += _BUILTIN_COST[name]
        self.check_arity(name, args, qubits, n_args, n_qubits, tok)
        for op in fn(*args, *qubits):
            self.emit(op, tok)

    def check_arity(self, name, args, qubits, n_args, n_qubits, tok) -> None:
        if len(args) != n_args:
            raise self.error(f"gate {name!r} takes {n_args} parameter(s), got {len(args)}", tok)
        if len(qubits) != n_qubits:
            raise self.error(f"gate {name!r} acts on {n_qubits} qubit(s), got {len(qubits)}", tok)

    def expand(self, gate: _GateDef, args, qubits, depth: int) -> None:
        sub = _Reader.__new__(_Reader)
        sub.__dict__.update(self.__dict__)  # shares gates, ops and measured state
        sub.toks, sub.pos = gate.body, 0
        env = dict(zip(gate.params, args, strict=True))
        qmap = dict(zip(gate.qargs, qubits, strict=True))
        while sub.peek().kind != "eof":
            tok = sub.peek()
            if tok.kind == "id" and tok.text == "barrier":
                sub.next()
                sub.body_operand(qmap)
                while sub.accept(","):
                    sub.body_operand(qmap)
                sub.expect(";")
                continue
            if tok.kind != "id" or tok.text in _NOT_IN_BODY:
                raise sub.error(f"{tok.text!r} is not allowed in a gate body", tok)
            sub.gate_call(env, qmap, depth + 1)
        self.cost = sub.cost

    def emit(self, op: _RawOp, tok) -> None:
        name, qubits, angle = op
        if self.measured.intersection(qubits):
            raise self.error(
                f"gate on qubit(s) {sorted(self.measured.intersection(qubits))} after they "
                "were measured: mid-circuit measurements cannot be represented "
                "(final measurements are ignored)",
                tok,
            )
        if angle is not None and not math.isfinite(angle):
            raise self.error(f"{name}: angle {angle} is not finite", tok)
        self.ops.append(op)


def _u(theta, phi, lam, q):
    """``U(θ,φ,λ) = P(φ)·Ry(θ)·P(λ)`` exactly (OpenQASM 2's U, global phase included)."""
    return [("phase", (q,), lam), ("ry", (q,), theta), ("phase", (q,), phi)]


def _fixed(name):
    return lambda *qs: [(name, tuple(qs), None)]


def _rot(name):
    return lambda theta, *qs: [(name, tuple(qs), theta)]


# QASM name -> revad name for revad's own gates: the registry's ``qasm`` names inverted,
# plus ``p`` (later qelib1's name for u1, the same diag(1, e^{iθ})) and ``CX`` (the
# builtin that exists without qelib1).
_ALIASES = {"p": "phase", "CX": "cnot"}
_DIRECT = from_peer("qasm", _ALIASES)

_BUILTINS = {
    # name: (number of parameters, number of qubits, fn(*params, *qubits) -> raw ops)
    "U": (3, 1, _u),
    "u": (3, 1, _u),
    "u3": (3, 1, _u),
    "u2": (2, 1, lambda phi, lam, q: _u(math.pi / 2, phi, lam, q)),
    "id": (0, 1, lambda q: []),
    "u0": (1, 1, lambda gamma, q: []),
    "sdg": (0, 1, lambda q: [("phase", (q,), -math.pi / 2)]),
    "tdg": (0, 1, lambda q: [("phase", (q,), -math.pi / 4)]),
    # SX = H·S·H exactly; SX† = H·S†·H.
    "sx": (0, 1, lambda q: [("h", (q,), None), ("s", (q,), None), ("h", (q,), None)]),
    "sxdg": (
        0,
        1,
        lambda q: [("h", (q,), None), ("phase", (q,), -math.pi / 2), ("h", (q,), None)],
    ),
    # revad's own gates, under their qelib1 names and aliases (see _DIRECT).
    **{
        qasm_name: (
            int(GATES[g].parametric),
            GATES[g].n_qubits,
            (_rot if GATES[g].parametric else _fixed)(g),
        )
        for qasm_name, g in _DIRECT.items()
    },
}


def from_qasm(text: str, *, trainable: bool = False):
    """An OpenQASM 2.0 program as a revad :class:`Circuit` (see the module docstring).

    Angles in QASM are numbers, so by default every gate has a fixed angle
    (``n_params == 0``). With ``trainable=True`` every parametric revad gate of the
    expanded circuit gets its own slot instead, and ``(circuit, theta)`` is returned,
    ``theta`` holding the angles from the file.
    """
    reader = _Reader(text)
    reader.program()
    circuit = Circuit(reader.n_qubits)
    theta = []
    for name, qubits, angle in reader.ops:
        if angle is None:
            circuit.add(name, qubits)
        elif trainable:
            circuit.add(name, qubits)
            theta.append(angle)
        else:
            circuit.add(name, qubits, angle=angle)
    if trainable:
        return circuit, np.array(theta, dtype=np.float64)
    return circuit


# Gate applications one call of a built-in counts: its revad gates, at least 1.
_BUILTIN_COST = {
    name: max(1, len(fn(*[0.0] * n_args, *range(n_qubits))))
    for name, (n_args, n_qubits, fn) in _BUILTINS.items()
}
_NOT_IN_BODY = frozenset("measure reset if gate opaque qreg creg include".split())

_QASM_NAMES = peer_names("qasm")  # revad name -> the name to_qasm writes
_LIBRARY_NAMES = frozenset(re.findall(r"gate (\w+)", _PRELUDE))


def _fmt(x: float) -> str:
    """Shortest round-trip repr, with the decimal point OpenQASM 2's grammar wants."""
    r = repr(float(x))
    mantissa, e, exponent = r.partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return mantissa + e + exponent


def to_qasm(circuit: Circuit, theta=None) -> str:
    """``circuit`` with parameters ``theta`` as an OpenQASM 2.0 program (one ``qreg q``).

    ``qasm2.loads`` in Qiskit reads it back to the same statevector (revad qubit ``k``
    is ``q[k]``, Qiskit's qubit ``k``).
    """
    from ..api import check_theta

    if not isinstance(circuit, Circuit):
        raise RevadError(f"to_qasm expects a revad Circuit, got {type(circuit).__name__}")
    theta = check_theta(circuit, theta)
    lines = ["OPENQASM 2.0;", 'include "qelib1.inc";']
    used = {op.name for op in circuit.ops}
    lines += [text for name, text in WRITER_DEFINITIONS.items() if name in used]
    lines.append(f"qreg q[{circuit.n_qubits}];")
    for op in circuit.ops:
        name = _QASM_NAMES.get(op.name)
        if name is None:
            raise RevadError(f"to_qasm: gate {op.name!r} has no OpenQASM 2 name")
        args = ",".join(f"q[{q}]" for q in op.qubits)
        if op.param is not None:
            lines.append(f"{name}({_fmt(theta[op.param])}) {args};")
        elif op.angle is not None:
            lines.append(f"{name}({_fmt(op.angle)}) {args};")
        else:
            lines.append(f"{name} {args};")
    return "\n".join(lines) + "\n"
