"""The Julia runtime of the Yao backend: a juliacall module with ``RevadYao`` loaded, or a
:class:`JuliaUnavailableError` raised at once that says what was tried and how to get Julia.

juliacall and juliapkg do the work. juliapkg gathers the ``juliapkg.json`` files of the
installed packages (revad's, ``revad/juliapkg.json``, asks for Julia ^1.10, Yao 0.9 and
the package in ``julia/``), finds a Julia (``PYTHON_JULIAPKG_EXE``, its own install
folder, juliaup, ``julia`` on PATH), installs one if it finds none, and installs the
packages into its environment (``PYTHON_JULIAPKG_PROJECT``, ``PYTHON_JULIAPKG_OFFLINE``,
...); ``import juliacall`` then starts that Julia in this process (or, without juliapkg,
the one named by ``PYTHON_JULIACALL_EXE`` and ``PYTHON_JULIACALL_PROJECT``).

revad adds its download policy and its error messages:

- A Julia download only with ``REVAD_YAO_ALLOW_DOWNLOAD=1``. Otherwise, before juliacall is
  imported, :func:`find_julia` asks juliapkg for a Julia without letting it install one
  (no network, one ``julia --version`` per candidate) and refuses at once if there is none.
  (juliapkg's offline mode would also stop the first-use install of Yao.jl, so it is not
  used for this.) One gap remains, juliapkg's: when it (re)resolves, it may upgrade a Julia
  it found through juliaup or in its own folder to the newest compatible release;
  ``PYTHON_JULIAPKG_EXE`` pins the Julia and rules that out.
- Every failure (juliacall not installed, no source checkout, no Julia, juliacall's
  start-up, ``using RevadYao``) is one :class:`JuliaUnavailableError` line. A failure once
  juliacall was imported is remembered for the process (juliacall starts only once); one
  before that is not, so a call after fixing the environment tries again.

See ``docs/yao.md``.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import shutil
import socket
import sys
from importlib.util import find_spec
from pathlib import Path

from ..errors import RevadError

ALLOW_DOWNLOAD_ENV = "REVAD_YAO_ALLOW_DOWNLOAD"
DOWNLOAD_TIMEOUT_S = 60.0
"""Socket timeout while juliapkg may download (so a dead network cannot hang a call)."""

JULIA_PACKAGE_DIR = Path(__file__).resolve().parents[3] / "julia"
"""The RevadYao Julia package (``path`` in ``revad/juliapkg.json``): needs a source checkout."""
JULIAPKG_JSON = Path(__file__).resolve().parents[1] / "juliapkg.json"


class JuliaUnavailableError(RevadError, RuntimeError):
    """The Yao backend cannot run: no Julia runtime, or juliacall/Yao could not start."""


_INSTALL_JULIA = (
    "install Julia >= 1.10 (https://julialang.org/downloads; juliaup: "
    "`curl -fsSL https://install.julialang.org | sh`) so that `julia` or `juliaup` is on "
    "PATH, or point PYTHON_JULIAPKG_EXE at a julia executable (or set PYTHON_JULIACALL_EXE "
    "and PYTHON_JULIACALL_PROJECT together)"
)
_FIRST_CALL = "The first call then installs Yao.jl, which takes minutes; see docs/yao.md."
HOW_TO_GET_JULIA = (
    f"To get one: {_INSTALL_JULIA}; or set {ALLOW_DOWNLOAD_ENV}=1 to let juliapkg "
    f"download Julia (needs network). {_FIRST_CALL}"
)
HOW_AFTER_DOWNLOAD_FAILED = (
    f"{ALLOW_DOWNLOAD_ENV}=1 let juliapkg try to download Julia and install Yao.jl, which "
    f"needs network access; otherwise {_INSTALL_JULIA}. {_FIRST_CALL}"
)
HOW_AFTER_START_FAILED = (
    "The first start resolves the Julia environment (installs Yao.jl), which needs "
    "network access and a Julia version juliapkg accepts (>= 1.10); see docs/yao.md."
)
RESOLVE_HINT = (
    'Re-resolve the Julia environment with `python -c "import juliapkg; '
    'juliapkg.resolve(force=True)"` (needs network the first time); see docs/yao.md.'
)

_runtime: dict = {"bridge": None, "error": None}


def load_revad_yao():
    """A juliacall module in which ``using RevadYao`` has run (starts Julia on first use).

    Raises :class:`JuliaUnavailableError` when that cannot be done (see the module
    docstring); within milliseconds when no Julia can be had without a download.
    """
    if _runtime["bridge"] is not None:
        return _runtime["bridge"]
    if _runtime["error"] is not None:
        raise JuliaUnavailableError(_runtime["error"])
    where = _check_prerequisites()
    try:
        juliacall = _import_juliacall(where)
        try:
            bridge = juliacall.newmodule("RevadYaoBridge")
            bridge.seval("using RevadYao")
        except Exception as exc:
            raise _unavailable(
                f"Julia started but could not load RevadYao and Yao.jl ({describe(exc)})",
                RESOLVE_HINT,
            ) from None
    except JuliaUnavailableError as exc:
        _runtime["error"] = str(exc)  # juliacall starts once per process: do not retry
        raise
    _runtime["bridge"] = bridge
    return bridge


def find_julia() -> tuple[str | None, str]:
    """The Julia that juliacall would start without downloading one: ``(where, "")``, or
    ``(None, reason)`` when there is none (juliapkg would then install one).

    Asks juliapkg, with its settings re-read from the environment: has it already
    resolved its environment (then that Julia is used as is), else does its own search,
    with installing turned off, find a Julia that the ``juliapkg.json`` files accept?
    """
    if sys.modules.get("juliacall") is not None:
        return "juliacall (already imported)", ""
    # juliacall's own settings: with them juliacall does not ask juliapkg (no download)
    exe = _juliacall_setting("exe", "PYTHON_JULIACALL_EXE")
    bindir = _juliacall_setting("home", "PYTHON_JULIACALL_BINDIR")
    project = _juliacall_setting("project", "PYTHON_JULIACALL_PROJECT")
    if exe or bindir or project:
        if project and (exe or bindir):
            return exe or os.path.join(bindir or "", "julia"), ""
        return None, (
            "juliacall needs PYTHON_JULIACALL_EXE (or PYTHON_JULIACALL_BINDIR) and "
            "PYTHON_JULIACALL_PROJECT together, not only one of them"
        )
    try:
        from juliapkg import deps, state
        from juliapkg.find_julia import find_julia as juliapkg_find_julia

        _reread_settings(state)
        install = state.STATE["install"]
    except Exception as exc:  # not installed, or another juliapkg whose internals differ
        return None, f"could not ask juliapkg where Julia is ({describe(exc)})"
    with contextlib.redirect_stdout(io.StringIO()):  # juliapkg logs with print()
        try:
            resolved = deps.can_skip_resolve()
        except Exception:  # e.g. an unreadable meta.json: juliapkg will resolve again
            resolved = None
        if resolved:
            return str(resolved["executable"]), ""
        try:
            compat, _ = deps.find_requirements()
        except Exception as exc:
            return None, f"juliapkg cannot combine the juliapkg.json files ({describe(exc)})"
        try:
            exe, _ = juliapkg_find_julia(compat=compat, prefix=install, install=False)
        except Exception as exc:
            return None, _not_found(compat, install, state.STATE["override_executable"], exc)
    return str(exe), ""


def _juliacall_setting(name: str, env: str) -> str | None:
    """A juliacall setting: ``-X juliacall-<name>=...`` or the environment variable."""
    value = sys._xoptions.get(f"juliacall-{name}")
    return value if isinstance(value, str) and value else os.environ.get(env) or None


def _reread_settings(state) -> None:
    """juliapkg reads its settings (``PYTHON_JULIAPKG_*``) once, at import; read them
    again, as a fresh process would (juliacall will then use them too), keeping offline
    mode on if it was on (``juliapkg.offline()``). Only called before juliacall runs."""
    offline = state.STATE.get("offline")
    state.reset_state()
    if offline:
        state.STATE["offline"] = True


def _not_found(compat, install: str, override: str | None, exc: Exception) -> str:
    """What juliapkg tried, in its order, when it found no Julia ``compat``."""
    want = f"Julia {compat}" if compat else "a Julia"
    if override:
        return f"PYTHON_JULIAPKG_EXE={override} is not a Julia executable ({describe(exc)})"
    juliaup, julia = shutil.which("juliaup"), shutil.which("julia")
    if juliaup:
        on_path = f"`juliaup` on PATH ({juliaup}) has no {want} installed"
    elif julia:
        on_path = f"`julia` on PATH ({julia}) is not {want}"
    else:
        on_path = "no `julia` or `juliaup` on PATH"
    detail = "" if str(exc).startswith("could not find Julia") else f" ({describe(exc)})"
    return (
        f"juliapkg looked for {want}: PYTHON_JULIAPKG_EXE unset, none in its install folder "
        f"{install}, {on_path}{detail}"
    )


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "yes", "true", "on")


def download_allowed() -> bool:
    return _truthy(os.environ.get(ALLOW_DOWNLOAD_ENV))


def _unavailable(reason: str, how: str = HOW_TO_GET_JULIA) -> JuliaUnavailableError:
    return JuliaUnavailableError(f"The Yao backend needs Julia: {reason}. {how}")


def _check_prerequisites() -> str | None:
    """Everything checked before juliacall is imported; raises if anything lacks.

    Returns where Julia was found (None when the check was skipped: a download is
    allowed, or juliacall is already running).
    """
    if find_spec("juliacall") is None:
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
    if sys.modules.get("juliacall") is not None or download_allowed():
        return None
    where, reason = find_julia()
    if where is None:
        raise _unavailable(f"no Julia runtime was found ({reason})")
    return where


def _import_juliacall(where: str | None):
    """``import juliacall`` (which starts Julia), its network bounded in time when it may
    download; its errors become JuliaUnavailableError."""
    threads = _juliacall_setting("threads", "PYTHON_JULIACALL_THREADS")
    if (threads or os.environ.get("JULIA_NUM_THREADS") or "1").strip() != "1":
        # as juliacall recommends when Julia runs more than one thread
        os.environ.setdefault("PYTHON_JULIACALL_HANDLE_SIGNALS", "yes")
    old_timeout = socket.getdefaulttimeout()
    allow = download_allowed()
    if allow:
        socket.setdefaulttimeout(DOWNLOAD_TIMEOUT_S)
    try:
        return importlib.import_module("juliacall")
    except Exception as exc:  # juliapkg raises plain Exception, URLError, CalledProcessError...
        if allow or where is None:
            raise _unavailable(
                f"juliacall could not start Julia ({describe(exc)})", HOW_AFTER_DOWNLOAD_FAILED
            ) from None
        raise _unavailable(
            f"juliacall could not start the Julia found at {where} or install Yao.jl "
            f"({describe(exc)})",
            HOW_AFTER_START_FAILED,
        ) from None
    finally:
        socket.setdefaulttimeout(old_timeout)


def describe(exc: BaseException) -> str:
    """``Type: first line of the message``, for one-line error messages."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else repr(exc)
