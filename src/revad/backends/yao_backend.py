"""Yao.jl backend: the same circuit and Hamiltonian, simulated and differentiated by Yao.

The circuit goes to Julia as a few integer/float arrays (:mod:`.yao_encoding`); the Julia
package ``RevadYao`` (``julia/`` in the repository, declared with Yao in
``revad/juliapkg.json``) rebuilds it as a Yao block and differentiates it with Yao's
reversible adjoint ``expect'(h, reg => circuit)``. Gradients come back per revad slot
(shared slots added; fixed angles are not trainable). There is no drift estimate: Yao's
sweep does not expose the recovered input state, so ``value_and_grad`` returns ``None``.

juliacall is imported lazily, on the first call, and only after a quick check (no
subprocess, no network) that a Julia runtime can be found: without one every call fails
at once with :class:`JuliaUnavailableError`, which names what is missing and how to get
it. ``REVAD_YAO_ALLOW_DOWNLOAD=1`` skips that check and lets juliacall download Julia
itself; any failure of juliacall's start-up is reported the same way.

First-call latency: starting Julia takes a few seconds; the very first use on a machine
resolves the Julia environment (installs Yao and its dependencies, then precompiles),
which takes minutes; the first call of each function then compiles it (tens of seconds
for ``energy_and_gradient``). Later calls run at Yao's speed. See ``docs/yao.md``.

Environment: ``REVAD_YAO_DEVICE=cuda`` runs on the GPU (needs CUDA.jl in the Julia
environment); ``REVAD_YAO_ALLOW_DOWNLOAD=1`` as above.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import sys
from pathlib import Path

import numpy as np

from ..errors import RevadError
from ..ir.circuit import Circuit
from ..ir.hamiltonian import Hamiltonian
from .yao_encoding import encode_circuit, encode_hamiltonian

ALLOW_DOWNLOAD_ENV = "REVAD_YAO_ALLOW_DOWNLOAD"
DEVICE_ENV = "REVAD_YAO_DEVICE"
DOWNLOAD_TIMEOUT_S = 60.0
"""Socket timeout while juliacall may download (so a dead network cannot hang a call)."""

JULIA_PACKAGE_DIR = Path(__file__).resolve().parents[3] / "julia"
"""The RevadYao Julia package (``path`` in ``revad/juliapkg.json``): needs a source checkout."""
JULIAPKG_JSON = Path(__file__).resolve().parents[1] / "juliapkg.json"


class JuliaUnavailableError(RevadError, RuntimeError):
    """The Yao backend cannot run: no Julia runtime, or juliacall/Yao could not start."""


_INSTALL_JULIA = (
    "install Julia >= 1.10 (https://julialang.org/downloads; juliaup: "
    "`curl -fsSL https://install.julialang.org | sh`) so that `julia` or `juliaup` is on "
    "PATH, or point PYTHON_JULIAPKG_EXE at a julia executable (juliacall also reads "
    "PYTHON_JULIACALL_EXE together with PYTHON_JULIACALL_PROJECT, PYTHON_JULIAPKG_PROJECT, "
    "PYTHON_JULIAPKG_OFFLINE, JULIA_DEPOT_PATH and JULIAUP_DEPOT_PATH)"
)
_FIRST_CALL = "The first call then installs Yao.jl, which takes minutes; see docs/yao.md."
HOW_TO_GET_JULIA = (
    f"To get one: {_INSTALL_JULIA}; or set {ALLOW_DOWNLOAD_ENV}=1 to let juliacall "
    f"download Julia (needs network). {_FIRST_CALL}"
)
HOW_AFTER_DOWNLOAD_FAILED = (
    f"{ALLOW_DOWNLOAD_ENV}=1 let juliacall try to download Julia and install Yao.jl, which "
    f"needs network access; otherwise {_INSTALL_JULIA}. {_FIRST_CALL}"
)

_state: dict = {"module": None, "error": None, "bridge": None, "cuda": False}


def _env_or_xoption(env: str, xkey: str) -> str | None:
    value = sys._xoptions.get(xkey)
    if isinstance(value, str) and value:
        return value
    return os.environ.get(env) or None


def _juliapkg_project() -> Path:
    """Where juliapkg keeps its Julia environment (same rules as juliapkg's own state)."""
    project = _env_or_xoption("PYTHON_JULIAPKG_PROJECT", "juliapkg-project")
    if project:
        return Path(project)
    if sys.prefix != sys.base_prefix:
        return Path(sys.prefix) / "julia_env"
    if os.environ.get("CONDA_PREFIX"):
        return Path(os.environ["CONDA_PREFIX"]) / "julia_env"
    depot = os.environ.get("JULIA_DEPOT_PATH", "").split(os.pathsep)[0]
    depot_path = Path(depot) if depot else Path.home() / ".julia"
    return depot_path / "environments" / "pyjuliapkg"


def _is_executable(path: str | Path) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def find_julia() -> tuple[str | None, str]:
    """Look for a Julia runtime the way juliacall would, without starting anything.

    Returns ``(where, "")`` when one is found, ``(None, reason)`` otherwise. Cheap: only
    environment variables, PATH and a few files are read.
    """
    if "juliacall" in sys.modules:
        return "juliacall (already imported)", ""
    exe = _env_or_xoption("PYTHON_JULIAPKG_EXE", "juliapkg-exe")
    if exe:
        found = shutil.which(exe)
        if found is None:
            return None, f"PYTHON_JULIAPKG_EXE={exe} is not an executable"
        return found, ""
    juliacall_exe = _env_or_xoption("PYTHON_JULIACALL_EXE", "juliacall-exe")
    bindir = _env_or_xoption("PYTHON_JULIACALL_BINDIR", "juliacall-bindir")
    if juliacall_exe or bindir:
        if not _env_or_xoption("PYTHON_JULIACALL_PROJECT", "juliacall-project"):
            var = "PYTHON_JULIACALL_EXE" if juliacall_exe else "PYTHON_JULIACALL_BINDIR"
            return None, (
                f"{var} is set but PYTHON_JULIACALL_PROJECT is not (juliacall needs both; "
                "or use PYTHON_JULIAPKG_EXE instead)"
            )
        candidate = juliacall_exe or os.path.join(bindir, "julia")
        found = shutil.which(candidate)
        if found is None:
            return None, f"{candidate} (from the PYTHON_JULIACALL_* variables) is not executable"
        return found, ""
    for name in ("julia", "juliaup"):
        found = shutil.which(name)
        if found:
            return found, ""
    juliaup_depot = os.environ.get("JULIAUP_DEPOT_PATH") or str(Path.home() / ".julia")
    if (Path(juliaup_depot) / "juliaup" / "juliaup.json").is_file():
        return str(Path(juliaup_depot) / "juliaup"), ""
    prefix = _juliapkg_project() / "pyjuliapkg"
    try:
        recorded = json.loads((prefix / "meta.json").read_text()).get("executable")
    except (OSError, ValueError, AttributeError):
        recorded = None
    for candidate in (recorded, prefix / "install" / "bin" / "julia"):
        if candidate and _is_executable(candidate):
            return str(candidate), ""
    return None, (
        "no `julia` or `juliaup` on PATH, PYTHON_JULIAPKG_EXE and PYTHON_JULIACALL_EXE unset, "
        f"and no Julia installed by juliapkg under {prefix}"
    )


def _device() -> str:
    device = os.environ.get(DEVICE_ENV, "cpu").strip().lower() or "cpu"
    if device not in ("cpu", "cuda"):
        raise RevadError(f"{DEVICE_ENV} must be 'cpu' or 'cuda', got {device!r}")
    return device


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "yes", "true", "on")


