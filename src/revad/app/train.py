"""VQE training loop: optax optimizer, exact reference, checkpoints, resume, outputs.

``train`` minimises ⟨ψ(θ)|H|ψ(θ)⟩ with gradients from ``revad.value_and_grad``. Every
``checkpoint_every`` steps (and on Ctrl-C) it writes, atomically, the parameters, the
optimizer state and the history to ``out/checkpoint.npz`` (see :mod:`revad.io.checkpoint`);
``resume=True`` continues from there, only if the checkpoint's fingerprint matches this
run, and reproduces the uninterrupted trajectory exactly (same seed, same arithmetic,
same order). The output folder is locked for the run (:mod:`revad.io.runlock`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import numbers
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jax
import numpy as np
import optax

from .. import api
from ..diff.strategies import Adjoint, Strategy, as_strategy
from ..distributed.launch import is_writer
from ..errors import RevadError
from ..io import checkpoint, runlock
from ..io.atomic import atomic_write, atomic_write_text
from ..ir.circuit import Circuit
from ..ir.hamiltonian import Hamiltonian
from .init import default_scale, initial_params
from .init import resolve as resolve_init
from .optimizers import RULES, make_optimizer

OPTIMIZERS = RULES
EXACT_MAX_QUBITS = 20
CHECKPOINT = "checkpoint.npz"
RUN_FILES = (CHECKPOINT, "history.json", "params.npy", "summary.json", "energy.png")


@dataclass
class TrainResult:
    params: np.ndarray
    history: list[dict] = field(default_factory=list)
    summary: dict = field(default_factory=dict)


def exact_energy(h: Hamiltonian, n_qubits: int) -> float | None:
    """Ground energy by exact (sparse) diagonalisation, or None above 20 qubits."""
    return h.ground_energy(n_qubits) if n_qubits <= EXACT_MAX_QUBITS else None


def fingerprint(
    circuit: Circuit,
    h: Hamiltonian,
    *,
    optimizer: str,
    lr: float,
    seed: int,
    init_scale: float,
    params,
    backend: str,
    method: str,
    metadata: dict | None = None,
    init: str = "uniform",
    schedule: str = "constant",
    warmup: int = 0,
    clip: float | None = None,
    steps: int | None = None,
    devices: int | None = None,
) -> dict:
    """What a checkpoint belongs to; resuming requires every field to match.

    Hashes: the Hamiltonian's sorted terms and n_qubits, the circuit's ops. Strict on
    purpose: backend and method change the arithmetic, so resuming on another one would
    not reproduce the uninterrupted run. ``steps`` is not in it (extending is the point),
    except for a decaying learning-rate schedule, which is laid out over them.
    """
    meta = metadata or {}
    terms = repr((h.n_qubits, sorted(h.terms)))
    ops = repr((circuit.n_qubits, circuit.n_params, tuple(circuit.ops)))
    given = None if params is None else np.ascontiguousarray(params, dtype=np.float64)
    return {
        "n_qubits": circuit.n_qubits,
        "n_params": circuit.n_params,
        "ansatz": meta.get("ansatz"),
        "layers": meta.get("layers"),
        "reference_state": meta.get("reference_state"),
        "hamiltonian": hashlib.sha256(terms.encode()).hexdigest(),
        "circuit": hashlib.sha256(ops.encode()).hexdigest(),
        "optimizer": optimizer,
        "lr": float(lr),
        "seed": int(seed),
        "init": None if params is not None else init,
        "init_scale": None if params is not None else float(init_scale),
        "schedule": schedule,
        # a decaying schedule is laid out over the total steps: extending it is a new run
        "schedule_steps": None if schedule == "constant" else steps,
        "warmup": int(warmup),
        "clip": None if clip is None else float(clip),
        "init_params": None if given is None else hashlib.sha256(given.tobytes()).hexdigest(),
        "backend": backend,
        "method": method,
        "devices": devices,
    }


def _check_settings(steps, seed, checkpoint_every, init_scale, out, resume, overwrite) -> None:
    def is_int(x):
        return isinstance(x, numbers.Integral) and not isinstance(x, bool)

    if not is_int(steps) or steps < 0:
        raise RevadError(f"steps must be an integer >= 0, got {steps!r}")
    if not is_int(seed) or seed < 0:
        raise RevadError(f"seed must be an integer >= 0, got {seed!r}")
    if not is_int(checkpoint_every) or checkpoint_every < 1:
        raise RevadError(f"checkpoint_every must be an integer >= 1, got {checkpoint_every!r}")
    ok = isinstance(init_scale, numbers.Real) and not isinstance(init_scale, bool)
    if init_scale is not None and not (ok and math.isfinite(init_scale) and init_scale >= 0):
        raise RevadError(f"init_scale must be a finite number >= 0, got {init_scale!r}")
    if out is not None and str(out) == "":
        raise RevadError("the output folder must not be empty (--out '')")
    if resume and out is None:
        raise RevadError("resume needs out, the folder holding the checkpoint")
    if resume and overwrite:
        raise RevadError("resume and overwrite exclude each other")


def _refuse_or_clear(out: Path, overwrite: bool) -> None:
    """A fresh run over an old one: refuse, or with ``overwrite`` remove the old files
    (so no stale checkpoint can later be resumed into the new run)."""
    old = [name for name in (CHECKPOINT, "summary.json") if (out / name).exists()]
    if old and not overwrite:
        raise RevadError(
            f"{out} already holds a run ({', '.join(old)}); continue it with --resume, "
            "or replace it with --overwrite"
        )
    if overwrite:
        for name in RUN_FILES:
            (out / name).unlink(missing_ok=True)


def train(
    circuit: Circuit,
    hamiltonian: Hamiltonian,
    *,
    steps: int = 200,
    lr: float = 0.05,
    optimizer: str = "adam",
    backend: str = "jax",
    method: str | Strategy = "adjoint",
    seed: int = 0,
    init: str = "uniform",
    init_scale: float | None = None,
    params: np.ndarray | None = None,
    schedule: str = "constant",
    warmup: int = 0,
    clip: float | None = None,
    mirror: np.ndarray | None = None,
    out: str | Path | None = None,
    checkpoint_every: int = 50,
    resume: bool = False,
    overwrite: bool = False,
    exact: float | Callable[[], float | None] | None = None,
    progress: bool | None = None,
    metadata: dict | None = None,
    devices: int | None = None,
) -> TrainResult:
    """Minimise the energy for ``steps`` optimizer steps (total, counting resumed ones).

    ``method`` is ``"adjoint"``, ``"tape"``, ``revad.Adjoint(kernels=...)`` or
    ``revad.Tape()``. ``init`` is an initialisation strategy of :mod:`revad.app.init`
    (``init_scale``: its scale, None for the strategy's default; ``metadata["layers"]``
    sizes the ``small`` one; ``mirror`` pairs the slots of identity blocks); ``params``
    overrides it. ``schedule``, ``warmup`` and
    ``clip`` shape the optimizer (:mod:`revad.app.optimizers`). ``exact`` is the
    reference ground energy shown while training (None: not shown), or a function computing
    it, called only once the output folder and checkpoint have been checked.
    ``progress=None`` shows a bar only on a terminal. With ``out`` set, the folder is locked
    for the run and gets history.json, params.npy, summary.json, energy.png and
    checkpoint.npz; a folder already holding a run is refused unless ``resume`` (continue
    it, if its checkpoint matches this run) or ``overwrite`` (replace it). ``devices``
    splits the state over that many JAX devices (``revad.value_and_grad``'s ``devices=``).
    """
    _check_settings(steps, seed, checkpoint_every, init_scale, out, resume, overwrite)
    strategy = as_strategy(method)
    method = strategy.name
    opt = make_optimizer(
        optimizer, lr, schedule_kind=schedule, steps=steps, warmup=warmup, clip=clip
    )
    layers = (metadata or {}).get("layers")
    init = resolve_init(init, layers)
    if init_scale is None:
        init_scale = default_scale(init, layers)
    if params is None:
        params_given = None
        theta = initial_params(
            circuit, init, seed=seed, scale=init_scale, layers=layers, mirror=mirror
        )
    else:
        params_given = theta = params
    theta = api.check_theta(circuit, theta)
    fp = fingerprint(
        circuit, hamiltonian, optimizer=optimizer, lr=lr, seed=seed, init_scale=init_scale,
        params=params_given, backend=backend, method=method, metadata=metadata, init=init,
        schedule=schedule, warmup=warmup, clip=clip, steps=steps, devices=devices,
    )  # fmt: skip
    summary = {"steps": steps, "optimizer": optimizer, "lr": lr, "seed": seed}
    summary.update(schedule=schedule, warmup=warmup, clip=clip)
    if params is None:
        summary.update(init=init, init_scale=init_scale)
    summary.update(backend=backend, method=method, devices=devices, **(metadata or {}))
    go = functools.partial(
        _run, circuit, hamiltonian, opt, theta, fp=fp, summary=summary, steps=steps,
        checkpoint_every=checkpoint_every, backend=backend, method=strategy, exact=exact,
        progress=progress, devices=devices,
    )  # fmt: skip
    if out is None:
        return go(out=None, resume=False)
    out = Path(out)
    if resume and not (out / CHECKPOINT).is_file():  # before creating or locking anything
        raise RevadError(f"--resume: no checkpoint at {out / CHECKPOINT}")
    if not is_writer():  # a multi-process job: process 0 owns the folder
        return go(out=out, resume=resume)
    with runlock.claim(out):
        if not resume:
            _refuse_or_clear(out, overwrite)
        result = go(out=out, resume=resume)
        write_outputs(out, result)
    return result


def _run(
    circuit, h, opt, theta, *, out, resume, fp, summary, steps, checkpoint_every, backend,
    method, exact, progress, devices,
) -> TrainResult:  # fmt: skip
    """The training loop proper (``out`` already claimed, or None). Only process 0 of a
    multi-process job writes checkpoints (``revad.distributed.launch``); the others read one to
    resume."""
    ckpt = out / CHECKPOINT if out is not None else None
    save = ckpt if is_writer() else None
    with jax.enable_x64(True):  # optimizer arithmetic in float64, whatever the user's flag
        opt_state = opt.init(jax.numpy.asarray(theta))
        update = jax.jit(opt.update)
        history: list[dict] = []
        start = 0
        if resume and ckpt is not None:  # _check_settings refused resume without out
            start, theta, opt_state, history = checkpoint.load(
                ckpt, opt_state, circuit.n_params, fp, steps
            )
            done = " (already finished)" if start == steps else ""
            print(f"resuming from step {start} of {steps}{done}", flush=True)
        if callable(exact):
            exact = exact()
        elapsed0 = history[-1]["time"] if history else 0.0
        t0 = time.perf_counter()
        bar = _progress_bar(start, steps, progress)
        # (steps done, θ, optimizer state) changes in one assignment, so Ctrl-C anywhere
        # leaves a consistent triple to checkpoint.
        state = (start, theta, opt_state)
        try:
            for step in range(start, steps):
                _, theta, opt_state = state
                energy, grad = api.value_and_grad(
                    circuit, h, theta, backend=backend, method=method, devices=devices
                )
                updates, new_opt_state = update(jax.numpy.asarray(grad), opt_state)
                new_theta = np.asarray(optax.apply_updates(jax.numpy.asarray(theta), updates))
                record = {
                    "step": step,
                    "energy": energy,
                    "grad_norm": float(np.linalg.norm(grad)),
                    "time": elapsed0 + time.perf_counter() - t0,
                }
                history.append(record)
                state = (step + 1, new_theta, new_opt_state)
                _show(bar, record, exact)
                if save is not None and (step + 1) % checkpoint_every == 0:
                    checkpoint.save(save, *state, history, fp)
        except KeyboardInterrupt:
            if save is not None:
                checkpoint.save(save, *state, history[: state[0]], fp)
            raise
        finally:
            if bar is not None:
                bar.close()
        _, theta, opt_state = state
        if save is not None:
            checkpoint.save(save, *state, history, fp)

    kernels = method.kernels if isinstance(method, Adjoint) else "auto"
    final = api.expectation(circuit, h, theta, backend=backend, kernels=kernels, devices=devices)
    summary = {
        "final_energy": final,
        "exact_energy": exact,
        "error": None if exact is None else final - exact,
        "n_qubits": circuit.n_qubits,
        "n_params": circuit.n_params,
        "n_gates": len(circuit),
        "wall_time": history[-1]["time"] if history else 0.0,
        **summary,
    }
    in_use = api.kernels_in_use(method, backend)  # "native", or why pure JAX ran
    if in_use is not None:
        summary["kernels"] = in_use
    return TrainResult(theta, history, summary)


def write_outputs(out: Path, result: TrainResult) -> None:
    """history.json, params.npy, summary.json and energy.png, each written atomically."""
    atomic_write_text(out / "history.json", json.dumps(result.history, indent=1))
    atomic_write_text(out / "summary.json", json.dumps(result.summary, indent=2))
    atomic_write(out / "params.npy", lambda f: np.save(f, result.params), binary=True)
    plot_history(result.history, result.summary.get("exact_energy"), out / "energy.png")


def plot_history(history: list[dict], exact: float | None, path: Path) -> None:
    """Energy vs step (with the exact ground energy), the error if known, and the gradient
    norm, the last two on log scales."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = [r["step"] for r in history]
    energies = [r["energy"] for r in history]
    panels = 3 if exact is not None else 2
    fig, axes = plt.subplots(1, panels, figsize=(5 * panels, 4), squeeze=False)
    ax = axes[0, 0]
    ax.plot(steps, energies, label="VQE energy")
    if exact is not None:
        ax.axhline(exact, color="k", ls="--", lw=1, label=f"exact {exact:.6f}")
        err = np.maximum(np.array(energies) - exact, 1e-16)
        axes[0, 1].semilogy(steps, err)
        axes[0, 1].set(xlabel="step", ylabel="E - E_exact", title="error")
    ax.set(xlabel="step", ylabel="energy", title="training")
    ax.legend()
    norms = np.maximum([r["grad_norm"] for r in history], 1e-300) if history else []
    axes[0, -1].semilogy(steps, norms)
    axes[0, -1].set(xlabel="step", ylabel="|∇E|", title="gradient norm")
    fig.tight_layout()
    atomic_write(path, lambda f: fig.savefig(f, format="png", dpi=110), binary=True)
    plt.close(fig)


def _progress_bar(start: int, total: int, progress: bool | None):
    from tqdm.auto import tqdm

    return tqdm(
        total=total,
        initial=start,
        unit="step",
        disable=None if progress is None else not progress,
        dynamic_ncols=True,
    )


def _show(bar, record: dict, exact: float | None) -> None:
    if bar is None or bar.disable:
        return
    post = {"E": f"{record['energy']:.6f}", "|g|": f"{record['grad_norm']:.2e}"}
    if exact is not None:
        post["E-E0"] = f"{record['energy'] - exact:.2e}"
    bar.set_postfix(post, refresh=False)
    bar.update(1)
