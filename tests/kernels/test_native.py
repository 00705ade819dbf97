"""The native CPU kernels: build, agreement with dense references, fallback and errors,
and the kernel cache's safety (planted, unrecorded or truncated libraries are never
loaded; unsafe cache folders are not used).

The gradient, statevector and composition tests of test_jax_backend.py and
test_fusion.py run on both kernel sets (the ``kernels`` fixture). Tests that load
kernels from a prepared cache run in a subprocess, so that a crash (a bus error from a
truncated library) or a planted constructor cannot touch pytest's process."""

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import jax.numpy as jnp
import numpy as np
import pytest

import revad
from revad.compile.program import compile_hamiltonian
from revad.kernels import native, native_steps
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
    ham = compile_hamiltonian(h)
    weight = jnp.asarray(ham.weight)
    lam, e = native_steps.ffi_pauli_sum(jnp.asarray(psi), ham.xmask, ham.zmask, weight)
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
    native_adjoint, jax_adjoint = revad.Adjoint("native"), revad.Adjoint("jax")
    e_n, g_n, d_n = revad.value_and_grad(c, h, theta, method=native_adjoint, return_drift=True)
    e_j, g_j = revad.value_and_grad(c, h, theta, method=jax_adjoint)
    assert abs(e_n - e_j) < 1e-12 and d_n < 1e-12
    np.testing.assert_allclose(g_n, g_j, rtol=0, atol=1e-12)


def test_requesting_unavailable_kernels_names_the_reason(monkeypatch):
    monkeypatch.setenv("REVAD_NATIVE", "0")
    c, h = revad.variational_circuit(3, 1), revad.heisenberg(3)
    with pytest.raises(revad.RevadError, match="REVAD_NATIVE=0"):
        revad.value_and_grad(c, h, np.zeros(c.n_params), method=revad.Adjoint("native"))


@needs_compiler
def test_compiled_library_is_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("REVAD_CACHE_DIR", str(tmp_path))
    first, data = native._compile(native._source(), native._compiler())
    mtime = first.stat().st_mtime_ns
    again, data_again = native._compile(native._source(), native._compiler())
    assert again == first and first.stat().st_mtime_ns == mtime and data_again == data
    assert data == first.read_bytes()
    record = first.with_name(first.name + ".sha256")
    assert record.read_text().strip() == hashlib.sha256(data).hexdigest()
    names = sorted(p.name for p in first.parent.iterdir())
    assert names == [first.name, record.name]  # no temp files left
    mode = stat.S_IMODE(os.stat(first.parent).st_mode)
    assert mode & 0o077 == 0  # created private (0700)


def test_a_failing_compiler_falls_back_to_pure_jax_with_a_warning(tmp_path):
    done = run_revad(CHECK, CXX="false", REVAD_CACHE_DIR=str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "STATUS could not build the native kernels" in done.stdout
    assert "WARNING revad: pure-JAX CPU kernels" in done.stdout


# ---- the kernel cache's safety (issue 11) ----

CHECK = textwrap.dedent(
    """
    import warnings, numpy as np, revad
    from revad.kernels import native, native_steps
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        print("STATUS", native.status())
        c, h = revad.variational_circuit(3, 1), revad.heisenberg(3)
        e, g = revad.value_and_grad(c, h, np.full(c.n_params, 0.3))
    e_ref, g_ref = revad.value_and_grad(c, h, np.full(c.n_params, 0.3), backend="numpy")
    assert abs(e - e_ref) < 1e-12 and np.allclose(g, g_ref, rtol=0, atol=1e-12)
    for w in caught:
        print("WARNING", str(w.message).replace(chr(10), " "))
    """
)


def run_revad(script, **env):
    """Run ``script`` in a fresh Python with os.environ plus ``env`` (REVAD_NATIVE and
    CXX unset unless given, so it builds like the other tests)."""
    full = {k: v for k, v in os.environ.items() if k not in ("REVAD_NATIVE", "CXX")}
    full.update(env)
    return subprocess.run(
        [sys.executable, "-c", script], env=full, capture_output=True, text=True, timeout=300
    )


def private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True)
    os.chmod(path, 0o700)
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def good_cache(tmp_path_factory):
    """A cache folder (``.../native``) holding the kernels as revad builds them here."""
    root = private_dir(tmp_path_factory.mktemp("good") / "cache")
    done = run_revad(
        "from revad.kernels import native; print(native.status())", REVAD_CACHE_DIR=str(root)
    )
    assert done.stdout.strip() == "native", done.stderr
    return root / "native"


