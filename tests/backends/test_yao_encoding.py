"""The Yao backend's Python side, without Julia.

- The encoding of circuits and Hamiltonians into arrays: every gate (the registry and the
  ``pauli_rot``, ``mcx`` and ``unitary`` families), the qubit shift to Yao's 1-based
  order, Pauli letters, unitary matrices in Yao's order, parameter slots, fixed angles,
  Yao's parameter order and the mapping of Yao's gradient back to revad's slots; the
  encoding decodes back to the same circuit; unsupported gates are refused.
- A NumPy model of the Yao blocks that ``RevadYao.gate_block`` builds (each written from
  the matrix formulas in Yao 0.9's docstrings: ``put``, ``control`` with inverse controls,
  ``chain``, ``kron``, ``rot``, ``shift``, ``matblock``), run on the encoded arrays and
  checked against revad's own matrices and its NumPy backend: statevectors, energies, and
  gradients taken in Yao's parameter order then scattered.
- The Julia sources and package metadata agree with the Python tables.
- (Without Julia, every entry point fails at once with a clear message: see
  ``test_julia_runtime.py``.)
- The bridge up to the call into Julia: a NumPy stand-in with the Julia functions'
  signatures (parsed from the source) decodes the arrays and answers with revad's NumPy
  backend.

The same checks against real Yao live in ``test_yao_backend.py`` (marked ``julia``).
"""

from __future__ import annotations

import json
import re
import sys
from functools import reduce
from pathlib import Path

import numpy as np
import pytest

import revad
from revad.backends import yao_backend, yao_encoding
from revad.backends.yao_encoding import (
    FAMILY_YAO_BLOCKS,
    GATE_CODES,
    PAULI_CODES,
    YAO_BLOCKS,
    YAO_FAMILIES,
    encode_circuit,
    encode_hamiltonian,
    revad_unitary,
    scatter_gradient,
    yao_unitary,
)
from revad.ir.gates import FAMILIES, GATES, UNITARY_MAX_QUBITS
from tests.reference import embed, mixed_circuit, random_unitary

ROOT = Path(__file__).resolve().parents[2]
JULIA_DIR = ROOT / "julia"
JULIA_SRC = (JULIA_DIR / "src" / "RevadYao.jl").read_text(encoding="utf-8")
YAO_UUID = "5872b779-8223-5990-8dd0-5abbb0748c8c"

TWO_QUBIT = [name for name, g in GATES.items() if g.n_qubits == 2]
ALL_BLOCKS = {**YAO_BLOCKS, **FAMILY_YAO_BLOCKS}


# --------------------------------------------------------------------------------------
# A NumPy model of Yao's blocks (Yao qubits are 1-based; qubit 1 = least significant bit)
# --------------------------------------------------------------------------------------

I2 = np.eye(2, dtype=complex)
X = np.array([[0, 1], [1, 0]], dtype=complex)
Y = np.array([[0, -1j], [1j, 0]], dtype=complex)
Z = np.diag([1, -1]).astype(complex)
H = np.array([[1, 1], [1, -1]], dtype=complex) / np.sqrt(2)
S = np.diag([1, 1j])  # ConstGate.S
T = np.diag([1, np.exp(1j * np.pi / 4)])  # ConstGate.T
P0 = np.diag([1, 0]).astype(complex)
P1 = np.diag([0, 1]).astype(complex)
SWAP = np.eye(4, dtype=complex)[[0, 2, 1, 3]]  # PermMatrix([1, 3, 2, 4])


def yao_kron(*blocks):
    """Yao's ``kron(A, B, ...)``: ``A`` on local qubit 1, the least significant one."""
    return reduce(np.kron, reversed(blocks))


def rot(g, theta):
    """Yao's ``rot(G, θ) = cos(θ/2) I - i sin(θ/2) G`` (``RotationGate`` requires G² = I)."""
    assert np.allclose(g @ g, np.eye(len(g))), "Yao's RotationGate refuses a non-reflexive G"
    return np.cos(theta / 2) * np.eye(len(g)) - 1j * np.sin(theta / 2) * g


def shift(theta):
    return np.diag([1, np.exp(1j * theta)])


def put(n, locs, g):
    """Yao's ``put(n, locs => G)``: local qubit ``k`` of ``G`` on Yao qubit ``locs[k]``.

    For one qubit this is Yao's ``I^{⊗n-i} ⊗ G ⊗ I^{⊗i-1}``; for several, the docstring's
    ``put(4, (1, 3) => kron(X, Y))`` puts ``X`` (local qubit 1) on 1 and ``Y`` on 3.
    """
    locs = (locs,) if isinstance(locs, int) else tuple(locs)
    assert len(set(locs)) == len(locs) and len(g) == 2 ** len(locs)
    dim = 2**n
    out = np.zeros((dim, dim), dtype=complex)
    mask = sum(1 << (q - 1) for q in locs)

    def local(x):
        return sum(((x >> (q - 1)) & 1) << k for k, q in enumerate(locs))

    for x in range(dim):
        for y in range(dim):
            if x & ~mask == y & ~mask:
                out[x, y] = g[local(x), local(y)]
    return out


def control(n, ctrls, target):
    """Yao's ``control(n, ctrls, locs => G)``: ``G`` on ``locs`` where every control ``c``
    is 1 (a negative ``-c``: where qubit ``c`` is 0), the identity elsewhere. One control:
    ``P0_c ⊗ I + P1_c ⊗ G_t``."""
    ctrls = (ctrls,) if isinstance(ctrls, int) else tuple(ctrls)
    locs, g = target
    proj = np.eye(2**n, dtype=complex)
    for c in ctrls:
        proj = proj @ put(n, abs(c), P1 if c > 0 else P0)
    return np.eye(2**n) - proj + proj @ put(n, locs, g)


