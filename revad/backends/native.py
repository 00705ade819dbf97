"""Native CPU kernels for the JAX backend (``native_kernels.cc``, called through the XLA FFI).

Why: XLA:CPU runs each fused loop on one thread, loops that read a partner amplitude
(``ψ[j ^ m]``) cost ~3 ns per amplitude at n=20, and a ``lax.switch`` inside a scan
copies the state twice per step. The native kernels run a whole chunk of program steps
per call, dispatching on the step type in C++, with OpenMP loops that update ψ and λ
in place: a fused one-qubit block; a block's backward step (cross-density and both
uncomputes in one pass); a generic gate with its gradient; a CNOT/SWAP permutation
(through one scratch state) from two small lookup tables; and the whole Pauli sum with
the energy in one pass. The arithmetic is the pure-JAX path's, in the same order of
steps; sums are reassociated (results agree to ~1e-15).

Build: the C++ file is compiled on first use by the system C++ compiler (``$CXX``,
else ``c++``/``g++``) against the running jaxlib's FFI headers, so the ABI always
matches, with ``-march=native -fopenmp`` where the compiler takes them. The library is
cached under ``~/.cache/revad`` (or ``$REVAD_CACHE_DIR``), keyed by source, jaxlib,
compiler and CPU, and written atomically; the first build takes ~5 s. Without a
compiler, with ``REVAD_NATIVE=0``, or on GPU, the JAX backend runs its pure-JAX kernels
(same results, slower on CPU); :func:`status` says which. Threads: OpenMP's
(``OMP_NUM_THREADS``, default all cores).
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import platform
import shutil
import subprocess
import tempfile
import warnings
from functools import cache
from importlib import resources
from pathlib import Path

import jax
import jax.numpy as jnp
import jaxlib

from ..errors import RevadError

SOURCE = "native_kernels.cc"
FLAGS = ("-O3", "-std=c++17", "-shared", "-fPIC", "-w")
OPTIONAL_FLAGS = ("-march=native", "-fopenmp")  # dropped one by one if the compiler refuses
TARGETS = {
    "revad_forward_steps": "RevadForwardSteps",
    "revad_backward_steps": "RevadBackwardSteps",
    "revad_pauli_sum": "RevadPauliSum",
}


def _source() -> bytes:
    return resources.files(__package__).joinpath(SOURCE).read_bytes()


def _compiler() -> str | None:
    return os.environ.get("CXX") or shutil.which("c++") or shutil.which("g++")


def _cpu_id() -> bytes:
    """The CPU's identity (model and feature flags): ``-march=native`` builds differ."""
    try:
        with open("/proc/cpuinfo", "rb") as f:
            lines = [ln for ln in f if ln.startswith((b"model name", b"flags", b"Features"))]
        return b"".join(sorted(set(lines)))
    except OSError:
        return (platform.processor() + platform.machine()).encode()


def _cache_dir() -> Path:
    """``$REVAD_CACHE_DIR/native``, else ``~/.cache/revad/native``, else (home not
    writable) a folder in the system's temporary directory."""
    if os.environ.get("REVAD_CACHE_DIR"):
        return Path(os.environ["REVAD_CACHE_DIR"]) / "native"
    user = f"revad-{os.getuid()}" if hasattr(os, "getuid") else "revad"
    for root in (Path.home() / ".cache" / "revad", Path(tempfile.gettempdir()) / user):
        folder = root / "native"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return folder
        except OSError:
            continue
    raise OSError("no writable folder for the native kernels (set REVAD_CACHE_DIR)")


def _compile(source: bytes, compiler: str) -> Path:
    """Build the shared library once per (source, jaxlib, compiler, CPU); atomic on disk.
    Tries all of ``OPTIONAL_FLAGS``, then without -march=native, then without either."""
    include = jax.ffi.include_dir()
    key = hashlib.sha256(
        b"\0".join([source, jaxlib.__version__.encode(), compiler.encode(), _cpu_id()])
    ).hexdigest()[:16]
    target = _cache_dir() / f"revad_kernels_{key}.so"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        src = Path(tmp) / SOURCE
        src.write_bytes(source)
        built = Path(tmp) / target.name
        for optional in (OPTIONAL_FLAGS, OPTIONAL_FLAGS[1:], ()):
            cmd = [compiler, *FLAGS, *optional, f"-I{include}", str(src), "-o", str(built)]
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode == 0:
                break
        else:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
        os.replace(built, target)  # atomic: other processes see the old state or the whole file
    return target


