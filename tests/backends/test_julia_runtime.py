"""The Julia runtime of the Yao backend (revad.backends.julia_runtime), without Julia.

- find_julia asks juliapkg (its real code, installing turned off) where a Julia is; the
  candidates here are shell scripts that answer ``julia --version`` and nothing else.
- Without a Julia, load_revad_yao fails at once, in-process and in clean subprocesses,
  with one clear line, and without importing juliacall (a download needs
  REVAD_YAO_ALLOW_DOWNLOAD=1).
- What happens around ``import juliacall``: a stand-in module is imported in its place (it
  records what it sees; no Julia runs), its failures and those of ``using RevadYao`` are
  reported and remembered.

The real start of Julia is exercised by test_yao_backend.py (marked ``julia``).
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

import revad
from revad.backends import julia_runtime, yao_backend
from revad.backends.julia_runtime import JuliaUnavailableError
from revad.errors import RevadError
from tests.reference import mixed_circuit

juliapkg_state = pytest.importorskip("juliapkg.state")
juliapkg_deps = pytest.importorskip("juliapkg.deps")

JULIA_ENV_VARS = [
    "PYTHON_JULIAPKG_EXE",
    "PYTHON_JULIAPKG_OFFLINE",
    "PYTHON_JULIACALL_EXE",
    "PYTHON_JULIACALL_BINDIR",
    "PYTHON_JULIACALL_PROJECT",
    "PYTHON_JULIACALL_THREADS",
    "PYTHON_JULIACALL_HANDLE_SIGNALS",
    "JULIA_NUM_THREADS",
    julia_runtime.ALLOW_DOWNLOAD_ENV,
    yao_backend.DEVICE_ENV,
]
JULIACALL_OPTIONS = ("juliacall-exe", "juliacall-home", "juliacall-project", "juliacall-threads")


@pytest.fixture
def no_julia(monkeypatch, tmp_path):
    """This process, as if no Julia were installed anywhere (juliapkg's state restored after)."""
    if sys.modules.get("juliacall") is not None:
        pytest.skip("juliacall is already loaded in this process")
    for var in JULIA_ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    for key in JULIACALL_OPTIONS:
        monkeypatch.delitem(sys._xoptions, key, raising=False)
    monkeypatch.setenv("PYTHON_JULIAPKG_PROJECT", str(tmp_path / "julia_env"))
    monkeypatch.setenv("JULIAUP_DEPOT_PATH", str(tmp_path / "juliaup_depot"))
    (tmp_path / "empty_bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty_bin"))
    monkeypatch.setattr(julia_runtime, "_runtime", {"bridge": None, "error": None})
    saved = dict(juliapkg_state.STATE)
    yield tmp_path
    juliapkg_state.STATE.clear()
    juliapkg_state.STATE.update(saved)


def _fake_julia(directory: Path, version: str = "1.10.4") -> Path:
    """A shell script that answers ``julia --version`` (all juliapkg runs to find Julia)."""
    directory.mkdir(parents=True, exist_ok=True)
    exe = directory / "julia"
    exe.write_text(f"#!/bin/sh\necho 'julia version {version}'\n")
    exe.chmod(0o755)
    return exe


def _check_message(message: str) -> None:
    assert message.startswith("The Yao backend needs Julia: ")
    assert "Julia >= 1.10" in message and "PYTHON_JULIAPKG_EXE" in message
    assert julia_runtime.ALLOW_DOWNLOAD_ENV in message
    assert "\n" not in message


def _required() -> str:
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        compat, _ = juliapkg_deps.find_requirements()
    return str(compat)


def test_public_names_kept_in_yao_backend():
    assert yao_backend.JuliaUnavailableError is JuliaUnavailableError
    assert yao_backend.find_julia is julia_runtime.find_julia
    assert yao_backend.ALLOW_DOWNLOAD_ENV == "REVAD_YAO_ALLOW_DOWNLOAD"
    assert yao_backend.JULIA_PACKAGE_DIR == julia_runtime.JULIA_PACKAGE_DIR
    assert (julia_runtime.JULIA_PACKAGE_DIR / "Project.toml").is_file()
    assert julia_runtime.JULIAPKG_JSON.is_file()
    assert issubclass(JuliaUnavailableError, RevadError)
    assert issubclass(JuliaUnavailableError, RuntimeError)


