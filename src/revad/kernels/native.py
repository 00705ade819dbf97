"""Native CPU kernels: build, verify and register ``native_kernels.cc`` (the XLA FFI
targets that ``revad.kernels.native_steps`` calls).

Why: XLA:CPU runs each fused loop on one thread, loops that read a partner amplitude
(``ψ[j ^ m]``) cost ~3 ns per amplitude at n=20, and a ``lax.switch`` inside a scan
copies the state twice per step. The native kernels run a whole chunk of program steps
per call, dispatching on the step type in C++, with OpenMP loops that update ψ and λ
in place: a fused one-qubit block; a block's backward step (cross-density and both
uncomputes in one pass); a generic gate with its gradient; a CNOT/SWAP permutation
(through one scratch state) from two small lookup tables; and the whole Pauli sum with
the energy in one pass. The arithmetic is the pure-JAX path's, in the same order of
steps; sums are reassociated (results agree to ~1e-15).

Build: the C++ file is compiled on first use by the system C++ compiler (``$CXX``, split
like a shell command so it may carry its own flags, e.g. ``CXX="ccache g++ -O2"``; else
``c++``/``g++``) against the running jaxlib's FFI headers, so the ABI always matches,
with ``-march=native -fopenmp`` where the compiler takes them; the first build takes
~5 s. The library is cached under ``$REVAD_CACHE_DIR/native``, else
``~/.cache/revad/native``, else (home not writable) ``<tmp>/revad-<uid>/native``, keyed
by source, jaxlib, compiler and CPU, written atomically, with the sha256 of what was
built in a ``.sha256`` file next to it. A cache folder is used only if it and the
folder above it (``$REVAD_CACHE_DIR``, ``~/.cache/revad``, ``<tmp>/revad-<uid>``) are
real folders (not symlinks) owned by the current user and not writable by group or
others (revad creates them with mode 0700); otherwise revad warns once and builds in a
private temporary folder (``tempfile.mkdtemp``) for this process only. A cached library is
loaded only if it is a regular file owned by the user, not group/other-writable, and
its bytes match the recorded hash; else (planted, truncated, unrecorded) it is rebuilt.
The verified bytes themselves are what gets loaded (see :func:`_dlopen`). Without a
compiler, with ``REVAD_NATIVE=0``, or on GPU, the JAX backend runs its pure-JAX kernels
(same results, slower on CPU); :func:`status` says which. Threads: OpenMP's
(``OMP_NUM_THREADS``, default all cores).
"""

from __future__ import annotations

import atexit
import ctypes
import hashlib
import os
import platform
import shlex
import shutil
import stat
import subprocess
import tempfile
import warnings
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path

import jax
import jaxlib.version

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


def _find_compiler() -> tuple[list[str] | None, str | None]:
    """(command, None), or (None, why not): ``$CXX`` split like a shell command (the
    compiler, then its own flags), else ``c++``, else ``g++`` from the PATH."""
    cxx = os.environ.get("CXX", "")
    try:
        cmd = shlex.split(cxx)
    except ValueError as exc:
        return None, f"cannot parse CXX={cxx!r}: {exc}"
    if not cmd:
        found = shutil.which("c++") or shutil.which("g++")
        return ([found], None) if found else (None, "no C++ compiler found (set CXX)")
    if shutil.which(cmd[0]) is None:
        return None, f"C++ compiler {cmd[0]!r} (from CXX={cxx!r}) not found or not executable"
    return cmd, None


def _compiler() -> list[str] | None:
    """The compiler command (a list: the compiler and its flags), or None."""
    return _find_compiler()[0]


def _cpu_id() -> bytes:
    """The CPU's identity (model and feature flags): ``-march=native`` builds differ."""
    try:
        with open("/proc/cpuinfo", "rb") as f:
            lines = [ln for ln in f if ln.startswith((b"model name", b"flags", b"Features"))]
        return b"".join(sorted(set(lines)))
    except OSError:
        return (platform.processor() + platform.machine()).encode()


def _unsafe(
    st: os.stat_result, kind: str, test: Callable[[int], bool] = stat.S_ISDIR
) -> str | None:
    """Why a file or folder (from ``lstat``/``fstat``) may not be trusted, or None: it must
    be of ``kind`` (not a symlink), owned by us and not writable by group or others."""
    if stat.S_ISLNK(st.st_mode):
        return "is a symbolic link"
    if not test(st.st_mode):
        return f"is not a {kind}"
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return f"is owned by uid {st.st_uid}, not by the current user (uid {os.getuid()})"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        mode = stat.S_IMODE(st.st_mode)
        return f"is writable by group or others (mode {mode:o}; chmod go-w fixes it)"
    return None


def _private_folder(folder: Path) -> str | None:
    """Create ``folder`` (mode 0700) if missing; None if it is safe to use, else why not.
    Raises OSError if it cannot be created or examined."""
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    reason = _unsafe(os.lstat(folder), "folder")
    if reason is None and not os.access(folder, os.W_OK | os.X_OK):
        reason = "is not writable"
    return None if reason is None else f"{folder} {reason}"