def chain(*blocks):
    """Yao's ``chain(G₁, G₂, …, G_m) = G_m ⋯ G₂ G₁``."""
    return reduce(lambda acc, b: b @ acc, blocks)


def cnot(n, c, t):
    return control(n, c, (t, X))


def fanout(n, a, targets):
    """RevadYao's ``fanout(n, a, targets)``: CNOTs from ``a`` onto each target."""
    return chain(*[cnot(n, a, t) for t in targets])


def pauli_rotation(n, locs, letters, theta):
    """RevadYao's ``pauli_rotation``: ``put(n, sorted_locs => rot(kron(P...), θ))``."""
    order = sorted(range(len(locs)), key=lambda k: locs[k])
    word = yao_kron(*[PAULI_OF_CODE[letters[k]] for k in order])
    return put(n, [locs[k] for k in order], rot(word, theta))


PAULI_OF_CODE = {code: {"X": X, "Y": Y, "Z": Z}[label] for label, code in PAULI_CODES.items()}
LETTER_OF_CODE = {code: label for label, code in PAULI_CODES.items()}
NAME_OF_CODE = {code: name for name, code in GATE_CODES.items()}


def model_block(n, name, locs, letters, matrix, theta):
    """The block of ``ALL_BLOCKS[name]`` (``RevadYao.gate_block``), as a matrix.

    ``locs``: the gate's Yao qubits (revad's order); ``letters``: their Pauli codes
    (``pauli_rot``); ``matrix``: a unitary's matrix as encoded (Yao order, sorted locs).
    """
    a, b, c, d = (*locs, 0, 0, 0)[:4]
    lo, hi = min(a, b), max(a, b)
    blocks = {
        "x": lambda: put(n, a, X),
        "y": lambda: put(n, a, Y),
        "z": lambda: put(n, a, Z),
        "h": lambda: put(n, a, H),
        "s": lambda: put(n, a, S),
        "t": lambda: put(n, a, T),
        "rx": lambda: put(n, a, rot(X, theta)),
        "ry": lambda: put(n, a, rot(Y, theta)),
        "rz": lambda: put(n, a, rot(Z, theta)),
        "phase": lambda: put(n, a, shift(theta)),
        "cnot": lambda: control(n, a, (b, X)),
        "cz": lambda: control(n, a, (b, Z)),
        "swap": lambda: put(n, (lo, hi), SWAP),
        "crx": lambda: control(n, a, (b, rot(X, theta))),
        "cry": lambda: control(n, a, (b, rot(Y, theta))),
        "crz": lambda: control(n, a, (b, rot(Z, theta))),
        "rxx": lambda: put(n, (lo, hi), rot(yao_kron(X, X), theta)),
        "ryy": lambda: put(n, (lo, hi), rot(yao_kron(Y, Y), theta)),
        "rzz": lambda: put(n, (lo, hi), rot(yao_kron(Z, Z), theta)),
        "cphase": lambda: control(n, a, (b, shift(theta))),
        "single_excitation": lambda: chain(
            cnot(n, a, b), control(n, b, (a, rot(Y, theta))), cnot(n, a, b)
        ),
        "double_excitation": lambda: chain(
            fanout(n, a, (b, c, d)),
            control(n, (-b, c, d), (a, rot(Y, theta))),
            fanout(n, a, (b, c, d)),
        ),
        "ccx": lambda: control(n, (a, b), (c, X)),
        "pauli_rot": lambda: pauli_rotation(n, locs, letters, theta),
        "mcx": lambda: control(n, tuple(locs[:-1]), (locs[-1], X)),
        "unitary": lambda: put(n, sorted(locs), matrix),
    }
    assert set(blocks) == set(ALL_BLOCKS)
    return blocks[name]()


def _gate_arrays(enc):
    """Per gate of an encoding: (name, locs, letters, matrix as encoded, slot, angle)."""
    k = offset = 0
    out = []
    for code, r, slot, angle in zip(enc.codes, enc.arity, enc.slots, enc.angles, strict=True):
        r = int(r)
        locs = [int(q) for q in enc.locs[k : k + r]]
        letters = [int(x) for x in enc.letters[k : k + r]]
        k += r
        name = NAME_OF_CODE[int(code)]
        matrix = None
        if name == "unitary":
            size = 2 * 4**r
            entries = np.ascontiguousarray(enc.matrices[offset : offset + size])
            matrix = entries.view(np.complex128).reshape(2**r, 2**r, order="F")
            offset += size
        out.append((name, locs, letters, matrix, int(slot), float(angle)))
    assert k == len(enc.locs) == len(enc.letters) and offset == len(enc.matrices)
    return out


def model_chain(enc, yao_params):
    """Yao's ``chain`` of the encoded gates; trainable gate k takes ``yao_params[k]``."""
    u = np.eye(2**enc.n_qubits, dtype=complex)
    k = 0
    for name, locs, letters, matrix, slot, angle in _gate_arrays(enc):
        if slot > 0:
            theta, k = yao_params[k], k + 1
        else:
            theta = angle
        u = model_block(enc.n_qubits, name, locs, letters, matrix, theta) @ u
    assert k == len(yao_params)
    return u


