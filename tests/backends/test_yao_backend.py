"""Cross-backend agreement through real Yao.jl: statevectors, energies and gradients of the
Yao backend against the NumPy and JAX backends, to 1e-10 (complex128).

Marked ``julia``; the whole module is skipped, with the reason, where juliacall is not
installed, or where juliapkg has no Julia (``revad.backends.julia_runtime.find_julia``) and
``REVAD_YAO_ALLOW_DOWNLOAD`` is not set. Where Julia exists but Julia, Yao or RevadYao
cannot be started, the tests fail rather than skip: the Yao path only counts as verified
when this module ran and passed. (The Python side, up to the call into Julia, is tested
without Julia in ``test_julia_runtime.py`` and ``test_yao_encoding.py``.)

The first run on a machine installs and precompiles Yao.jl (minutes); see docs/yao.md.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import revad
from revad.backends import julia_runtime, yao_backend
from revad.backends.yao_encoding import encode_circuit
from revad.ir.gates import FAMILIES, GATES
from tests.backends.test_yao_encoding import _use_id, every_gate_circuit, gate_uses
from tests.reference import mixed_circuit

pytestmark = pytest.mark.julia

if importlib.util.find_spec("juliacall") is None:
    pytest.skip("juliacall is not installed (pip install 'revad[yao]')", allow_module_level=True)
_WHERE, _REASON = julia_runtime.find_julia()
if _WHERE is None and not julia_runtime.download_allowed():
    pytest.skip(
        f"no Julia runtime: {_REASON}; install Julia >= 1.10 or set "
        f"{julia_runtime.ALLOW_DOWNLOAD_ENV}=1 (see docs/yao.md)",
        allow_module_level=True,
    )

ATOL = 1e-10
REFERENCES = ("numpy", "jax")


@pytest.fixture(scope="module")
def yao():
    """The Julia module RevadYao (starts Julia; installs Yao on a machine's first run)."""
    return yao_backend.julia_module()


@pytest.fixture(scope="module")
def bridge(yao):
    """The juliacall module RevadYao was loaded in, with Yao imported."""
    jl = julia_runtime.load_revad_yao()
    jl.seval("import Yao")
    return jl


def _layer(c: revad.Circuit) -> None:
    for q in range(c.n_qubits):
        c.ry(q)
        c.rx(q)


def _around(name: str, qubits, data=None, **kwargs) -> revad.Circuit:
    """A generic state, the gate, then more rotations (so every gradient is non-trivial)."""
    c = revad.Circuit(4)
    _layer(c)
    c.add(name, qubits, data=data, **kwargs)
    _layer(c)
    return c


def _mixed_circuit() -> revad.Circuit:
    """Every gate and family, shared slots and fixed angles, then a rotation layer."""
    c = every_gate_circuit()
    _layer(c)
    return c


def _hamiltonian(n: int = 4) -> revad.Hamiltonian:
    terms = [
        (0.5, [("Z", 0), ("Z", 1)]),
        (-1.0, [("X", 2)]),
        (0.3, [("Y", 1), ("X", 0), ("Z", 2)]),
        (0.7, []),
        (0.2, [("Y", 2)]),
    ]
    if n > 3:
        terms.append((0.4, [("X", 3), ("Z", 1)]))
    return revad.Hamiltonian(terms, n_qubits=n)


def _agree(c: revad.Circuit, h: revad.Hamiltonian, theta: np.ndarray) -> None:
    psi = revad.statevector(c, theta, backend="yao")
    energy = revad.expectation(c, h, theta, backend="yao")
    e, g, drift = revad.value_and_grad(c, h, theta, backend="yao", return_drift=True)
    assert psi.dtype == np.complex128 and psi.shape == (2**c.n_qubits,)
    assert isinstance(energy, float) and isinstance(e, float)
    assert g.dtype == np.float64 and g.shape == (c.n_params,)
    assert drift is None
    assert e == pytest.approx(energy, abs=ATOL)
    for ref in REFERENCES:
        np.testing.assert_allclose(psi, revad.statevector(c, theta, backend=ref), atol=ATOL)
        e_ref, g_ref = revad.value_and_grad(c, h, theta, backend=ref)
        assert energy == pytest.approx(e_ref, abs=ATOL), ref
        assert e == pytest.approx(e_ref, abs=ATOL), ref
        np.testing.assert_allclose(g, g_ref, atol=ATOL, err_msg=ref)


@pytest.mark.parametrize("use", gate_uses(), ids=_use_id)
def test_every_gate(yao, use, rng):
    """Every registry gate and family use (words, arities, matrices, qubit orders
    including 3- and 4-cycles), trainable and with a fixed angle."""
    name, qubits, data = use
    h = _hamiltonian()
    c = _around(name, qubits, data)
    _agree(c, h, rng.uniform(-np.pi, np.pi, c.n_params))
    parametric = GATES[name].parametric if name in GATES else FAMILIES[name].parametric
    if parametric:  # the same gate with a fixed angle: not trainable
        c = _around(name, qubits, data, angle=0.77)
        _agree(c, h, rng.uniform(-np.pi, np.pi, c.n_params))


def test_shared_slots_and_fixed_angles(yao, rng):
    for c in (_mixed_circuit(), mixed_circuit()):
        _agree(c, _hamiltonian(c.n_qubits), rng.uniform(-np.pi, np.pi, c.n_params))


@pytest.mark.parametrize("n, nlayer", [(4, 0), (4, 3), (5, 2)])
def test_variational_circuit(yao, n, nlayer, rng):
    c = revad.variational_circuit(n, nlayer)
    theta = rng.uniform(-np.pi, np.pi, c.n_params)
    _agree(c, revad.heisenberg(n), theta)
    _agree(c, revad.tfim(n, 0.8, periodic=False), theta)


def test_yao_parameter_order(yao, rng):
    """Yao's ``parameters(circuit)`` is the order the Python encoding predicts."""
    c = _mixed_circuit()
    theta = rng.uniform(-np.pi, np.pi, c.n_params)
    enc = encode_circuit(c)
    params = np.array(yao.block_parameters(enc.n_qubits, *enc.arrays(), theta), np.float64)
    np.testing.assert_array_equal(params, enc.yao_parameters(theta))


def test_matches_easybuild(bridge, rng):
    """revad's variational_circuit and heisenberg are Yao's EasyBuild ones, parameter for
    parameter."""
    n, nlayer = 4, 3
    run = bridge.seval(
        """
        (n, nlayer, params) -> begin
            c = Yao.EasyBuild.variational_circuit(n, nlayer)
            Yao.dispatch!(c, collect(Float64, params))
            reg = Yao.zero_state(n)
            e = Yao.expect(Yao.EasyBuild.heisenberg(n), reg => c)
            v = Vector{ComplexF64}(Yao.statevec(Yao.apply(reg, c)))
            return Float64(real(e)), collect(reinterpret(Float64, v))
        end
        """
    )
    c = revad.variational_circuit(n, nlayer)
    theta = rng.uniform(-np.pi, np.pi, c.n_params)
    energy, interleaved = run(n, nlayer, theta)
    psi = np.array(interleaved, dtype=np.float64).view(np.complex128)
    np.testing.assert_allclose(psi, revad.statevector(c, theta, backend="numpy"), atol=ATOL)
    e_ref = revad.expectation(c, revad.heisenberg(n), theta, backend="numpy")
    assert float(energy) == pytest.approx(e_ref, abs=ATOL)


def test_complex64(yao, rng):
    c = _mixed_circuit()
    h = _hamiltonian()
    theta = rng.uniform(-np.pi, np.pi, c.n_params)
    psi = revad.statevector(c, theta, backend="yao", dtype="complex64")
    assert psi.dtype == np.complex64
    np.testing.assert_allclose(psi, revad.statevector(c, theta, backend="numpy"), atol=1e-5)
    e, g = revad.value_and_grad(c, h, theta, backend="yao", dtype="complex64")
    e_ref, g_ref = revad.value_and_grad(c, h, theta, backend="numpy")
    assert e == pytest.approx(e_ref, abs=1e-4)
    np.testing.assert_allclose(g, g_ref, atol=1e-4)


def test_edge_cases(yao, rng):
    # No gates, no parameters.
    c = revad.Circuit(2)
    _agree(c, revad.heisenberg(2), np.zeros(0))
    # The zero Hamiltonian (an empty Yao `Add` would be the identity).
    c = revad.variational_circuit(2, 1)
    theta = rng.uniform(-np.pi, np.pi, c.n_params)
    e, g = revad.value_and_grad(c, revad.Hamiltonian([]), theta, backend="yao")
    assert e == 0.0 and not g.any()
    # A Hamiltonian on fewer qubits than the circuit.
    c = revad.variational_circuit(3, 1)
    theta = rng.uniform(-np.pi, np.pi, c.n_params)
    _agree(c, revad.Hamiltonian([(1.5, [("X", 0)]), (-0.5, [("Z", 1)])]), theta)
