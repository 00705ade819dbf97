"""OpenQASM: the reader (Qiskit's parsers, revad's bounds) and revad's writer, checked
against Qiskit."""

import math
import time

import numpy as np
import pytest

import revad
import revad.interop
from revad.interop import from_qasm, to_qasm
from revad.interop.qasm import WRITER_DEFINITIONS

HEADER = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'
QASM3 = 'OPENQASM 3.0;\ninclude "stdgates.inc";\n'


def state(c, theta=None):
    return revad.statevector(c, theta, backend="numpy")


# ---- lazy imports ----------------------------------------------------------------------


def test_interop_imports_no_foreign_library():
    import subprocess
    import sys

    code = (
        "import sys, revad.interop; "
        "mods = ('qiskit', 'pennylane', 'openfermion', 'openqasm3', 'qiskit_qasm3_import'); "
        "print(sorted(m for m in mods if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("module", "call", "extra"),
    [
        ("qiskit", lambda: revad.interop.from_qiskit(None), "qiskit"),
        ("qiskit", lambda: revad.interop.from_qiskit_operator(None), "qiskit"),
        ("pennylane", lambda: revad.interop.from_pennylane(None), "pennylane"),
        ("openfermion", lambda: revad.interop.from_openfermion(None, 2), "openfermion"),
        ("qiskit", lambda: from_qasm(HEADER + "qreg q[1];\nh q[0];\n"), "qiskit"),
        ("qiskit", lambda: from_qasm(QASM3 + "qubit q;\nh q;\n"), "qiskit"),
        ("qiskit_qasm3_import", lambda: from_qasm(QASM3 + "qubit q;\nh q;\n"), "qasm"),
    ],
)
def test_missing_library_names_the_extra(monkeypatch, module, call, extra):
    import sys

    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail
    with pytest.raises(revad.RevadError, match=rf"needs {module}: pip install 'revad\[{extra}\]'"):
        call()


# ---- everything below reads with Qiskit ---------------------------------------------------

qiskit = pytest.importorskip("qiskit")

from qiskit import QuantumCircuit, qasm2  # noqa: E402
from qiskit.quantum_info import Statevector  # noqa: E402

# ---- reader ----------------------------------------------------------------------------


def test_angle_expressions():
    src = (
        HEADER
        + "qreg q[1];\n"
        + "".join(
            f"rz({e}) q[0];\n"
            for e in [
                "pi/2",
                "-pi",
                "2^3",
                "-2^2",
                "2^-1",
                "sin(pi/6)*2",
                "ln(exp(1.5))",
                "sqrt(4) - cos(0) + tan(0)",
                "1.5e-1",
                ".5",
                "1e-3",
                "(1 + 2) * 3 / 4",
                "+3",
            ]
        )
    )
    angles = [op.angle for op in from_qasm(src).ops]
    expected = [math.pi / 2, -math.pi, 8, -4, 0.5, 1, 1.5, 1, 0.15, 0.5, 1e-3, 2.25, 3]
    np.testing.assert_allclose(angles, expected, atol=1e-15, rtol=0)


def test_registers_flatten_in_order_and_broadcast():
    src = HEADER + "qreg a[2];\nqreg b[2];\ncreg c[2];\nx b[0];\nh a;\ncx a, b;\n"
    c = from_qasm(src)
    assert c.n_qubits == 4
    assert [(op.name, op.qubits) for op in c.ops] == [
        ("x", (2,)),
        ("h", (0,)),
        ("h", (1,)),
        ("cnot", (0, 2)),
        ("cnot", (1, 3)),
    ]


def test_gate_definitions_expand_with_parameters():
    src = HEADER + (
        "gate my(a, b) x, y { rx(a/2) x; barrier x, y; cx x, y; ry(b - a) y; }\n"
        "gate outer(t) p, q { my(t, 2*t) q, p; u1(t) p; }\n"
        "qreg q[2];\nouter(0.4) q[0], q[1];\n"
    )
    c = from_qasm(src)
    assert [(op.name, op.qubits, op.angle) for op in c.ops] == [
        ("rx", (1,), 0.2),
        ("cnot", (1, 0), None),
        ("ry", (0,), pytest.approx(0.4)),
        ("phase", (0,), 0.4),
    ]


