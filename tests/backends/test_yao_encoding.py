"""The Yao backend's Python side, without Julia.

- The encoding of circuits and Hamiltonians into arrays: every gate, the qubit shift to
  Yao's 1-based order, parameter slots, fixed angles, Yao's parameter order and the
  mapping of Yao's gradient back to revad's slots.
- A NumPy model of the Yao blocks that ``RevadYao.gate_block`` builds (each written from
  the matrix formula in Yao 0.9's docstrings: ``put``, ``control``, ``rot``, ``shift``,
  ``kron``), run on the encoded arrays and checked against revad's NumPy backend:
  statevectors, energies, and gradients taken in Yao's parameter order then scattered.
- The Julia sources and package metadata agree with the Python tables.
- (Without Julia, every entry point fails at once with a clear message: see
  ``test_julia_runtime.py``.)
- The bridge up to the call into Julia: a NumPy stand-in with the Julia functions'
  signatures (parsed from the source) receives the backend's calls.

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
from revad.backends import numpy_backend, yao_backend
from revad.backends.yao_encoding import (
    GATE_CODES,
    PAULI_CODES,
    YAO_BLOCKS,
    encode_circuit,
    encode_hamiltonian,
    scatter_gradient,
)
from revad.ir.gates import GATES
from tests.reference import mixed_circuit

ROOT = Path(__file__).resolve().parents[2]
JULIA_DIR = ROOT / "julia"
JULIA_SRC = (JULIA_DIR / "src" / "RevadYao.jl").read_text(encoding="utf-8")
YAO_UUID = "5872b779-8223-5990-8dd0-5abbb0748c8c"

TWO_QUBIT = [name for name, g in GATES.items() if g.n_qubits == 2]


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
    """Yao's ``rot(G, θ) = cos(θ/2) I - i sin(θ/2) G``."""
    return np.cos(theta / 2) * np.eye(len(g)) - 1j * np.sin(theta / 2) * g


def shift(theta):
    return np.diag([1, np.exp(1j * theta)])


def put(n, locs, g):
    """Yao's ``put(n, locs => G)``: local qubit ``k`` of ``G`` on Yao qubit ``locs[k]``.

    For one qubit this is Yao's ``I^{⊗n-i} ⊗ G ⊗ I^{⊗i-1}``.
    """
    locs = (locs,) if isinstance(locs, int) else tuple(locs)
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


def control(n, c, target):
    """Yao's ``control(n, c, t => G) = P0_c ⊗ I + P1_c ⊗ G_t``."""
    t, g = target
    return put(n, c, P0) + put(n, c, P1) @ put(n, t, g)


def model_block(n, name, a, b, theta):
    """The block of ``YAO_BLOCKS[name]`` (also ``RevadYao.gate_block``), as a matrix."""
    lo, hi = min(a, b), max(a, b)
    return {
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
    }[name]()


NAME_OF_CODE = {code: name for name, code in GATE_CODES.items()}
PAULI_OF_CODE = {code: {"X": X, "Y": Y, "Z": Z}[label] for label, code in PAULI_CODES.items()}


def model_chain(enc, yao_params):
    """Yao's ``chain`` of the encoded gates; trainable gate k takes ``yao_params[k]``."""
    u = np.eye(2**enc.n_qubits, dtype=complex)
    k = 0
    for code, a, b, slot, angle in zip(
        enc.codes, enc.q1, enc.q2, enc.slots, enc.angles, strict=True
    ):
        if slot > 0:
            theta, k = yao_params[k], k + 1
        else:
            theta = angle
        u = model_block(enc.n_qubits, NAME_OF_CODE[int(code)], int(a), int(b), theta) @ u
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


def revad_full_matrix(n, name, qubits, theta):
    """revad's matrix of one gate, column by column through the NumPy backend's kernel."""
    ws = numpy_backend._Workspace(n, np.complex128)
    local = GATES[name].matrix(theta)
    cols = []
    for y in range(2**n):
        psi = np.zeros(2**n, dtype=complex)
        psi[y] = 1
        ws.apply(psi, local, qubits)
        cols.append(psi)
    return np.array(cols).T


def mixed_hamiltonian(n=3) -> revad.Hamiltonian:
    return revad.Hamiltonian(
        [
            (0.5, [("Z", 0), ("Z", 1)]),
            (-1.0, [("X", 2)]),
            (0.3, [("Y", 1), ("X", 0), ("Z", 2)]),
            (0.7, []),
            (0.2, [("I", 1), ("Y", 2)]),
        ],
        n_qubits=n,
    )


# --------------------------------------------------------------------------------------
# Gate tables
# --------------------------------------------------------------------------------------


def test_gate_codes_cover_revad_gates():
    assert set(GATE_CODES) == set(GATES)
    assert sorted(GATE_CODES.values()) == list(range(1, len(GATES) + 1))
    assert set(YAO_BLOCKS) == set(GATES)


