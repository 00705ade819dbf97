"""checkpoint.npz: steps done, θ, optimizer state, history, and what run it belongs to.

An ``.npz`` of plain arrays, no pickle: ``step`` (int scalar), ``params``, ``opt_0..``
(the optimizer state's leaves), ``history`` and ``fingerprint`` (JSON strings). The
fingerprint (qubits, ansatz, Hamiltonian and circuit hashes, optimizer, lr, seed, …)
is compared field by field on resume, so a checkpoint continues only the run that wrote
it. Everything read is validated; a damaged file is an error naming the file, and is
never deleted or overwritten by a failed resume.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from pathlib import Path

import jax
import numpy as np

from ..errors import RevadError
from .atomic import atomic_write

RECORD_KEYS = {"step", "energy", "grad_norm", "time"}


def save(path: Path, step: int, params, opt_state, history, fingerprint: dict) -> None:
    leaves = jax.tree_util.tree_leaves(opt_state)
    arrays = {f"opt_{i}": np.asarray(leaf) for i, leaf in enumerate(leaves)}
    arrays["params"] = np.asarray(params)
    arrays["step"] = np.array(step)
    arrays["history"] = np.array(json.dumps(history))
    arrays["fingerprint"] = np.array(json.dumps(fingerprint))
    atomic_write(path, lambda f: np.savez(f, allow_pickle=False, **arrays), binary=True)


def _damaged(path: Path, why: str) -> RevadError:
    return RevadError(
        f"checkpoint {path} is damaged ({why}); it was left as is: restore it, or start "
        "over with --overwrite"
    )


def _json(data, key: str, path: Path):
    a = data[key]
    if a.shape != () or a.dtype.kind != "U":
        raise _damaged(path, f"{key} is not a JSON string")
    try:
        return json.loads(str(a))
    except ValueError as exc:
        raise _damaged(path, f"{key} is not valid JSON: {exc}") from None


def _read(path: Path, opt_template, n_params: int, fingerprint: dict):
    """(step, params, opt_state, history) from ``path``: its fingerprint first (so
    another run's checkpoint is named as such), then every array."""
    template = jax.tree_util.tree_leaves(opt_template)
    treedef = jax.tree_util.tree_structure(opt_template)
    expected = {"step", "params", "history", "fingerprint"}
    expected |= {f"opt_{i}" for i in range(len(template))}
    with np.load(path, allow_pickle=False) as data:
        keys = set(data.files)
        if "fingerprint" not in keys and {"step", "params"} <= keys:
            raise RevadError(
                f"checkpoint {path} has no fingerprint (written by an older revad), so "
                "which run it belongs to cannot be checked; start over with --overwrite"
            )
        if "fingerprint" not in keys:
            raise _damaged(path, "arrays missing ['fingerprint']")
        _compare(path, _json(data, "fingerprint", path), fingerprint)
        if keys != expected:
            missing, extra = sorted(expected - keys), sorted(keys - expected)
            raise _damaged(path, f"arrays missing {missing}, unexpected {extra}")
        step = data["step"]
        if step.shape != () or step.dtype.kind not in "iu":
            raise _damaged(path, f"step must be an integer scalar, got {step.dtype} {step.shape}")
        step = int(step)
        if step < 0:
            raise _damaged(path, f"step is {step}")
        params = data["params"]
        if params.shape != (n_params,) or params.dtype.kind != "f":
            raise _damaged(path, f"params: {params.dtype} {params.shape}, want ({n_params},)")
        if not np.all(np.isfinite(params)):
            raise _damaged(path, "params are not finite")
        leaves = []
        for i, t in enumerate(template):
            a, t = data[f"opt_{i}"], np.asarray(t)
            if a.shape != t.shape or a.dtype != t.dtype:
                raise _damaged(
                    path, f"optimizer state opt_{i}: {a.dtype} {a.shape}, want {t.dtype} {t.shape}"
                )
            leaves.append(jax.numpy.asarray(a))
        history = _json(data, "history", path)
        if not isinstance(history, list) or len(history) != step:
            raise _damaged(path, f"history must list {step} steps")
        if not all(isinstance(r, dict) and RECORD_KEYS <= set(r) for r in history):
            raise _damaged(path, "history records lack step/energy/grad_norm/time")
        state = jax.tree_util.tree_unflatten(treedef, leaves)
        return step, params.copy(), state, history


def load(path: Path, opt_template, n_params: int, fingerprint: dict, steps: int):
    """(step, params, opt_state, history) of the checkpoint, if it is intact, belongs
    to the run described by ``fingerprint`` and is at most ``steps`` steps in."""
    try:
        step, params, state, history = _read(path, opt_template, n_params, fingerprint)
    except RevadError:
        raise
    except FileNotFoundError:
        raise RevadError(f"--resume: no checkpoint at {path}") from None
    except (zipfile.BadZipFile, EOFError, zlib.error, KeyError, ValueError) as exc:
        raise _damaged(path, f"{type(exc).__name__}: {exc}") from None
    except OSError as exc:
        raise RevadError(f"cannot read checkpoint {path}: {exc.strerror or exc}") from None
    if step > steps:
        raise RevadError(
            f"cannot resume from {path}: it is already {step} steps in, past --steps "
            f"{steps}; pass --steps {step} or more to continue it"
        )
    return step, params, state, history


def _compare(path: Path, saved, fingerprint: dict) -> None:
    """Refuse a checkpoint whose fingerprint differs, naming every differing field."""
    if not isinstance(saved, dict):
        raise _damaged(path, "fingerprint is not an object")
    now = json.loads(json.dumps(fingerprint))  # tuples -> lists, as saved
    fields = list(now) + [k for k in saved if k not in now]
    diff = [
        f"{k}: checkpoint {_show(saved.get(k))}, now {_show(now.get(k))}"
        for k in fields
        if saved.get(k) != now.get(k)
    ]
    if diff:
        raise RevadError(
            f"cannot resume from {path}: it belongs to a different run ({'; '.join(diff)}); "
            "use the same options, or start over with --overwrite"
        )


def _show(value) -> str:
    if isinstance(value, str) and len(value) == 64:  # a sha256: enough to tell apart
        return value[:12]
    return repr(value)