# --------------------------------------------------------------------------------------
# find_julia: juliapkg's own search, installing turned off
# --------------------------------------------------------------------------------------


def test_nothing_found(no_julia):
    where, reason = julia_runtime.find_julia()
    assert where is None
    assert reason.startswith(f"juliapkg looked for Julia {_required()}: ")
    assert "PYTHON_JULIAPKG_EXE unset" in reason
    assert str(no_julia / "julia_env" / "pyjuliapkg" / "install") in reason
    assert "no `julia` or `juliaup` on PATH" in reason


def test_julia_on_path(no_julia, monkeypatch):
    exe = _fake_julia(no_julia / "bin")
    monkeypatch.setenv("PATH", str(exe.parent))
    assert julia_runtime.find_julia() == (str(exe), "")


def test_julia_on_path_of_the_wrong_version(no_julia, monkeypatch):
    exe = _fake_julia(no_julia / "bin", version="1.9.4")
    monkeypatch.setenv("PATH", str(exe.parent))
    where, reason = julia_runtime.find_julia()
    assert where is None
    assert f"`julia` on PATH ({exe}) is not Julia {_required()}" in reason


def test_juliapkg_exe(no_julia, monkeypatch):
    """PYTHON_JULIAPKG_EXE, set after juliapkg was imported: juliapkg's settings are re-read."""
    missing = no_julia / "nowhere" / "julia"
    monkeypatch.setenv("PYTHON_JULIAPKG_EXE", str(missing))
    where, reason = julia_runtime.find_julia()
    assert where is None
    assert reason.startswith(f"PYTHON_JULIAPKG_EXE={missing} is not a Julia executable")
    exe = _fake_julia(no_julia / "bin")
    monkeypatch.setenv("PYTHON_JULIAPKG_EXE", str(exe))
    assert julia_runtime.find_julia() == (str(exe), "")


def test_julia_in_juliapkg_install_folder(no_julia):
    """Where juliapkg installs Julia when it downloads one: <project>/pyjuliapkg/install."""
    exe = _fake_julia(no_julia / "julia_env" / "pyjuliapkg" / "install" / "bin")
    assert julia_runtime.find_julia() == (str(exe), "")


def _juliaup(no_julia: Path, monkeypatch, version: str) -> Path:
    """A juliaup depot with one Julia, and a `juliaup` on PATH (never run: no install)."""
    judir = no_julia / "juliaup_depot" / "juliaup"
    channel = f"{version}+0.x64.linux.gnu"
    exe = _fake_julia(judir / f"julia-{channel}" / "bin", version=version)
    (judir / "juliaup.json").write_text(
        json.dumps({"InstalledVersions": {channel: {"Path": f"julia-{channel}"}}})
    )
    juliaup = no_julia / "bin" / "juliaup"
    juliaup.parent.mkdir(exist_ok=True)
    juliaup.write_text("#!/bin/sh\nexit 1\n")
    juliaup.chmod(0o755)
    monkeypatch.setenv("PATH", str(juliaup.parent))
    return exe


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.uname().machine != "x86_64",
    reason="the fake juliaup depot is written for x86_64 Linux",
)
def test_juliaup(no_julia, monkeypatch):
    exe = _juliaup(no_julia, monkeypatch, "1.10.4")
    assert julia_runtime.find_julia() == (str(exe), "")


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.uname().machine != "x86_64",
    reason="the fake juliaup depot is written for x86_64 Linux",
)
def test_juliaup_without_a_compatible_julia(no_julia, monkeypatch):
    """juliapkg would `juliaup add` one (a download): refused without the permission."""
    _juliaup(no_julia, monkeypatch, "1.9.4")
    where, reason = julia_runtime.find_julia()
    assert where is None
    assert f"`juliaup` on PATH ({no_julia / 'bin' / 'juliaup'}) has no Julia" in reason