def model_hamiltonian(enc_h, n):
    """``Σ_t c_t kron(n, q => P, ...)`` (an empty term is ``c_t * igate(n)``)."""
    out = np.zeros((2**n, 2**n), dtype=complex)
    for t, c in enumerate(enc_h.coeffs, start=1):
        term = np.eye(2**n, dtype=complex)
        for tt, p, q in zip(enc_h.term, enc_h.pauli, enc_h.qubit, strict=True):
            if tt == t:
                term = term @ put(n, int(q), PAULI_OF_CODE[int(p)])
        out += c * term
    return out


def revad_full_matrix(n, op, theta):
    """revad's matrix of one gate use (families included), from its local matrix."""
    return embed(op.gate.matrix(theta), op.qubits, n)


def mixed_hamiltonian(n=3) -> revad.Hamiltonian:
    terms = [
        (0.5, [("Z", 0), ("Z", 1)]),
        (-1.0, [("X", 2)]),
        (0.3, [("Y", 1), ("X", 0), ("Z", 2)]),
        (0.7, []),
        (0.2, [("I", 1), ("Y", 2)]),
    ]
    if n > 3:
        terms.append((0.4, [("X", 3), ("Z", 1)]))
    return revad.Hamiltonian(terms, n_qubits=n)


# --------------------------------------------------------------------------------------
# Gate uses: every gate and family, in several qubit orders (revad qubits, 4 qubits)
# --------------------------------------------------------------------------------------

PATTERNS = ((0, 1, 2, 3), (2, 0, 3, 1), (1, 3, 0, 2), (3, 2, 1, 0))
"""Sorted, swapped pairs, 3- and 4-cycles (as permutations of the sorted order), reversed."""

_U = {k: random_unitary(2**k, np.random.default_rng(k)) for k in range(1, UNITARY_MAX_QUBITS + 1)}


def gate_uses():
    """(name, qubits, data) for every registry gate and family use the tests cover."""
    uses = [(name, p[: g.n_qubits], None) for name, g in GATES.items() for p in PATTERNS]
    for p in PATTERNS:
        uses += [("pauli_rot", p[: len(w)], w) for w in ("Y", "XZ", "ZYX", "XYZY")]
        uses += [("mcx", p[:k], None) for k in (2, 3, 4)]
        uses += [("unitary", p[:k], _U[k]) for k in _U]
    return uses


def _use_id(use):
    name, qubits, data = use
    word = f"-{data}" if isinstance(data, str) else ""
    return f"{name}{word}-{''.join(map(str, qubits))}"


def _parametric(name: str) -> bool:
    return GATES[name].parametric if name in GATES else FAMILIES[name].parametric


def every_gate_circuit(n: int = 4) -> revad.Circuit:
    """Every gate and family once or more, with new, shared and fixed parameters."""
    c = revad.Circuit(n)
    for i, (name, qubits, data) in enumerate(gate_uses()[::3] + gate_uses()[1::7]):
        if not _parametric(name):
            c.add(name, qubits, data=data)
        elif i % 5 == 0:
            c.add(name, qubits, data=data, angle=0.1 * i - 1.0)
        elif i % 4 == 0 and c.n_params:
            c.add(name, qubits, data=data, param=i % c.n_params)
        else:
            c.add(name, qubits, data=data)
    assert {op.name for op in c.ops} == set(GATE_CODES)
    return c


# --------------------------------------------------------------------------------------
# Gate tables
# --------------------------------------------------------------------------------------


def test_gate_codes_cover_revad_gates():
    assert set(GATE_CODES) == set(GATES) | set(FAMILIES)
    assert set(YAO_FAMILIES) <= set(FAMILIES)
    assert list(GATE_CODES.values()) == list(range(1, len(GATES) + len(YAO_FAMILIES) + 1))
    # the registry's codes come first, in registry order (new gates are added at the end)
    assert list(GATE_CODES)[: len(GATES)] == list(GATES)
    assert set(YAO_BLOCKS) == set(GATES)


def _julia_named_tuple(name: str) -> dict[str, int]:
    match = re.search(rf"const {name} = \((.*?)\)\n", JULIA_SRC, re.S)
    assert match, f"{name} not found in RevadYao.jl"
    return {k: int(v) for k, v in re.findall(r"(\w+) = (\d+)", match.group(1))}


def test_gate_and_pauli_codes_match_julia():
    assert _julia_named_tuple("GATE_CODES") == GATE_CODES
    assert _julia_named_tuple("PAULI_CODES") == PAULI_CODES


def test_arities_and_parametric_gates_match_julia():
    assert _julia_named_tuple("GATE_ARITY") == {name: g.n_qubits for name, g in GATES.items()}
    assert re.search(rf"\nconst UNITARY_MAX_QUBITS = {UNITARY_MAX_QUBITS}\n", JULIA_SRC)
    match = re.search(r"const PARAMETRIC_CODES = \((.*?)\)\n", JULIA_SRC, re.S)
    assert match
    julia_parametric = set(re.findall(r"G\.(\w+)", match.group(1)))
    assert julia_parametric == {name for name in GATE_CODES if _parametric(name)}


def _julia_gate_blocks() -> dict[str, str]:
    """``code == G.name`` -> the expression ``gate_block`` returns (whitespace collapsed)."""
    body = JULIA_SRC.split("\nfunction gate_block", 1)[1].split("\nend\n", 1)[0]
    pairs = re.findall(
        r"code == G\.(\w+)\s*\n\s*return (.+?)\n\s*(?=elseif|end\b)", body, flags=re.S
    )
    out = {}
    for name, expr in pairs:
        expr = re.sub(r"\s+", " ", expr.strip())
        out[name] = re.sub(r"\( ", "(", re.sub(r",? \)", ")", expr))
    return out