@cache
def _load() -> str | None:
    """Compile, load and register the kernels; returns None on success, else the reason."""
    compiler = _compiler()
    if compiler is None:
        return "no C++ compiler found (set CXX)"
    try:
        lib = ctypes.cdll.LoadLibrary(str(_compile(_source(), compiler)))
        for name, symbol in TARGETS.items():
            jax.ffi.register_ffi_target(name, jax.ffi.pycapsule(getattr(lib, symbol)), "cpu")
    except (OSError, RuntimeError, AttributeError) as exc:
        return f"could not build the native kernels: {exc}"
    return None


def status() -> str:
    """Why the native kernels are (not) in use: ``"native"`` or the reason."""
    if os.environ.get("REVAD_NATIVE", "1") == "0":
        return "disabled by REVAD_NATIVE=0"
    if jax.default_backend() != "cpu":
        return f"not used on {jax.default_backend()}"
    return _load() or "native"


@cache
def _warn_once(reason: str) -> None:
    warnings.warn(f"revad: pure-JAX CPU kernels in use (slower): {reason}", stacklevel=3)


def enabled() -> bool:
    """True when the JAX backend should call the native kernels (CPU, built and loaded)."""
    reason = status()
    if reason != "native" and jax.default_backend() == "cpu" and "REVAD_NATIVE" not in reason:
        _warn_once(reason)
    return reason == "native"


def require() -> None:
    """Load the kernels or raise a RevadError saying why they cannot be used."""
    reason = status()
    if reason != "native":
        raise RevadError(f"native CPU kernels requested but unavailable: {reason}")


def _call(name, outputs, *args, aliases=None):
    return jax.ffi.ffi_call(
        name, outputs, input_output_aliases=aliases or {}, vmap_method="sequential"
    )(*args)


def forward_steps(psi, scratch, ints, coef, cols):
    """Run S program steps on ψ in place, in one call. Per step: ``ints`` (type, a, b, m),
    ``coef`` (20: the block's 2x2 matrix, then a gate's A, B, GA, GB), ``cols`` (n: the
    permutation's columns). ``scratch``, a state-sized buffer, receives permutations."""
    state = jax.ShapeDtypeStruct(psi.shape, psi.dtype)
    args = (psi, scratch, ints, coef.astype(psi.dtype), cols)
    return _call("revad_forward_steps", (state, state), *args, aliases={0: 0, 1: 1})


def backward_steps(psi, lam, scratch, ints, coef, cols):
    """Reverse S steps (last first) on ψ and λ in place (``coef`` holds U†); returns
    (ψ, λ, scratch, r): r[s] (2x2) is a block's cross-density ``Tr_others|ψ⟩⟨λ|`` of
    its inputs, or for a gate ``r[s, 0, 0] = ⟨λ|P|ψ⟩`` with P = (GA, GB)."""
    state = jax.ShapeDtypeStruct(psi.shape, psi.dtype)
    r = jax.ShapeDtypeStruct((ints.shape[0], 2, 2), psi.dtype)
    args = (psi, lam, scratch, ints, coef.astype(psi.dtype), cols)
    return _call(
        "revad_backward_steps", (state, state, state, r), *args, aliases={0: 0, 1: 1, 2: 2}
    )


def pauli_sum(psi, xmask, zmask, weight):
    """(λ, E): λ = Hψ for the Pauli sum in revad's mask form (``Hamiltonian.masks``;
    sorted by X mask, runs of equal X are added at once), and E = Re⟨ψ|λ⟩ from the same
    pass (summed in float64)."""
    real = jnp.finfo(psi.dtype).dtype
    outputs = (jax.ShapeDtypeStruct(psi.shape, psi.dtype), jax.ShapeDtypeStruct((), real))
    return _call("revad_pauli_sum", outputs, psi, xmask, zmask, weight.astype(psi.dtype))