def library_name(good_cache: Path) -> str:
    (so,) = good_cache.glob("revad_kernels_*.so")
    return so.name


def planted_library(tmp_path: Path) -> tuple[Path, Path]:
    """A shared library whose constructor writes a marker file: (library, marker)."""
    marker = tmp_path / "PLANTED"
    src = tmp_path / "planted.cc"
    src.write_text(
        "#include <cstdio>\n"
        "__attribute__((constructor)) static void planted() {\n"
        f'  std::FILE* f = std::fopen({json.dumps(str(marker))}, "w");\n'
        '  if (f) { std::fputs("planted\\n", f); std::fclose(f); }\n'
        "}\n"
    )
    lib = tmp_path / "planted.so"
    cxx = shutil.which("c++") or shutil.which("g++")
    subprocess.run([cxx, "-shared", "-fPIC", str(src), "-o", str(lib)], check=True)
    return lib, marker


@needs_compiler
@pytest.mark.parametrize("where", ["REVAD_CACHE_DIR", "temp-fallback"])
def test_planted_library_in_an_unsafe_cache_folder_is_not_loaded(where, tmp_path, good_cache):
    """REVAD_CACHE_DIR/native writable by all; or, home not writable, the temp fallback
    ``<tmp>/revad-<uid>`` made by another user (root here: owned by nobody) or left
    writable by all. Either way, a library planted there under the right name must not
    be loaded: one warning, a private build, nothing left behind."""
    lib, marker = planted_library(tmp_path)
    tmp = private_dir(tmp_path / "tmp")
    env = {"TMPDIR": str(tmp)}
    if where == "REVAD_CACHE_DIR":
        folder = private_dir(tmp_path / "cache") / "native"
        folder.mkdir()
        os.chmod(folder, 0o777)
        env["REVAD_CACHE_DIR"] = str(folder.parent)
        unsafe = folder
    else:
        home = tmp_path / "home"
        home.write_text("")  # a file: ~/.cache cannot be created, even by root
        root = tmp / f"revad-{os.getuid()}"
        folder = root / "native"
        folder.mkdir(parents=True)
        if os.getuid() == 0:
            os.chown(root, 65534, 65534)
            os.chown(folder, 65534, 65534)
        else:
            os.chmod(root, 0o777)
        env.update(HOME=str(home), REVAD_CACHE_DIR="")
        unsafe = root
    planted = folder / library_name(good_cache)
    shutil.copy(lib, planted)
    before = planted.read_bytes()

    done = run_revad(CHECK, **env)
    assert done.returncode == 0, done.stderr
    assert not marker.exists(), "the planted library was loaded"
    assert "STATUS native" in done.stdout, done.stdout
    warned = [ln for ln in done.stdout.splitlines() if "not using the native-kernel cache" in ln]
    assert len(warned) == 1 and f"({unsafe} is " in warned[0], done.stdout
    assert planted.read_bytes() == before  # nothing written into the unsafe folder
    assert sorted(p.name for p in folder.iterdir()) == [planted.name]
    assert not list(tmp.glob("revad-native-*"))  # the private build folder is removed