def _julia_named_tuple(name: str) -> dict[str, int]:
    match = re.search(rf"const {name} = \((.*?)\)\n", JULIA_SRC, re.S)
    assert match, f"{name} not found in RevadYao.jl"
    return {k: int(v) for k, v in re.findall(r"(\w+) = (\d+)", match.group(1))}


def test_gate_and_pauli_codes_match_julia():
    assert _julia_named_tuple("GATE_CODES") == GATE_CODES
    assert _julia_named_tuple("PAULI_CODES") == PAULI_CODES


def test_yao_blocks_table_matches_julia_gate_block():
    body = JULIA_SRC.split("function gate_block", 1)[1].split("\nend\n", 1)[0]
    pairs = dict(re.findall(r"code == G\.(\w+)\s*\n\s*return (.+)", body))
    assert pairs == YAO_BLOCKS


@pytest.mark.parametrize("name", sorted(GATES))
@pytest.mark.parametrize("qubits", [(0, 1), (2, 0), (1, 2)])
def test_yao_block_has_revad_matrix(name, qubits):
    """The Yao block of every gate (per Yao's documented conventions) is revad's gate."""
    n, theta = 3, 0.83
    qubits = qubits[: GATES[name].n_qubits]
    a = qubits[0] + 1
    b = qubits[1] + 1 if len(qubits) == 2 else 0
    expected = revad_full_matrix(n, name, qubits, theta)
    np.testing.assert_allclose(model_block(n, name, a, b, theta), expected, atol=1e-14)


@pytest.mark.parametrize("name", [g for g in TWO_QUBIT if not g.startswith("c") or g == "cz"])
def test_uncontrolled_two_qubit_gates_are_symmetric(name):
    """So putting them on the sorted pair of qubits (``minmax``) changes nothing."""
    m = GATES[name].matrix(0.61)
    np.testing.assert_allclose(SWAP @ m @ SWAP, m, atol=1e-15)


def test_yao_kron_order():
    """``kron(n, i => A, j => B)`` puts A on qubit i: i is the less significant bit."""
    a = np.array([[1, 2], [3, 4]], dtype=complex)
    b = np.array([[5, 6], [7, 8]], dtype=complex)
    full = put(2, 1, a) @ put(2, 2, b)
    np.testing.assert_allclose(full, np.kron(b, a))
    np.testing.assert_allclose(put(2, (1, 2), yao_kron(a, b)), np.kron(b, a))
    # revad's local order is the opposite: k = 2*bit(q0) + bit(q1), so q0 is the MSB.
    np.testing.assert_allclose(revad_full_matrix(2, "cnot", (0, 1), 0.0), control(2, 1, (2, X)))


# --------------------------------------------------------------------------------------
# Circuit encoding
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GATES))
def test_encode_every_gate(name):
    c = revad.Circuit(4)
    qubits = (3, 1)[: GATES[name].n_qubits]
    slot = c.add(name, qubits)
    enc = encode_circuit(c)
    assert enc.n_qubits == 4
    assert enc.codes.tolist() == [GATE_CODES[name]]
    assert enc.q1.tolist() == [4]
    assert enc.q2.tolist() == [2 if len(qubits) == 2 else 0]
    assert enc.slots.tolist() == [1 if GATES[name].parametric else 0]
    assert enc.angles.tolist() == [0.0]
    assert slot == (0 if GATES[name].parametric else None)
    for arr in (enc.codes, enc.q1, enc.q2, enc.slots):
        assert arr.dtype == np.int64
    assert enc.angles.dtype == np.float64


def test_encode_fixed_angle_and_shared_slots():
    c = mixed_circuit()
    enc = encode_circuit(c)
    assert enc.n_params == c.n_params == 6
    assert enc.codes.tolist() == [GATE_CODES[op.name] for op in c.ops]
    assert enc.q1.tolist() == [op.qubits[0] + 1 for op in c.ops]
    assert enc.q2.tolist() == [op.qubits[1] + 1 if len(op.qubits) == 2 else 0 for op in c.ops]
    expected_slots = [0 if op.param is None else op.param + 1 for op in c.ops]
    assert enc.slots.tolist() == expected_slots
    fixed = {i: op.angle for i, op in enumerate(c.ops) if op.angle is not None}
    assert fixed == {1: 0.3, 14: -0.7, 19: 1.1}
    assert enc.angles.tolist() == [fixed.get(i, 0.0) for i in range(len(c.ops))]
    # Controlled gates keep the control first.
    cry = c.ops[14]
    assert (enc.q1[14], enc.q2[14]) == (cry.qubits[0] + 1, cry.qubits[1] + 1) == (3, 2)