def test_julia_gate_block_table_is_parsed():
    blocks = _julia_gate_blocks()
    assert set(blocks) == set(GATE_CODES)
    assert blocks["rxx"] == "put(n, minmax(a, b) => rot(kron(X, X), θ))"


@pytest.mark.parametrize("name", list(ALL_BLOCKS))
def test_yao_blocks_table_matches_julia_gate_block(name):
    """``gates.py``'s ``yao`` field (and the family table here) is what Julia builds."""
    assert _julia_gate_blocks()[name] == ALL_BLOCKS[name]


@pytest.mark.parametrize("use", gate_uses(), ids=_use_id)
def test_yao_block_has_revad_matrix(use):
    """The Yao block of every gate use (per Yao's documented conventions) is revad's gate,
    on the arrays the encoding produces."""
    name, qubits, data = use
    n, theta = 4, 0.83
    c = revad.Circuit(n)
    c.add(name, qubits, data=data, angle=theta if _parametric(name) else None)
    [(_, locs, letters, matrix, _, angle)] = _gate_arrays(encode_circuit(c))
    expected = revad_full_matrix(n, c.ops[0], theta)
    got = model_block(n, name, locs, letters, matrix, angle)
    np.testing.assert_allclose(got, expected, atol=1e-14)


@pytest.mark.parametrize("name", ["swap", "rxx", "ryy", "rzz", "cz", "cphase"])
def test_symmetric_two_qubit_gates(name):
    """So putting them on the sorted pair of qubits (``minmax``) changes nothing."""
    m = GATES[name].matrix(0.61)
    np.testing.assert_allclose(SWAP @ m @ SWAP, m, atol=1e-15)


def test_excitations_are_not_rotations_of_reflexive_generators():
    """Why they are CNOT-conjugated ``Ry``s and not ``rot(G, θ)``: their generator squares to
    a projector, not the identity (Yao's ``RotationGate`` refuses it)."""
    for name in ("single_excitation", "double_excitation"):
        g = GATES[name].generator
        assert not np.allclose(g @ g, np.eye(len(g)))
        np.testing.assert_allclose(g @ g @ g, g)
        with pytest.raises(AssertionError, match="non-reflexive"):
            rot(g, 0.3)


def test_yao_kron_order():
    """``kron(n, i => A, j => B)`` puts A on qubit i: i is the less significant bit."""
    a = np.array([[1, 2], [3, 4]], dtype=complex)
    b = np.array([[5, 6], [7, 8]], dtype=complex)
    full = put(2, 1, a) @ put(2, 2, b)
    np.testing.assert_allclose(full, np.kron(b, a))
    np.testing.assert_allclose(put(2, (1, 2), yao_kron(a, b)), np.kron(b, a))
    # revad's local order is the opposite: k = 2*bit(q0) + bit(q1), so q0 is the MSB.
    c = revad.Circuit(2)
    c.cnot(0, 1)
    np.testing.assert_allclose(revad_full_matrix(2, c.ops[0], 0.0), control(2, 1, (2, X)))


# --------------------------------------------------------------------------------------
# Circuit encoding
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GATES))
def test_encode_every_gate(name):
    c = revad.Circuit(5)
    qubits = (3, 1, 4, 0)[: GATES[name].n_qubits]
    slot = c.add(name, qubits)
    enc = encode_circuit(c)
    assert enc.n_qubits == 5
    assert enc.codes.tolist() == [GATE_CODES[name]]
    assert enc.arity.tolist() == [len(qubits)]
    assert enc.locs.tolist() == [q + 1 for q in qubits]
    assert enc.letters.tolist() == [0] * len(qubits)
    assert enc.slots.tolist() == [1 if GATES[name].parametric else 0]
    assert enc.angles.tolist() == [0.0]
    assert enc.matrices.shape == (0,)
    assert slot == (0 if GATES[name].parametric else None)
    for arr in (enc.codes, enc.arity, enc.locs, enc.letters, enc.slots):
        assert arr.dtype == np.int64
    assert enc.angles.dtype == enc.matrices.dtype == np.float64


def test_encode_families():
    c = revad.Circuit(5)
    c.pauli_rot("XYZ", [3, 0, 4])
    c.mcx([4, 2, 0], 1)
    u = random_unitary(8, np.random.default_rng(7))
    c.unitary(u, [2, 4, 0])
    c.pauli_rot("ZY", [1, 2], angle=0.4)
    enc = encode_circuit(c)
    assert enc.codes.tolist() == [GATE_CODES[g] for g in ("pauli_rot", "mcx", "unitary")] + [
        GATE_CODES["pauli_rot"]
    ]
    assert enc.arity.tolist() == [3, 4, 3, 2]
    assert enc.locs.tolist() == [4, 1, 5, 5, 3, 1, 2, 3, 5, 1, 2, 3]
    x, y, z = PAULI_CODES["X"], PAULI_CODES["Y"], PAULI_CODES["Z"]
    assert enc.letters.tolist() == [x, y, z, 0, 0, 0, 0, 0, 0, 0, z, y]
    assert enc.slots.tolist() == [1, 0, 0, 0]
    assert enc.angles.tolist() == [0.0, 0.0, 0.0, 0.4]
    # The unitary: 2 * 8 * 8 numbers, column-major, interleaved, in Yao's order on the
    # sorted qubits (1, 3, 5): Yao qubit 5 (revad 4) is the most significant local bit.
    assert enc.matrices.shape == (128,)
    m = enc.matrices.view(np.complex128).reshape(8, 8, order="F")
    np.testing.assert_array_equal(m, yao_unitary(u, (2, 4, 0)))
    # local index, Yao order: 4*bit(revad 4) + 2*bit(revad 2) + bit(revad 0);
    # revad order (qubits 2, 4, 0): 4*bit(2) + 2*bit(4) + bit(0)
    swap_top = [0, 1, 4, 5, 2, 3, 6, 7]  # i with its two high bits swapped
    np.testing.assert_array_equal(m, u[np.ix_(swap_top, swap_top)])


