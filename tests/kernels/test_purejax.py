"""The pure-JAX kernels (the GPU path): no state copies inside XLA's loops, chosen by
``kernels="auto"`` off CPU, equal to the native kernels."""

import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import revad
from revad.backends import jax_backend
from revad.compile.program import compile_fused, compile_observables
from revad.kernels import PureJax, native, select
from tests.reference import random_circuit, random_hamiltonian


def _computations(hlo: str) -> dict[str, str]:
    """The optimised HLO module's computations by name (ENTRY under "ENTRY")."""
    parts = re.split(r"\n(?=(?:ENTRY )?%[\w.-]+ \()", hlo)
    named = {}
    for part in parts[1:]:
        name = "ENTRY" if part.startswith("ENTRY") else part.split(" ", 1)[0]
        named[name] = part
    return named


def _gradient_hlo(circuit: revad.Circuit, h: revad.Hamiltonian) -> str:
    theta = jnp.asarray(np.linspace(0, 1, circuit.n_params))
    program, obs = compile_fused(circuit), compile_observables([h])
    lowered = jax_backend._adjoint_value_and_grad.lower(theta, None, program, obs, PureJax())
    return lowered.compile().as_text()


@pytest.mark.parametrize("layers", [3, 40])
def test_no_state_is_copied_inside_the_loops(layers):
    n = 10
    c = revad.variational_circuit(n, layers)
    hlo = _gradient_hlo(c, revad.heisenberg(n))
    state = re.compile(rf"= c128\[{2**n}\]\{{0\}} copy\(")
    copies = {name: len(state.findall(body)) for name, body in _computations(hlo).items()}
    inside = {name: k for name, k in copies.items() if k and name != "ENTRY"}
    assert inside == {}, f"state copies inside loop bodies or branches: {inside}"
    # outside the loops: at most ψ and λ handed from the energy's pass to the sweep, once
    assert copies.get("ENTRY", 0) <= 2


def test_the_copy_check_sees_copies():
    """The same reading finds the copies of a scan whose body returns its carry through
    a ``lax.switch`` branch that passes it through (what the kernels avoid)."""

    branches = [lambda p: p, lambda p: p[::-1] * 2]

    def run(psi, which):
        return jax.lax.scan(lambda p, k: (jax.lax.switch(k, branches, p), None), psi, which)[0]

    psi, which = jnp.ones(1024, jnp.complex128), jnp.arange(8) % 2
    hlo = jax.jit(run).lower(psi, which).compile().as_text()
    state = re.compile(r"= c128\[1024\]\{0\} copy\(")
    bodies = _computations(hlo).items()
    assert [name for name, body in bodies if name != "ENTRY" and state.search(body)]


def test_auto_picks_the_pure_jax_kernels_off_cpu(monkeypatch):
    monkeypatch.setattr(jax, "default_backend", lambda: "gpu")
    assert native.status() == "not used on gpu"
    assert isinstance(select("auto"), PureJax)
    assert revad.api.kernels_in_use(revad.Adjoint()) == "not used on gpu"


@pytest.mark.skipif(native.status() != "native", reason="native kernels unavailable here")
@pytest.mark.parametrize("seed", [0, 1])
def test_the_pure_jax_kernels_equal_the_native_ones(seed):
    rng = np.random.default_rng(seed)
    n = 5
    c, h = random_circuit(n, 40, rng), random_hamiltonian(n, 6, rng)
    theta = rng.uniform(-np.pi, np.pi, c.n_params)
    e_jax, g_jax = revad.value_and_grad(c, h, theta, method=revad.Adjoint("jax"))
    e_nat, g_nat = revad.value_and_grad(c, h, theta, method=revad.Adjoint("native"))
    np.testing.assert_allclose(e_jax, e_nat, rtol=0, atol=1e-12)
    np.testing.assert_allclose(g_jax, g_nat, rtol=0, atol=1e-12)