def test_identity_gates_emit_nothing():
    src = HEADER + "qreg q[1];\nid q[0];\nu0(0.3) q[0];\nU(0,0,0) q[0];\n"
    assert [op.name for op in from_qasm(src).ops] == ["phase", "ry", "phase"]  # U only


def test_final_measurements_and_barriers_are_ignored():
    src = HEADER + "qreg q[2];\ncreg c[2];\nh q[0];\nbarrier q;\nmeasure q -> c;\n"
    assert [op.name for op in from_qasm(src).ops] == ["h"]
    src = HEADER + "qreg q[2];\ncreg c[1];\nmeasure q[0] -> c[0];\nx q[1];\n"
    assert [op.name for op in from_qasm(src).ops] == ["x"]


def test_trainable_mode_returns_slots_and_values():
    src = HEADER + "qreg q[2];\nrx(0.1) q[0];\ncx q[0], q[1];\nrzz(-0.3) q[0], q[1];\n"
    c, theta = from_qasm(src, trainable=True)
    assert c.n_params == 2
    np.testing.assert_array_equal(theta, [0.1, -0.3])
    h = revad.Hamiltonian([(1.0, [("X", 0)]), (0.5, [("Z", 0), ("Z", 1)])])
    e, g = revad.value_and_grad(c, h, theta, backend="numpy")
    fixed = from_qasm(src)
    assert fixed.n_params == 0
    np.testing.assert_allclose(e, revad.expectation(fixed, h, backend="numpy"), atol=1e-12, rtol=0)
    assert g.shape == (2,)