@pytest.mark.parametrize("qubits", [(0,), (1, 0), (0, 1), (2, 0, 1), (1, 2, 0), (0, 2, 1)])
def test_yao_unitary_order(qubits, rng):
    """``put(n, sorted_locs => matblock(yao_unitary(U, qubits)))`` is revad's U on qubits."""
    k, n = len(qubits), 3
    u = random_unitary(2**k, rng)
    m = yao_unitary(u, qubits)
    locs = sorted(q + 1 for q in qubits)
    np.testing.assert_allclose(put(n, locs, m), embed(u, qubits, n), atol=1e-14)
    np.testing.assert_array_equal(revad_unitary(m, qubits), u)
    if list(qubits) == sorted(qubits, reverse=True):  # already Yao's order
        np.testing.assert_array_equal(m, u)


def test_encode_fixed_angle_and_shared_slots():
    c = mixed_circuit()
    enc = encode_circuit(c)
    assert enc.n_params == c.n_params == 6
    assert enc.codes.tolist() == [GATE_CODES[op.name] for op in c.ops]
    assert enc.arity.tolist() == [len(op.qubits) for op in c.ops]
    assert enc.locs.tolist() == [q + 1 for op in c.ops for q in op.qubits]
    expected_slots = [0 if op.param is None else op.param + 1 for op in c.ops]
    assert enc.slots.tolist() == expected_slots
    fixed = {i: op.angle for i, op in enumerate(c.ops) if op.angle is not None}
    assert fixed == {1: 0.3, 14: -0.7, 19: 1.1}
    assert enc.angles.tolist() == [fixed.get(i, 0.0) for i in range(len(c.ops))]
    # Controlled gates keep the control first.
    start = int(enc.arity[:14].sum())
    assert enc.locs[start : start + 2].tolist() == [q + 1 for q in c.ops[14].qubits] == [3, 2]


def test_yao_parameter_order_and_gradient_mapping():
    c = revad.Circuit(4)
    i = c.rx(0)  # slot 0
    c.ry(1, angle=0.3)  # fixed: not a Yao parameter
    c.rz(2, param=i)  # slot 0 again
    j = c.crx(0, 1)  # slot 1
    c.h(2)
    c.rzz(1, 2, param=j)  # slot 1 again
    c.phase(0)  # slot 2
    c.double_excitation(0, 1, 2, 3, param=j)  # slot 1 again: one Yao parameter
    c.single_excitation(3, 1, angle=0.2)  # fixed
    c.pauli_rot("XYZ", [2, 0, 3], param=i)  # slot 0 again
    c.unitary(np.eye(4), [1, 3])  # no parameter
    enc = encode_circuit(c)
    assert enc.yao_param_slots().tolist() == [0, 0, 1, 1, 2, 1, 0]
    theta = np.array([0.1, 0.2, 0.3])
    np.testing.assert_array_equal(enc.yao_parameters(theta), [0.1, 0.1, 0.2, 0.2, 0.3, 0.2, 0.1])
    grad = scatter_gradient(enc, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])
    np.testing.assert_array_equal(grad, [10.0, 13.0, 5.0])
    assert grad.dtype == np.float64
    with pytest.raises(revad.RevadError, match="7 trainable gates"):
        scatter_gradient(enc, [1.0, 2.0])


def test_unused_slot_gets_zero_gradient():
    c = revad.Circuit(2)
    c.rx(0)
    c.add("ry", 1)  # slot 1
    c.rz(0, param=0)
    enc = encode_circuit(c)
    np.testing.assert_array_equal(scatter_gradient(enc, [1.0, 2.0, 3.0]), [4.0, 2.0])


def test_encode_empty_circuit():
    enc = encode_circuit(revad.Circuit(2))
    for arr in enc.arrays():
        assert arr.shape == (0,)
    assert enc.yao_param_slots().shape == (0,)
    np.testing.assert_array_equal(scatter_gradient(enc, []), np.zeros(0))


def test_unsupported_gate_is_refused(monkeypatch):
    """A gate without a Yao encoding is refused by name (the backend encodes before it
    starts Julia: see test_unsupported_gate_fails_before_julia)."""
    monkeypatch.delitem(yao_encoding.GATE_CODES, "double_excitation")
    c = revad.Circuit(4)
    c.double_excitation(0, 1, 2, 3)
    with pytest.raises(revad.RevadError, match="'double_excitation' is not supported on the Yao"):
        encode_circuit(c)


# --------------------------------------------------------------------------------------
# Hamiltonian encoding
# --------------------------------------------------------------------------------------


def test_encode_hamiltonian():
    h = mixed_hamiltonian()
    enc = encode_hamiltonian(h)
    assert enc.n_qubits == 3
    np.testing.assert_array_equal(enc.coeffs, [0.5, -1.0, 0.3, 0.7, 0.2])
    # Factors sorted by qubit within a term (revad's order), identity factors dropped.
    assert enc.term.tolist() == [1, 1, 2, 3, 3, 3, 5]
    assert enc.pauli.tolist() == [3, 3, 1, 1, 2, 3, 2]
    assert enc.qubit.tolist() == [1, 2, 3, 1, 2, 3, 3]
    for arr in (enc.term, enc.pauli, enc.qubit):
        assert arr.dtype == np.int64


