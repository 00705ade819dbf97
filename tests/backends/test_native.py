"""The native CPU kernels: build, agreement with dense references, fallback and errors.

The gradient, statevector and composition tests of test_jax_backend.py and
test_fusion.py run on both kernel sets (the ``kernels`` fixture)."""

import os
import subprocess
import sys
import textwrap

import jax.numpy as jnp
import numpy as np
import pytest

import revad
from revad.backends import jax_backend, native
from tests.reference import random_hamiltonian

needs_compiler = pytest.mark.skipif(native._compiler() is None, reason="no C++ compiler here")


@needs_compiler
def test_native_kernels_build_here(monkeypatch):
    monkeypatch.delenv("REVAD_NATIVE", raising=False)
    assert native.status() == "native"


@needs_compiler
@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
def test_pauli_sum_matches_sparse_matrix(dtype):
    native.require()
    rng = np.random.default_rng(3)
    n = 17  # the size from which the kernel's loops go parallel
    h = random_hamiltonian(n, 12, rng)
    psi = (rng.normal(size=2**n) + 1j * rng.normal(size=2**n)).astype(dtype)
    ham = jax_backend.compile_hamiltonian(h)
    lam, e = native.pauli_sum(jnp.asarray(psi), ham.xmask, ham.zmask, jnp.asarray(ham.weight))
    expected = h.to_sparse() @ psi.astype(complex)
    tol = 1e-12 if dtype == np.complex128 else 1e-4
    np.testing.assert_allclose(lam, expected, rtol=0, atol=tol)
    e_ref = np.vdot(psi.astype(complex), expected).real
    assert abs(float(e) - e_ref) <= tol * abs(e_ref)


@needs_compiler
def test_wide_standard_problem_native_matches_pure_jax():
    """n=17: the size from which the kernels' loops go parallel."""
    c, h = revad.variational_circuit(17, 1), revad.heisenberg(17)
    theta = np.random.default_rng(0).uniform(0, 2 * np.pi, c.n_params)
    e_n, g_n, d_n = jax_backend.value_and_grad(c, h, theta, native=True)
    e_j, g_j, _ = jax_backend.value_and_grad(c, h, theta, native=False)
    assert abs(e_n - e_j) < 1e-12 and d_n < 1e-12
    np.testing.assert_allclose(g_n, g_j, rtol=0, atol=1e-12)


def test_requesting_unavailable_kernels_names_the_reason(monkeypatch):
    monkeypatch.setenv("REVAD_NATIVE", "0")
    c, h = revad.variational_circuit(3, 1), revad.heisenberg(3)
    with pytest.raises(revad.RevadError, match="REVAD_NATIVE=0"):
        jax_backend.value_and_grad(c, h, np.zeros(c.n_params), native=True)


@needs_compiler
def test_compiled_library_is_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("REVAD_CACHE_DIR", str(tmp_path))
    first = native._compile(native._source(), native._compiler())
    mtime = first.stat().st_mtime_ns
    again = native._compile(native._source(), native._compiler())
    assert again == first and first.stat().st_mtime_ns == mtime
    assert [p.name for p in first.parent.iterdir()] == [first.name]  # no temp files left


def test_a_failing_compiler_falls_back_to_pure_jax_with_a_warning(tmp_path):
    script = textwrap.dedent(
        """
        import warnings, numpy as np, revad
        from revad.backends import native
        print("STATUS", native.status())
        c, h = revad.variational_circuit(3, 1), revad.heisenberg(3)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            e, g = revad.value_and_grad(c, h, np.full(c.n_params, 0.3))
        e_ref, g_ref = revad.value_and_grad(c, h, np.full(c.n_params, 0.3), backend="numpy")
        assert abs(e - e_ref) < 1e-12 and np.allclose(g, g_ref, rtol=0, atol=1e-12)
        print("WARNED", any("pure-JAX CPU kernels" in str(w.message) for w in caught))
        """
    )
    env = {**os.environ, "CXX": "false", "REVAD_CACHE_DIR": str(tmp_path)}
    env.pop("REVAD_NATIVE", None)
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "STATUS could not build the native kernels" in done.stdout
    assert "WARNED True" in done.stdout