def test_trainable_mode_keeps_the_global_phase_fixed():
    """sx is sdg·h·sdg with global phase π/4 in Qiskit: the sdg angles become slots, the
    final phase pair that restores e^{iπ/4} does not."""
    src = HEADER + "qreg q[1];\nsx q[0];\nrx(0.3) q[0];\n"
    c, theta = from_qasm(src, trainable=True)
    np.testing.assert_allclose(theta, [-math.pi / 2, -math.pi / 2, 0.3], rtol=0, atol=0)
    assert [(op.name, op.param is None) for op in c.ops[-2:]] == [("phase", True), ("rz", True)]
    expected = Statevector(
        qasm2.loads(src, custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
    ).data
    np.testing.assert_allclose(state(c, theta), expected, atol=1e-12, rtol=0)
    np.testing.assert_allclose(state(from_qasm(src)), expected, atol=1e-12, rtol=0)


# Every gate the reader knows: (number of parameters, number of qubits).
ALL_GATES = {
    **dict.fromkeys(["x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "sxdg", "id"], (0, 1)),
    **dict.fromkeys(["rx", "ry", "rz", "u1", "p"], (1, 1)),
    "u2": (2, 1),
    **dict.fromkeys(["u3", "u"], (3, 1)),
    **dict.fromkeys(["cx", "cz", "cy", "ch", "swap", "csx"], (0, 2)),
    **dict.fromkeys(["crx", "cry", "crz", "cu1", "cp", "rxx", "rzz"], (1, 2)),
    "cu3": (3, 2),
    "cu": (4, 2),
    **dict.fromkeys(["ccx", "cswap", "rccx"], (0, 3)),
    **dict.fromkeys(["rc3x", "c3x", "c3sqrtx"], (0, 4)),
    "c4x": (0, 5),
}


def random_prep(rng, n):
    """A generic state to apply the gate under test to."""
    return "".join(
        f"ry({rng.uniform(0, 3):.6f}) q[{i}];\nrz({rng.uniform(0, 3):.6f}) q[{i}];\n"
        for i in range(n)
    ) + "".join(f"cx q[{i}],q[{i + 1}];\n" for i in range(n - 1))


@pytest.mark.parametrize("gate", sorted(ALL_GATES))
def test_every_gate_is_exact_against_qiskit(gate):
    """Global phase included: revad's expansion equals Qiskit's gate class."""
    rng = np.random.default_rng(sorted(ALL_GATES).index(gate))
    n_par, n_q = ALL_GATES[gate]
    n = max(n_q, 2)
    args = "(" + ",".join(f"{rng.uniform(-3, 3):.6f}" for _ in range(n_par)) + ")"
    qubits = ",".join(f"q[{int(i)}]" for i in rng.permutation(n)[:n_q])
    src = (
        HEADER
        + f"qreg q[{n}];\n"
        + random_prep(rng, n)
        + f"{gate}{args if n_par else ''} {qubits};\n"
    )
    qc = qasm2.loads(src, custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
    np.testing.assert_allclose(state(from_qasm(src)), Statevector(qc).data, atol=1e-12, rtol=0)


def random_qiskit_circuit(rng, n, n_gates):
    one = ["x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "sxdg"]
    one_rot = ["rx", "ry", "rz", "p"]
    two = ["cx", "cz", "cy", "ch", "swap"]
    two_rot = ["crx", "cry", "crz", "cp", "rxx", "ryy", "rzz"]
    qc = QuantumCircuit(n)
    for _ in range(n_gates):
        kind = int(rng.integers(6))
        q = [int(i) for i in rng.permutation(n)]
        angle = float(rng.uniform(-math.pi, math.pi))
        if kind == 0:
            getattr(qc, str(rng.choice(one)))(q[0])
        elif kind == 1:
            getattr(qc, str(rng.choice(one_rot)))(angle, q[0])
        elif kind == 2:
            getattr(qc, str(rng.choice(two)))(q[0], q[1])
        elif kind == 3:
            getattr(qc, str(rng.choice(two_rot)))(angle, q[0], q[1])
        elif kind == 4:
            qc.u(angle, *rng.uniform(-3, 3, 2), q[0])
        elif n >= 3:
            getattr(qc, str(rng.choice(["ccx", "cswap"])))(q[0], q[1], q[2])
    return qc


@pytest.mark.parametrize("seed", range(4))
def test_from_qasm_of_qiskit_dumps_reproduces_qiskit_statevector(seed):
    """Parametrized Qiskit circuit, bound, dumped by qasm2.dumps (which defines ryy with
    sx/sxdg and uses p, u, cp, ... undefined): the statevector matches exactly."""
    from qiskit.circuit import ParameterVector

    rng = np.random.default_rng(seed)
    n = 3 + seed % 2
    qc = random_qiskit_circuit(rng, n, 25)
    v = ParameterVector("v", 3)
    qc.rx(v[0], 0)
    qc.ryy(v[1], 0, 1)
    qc.crz(v[2], 1, 0)
    bound = qc.assign_parameters(rng.uniform(-3, 3, 3))
    assert bound.global_phase == 0
    c = from_qasm(qasm2.dumps(bound))
    np.testing.assert_allclose(state(c), Statevector(bound).data, atol=1e-10, rtol=0)


def random_revad_circuit(rng, n, n_gates):
    c = revad.Circuit(n)
    fixed1, rot1 = ["x", "y", "z", "h", "s", "t"], ["rx", "ry", "rz", "phase"]
    fixed2, rot2 = ["cnot", "cz", "swap"], ["crx", "cry", "crz", "rxx", "ryy", "rzz"]
    for _ in range(n_gates):
        kind = int(rng.integers(4))
        q = tuple(int(i) for i in rng.permutation(n)[: 1 + kind // 2])
        name = str(rng.choice([fixed1, rot1, fixed2, rot2][kind]))
        if kind in (0, 2):
            c.add(name, q)
        elif rng.random() < 0.3:
            c.add(name, q, angle=float(rng.uniform(-3, 3)))
        elif rng.random() < 0.3 and c.n_params:
            c.add(name, q, param=int(rng.integers(c.n_params)))
        else:
            c.add(name, q)
    return c


@pytest.mark.parametrize("seed", range(4))
def test_qiskit_loads_to_qasm_reproduces_revad_statevector(seed):
    rng = np.random.default_rng(100 + seed)
    n = 2 + seed % 3
    c = random_revad_circuit(rng, n, 30)
    theta = rng.uniform(-math.pi, math.pi, c.n_params)
    text = to_qasm(c, theta)
    psi = state(c, theta)
    strict = qasm2.loads(text)  # only the original qelib1: the writer defines the rest
    np.testing.assert_allclose(Statevector(strict).data, psi, atol=1e-10, rtol=0)
    legacy = qasm2.loads(text, custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
    np.testing.assert_allclose(Statevector(legacy).data, psi, atol=1e-10, rtol=0)
    # and back through revad's own reader
    np.testing.assert_allclose(state(from_qasm(text)), psi, atol=1e-12, rtol=0)


def test_writer_definitions_are_exact():
    """Each gate the writer defines equals revad's gate (matrix, global phase included),
    on its qubits in a non-trivial order."""
    from qiskit.quantum_info import Operator

    from revad.ir.gates import GATES

    for name in WRITER_DEFINITIONS:
        gate = GATES[name]
        c = revad.Circuit(gate.n_qubits)
        kwargs = {"angle": 0.731} if gate.parametric else {}
        c.add(name, tuple(range(gate.n_qubits))[::-1], **kwargs)
        op = Operator(qasm2.loads(to_qasm(c))).data
        cols = [state(_basis_prep(c, k)) for k in range(2**c.n_qubits)]
        np.testing.assert_allclose(op, np.array(cols).T, atol=1e-12, rtol=0)


def _basis_prep(c, k):
    """|k⟩ followed by the gates of c."""
    out = revad.Circuit(c.n_qubits)
    for q in range(c.n_qubits):
        if k >> q & 1:
            out.x(q)
    for op in c.ops:
        out.add(op.name, op.qubits, angle=op.angle, data=op.data)
    return out


def test_to_qasm_angles_round_trip_exactly():
    c = revad.Circuit(1)
    for a in (1e-20, -3.0, 2.5e17, math.pi, 0.1 + 0.2):
        c.rz(0, angle=a)
    i = c.rx(0)
    text = to_qasm(c, [1e-5])
    assert "rx(1.0e-05)" in text
    back = from_qasm(text)
    assert [op.angle for op in back.ops] == [op.angle for op in c.ops[:-1]] + [1e-5]
    qasm2.loads(text)  # Qiskit accepts the number format
    assert i == 0


# ---- OpenQASM 3 -------------------------------------------------------------------------


def test_qasm3_program_matches_qiskit_qasm3_loads():
    """Definitions, modifiers, gphase and U: exact against Qiskit, global phase included."""
    qasm3 = pytest.importorskip("qiskit.qasm3")
    pytest.importorskip("qiskit_qasm3_import")
    src = QASM3 + (
        "// a comment\nqubit[3] q;\nbit[3] c;\n"
        "gate g(t) a, b { rx(t) a; cx a, b; sx b; }\n"
        "gphase(0.3);\nh q[0];\ng(0.4) q[0], q[1];\nctrl @ sx q[1], q[2];\n"
        "inv @ g(0.2) q[2], q[0];\nU(0.1, 0.2, 0.3) q[1];\nccx q[0], q[1], q[2];\n"
        "cp(0.7) q[2], q[0];\ncrx(0.5) q[0], q[2];\nc = measure q;\n"
    )
    c = from_qasm(src)
    reference = qasm3.loads(src).remove_final_measurements(inplace=False)
    np.testing.assert_allclose(state(c), Statevector(reference).data, atol=1e-12, rtol=0)
    c, theta = from_qasm(
        '/* block */ OPENQASM 3;\ninclude "stdgates.inc";\nqubit q;\nrx(0.25) q;\n', trainable=True
    )
    assert (c.n_params, list(theta)) == (1, [0.25])


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("qubit[31] q;", "31 qubits declared in all; the limit is 30"),
        ("qreg a[20];\nqubit[20] b;", "40 qubits declared in all"),
        ("qubit q;\nbit[2000000] c;", "2,000,000 classical bits declared in all"),
        ("qubit q;\nfoo q;", "line 4, column 1: gate 'foo' is not defined"),
        ("qubit q;\nreset q;", "reset"),
        ("qubit q;\nbit c;\nc = measure q;\nx q;", "mid-circuit"),
        ("qubit q;\nbit c;\nc = measure q;\nif (c) x q;", "classical control"),
        ("qubit[2] q\nx q;", "line 4, column 1: syntax error at 'x'"),
        ("qubit[2] q;\nfor int i in [0:1] { x q[i]; }", "Qiskit's reader failed"),
    ],
)
def test_qasm3_errors(body, match):
    pytest.importorskip("qiskit_qasm3_import")
    with pytest.raises(revad.RevadError, match=match):
        from_qasm(QASM3 + body + "\n")


def test_qasm3_exponential_definitions_are_refused_before_qiskit_imports_them():
    """qiskit_qasm3_import copies each definition into its calls: 2^40 copies, were it
    let run. revad refuses the definition that passes the limit, from the syntax tree."""
    pytest.importorskip("qiskit_qasm3_import")
    defs = "gate g0 a { x a; }\n" + "".join(
        f"gate g{i} a {{ g{i - 1} a; g{i - 1} a; }}\n" for i in range(1, 41)
    )
    start = time.perf_counter()
    with pytest.raises(revad.RevadError, match=r"line 25: .*'g22'.*10,000,000 gate"):
        from_qasm(QASM3 + defs + "qubit q;\ng40 q;\n")
    assert time.perf_counter() - start < 2.0  # the ANTLR parse of 1.3 KB takes most of it
    with pytest.raises(revad.RevadError, match="nested 65 deep; the limit is 64"):
        from_qasm(
            QASM3
            + "".join(f"gate h{i} a {{ {'x' if i == 0 else f'h{i - 1}'} a; }}\n" for i in range(65))
            + "qubit q;\n"
        )


def test_qasm3_text_size_is_bounded():
    from revad.interop.qasm import MAX_QASM3_CHARS

    start = time.perf_counter()
    with pytest.raises(revad.RevadError, match="OpenQASM 3 program has .* the limit is 1,048,576"):
        from_qasm(QASM3 + "qubit q;\n" + " " * MAX_QASM3_CHARS)
    assert time.perf_counter() - start < 0.5


# ---- errors ------------------------------------------------------------------------------

# Qiskit's parse errors, with their position (1-based here).
PARSE_ERRORS = [
    ("qreg q[1];", "line 1: a program must start with 'OPENQASM 2.0;'"),
    (HEADER + "qreg q[1];\nfoo q[0];", "line 4, column 1: 'foo' is not defined"),
    ("OPENQASM 2.0;\nqreg q[1];\nh q[0];", "line 3, column 1: .*'h' before definition"),
    (HEADER + "gate h a { x a; }\nqreg q[1];", "'h' is already defined"),
    (HEADER + "qreg q[2];\ncx q[0];", "'cx' takes 2 quantum arguments, but got 1"),
    (HEADER + "qreg q[2];\ncx q[0], q[0];", "duplicate qubits"),
    (HEADER + "qreg q[1];\nx q[1];", "line 4, column 5: index 1 is out-of-range"),
    (HEADER + "qreg q[1];\nrx(1/0) q[0];", "cannot divide by zero"),
    (HEADER + "qreg q[1];\nrx(theta) q[0];", "'theta' is not a parameter"),
    (HEADER + "qreg q[1];\nrx(__import__) q[0];", "encountered '_'"),
    (HEADER + "qreg q[1];\nrx(ln(-1)) q[0];", "cannot take ln of non-positive"),
    (HEADER + "qreg q[1];\nx q[0] @;", "line 4, column 8: encountered '@'"),
    (HEADER + 'include "other.inc";', "unable to find 'other.inc'"),
    (HEADER + 'include "/etc/passwd";', "unable to find '/etc/passwd'"),
    (HEADER + "qreg a[2];\nqreg b[3];\ncx a, b;", "cannot resolve broadcast"),
    (HEADER + "qreg q[1];\nqreg q[2];", "'q' is already defined"),
    (HEADER + "gate g a { measure a -> c; }\nqreg q[1];\ng q[0];", "only gate applications"),
    (HEADER + "qreg q[1];\nx r[0];", "'r' is not defined"),
    (HEADER + "qreg q[1];\nrx(0.1 q[0];", "needed '\\)'"),
    # gate bodies use only gates defined before them (no recursion either)
    (HEADER + "gate a x { b x; }\ngate b x { h x; }\nqreg q[1];\na q[0];", "'b' is not defined"),
    (HEADER + "gate a x { a x; }\nqreg q[1];\na q[0];", "'a' is not defined"),
]
# Found in the parsed circuit: no line, the instruction instead.
CIRCUIT_ERRORS = [
    ("OPENQASM 4.0;\nqreg q[1];", "only OpenQASM 2.0 and 3 are supported, got '4.0'"),
    (HEADER + "qreg q[1];\ncreg c[1];\nmeasure q[0] -> c[0];\nh q[0];", "1 .'h'. .*mid-circuit"),
    (HEADER + "qreg q[1];\nreset q[0];", "reset"),
    (HEADER + "qreg q[1];\ncreg c[1];\nif (c==1) x q[0];", "classical control"),
    (HEADER + "opaque g q;\nqreg q[1];\ng q[0];", "'g'.*opaque"),
    (HEADER + "qreg q[1];\nrx q[0];", "Qiskit's reader failed .*theta"),
    (HEADER + "creg c[1];", "declares no qubits"),
    (HEADER + "qreg q[1];\nrx(2^10000) q[0];", "angle must be finite"),
]


@pytest.mark.parametrize(("src", "match"), PARSE_ERRORS + CIRCUIT_ERRORS)
def test_reader_errors_name_the_problem(src, match):
    with pytest.raises(revad.RevadError, match=match) as info:
        from_qasm(src)
    assert str(info.value).startswith(
        "from_qasm: " + ("line" if (src, match) in PARSE_ERRORS else "")
    )


def test_writer_errors():
    with pytest.raises(revad.RevadError, match="Circuit"):
        to_qasm("not a circuit")
    c = revad.Circuit(1)
    c.rx(0)
    with pytest.raises(revad.RevadError, match="theta"):
        to_qasm(c, [1.0, 2.0])
    with pytest.raises(revad.RevadError, match="str"):
        from_qasm(b"OPENQASM 2.0;")


# ---- bounds (issue 11): refused up front, with a clear error ------------------------------


def doubling_macros(base_body: str, k: int) -> str:
    """``g0`` is ``base_body``, ``gK`` calls ``gK-1`` twice: ``g{k}`` is 2^k copies."""
    defs = f"gate g0 a {{ {base_body} }}\n" + "".join(
        f"gate g{i} a {{ g{i - 1} a; g{i - 1} a; }}\n" for i in range(1, k + 1)
    )
    return HEADER + defs + f"qreg q[1];\ng{k} q[0];\n"


@pytest.mark.parametrize("base_body", ["x a;", "", "id a; barrier a;"])
def test_exponential_macro_expansion_is_refused_in_constant_time(base_body):
    src = doubling_macros(base_body, 40)  # 1.2 KB of text, 2^40 gate applications
    start = time.perf_counter()
    with pytest.raises(revad.RevadError, match="expansion is too large.*10,000,000") as info:
        from_qasm(src)
    assert time.perf_counter() - start < 0.5
    assert "instruction 0 ('g40') expands to more than 10,000,000" in str(info.value)


def test_gate_budget_counts_every_application(monkeypatch):
    monkeypatch.setattr(revad.interop.qasm, "MAX_GATES", 8)
    assert len(from_qasm(HEADER + "qreg q[1];\n" + "x q[0];\n" * 8).ops) == 8
    with pytest.raises(revad.RevadError, match="expansion is too large"):
        from_qasm(HEADER + "qreg q[1];\n" + "x q[0];\n" * 9)
    assert len(from_qasm(doubling_macros("x a;", 1)).ops) == 2  # g1, 2 g0, 2 x: 5
    with pytest.raises(revad.RevadError, match="'g3'.? expands to more than 8 gate"):
        from_qasm(doubling_macros("x a;", 3))  # g3, 2 g2, 4 g1, 8 g0, 8 x: 23


def test_gate_budget_counts_qiskit_library_definitions(monkeypatch):
    """c3sqrtx (Qiskit's C3SXGate) is expanded through Qiskit's definitions: every call
    counts, so the budget must exceed the number of revad gates it becomes."""
    src = HEADER + "qreg q[4];\nc3sqrtx q[0], q[1], q[2], q[3];\n"
    n = len(from_qasm(src).ops)
    monkeypatch.setattr(revad.interop.qasm, "MAX_GATES", n)
    with pytest.raises(
        revad.RevadError, match=rf"'c3sx'.? expands to more than {n} gate applications"
    ):
        from_qasm(src)


def test_later_qelib1_gates_are_qiskits_even_if_the_program_defines_them():
    """Qiskit's qasm2.dumps defines some (ryy, ...); its own gate class is used."""
    src = HEADER + "gate p(l) a { x a; }\ngate ryy(t) a,b { x a; }\nqreg q[2];\n"
    c = from_qasm(src + "p(0.1) q[0];\nryy(0.2) q[0], q[1];\n")
    assert [(op.name, op.angle) for op in c.ops] == [("phase", 0.1), ("ryy", 0.2)]


@pytest.mark.parametrize(
    ("decl", "match"),
    [
        (
            "qreg q[1000000000000];",
            r"q\[1000000000000\] makes 1,000,000,000,000 qubits.*at most 30",
        ),
        ("qreg q[31];", "makes 31 qubits in all; revad simulates at most 30"),
        ("qreg a[20];\nqreg b[20];", r"b\[20\] makes 40 qubits in all"),
        ("qreg q[1];\ncreg c[1000000000000];", "classical bits in all; the limit is 1,000,000"),
        ("qreg q[" + "9" * 5000 + "];", "integer 9+... is too large"),
        ("// qreg r[1];\nqreg q[1];\nqreg\nr\n[ 30 ];", r"line 5: qreg r\[30\] makes 31 qubits"),
    ],
)
def test_register_sizes_are_bounded_before_allocating(decl, match):
    """Qiskit allocates every bit (qreg q[10**8] takes it minutes and 18 GB): the
    declarations are read before it parses."""
    start = time.perf_counter()
    with pytest.raises(revad.RevadError, match=match) as info:
        from_qasm(HEADER + decl + "\nh q;\nmeasure q -> c;\n")
    assert time.perf_counter() - start < 0.5
    assert "from_qasm: line" in str(info.value)
    assert from_qasm(HEADER + "qreg a[10];\nqreg b[20];\ncreg c[1000000];\n").n_qubits == 30


def test_broadcasts_are_bounded_before_parsing():
    """``x q;`` on a 30-qubit register is 30 gates for 5 characters: 8 MB would make Qiskit
    build 50 million instructions. Statements and whole-register operands bound it."""
    start = time.perf_counter()
    with pytest.raises(revad.RevadError, match="may apply up to 12,400,003 gates"):
        from_qasm(HEADER + "qreg q[30];\n" + "x q;\n" * 400_000)
    assert time.perf_counter() - start < 1.0
    c = from_qasm(HEADER + "qreg q[30];\n" + "x q[0];\n" * 1000 + "h q;\n")
    assert len(c.ops) == 1030


@pytest.mark.parametrize(
    ("angle", "value"),
    [
        ("(" * 5000 + "1" + ")" * 5000, 1.0),
        ("-" * 5000 + "1", 1.0),
        ("sin(" * 100 + "1" + ")" * 100, None),
    ],
)
def test_deep_expressions_are_evaluated_by_qiskit(angle, value):
    """Qiskit's parser (Rust) has no recursion limit to guard: nesting is not bounded
    (it reads 4 million parentheses, the text limit's worth, in about a second)."""
    (op,) = from_qasm(HEADER + f"qreg q[1];\nrx({angle}) q[0];\n").ops
    expected = value if value is not None else 1.0
    if value is None:
        for _ in range(100):
            expected = math.sin(expected)
    assert op.angle == pytest.approx(expected, rel=1e-12)


def test_deepest_allowed_nesting():
    """99 parentheses inside 64 nested definitions; one level more is refused."""
    defs = (
        "gate g0(t) a { rx("
        + "(" * 99
        + "t"
        + ")" * 99
        + ") a; }\n"
        + "".join(f"gate g{i}(t) a {{ g{i - 1}(t) a; }}\n" for i in range(1, 64))
    )
    c = from_qasm(HEADER + defs + "qreg q[1];\ng63(0.5) q[0];\n")
    assert [(op.name, op.angle) for op in c.ops] == [("rx", 0.5)]
    with pytest.raises(revad.RevadError, match="nested 65 deep; the limit is 64"):
        from_qasm(HEADER + defs + "gate g64 a { g63(1) a; }\nqreg q[1];\ng64 q[0];\n")


def test_program_text_size_is_bounded():
    from revad.interop.qasm import MAX_TEXT_CHARS

    start = time.perf_counter()
    with pytest.raises(revad.RevadError, match="characters; the limit is 8,388,608"):
        from_qasm(HEADER + "qreg q[1];\n" + " " * MAX_TEXT_CHARS)
    assert time.perf_counter() - start < 0.5