@pytest.mark.parametrize(
    "h",
    [
        mixed_hamiltonian(),
        revad.heisenberg(3),
        revad.tfim(3, 0.7, periodic=False),
        revad.Hamiltonian([(1.5, [("X", 0)])]),  # acts on fewer qubits than the circuit
        revad.Hamiltonian([]),
    ],
)
def test_hamiltonian_model_matches_revad(h):
    n = 3
    np.testing.assert_allclose(model_hamiltonian(encode_hamiltonian(h), n), h.to_dense(n))


# --------------------------------------------------------------------------------------
# The model run on the encoded arrays agrees with revad's NumPy backend
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [mixed_circuit, lambda: revad.variational_circuit(3, 2), every_gate_circuit],
    ids=["mixed", "variational", "every-gate"],
)
def test_model_on_encoding_matches_numpy_backend(make, rng):
    c = make()
    h = mixed_hamiltonian(c.n_qubits)
    enc = encode_circuit(c)
    theta = rng.uniform(-np.pi, np.pi, c.n_params)
    p = enc.yao_parameters(theta)
    psi_model = model_chain(enc, p)[:, 0]
    psi = revad.statevector(c, theta, backend="numpy")
    np.testing.assert_allclose(psi_model, psi, atol=1e-12)

    hmat = model_hamiltonian(encode_hamiltonian(h), c.n_qubits)

    def energy(params):
        v = model_chain(enc, params)[:, 0]
        return float(np.vdot(v, hmat @ v).real)

    e_ref, g_ref = revad.value_and_grad(c, h, theta, backend="numpy")
    assert energy(p) == pytest.approx(e_ref, abs=1e-12)
    # Differentiate in Yao's parameter order (one entry per trainable gate), then scatter.
    eps = 1e-6
    yao_grad = np.array(
        [(energy(p + eps * e) - energy(p - eps * e)) / (2 * eps) for e in np.eye(len(p))]
    )
    np.testing.assert_allclose(scatter_gradient(enc, yao_grad), g_ref, atol=1e-8)


# --------------------------------------------------------------------------------------
# Julia package metadata
# --------------------------------------------------------------------------------------


def test_julia_sources_call_expect_adjoint():
    assert "expect'(h, reg => circuit)" in JULIA_SRC
    assert "NoParams(block)" in JULIA_SRC
    ext = JULIA_DIR / "ext" / "RevadYaoCUDAExt.jl"
    assert "module RevadYaoCUDAExt" in ext.read_text(encoding="utf-8")


def test_project_toml():
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((JULIA_DIR / "Project.toml").read_text(encoding="utf-8"))
    assert project["name"] == "RevadYao"
    assert project["deps"] == {"Yao": YAO_UUID}
    assert project["compat"]["Yao"] == "0.9"
    assert project["weakdeps"] == {"CUDA": "052768ef-5323-5732-b1bb-66c8b64840ba"}
    assert project["extensions"] == {"RevadYaoCUDAExt": "CUDA"}
    assert (JULIA_DIR / "test" / "runtests.jl").is_file()


def test_juliapkg_json():
    tomllib = pytest.importorskip("tomllib")
    path = ROOT / "src" / "revad" / "juliapkg.json"
    assert path == yao_backend.JULIAPKG_JSON
    spec = json.loads(path.read_text(encoding="utf-8"))
    assert spec["packages"]["Yao"] == {"uuid": YAO_UUID, "version": "0.9"}
    assert "PythonCall" not in spec["packages"]  # juliacall pins it
    revad_yao = spec["packages"]["RevadYao"]
    assert revad_yao["dev"] is True
    assert (path.parent / revad_yao["path"]).resolve() == JULIA_DIR == yao_backend.JULIA_PACKAGE_DIR
    project = tomllib.loads((JULIA_DIR / "Project.toml").read_text(encoding="utf-8"))
    assert revad_yao["uuid"] == project["uuid"]


def test_juliapkg_finds_revad_requirements(capsys):
    """juliapkg (juliacall's installer) picks up revad/juliapkg.json and its dev path."""
    deps = pytest.importorskip("juliapkg.deps")
    editable = any(
        getattr(finder, "__module__", "").startswith("__editable___revad")
        for finder in sys.meta_path
    )
    if not editable and str(ROOT / "src") not in sys.path:
        pytest.skip("revad is not installed in editable mode (pip install -e) from this checkout")
    compat, pkgs = deps.find_requirements()
    by_name = {p.name: p for p in pkgs}
    assert by_name["Yao"].uuid == YAO_UUID
    assert str(by_name["Yao"].version) == "^0.9"
    assert by_name["RevadYao"].dev is True
    assert Path(by_name["RevadYao"].path).resolve() == JULIA_DIR
    assert compat is not None


# --------------------------------------------------------------------------------------
# The bridge, up to the call into Julia: a stand-in for the Julia module RevadYao
# --------------------------------------------------------------------------------------


def _julia_positional_args(function: str) -> list[str]:
    """Positional argument names of ``function`` in RevadYao.jl (types dropped)."""
    match = re.search(rf"\nfunction {function}\((.*?)\)\n", JULIA_SRC, re.S)
    assert match, function
    positional = match.group(1).split(";")[0]
    return [a.split("::")[0].strip() for a in positional.split(",") if a.strip()]