def _unavailable(reason: str, how: str = HOW_TO_GET_JULIA) -> JuliaUnavailableError:
    return JuliaUnavailableError(f"The Yao backend needs Julia: {reason}. {how}")


def _check_prerequisites() -> str | None:
    """Everything that can be checked before importing juliacall; raises if anything lacks.

    Returns where Julia was found (None when the check was skipped).
    """
    if importlib.util.find_spec("juliacall") is None:
        raise _unavailable(
            "the Python package juliacall is not installed",
            "Install it with `pip install 'revad[yao]'` (or `pip install juliacall`); it then "
            "finds or installs Julia and Yao.jl on first use (see docs/yao.md).",
        )
    if not (JULIA_PACKAGE_DIR / "Project.toml").is_file() or not JULIAPKG_JSON.is_file():
        raise _unavailable(
            f"its Julia package RevadYao was not found at {JULIA_PACKAGE_DIR}",
            "The Yao backend runs from a source checkout of revad: clone the repository and "
            "`pip install -e '.[yao]'` so that julia/ sits next to revad/.",
        )
    if "juliacall" in sys.modules or _truthy(os.environ.get(ALLOW_DOWNLOAD_ENV)):
        return None
    where, reason = find_julia()
    if where is None:
        raise _unavailable(f"no Julia runtime was found ({reason})")
    return where