def test_yao_parameter_order_and_gradient_mapping():
    c = revad.Circuit(3)
    i = c.rx(0)  # slot 0
    c.ry(1, angle=0.3)  # fixed: not a Yao parameter
    c.rz(2, param=i)  # slot 0 again
    j = c.crx(0, 1)  # slot 1
    c.h(2)
    c.rzz(1, 2, param=j)  # slot 1 again
    c.phase(0)  # slot 2
    enc = encode_circuit(c)
    assert enc.yao_param_slots().tolist() == [0, 0, 1, 1, 2]
    theta = np.array([0.1, 0.2, 0.3])
    np.testing.assert_array_equal(enc.yao_parameters(theta), [0.1, 0.1, 0.2, 0.2, 0.3])
    grad = scatter_gradient(enc, [1.0, 2.0, 3.0, 4.0, 5.0])
    np.testing.assert_array_equal(grad, [3.0, 7.0, 5.0])
    assert grad.dtype == np.float64
    with pytest.raises(revad.RevadError, match="5 trainable gates"):
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
    assert enc.codes.shape == enc.slots.shape == enc.angles.shape == (0,)
    assert enc.yao_param_slots().shape == (0,)
    np.testing.assert_array_equal(scatter_gradient(enc, []), np.zeros(0))


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
    [mixed_circuit, lambda: revad.variational_circuit(3, 2)],
    ids=["mixed", "variational"],
)
def test_model_on_encoding_matches_numpy_backend(make, rng):
    c = make()
    h = mixed_hamiltonian()
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


def _decode_circuit(n, codes, q1, q2, slots, angles) -> revad.Circuit:
    """The inverse of encode_circuit (new slots appear in increasing order)."""
    c = revad.Circuit(int(n))
    for code, a, b, slot, angle in zip(codes, q1, q2, slots, angles, strict=True):
        name = NAME_OF_CODE[int(code)]
        qubits = (int(a) - 1, int(b) - 1)[: GATES[name].n_qubits]
        if slot > 0:
            param = None if slot - 1 == c.n_params else int(slot) - 1
            c.add(name, qubits, param=param)
        elif GATES[name].parametric:
            c.add(name, qubits, angle=float(angle))
        else:
            c.add(name, qubits)
    return c


def _decode_hamiltonian(n, coeffs, term, pauli, qubit) -> revad.Hamiltonian:
    label = {code: name for name, code in PAULI_CODES.items()}
    terms = [(float(c), []) for c in coeffs]
    for t, p, q in zip(term, pauli, qubit, strict=True):
        terms[int(t) - 1][1].append((label[int(p)], int(q) - 1))
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

    def statevector(self, n, codes, q1, q2, slots, angles, theta, *, dtype, device, psi0=None):
        self.calls.append(("statevector", dtype, device))
        c = _decode_circuit(n, codes, q1, q2, slots, angles)
        psi = revad.statevector(c, theta, backend="numpy", psi0=_state(psi0))
        psi = psi.astype(np.complex128)
        return list(psi.view(np.float64))  # Julia returns a Vector{Float64}

    def expectation(
        self,
        n,
        codes,
        q1,
        q2,
        slots,
        angles,
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
        c = _decode_circuit(n, codes, q1, q2, slots, angles)
        h = _decode_hamiltonian(n, coeffs, term, pauli, qubit)
        return revad.expectation(c, h, theta, backend="numpy", psi0=_state(psi0))

    def energy_and_gradient(
        self,
        n,
        codes,
        q1,
        q2,
        slots,
        angles,
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
        c = _decode_circuit(n, codes, q1, q2, slots, angles)
        assert c.n_params == nparams
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


@pytest.fixture
def fake_julia(monkeypatch):
    fake = FakeRevadYao()
    monkeypatch.delenv(yao_backend.DEVICE_ENV, raising=False)
    state = {"module": fake, "error": None, "bridge": None, "cuda": False}
    monkeypatch.setattr(yao_backend, "_state", state)
    return fake


@pytest.mark.parametrize("dtype", ["complex128", "complex64"])
def test_backend_calls_through_the_bridge(fake_julia, dtype, rng):
    """Arguments in the Julia functions' order, dtype/device passed, results converted."""
    c = mixed_circuit()
    h = mixed_hamiltonian()
    theta = rng.uniform(-np.pi, np.pi, c.n_params)
    psi = revad.statevector(c, theta, backend="yao", dtype=dtype)
    assert psi.dtype == np.dtype(dtype) and psi.shape == (8,)
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
    c, h = mixed_circuit(), mixed_hamiltonian()
    theta = rng.uniform(-np.pi, np.pi, c.n_params)
    psi0 = rng.normal(size=8) + 1j * rng.normal(size=8)
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


def test_backend_rejects_wrong_gradient_shape(fake_julia, monkeypatch):
    monkeypatch.setattr(FakeRevadYao, "energy_and_gradient", lambda *a, **k: (0.0, [1.0]))
    c = mixed_circuit()
    with pytest.raises(revad.RevadError, match="gradient of shape"):
        revad.value_and_grad(c, mixed_hamiltonian(), np.zeros(c.n_params), backend="yao")