def _decode_circuit(
    n, codes, arity, locs, letters, slots, angles, matrices, nparams=None
) -> revad.Circuit:
    """The inverse of encode_circuit: slots are reserved as they are first used (and up
    to ``nparams``), a unitary's matrix is taken back to revad's order on its qubits."""
    for arr in (codes, arity, locs, letters, slots):
        assert isinstance(arr, np.ndarray) and arr.dtype == np.int64 and arr.ndim == 1
    for arr in (angles, matrices):
        assert isinstance(arr, np.ndarray) and arr.dtype == np.float64 and arr.ndim == 1
    c = revad.Circuit(int(n))
    k = offset = 0
    for code, r, slot, angle in zip(codes, arity, slots, angles, strict=True):
        name, r = NAME_OF_CODE[int(code)], int(r)
        qubits = tuple(int(q) - 1 for q in locs[k : k + r])
        gate_letters = [int(x) for x in letters[k : k + r]]
        k += r
        data = None
        if name == "pauli_rot":
            data = "".join(LETTER_OF_CODE[x] for x in gate_letters)
        else:
            assert not any(gate_letters), f"letters on a {name}"
        if name == "unitary":
            size = 2 * 4**r
            entries = np.ascontiguousarray(matrices[offset : offset + size])
            offset += size
            data = revad_unitary(entries.view(np.complex128).reshape(2**r, 2**r, order="F"), qubits)
        if slot > 0:
            if slot > c.n_params:
                c.new_params(int(slot) - c.n_params)
            c.add(name, qubits, param=int(slot) - 1, data=data)
        elif _parametric(name):
            c.add(name, qubits, angle=float(angle), data=data)
        else:
            assert angle == 0.0
            c.add(name, qubits, data=data)
    assert k == len(locs) and offset == len(matrices), "arrays left over"
    if nparams is not None and nparams > c.n_params:
        c.new_params(int(nparams) - c.n_params)
    return c


def _decode_hamiltonian(n, coeffs, term, pauli, qubit) -> revad.Hamiltonian:
    terms = [(float(c), []) for c in coeffs]
    for t, p, q in zip(term, pauli, qubit, strict=True):
        terms[int(t) - 1][1].append((LETTER_OF_CODE[int(p)], int(q) - 1))
    return revad.Hamiltonian(terms, n_qubits=int(n))


def _state(interleaved):
    """ψ0 as Julia receives it (float64, real and imaginary parts interleaved), decoded."""
    if interleaved is None:
        return None
    assert interleaved.dtype == np.float64 and interleaved.ndim == 1
    return interleaved.view(np.complex128)


class FakeRevadYao:
    """NumPy stand-in with the Julia functions' signatures (checked against the source)."""

    def __init__(self):
        self.calls = []

    def statevector(
        self,
        n,
        codes,
        arity,
        locs,
        letters,
        slots,
        angles,
        matrices,
        theta,
        *,
        dtype,
        device,
        psi0=None,
    ):
        self.calls.append(("statevector", dtype, device))
        c = _decode_circuit(n, codes, arity, locs, letters, slots, angles, matrices, len(theta))
        psi = revad.statevector(c, theta, backend="numpy", psi0=_state(psi0))
        psi = psi.astype(np.complex128)
        return list(psi.view(np.float64))  # Julia returns a Vector{Float64}

    def expectation(
        self,
        n,
        codes,
        arity,
        locs,
        letters,
        slots,
        angles,
        matrices,
        theta,
        coeffs,
        term,
        pauli,
        qubit,
        *,
        dtype,
        device,
        psi0=None,
    ):
        self.calls.append(("expectation", dtype, device))
        c = _decode_circuit(n, codes, arity, locs, letters, slots, angles, matrices, len(theta))
        h = _decode_hamiltonian(n, coeffs, term, pauli, qubit)
        return revad.expectation(c, h, theta, backend="numpy", psi0=_state(psi0))

    def energy_and_gradient(
        self,
        n,
        codes,
        arity,
        locs,
        letters,
        slots,
        angles,
        matrices,
        theta,
        nparams,
        coeffs,
        term,
        pauli,
        qubit,
        *,
        dtype,
        device,
        psi0=None,
    ):
        self.calls.append(("energy_and_gradient", dtype, device))
        c = _decode_circuit(n, codes, arity, locs, letters, slots, angles, matrices, nparams)
        assert c.n_params == nparams == len(theta)
        h = _decode_hamiltonian(n, coeffs, term, pauli, qubit)
        energy, grad = revad.value_and_grad(c, h, theta, backend="numpy", psi0=_state(psi0))
        return energy, list(grad)


@pytest.mark.parametrize("function", ["statevector", "expectation", "energy_and_gradient"])
def test_fake_module_has_julia_signatures(function):
    import inspect

    params = inspect.signature(getattr(FakeRevadYao, function)).parameters
    positional = [p for p, v in params.items() if v.kind is v.POSITIONAL_OR_KEYWORD][1:]
    keywords = [p for p, v in params.items() if v.kind is v.KEYWORD_ONLY]
    assert positional == _julia_positional_args(function)
    assert keywords == ["dtype", "device", "psi0"]
    assert "dtype::AbstractString" in JULIA_SRC and "device::AbstractString" in JULIA_SRC
    assert JULIA_SRC.count("psi0 = nothing,") == 4  # three entry points and initial_state


def test_circuit_arrays_follow_julia_circuit_block():
    """``EncodedCircuit.arrays()`` is in the order of ``circuit_block``'s arguments, which
    the entry points pass on unchanged."""
    julia = _julia_positional_args("circuit_block")
    assert julia[0] == "n" and julia[-1] == "theta"
    names = julia[1:-1]
    enc = encode_circuit(every_gate_circuit())
    assert [getattr(enc, name) for name in names] == list(enc.arrays())
    for function in ("statevector", "expectation", "energy_and_gradient", "block_parameters"):
        assert _julia_positional_args(function)[: len(julia)] == julia, function