def test_juliaup_depot_without_juliaup_on_path_is_not_used(no_julia, monkeypatch):
    """juliapkg only reads juliaup's depot when `juliaup` is on PATH (else it would
    download a Julia), so that is no Julia."""
    _juliaup(no_julia, monkeypatch, "1.10.4")
    monkeypatch.setenv("PATH", str(no_julia / "empty_bin"))
    where, _ = julia_runtime.find_julia()
    assert where is None


def test_already_resolved_by_juliapkg(no_julia, monkeypatch):
    """A resolved juliapkg environment (its meta.json is current) is used as it is."""
    monkeypatch.setattr(juliapkg_deps, "can_skip_resolve", lambda: {"executable": "/opt/j"})
    assert julia_runtime.find_julia() == ("/opt/j", "")


def test_unreadable_juliapkg_meta(no_julia, monkeypatch):
    def broken():
        raise KeyError("executable")

    monkeypatch.setattr(juliapkg_deps, "can_skip_resolve", broken)
    assert julia_runtime.find_julia()[0] is None  # juliapkg would resolve again


def test_conflicting_requirements(no_julia, monkeypatch):
    def conflict():
        raise Exception("'julia' compat entries have empty intersection:\n- ...")

    monkeypatch.setattr(juliapkg_deps, "find_requirements", conflict)
    where, reason = julia_runtime.find_julia()
    assert where is None
    assert reason == (
        "juliapkg cannot combine the juliapkg.json files (Exception: 'julia' compat entries "
        "have empty intersection:)"
    )


def test_juliapkg_offline_mode_is_kept(no_julia):
    juliapkg_state.STATE["offline"] = True  # as juliapkg.offline(True) does
    julia_runtime.find_julia()
    assert juliapkg_state.STATE["offline"] is True


def test_juliacall_settings_bypass_juliapkg(no_julia, monkeypatch):
    def never():
        raise AssertionError("juliapkg must not be asked")

    monkeypatch.setattr(juliapkg_deps, "find_requirements", never)
    exe = _fake_julia(no_julia / "bin")
    monkeypatch.setenv("PYTHON_JULIACALL_EXE", str(exe))
    where, reason = julia_runtime.find_julia()
    assert where is None and "PYTHON_JULIACALL_PROJECT together" in reason
    monkeypatch.setenv("PYTHON_JULIACALL_PROJECT", str(no_julia))
    assert julia_runtime.find_julia() == (str(exe), "")
    monkeypatch.delenv("PYTHON_JULIACALL_EXE")
    monkeypatch.setenv("PYTHON_JULIACALL_BINDIR", str(exe.parent))
    assert julia_runtime.find_julia() == (str(exe), "")
    monkeypatch.delenv("PYTHON_JULIACALL_BINDIR")
    monkeypatch.setitem(sys._xoptions, "juliacall-exe", str(exe))  # python -X juliacall-exe=
    assert julia_runtime.find_julia() == (str(exe), "")


# --------------------------------------------------------------------------------------
# load_revad_yao without Julia: at once, clearly, juliacall not imported
# --------------------------------------------------------------------------------------


def test_fails_fast_without_julia(no_julia):
    start = time.perf_counter()
    for _ in range(2):  # not remembered: nothing was started, a later call looks again
        with pytest.raises(JuliaUnavailableError) as info:
            julia_runtime.load_revad_yao()
        message = str(info.value)
        _check_message(message)
        assert "no Julia runtime was found (juliapkg looked for Julia" in message
        assert "no `julia` or `juliaup` on PATH" in message
    assert time.perf_counter() - start < 2.0
    assert julia_runtime._runtime["error"] is None
    assert sys.modules.get("juliacall") is None


def test_juliacall_not_installed(no_julia, monkeypatch):
    monkeypatch.setattr(julia_runtime, "find_spec", lambda name: None)
    with pytest.raises(JuliaUnavailableError, match=r"the Python package juliacall is not "):
        julia_runtime.load_revad_yao()