@cache
def _process_folder() -> Path:
    """A private folder for this process only (``mkdtemp``: new, unique, mode 0700),
    removed at exit."""
    folder = Path(tempfile.mkdtemp(prefix="revad-native-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


@cache
def _warn_cache(message: str) -> None:
    warnings.warn(f"revad: {message}", RuntimeWarning, stacklevel=2)


def _cache_dir() -> Path:
    """``$REVAD_CACHE_DIR/native``, else ``~/.cache/revad/native``, else (home not
    writable) ``<tmp>/revad-<uid>/native``: the first that exists or can be created.
    It is used only if it and the folder above it are ours and private (see
    :func:`_unsafe`); if it is not, or if none can be created, this warns once and
    returns a private temporary folder for this process (the build is not reused)."""
    if os.environ.get("REVAD_CACHE_DIR"):
        roots = [Path(os.environ["REVAD_CACHE_DIR"])]
    else:
        user = f"revad-{os.getuid()}" if hasattr(os, "getuid") else "revad"
        roots = [Path.home() / ".cache" / "revad", Path(tempfile.gettempdir()) / user]
    problem = None
    for root in roots:
        folder = root / "native"
        try:
            root.parent.mkdir(parents=True, exist_ok=True)
            problem = _private_folder(root) or _private_folder(folder)
        except OSError as exc:
            problem = f"cannot create {folder}: {exc}"
            continue
        if problem is None:
            return folder
        break  # it exists but is not safe: do not look further, use a private folder
    private = _process_folder()
    _warn_cache(
        f"not using the native-kernel cache ({problem}); building the kernels in "
        f"the private folder {private} for this process instead"
    )
    return private


def _read_verified(path: Path) -> bytes | None:
    """The bytes of ``path`` if it is a regular file that is ours, not writable by group
    or others, not a symlink (``O_NOFOLLOW``; checked with ``fstat`` on the opened fd,
    so on the file that is read; ``O_NONBLOCK`` so a FIFO cannot block), else None."""
    flags = os.O_RDONLY
    for name in ("O_NOFOLLOW", "O_CLOEXEC", "O_NONBLOCK"):
        flags |= getattr(os, name, 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        if _unsafe(os.fstat(f.fileno()), "regular file", stat.S_ISREG) is not None:
            return None
        return f.read()


def _cached(target: Path) -> bytes | None:
    """The cached library's bytes if they match the hash recorded when revad built it."""
    data, record = _read_verified(target), _read_verified(_record(target))
    if data is None or record is None:
        return None
    matches = hashlib.sha256(data).hexdigest() == record.decode(errors="replace").strip()
    return data if matches else None


def _record(target: Path) -> Path:
    return target.with_name(target.name + ".sha256")


def _compile(source: bytes, compiler: list[str]) -> tuple[Path, bytes]:
    """The library for (source, jaxlib, compiler, CPU): its path in the cache and its
    verified bytes. Built unless the cache holds it with a matching hash record (see
    :func:`_cached`); a build replaces the library and then its ``.sha256`` record, each
    atomically. Tries all of ``OPTIONAL_FLAGS``, then without -march=native, then
    without either."""
    include = jax.ffi.include_dir()
    key = hashlib.sha256(
        b"\0".join(
            [source, jaxlib.version.__version__.encode(), shlex.join(compiler).encode(), _cpu_id()]
        )
    ).hexdigest()[:16]
    target = _cache_dir() / f"revad_kernels_{key}.so"
    data = _cached(target)
    if data is not None:
        return target, data
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:  # mode 0700
        src = Path(tmp) / SOURCE
        src.write_bytes(source)
        built = Path(tmp) / target.name
        for optional in (OPTIONAL_FLAGS, OPTIONAL_FLAGS[1:], ()):
            cmd = [*compiler, *FLAGS, *optional, f"-I{include}", str(src), "-o", str(built)]
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode == 0:
                break
        else:
            raise RuntimeError(f"{shlex.join(cmd)} failed:\n{done.stderr[-2000:]}")
        data = built.read_bytes()
        record = Path(tmp) / "record"
        record.write_text(hashlib.sha256(data).hexdigest() + "\n")
        # atomic: other processes see the old file or the whole new one; one that reads
        # a library and a record from different builds sees a mismatch and rebuilds
        os.replace(built, target)
        os.replace(record, _record(target))
    return target, data


def _dlopen(data: bytes, folder: Path) -> ctypes.CDLL:
    """Load the library from ``data``, the bytes that were verified (or just built), not
    from the cache file: reopening that path would check one file and load another if it
    changed in between, and a file truncated while mapped crashes the process. The bytes
    go to an anonymous ``memfd`` loaded through ``/proc/self/fd/N`` (Linux); where that
    is unavailable, to a new ``mkstemp`` file (mode 0600) in ``folder`` (a private
    folder, checked by :func:`_cache_dir`), removed once loaded."""
    if hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd"):
        try:
            fd = os.memfd_create("revad_kernels", os.MFD_CLOEXEC)
        except OSError:
            pass
        else:
            try:
                _write_all(fd, data)
                return ctypes.CDLL(f"/proc/self/fd/{fd}")
            except OSError:
                pass  # e.g. memfd mapped noexec: fall back to a file
            finally:
                os.close(fd)
    fd, path = tempfile.mkstemp(prefix=".load-", suffix=".so", dir=folder)
    try:
        _write_all(fd, data)
        os.close(fd)
        fd = -1
        return ctypes.CDLL(path)
    finally:
        if fd >= 0:
            os.close(fd)
        os.unlink(path)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


@cache
def _load() -> str | None:
    """Compile, load and register the kernels; returns None on success, else the reason."""
    compiler, reason = _find_compiler()
    if compiler is None:
        return reason
    try:
        path, data = _compile(_source(), compiler)
        lib = _dlopen(data, path.parent)
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