def _import_juliacall(where: str | None):
    """``import juliacall``, bounded in time when it may download; errors become ours."""
    threads = (
        _env_or_xoption("PYTHON_JULIACALL_THREADS", "juliacall-threads")
        or os.environ.get("JULIA_NUM_THREADS")
        or "1"
    )
    if threads.strip() != "1":
        os.environ.setdefault("PYTHON_JULIACALL_HANDLE_SIGNALS", "yes")
    old_timeout = socket.getdefaulttimeout()
    allow_download = _truthy(os.environ.get(ALLOW_DOWNLOAD_ENV))
    if allow_download:
        socket.setdefaulttimeout(DOWNLOAD_TIMEOUT_S)
    try:
        import juliacall
    except Exception as exc:  # juliapkg raises plain Exception, URLError, CalledProcessError...
        cause = f"{type(exc).__name__}: {_first_line(exc)}"
        if allow_download or where is None:
            raise _unavailable(
                f"juliacall could not start Julia ({cause})", HOW_AFTER_DOWNLOAD_FAILED
            ) from None
        raise _unavailable(
            f"juliacall could not start the Julia found at {where} or install Yao.jl ({cause})",
            "The first start resolves the Julia environment (installs Yao.jl), which needs "
            "network access and a Julia version juliapkg accepts (>= 1.10); see docs/yao.md.",
        ) from None
    finally:
        socket.setdefaulttimeout(old_timeout)
    return juliacall


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else repr(exc)


def _julia():
    """The Julia module ``RevadYao``, loaded on first use (see the module docstring)."""
    if _state["module"] is not None:
        return _state["module"]
    if _state["error"] is not None:
        raise JuliaUnavailableError(_state["error"])
    where = _check_prerequisites()
    try:
        juliacall = _import_juliacall(where)
        bridge = juliacall.newmodule("RevadYaoBridge")
        try:
            bridge.seval("using RevadYao")
        except Exception as exc:
            raise _unavailable(
                f"Julia started but could not load RevadYao and Yao.jl ({_first_line(exc)})",
                _RESOLVE_HINT,
            ) from None
    except JuliaUnavailableError as exc:
        _state["error"] = str(exc)  # juliacall starts once per process: do not retry
        raise
    _state["bridge"] = bridge
    _state["module"] = bridge.RevadYao
    return _state["module"]


_RESOLVE_HINT = (
    'Re-resolve the Julia environment with `python -c "import juliapkg; '
    'juliapkg.resolve(force=True)"` (needs network the first time); see docs/yao.md.'
)


def _load_cuda() -> None:
    """``using CUDA`` once, for ``REVAD_YAO_DEVICE=cuda`` (loads RevadYao's CUDA extension)."""
    if _state.get("cuda"):
        return
    try:
        _state["bridge"].seval("using CUDA")
    except Exception as exc:
        raise RevadError(
            f"{DEVICE_ENV}=cuda but CUDA.jl could not be loaded ({_first_line(exc)}). Add it "
            "to the Julia environment: `python -c \"import juliapkg; juliapkg.add('CUDA', "
            "'052768ef-5323-5732-b1bb-66c8b64840ba'); juliapkg.resolve()\"`."
        ) from None
    _state["cuda"] = True


def julia_module():
    """The loaded Julia module ``RevadYao`` (starts Julia on first use)."""
    return _julia()


def _circuit_args(circuit: Circuit, theta: np.ndarray) -> tuple:
    enc = encode_circuit(circuit)
    theta = np.ascontiguousarray(theta, dtype=np.float64)
    return enc, (enc.n_qubits, enc.codes, enc.q1, enc.q2, enc.slots, enc.angles, theta)


def _hamiltonian_args(h: Hamiltonian) -> tuple:
    enc = encode_hamiltonian(h)
    return enc.coeffs, enc.term, enc.pauli, enc.qubit


def _call(name: str, *args, dtype):
    """Call ``RevadYao.<name>(args...; dtype, device)``, starting Julia if needed."""
    device = _device()
    module = _julia()
    if device == "cuda":
        _load_cuda()
    return getattr(module, name)(*args, dtype=np.dtype(dtype).name, device=device)


def statevector(circuit: Circuit, theta: np.ndarray, dtype=np.complex128) -> np.ndarray:
    """ψ = U(θ)|0…0⟩ from Yao (qubit 0 = least significant bit)."""
    _, args = _circuit_args(circuit, theta)
    interleaved = np.array(_call("statevector", *args, dtype=dtype), dtype=np.float64)
    return interleaved.view(np.complex128).astype(dtype)


def expectation(circuit: Circuit, h: Hamiltonian, theta: np.ndarray, dtype=np.complex128) -> float:
    """⟨ψ|H|ψ⟩ from Yao's ``expect``."""
    _, args = _circuit_args(circuit, theta)
    return float(_call("expectation", *args, *_hamiltonian_args(h), dtype=dtype))


def value_and_grad(
    circuit: Circuit, h: Hamiltonian, theta: np.ndarray, dtype=np.complex128
) -> tuple[float, np.ndarray, None]:
    """(E, ∂E/∂θ, None) from one call of Yao's ``expect'`` (reversible adjoint)."""
    enc, args = _circuit_args(circuit, theta)
    energy, grad = _call(
        "energy_and_gradient", *args, enc.n_params, *_hamiltonian_args(h), dtype=dtype
    )
    grad = np.array(grad, dtype=np.float64)
    if grad.shape != (enc.n_params,):
        raise RevadError(f"Yao returned a gradient of shape {grad.shape}, not ({enc.n_params},)")
    return float(energy), grad, None