@needs_compiler
@pytest.mark.parametrize("record", ["missing", "mismatched"])
def test_library_without_a_matching_hash_record_is_rebuilt(record, tmp_path, good_cache):
    """In a safe cache folder, a library under the right name that revad did not record
    (no ``.sha256``, or one of another build) is rebuilt, never loaded."""
    lib, marker = planted_library(tmp_path)
    cache = private_dir(tmp_path / "cache")
    shutil.copytree(good_cache, cache / "native")
    so = cache / "native" / library_name(good_cache)
    sidecar = so.with_name(so.name + ".sha256")
    shutil.copy(lib, so)
    if record == "missing":
        sidecar.unlink(missing_ok=True)
    done = run_revad(CHECK, REVAD_CACHE_DIR=str(cache))
    assert done.returncode == 0, done.stderr
    assert not marker.exists(), "the planted library was loaded"
    assert "STATUS native" in done.stdout and "WARNING" not in done.stdout, done.stdout
    assert sidecar.read_text().strip() == sha256(so) != hashlib.sha256(lib.read_bytes()).hexdigest()


@needs_compiler
@pytest.mark.parametrize("size", [1024, 100_000])
def test_truncated_cached_library_is_rebuilt(size, tmp_path, good_cache):
    """A cut-off library (an interrupted copy, a full disk) used to kill every run with a
    bus error when loaded; it fails the hash check and is rebuilt."""
    cache = private_dir(tmp_path / "cache")
    shutil.copytree(good_cache, cache / "native")
    so = cache / "native" / library_name(good_cache)
    full = so.stat().st_size
    assert full > size
    os.truncate(so, size)
    done = run_revad(CHECK, REVAD_CACHE_DIR=str(cache))
    assert done.returncode == 0, f"rc={done.returncode}\n{done.stderr[-3000:]}"
    assert "STATUS native" in done.stdout, done.stdout
    assert so.stat().st_size == full
    assert so.with_name(so.name + ".sha256").read_text().strip() == sha256(so)


def test_only_a_recorded_private_regular_file_is_trusted(tmp_path):
    so = tmp_path / "lib.so"
    so.write_bytes(b"library bytes")
    record = tmp_path / "lib.so.sha256"
    assert native._cached(so) is None  # no record
    record.write_text(hashlib.sha256(b"library bytes").hexdigest() + "\n")
    assert native._cached(so) == b"library bytes"
    os.chmod(so, 0o664)
    assert native._cached(so) is None  # group-writable
    os.chmod(so, 0o644)
    os.chmod(record, 0o666)
    assert native._cached(so) is None  # record writable by others
    os.chmod(record, 0o644)
    os.truncate(so, 4)
    assert native._cached(so) is None  # content changed
    link = tmp_path / "link.so"
    (tmp_path / "target.so").write_bytes(b"library bytes")
    link.symlink_to(tmp_path / "target.so")
    shutil.copy(record, tmp_path / "link.so.sha256")
    assert native._cached(link) is None  # a symlink, even to matching bytes


@needs_compiler
def test_cxx_may_carry_flags_and_a_quoted_path(tmp_path):
    """``CXX`` is split like a shell command: a compiler path with a space, then flags."""
    wrapper_dir = tmp_path / "my tools"
    wrapper_dir.mkdir()
    wrapper, log = wrapper_dir / "cxx", tmp_path / "args.log"
    cxx = shutil.which("c++") or shutil.which("g++")
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec "{cxx}" "$@"\n')
    wrapper.chmod(0o755)
    cache = private_dir(tmp_path / "cache")
    done = run_revad(CHECK, CXX=f"'{wrapper}' -O2 -DREVAD_FROM_CXX", REVAD_CACHE_DIR=str(cache))
    assert done.returncode == 0, done.stderr
    assert "STATUS native" in done.stdout, done.stdout
    assert log.read_text().startswith("-O2 -DREVAD_FROM_CXX ")


def test_a_missing_compiler_in_cxx_is_named():
    done = run_revad(
        "from revad.kernels import native; print(native.status())", CXX="no-such-cxx -O2"
    )
    assert done.returncode == 0, done.stderr
    assert "'no-such-cxx' (from CXX='no-such-cxx -O2') not found" in done.stdout