@pytest.mark.parametrize(
    "make",
    [mixed_circuit, every_gate_circuit, lambda: revad.variational_circuit(3, 2)],
    ids=["mixed", "every-gate", "variational"],
)
def test_encoding_round_trip(make):
    """The fake module's decoder gives back the same circuit (every gate and family)."""
    c = make()
    c.new_params(2)  # reserved slots survive through nparams
    enc = encode_circuit(c)
    decoded = _decode_circuit(enc.n_qubits, *enc.arrays(), nparams=enc.n_params)
    assert decoded.key() == c.key()


@pytest.mark.parametrize("use", gate_uses(), ids=_use_id)
def test_every_gate_round_trips(use):
    name, qubits, data = use
    c = revad.Circuit(4)
    c.rx(3)
    c.add(name, qubits, data=data)
    if _parametric(name):
        c.add(name, qubits, data=data, angle=-0.4)
        c.add(name, qubits, data=data, param=0)
    enc = encode_circuit(c)
    assert _decode_circuit(enc.n_qubits, *enc.arrays(), nparams=enc.n_params).key() == c.key()


@pytest.fixture
def fake_julia(monkeypatch):
    fake = FakeRevadYao()
    monkeypatch.delenv(yao_backend.DEVICE_ENV, raising=False)
    state = {"module": fake, "error": None, "bridge": None, "cuda": False}
    monkeypatch.setattr(yao_backend, "_state", state)
    return fake


@pytest.mark.parametrize("dtype", ["complex128", "complex64"])
@pytest.mark.parametrize("make", [mixed_circuit, every_gate_circuit], ids=["mixed", "every-gate"])
def test_backend_calls_through_the_bridge(fake_julia, make, dtype, rng):
    """Arguments in the Julia functions' order, dtype/device passed, results converted."""
    c = make()
    n = c.n_qubits
    h = mixed_hamiltonian(n)
    theta = rng.uniform(-np.pi, np.pi, c.n_params)
    psi = revad.statevector(c, theta, backend="yao", dtype=dtype)
    assert psi.dtype == np.dtype(dtype) and psi.shape == (2**n,)
    np.testing.assert_allclose(psi, revad.statevector(c, theta, backend="numpy"), atol=1e-6)
    energy = revad.expectation(c, h, theta, backend="yao", dtype=dtype)
    e, g, drift = revad.value_and_grad(c, h, theta, backend="yao", dtype=dtype, return_drift=True)
    e_ref, g_ref = revad.value_and_grad(c, h, theta, backend="numpy")
    assert type(energy) is float and type(e) is float and drift is None
    assert energy == pytest.approx(e_ref, abs=1e-12) and e == pytest.approx(e_ref, abs=1e-12)
    assert g.dtype == np.float64 and g.shape == (c.n_params,)
    np.testing.assert_allclose(g, g_ref, atol=1e-12)
    assert [call[1:] for call in fake_julia.calls] == [(dtype, "cpu")] * 3


def test_backend_passes_psi0_interleaved(fake_julia, rng):
    """ψ0 (an index or a state) reaches Julia as interleaved float64; results match NumPy's."""
    c, h = every_gate_circuit(), mixed_hamiltonian(4)
    theta = rng.uniform(-np.pi, np.pi, c.n_params)
    psi0 = rng.normal(size=16) + 1j * rng.normal(size=16)
    for start in (psi0 / np.linalg.norm(psi0), 5):
        kwargs = {"theta": theta, "psi0": start}
        np.testing.assert_allclose(
            revad.statevector(c, backend="yao", **kwargs),
            revad.statevector(c, backend="numpy", **kwargs),
            atol=1e-13,
        )
        e, g = revad.value_and_grad(c, h, backend="yao", **kwargs)
        e_ref, g_ref = revad.value_and_grad(c, h, backend="numpy", **kwargs)
        assert e == pytest.approx(e_ref, abs=1e-13)
        np.testing.assert_allclose(g, g_ref, atol=1e-13)
        assert revad.expectation(c, h, backend="yao", **kwargs) == pytest.approx(e_ref, abs=1e-13)


def test_unsupported_gate_fails_before_julia(monkeypatch):
    """The backend encodes first: an unsupported gate fails by name, Julia never starts."""
    monkeypatch.delitem(yao_encoding.GATE_CODES, "unitary")
    monkeypatch.setattr(yao_backend, "_state", {"module": None, "bridge": None, "cuda": False})

    def no_julia():
        raise AssertionError("Julia was started")

    monkeypatch.setattr(yao_backend.julia_runtime, "load_revad_yao", no_julia)
    c = revad.Circuit(2)
    c.unitary(np.eye(4), [0, 1])
    h = revad.Hamiltonian([(1.0, [("Z", 0)])])
    for call in (
        lambda: revad.statevector(c, backend="yao"),
        lambda: revad.expectation(c, h, backend="yao"),
        lambda: revad.value_and_grad(c, h, backend="yao"),
    ):
        with pytest.raises(revad.RevadError, match="'unitary' is not supported on the Yao backend"):
            call()


def test_backend_rejects_wrong_gradient_shape(fake_julia, monkeypatch):
    monkeypatch.setattr(FakeRevadYao, "energy_and_gradient", lambda *a, **k: (0.0, [1.0]))
    c = mixed_circuit()
    with pytest.raises(revad.RevadError, match="gradient of shape"):
        revad.value_and_grad(c, mixed_hamiltonian(), np.zeros(c.n_params), backend="yao")