def test_no_source_checkout(no_julia, monkeypatch):
    monkeypatch.setattr(julia_runtime, "JULIA_PACKAGE_DIR", no_julia / "site-packages" / "julia")
    with pytest.raises(JuliaUnavailableError, match=r"RevadYao was not found at .*source che"):
        julia_runtime.load_revad_yao()


# --------------------------------------------------------------------------------------
# Around `import juliacall`: a stand-in module imported in its place
# --------------------------------------------------------------------------------------


class StandInJuliacall(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imported as ``juliacall``: records the socket timeout and the environment at import
    time (when juliacall would start Julia), then raises ``error`` or provides a
    ``newmodule`` whose modules record ``seval`` (nothing is evaluated)."""

    def __init__(self, error: Exception | None = None, seval_error: Exception | None = None):
        self.error, self.seval_error = error, seval_error
        self.imports, self.sevals = [], []

    def find_spec(self, name, path=None, target=None):
        if name == "juliacall":
            return importlib.machinery.ModuleSpec(name, self)
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        self.imports.append(
            {
                "timeout": socket.getdefaulttimeout(),
                "handle_signals": os.environ.get("PYTHON_JULIACALL_HANDLE_SIGNALS"),
            }
        )
        if self.error is not None:
            raise self.error
        module.newmodule = self._newmodule

    def _newmodule(self, name):
        stand_in = self

        class Module:
            RevadYao = f"RevadYao in {name}"

            def seval(self, code):
                stand_in.sevals.append(code)
                if stand_in.seval_error is not None:
                    raise stand_in.seval_error

        return Module()


@pytest.fixture
def stand_in(no_julia, monkeypatch):
    def install(**kwargs) -> StandInJuliacall:
        finder = StandInJuliacall(**kwargs)
        monkeypatch.setattr(sys, "meta_path", [finder, *sys.meta_path])
        monkeypatch.delitem(sys.modules, "juliacall", raising=False)
        return finder

    yield install
    sys.modules.pop("juliacall", None)


def test_loads_revad_yao_once(stand_in, monkeypatch, tmp_path):
    exe = _fake_julia(tmp_path / "bin")
    monkeypatch.setenv("PATH", str(exe.parent))
    fake = stand_in()
    bridge = julia_runtime.load_revad_yao()
    assert bridge.RevadYao == "RevadYao in RevadYaoBridge"
    assert fake.sevals == ["using RevadYao"]
    assert julia_runtime.load_revad_yao() is bridge  # started once
    assert len(fake.imports) == 1
    assert fake.imports[0] == {"timeout": None, "handle_signals": None}  # no download allowed


def test_download_allowed_skips_the_check_and_bounds_the_network(stand_in, monkeypatch):
    monkeypatch.setenv(julia_runtime.ALLOW_DOWNLOAD_ENV, "1")
    fake = stand_in()
    julia_runtime.load_revad_yao()  # no Julia anywhere: juliapkg may install one
    assert fake.imports == [{"timeout": julia_runtime.DOWNLOAD_TIMEOUT_S, "handle_signals": None}]
    assert socket.getdefaulttimeout() is None  # restored


def test_threads_turn_on_signal_handling(stand_in, monkeypatch):
    monkeypatch.setenv(julia_runtime.ALLOW_DOWNLOAD_ENV, "yes")
    monkeypatch.setenv("PYTHON_JULIACALL_THREADS", "auto")
    fake = stand_in()
    julia_runtime.load_revad_yao()
    assert fake.imports[0]["handle_signals"] == "yes"


def test_start_failure_after_download_allowed(stand_in, monkeypatch):
    monkeypatch.setenv(julia_runtime.ALLOW_DOWNLOAD_ENV, "1")
    fake = stand_in(error=Exception("could not find Julia 1.10.3 - 1.11\nmore"))
    for _ in range(2):
        with pytest.raises(JuliaUnavailableError) as info:
            julia_runtime.load_revad_yao()
        message = str(info.value)
        _check_message(message)
        assert message.startswith(
            "The Yao backend needs Julia: juliacall could not start Julia (Exception: could not "
            "find Julia 1.10.3 - 1.11). REVAD_YAO_ALLOW_DOWNLOAD=1 let juliapkg try"
        )
        e = info.value  # no chained juliapkg traceback behind it
        assert e.__cause__ is None and (e.__context__ is None or e.__suppress_context__)
    assert len(fake.imports) == 1  # remembered: juliacall is not imported twice


def test_start_failure_of_the_julia_found(stand_in, monkeypatch, tmp_path):
    exe = _fake_julia(tmp_path / "bin")
    monkeypatch.setenv("PATH", str(exe.parent))
    stand_in(error=subprocess.CalledProcessError(1, [str(exe), "-e", "..."]))
    with pytest.raises(JuliaUnavailableError) as info:
        julia_runtime.load_revad_yao()
    assert str(info.value).startswith(
        f"The Yao backend needs Julia: juliacall could not start the Julia found at {exe} or "
        "install Yao.jl (CalledProcessError: Command "
    )
    assert "\n" not in str(info.value)


def test_revad_yao_that_does_not_load(stand_in, monkeypatch):
    monkeypatch.setenv(julia_runtime.ALLOW_DOWNLOAD_ENV, "1")
    fake = stand_in(seval_error=RuntimeError("ArgumentError: Package RevadYao not found\n..."))
    for _ in range(2):
        with pytest.raises(JuliaUnavailableError) as info:
            julia_runtime.load_revad_yao()
        assert str(info.value) == (
            "The Yao backend needs Julia: Julia started but could not load RevadYao and Yao.jl "
            "(RuntimeError: ArgumentError: Package RevadYao not found). "
            + julia_runtime.RESOLVE_HINT
        )
    assert fake.sevals == ["using RevadYao"]


def test_yao_backend_uses_the_runtime(stand_in, monkeypatch):
    monkeypatch.setenv(julia_runtime.ALLOW_DOWNLOAD_ENV, "1")
    monkeypatch.setattr(yao_backend, "_state", {"module": None, "bridge": None, "cuda": False})
    stand_in()
    assert yao_backend.julia_module() == "RevadYao in RevadYaoBridge"
    assert yao_backend._state["bridge"] is julia_runtime._runtime["bridge"]


# --------------------------------------------------------------------------------------
# In a clean interpreter (nothing imported before)
# --------------------------------------------------------------------------------------

BACKEND_SCRIPT = textwrap.dedent(
    """
    import sys, time
    import numpy as np
    import revad
    c = revad.variational_circuit(3, 1)
    h = revad.heisenberg(3)
    start = time.perf_counter()
    try:
        revad.value_and_grad(c, h, np.zeros(c.n_params), backend="yao")
    except revad.RevadError as exc:
        print("ELAPSED", time.perf_counter() - start)
        print("JULIACALL", sys.modules.get("juliacall") is not None)
        print("MESSAGE", exc)
    else:
        print("NO ERROR")
    """
)
"""The same through the public API: the Yao backend's path to the runtime."""

SCRIPT = textwrap.dedent(
    """
    import sys, time
    start = time.perf_counter()
    from revad.backends import julia_runtime
    try:
        julia_runtime.load_revad_yao()
    except julia_runtime.JuliaUnavailableError as exc:
        print("ELAPSED", time.perf_counter() - start)
        print("JULIACALL", sys.modules.get("juliacall") is not None)
        print("MESSAGE", exc)
    else:
        print("NO ERROR")
    """
)


def _run_clean(
    tmp_path: Path, extra_env: dict[str, str], script: str = SCRIPT, path: Path | None = None
) -> dict[str, str]:
    """``script`` in a fresh interpreter that sees no Julia (except on ``path``) and no
    network proxy."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON_JULIA", "JULIA", "REVAD_YAO")) and "proxy" not in k.lower()
    }
    (tmp_path / "empty_bin").mkdir(exist_ok=True)
    env.update(
        PATH=str(path or tmp_path / "empty_bin"),
        HOME=str(tmp_path / "home"),
        JULIA_DEPOT_PATH=str(tmp_path / "depot"),
        JULIAUP_DEPOT_PATH=str(tmp_path / "juliaup_depot"),
        PYTHON_JULIAPKG_PROJECT=str(tmp_path / "julia_env"),
        **extra_env,
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    lines = dict(line.split(" ", 1) for line in proc.stdout.splitlines() if " " in line)
    assert "ELAPSED" in lines, proc.stdout + proc.stderr
    return lines


@pytest.mark.parametrize("script", [SCRIPT, BACKEND_SCRIPT], ids=["runtime", "api"])
def test_subprocess_without_julia_fails_fast(tmp_path, script):
    out = _run_clean(tmp_path, {}, script)
    assert float(out["ELAPSED"]) < 5.0
    assert "URLError" not in out["MESSAGE"]
    assert out["JULIACALL"] == "False"
    _check_message(out["MESSAGE"])
    assert "no Julia runtime was found" in out["MESSAGE"]
    assert not (tmp_path / "julia_env").exists()  # juliapkg was asked, nothing written


@pytest.mark.parametrize(
    ("extra_env", "cause"),
    [
        # juliapkg offline: it looks for Julia, finds none, and may not download one.
        ({"PYTHON_JULIAPKG_OFFLINE": "yes"}, "Exception: could not find Julia"),
        # Download allowed, network unreachable (a closed local port as proxy): juliapkg's
        # query of the Julia versions fails at once.
        ({"https_proxy": "http://127.0.0.1:9", "http_proxy": "http://127.0.0.1:9"}, "URLError"),
    ],
    ids=["offline", "no-network"],
)
def test_subprocess_real_juliacall_failure_is_reported(tmp_path, extra_env, cause):
    """The real juliacall and juliapkg, with a download allowed; no Julia to be had."""
    if importlib.util.find_spec("juliacall") is None:
        pytest.skip("juliacall is not installed")
    out = _run_clean(tmp_path, {julia_runtime.ALLOW_DOWNLOAD_ENV: "1", **extra_env})
    assert float(out["ELAPSED"]) < 30.0
    assert out["MESSAGE"].startswith(
        "The Yao backend needs Julia: juliacall could not start Julia ("
    )
    assert cause in out["MESSAGE"]
    _check_message(out["MESSAGE"])


def test_subprocess_julia_that_cannot_start_is_reported_cleanly(tmp_path):
    """A `julia` on PATH that juliacall cannot use (here a fake one): a clean message."""
    if importlib.util.find_spec("juliacall") is None:
        pytest.skip("juliacall is not installed")
    exe = _fake_julia(tmp_path / "bin")
    out = _run_clean(tmp_path, {}, BACKEND_SCRIPT, path=exe.parent)
    assert float(out["ELAPSED"]) < 30.0
    assert out["MESSAGE"].startswith(
        f"The Yao backend needs Julia: juliacall could not start the Julia found at {exe}"
    )


@pytest.mark.parametrize("entry", ["statevector", "expectation", "value_and_grad"])
def test_every_yao_entry_point_fails_fast(no_julia, entry):
    c = mixed_circuit()
    theta = np.zeros(c.n_params)
    args = (c, theta) if entry == "statevector" else (c, revad.heisenberg(c.n_qubits), theta)
    start = time.perf_counter()
    with pytest.raises(JuliaUnavailableError) as info:
        getattr(revad, entry)(*args, backend="yao")
    assert time.perf_counter() - start < 2.0
    assert isinstance(info.value, RevadError) and isinstance(info.value, RuntimeError)
    _check_message(str(info.value))
    assert "no Julia runtime was found" in str(info.value)
    assert "juliacall" not in sys.modules


def test_bad_device(no_julia, monkeypatch):
    monkeypatch.setenv(yao_backend.DEVICE_ENV, "tpu")
    with pytest.raises(RevadError, match="REVAD_YAO_DEVICE"):
        revad.statevector(revad.Circuit(1), backend="yao")
