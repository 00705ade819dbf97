"""VQE training loop: optax optimizer, exact reference, checkpoints, resume, outputs.

``train`` minimises ⟨ψ(θ)|H|ψ(θ)⟩ with gradients from ``revad.value_and_grad``. Every
``checkpoint_every`` steps (and on Ctrl-C) it writes, atomically, the parameters, the
optimizer state and the history to ``out/checkpoint.npz``; ``resume=True`` continues
from there and reproduces the uninterrupted trajectory exactly (same seed, same
arithmetic, same order).
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import jax
import numpy as np
import optax

from . import api
from .atomic import atomic_write, atomic_write_text
from .circuit import Circuit
from .errors import RevadError
from .hamiltonian import Hamiltonian

OPTIMIZERS = {
    "adam": optax.adam,
    "adamw": optax.adamw,
    "sgd": optax.sgd,
    "momentum": lambda lr: optax.sgd(lr, momentum=0.9),
    "rmsprop": optax.rmsprop,
    "adagrad": optax.adagrad,
}
EXACT_MAX_QUBITS = 20
CHECKPOINT = "checkpoint.npz"


@dataclass
class TrainResult:
    params: np.ndarray
    history: list[dict] = field(default_factory=list)
    summary: dict = field(default_factory=dict)


def make_optimizer(name: str, lr: float) -> optax.GradientTransformation:
    if name not in OPTIMIZERS:
        raise RevadError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    if not (isinstance(lr, (int, float)) and math.isfinite(lr) and lr > 0):
        raise RevadError(f"learning rate must be a positive number, got {lr!r}")
    return OPTIMIZERS[name](lr)


def initial_params(n_params: int, seed: int, scale: float = 2 * np.pi) -> np.ndarray:
    """Uniform angles in [0, scale) from ``seed`` (scale 0 gives all zeros)."""
    return (
        np.random.default_rng(seed).uniform(0.0, scale, n_params) if scale else np.zeros(n_params)
    )


def exact_energy(h: Hamiltonian, n_qubits: int) -> float | None:
    """Ground energy by exact (sparse) diagonalisation, or None above 20 qubits."""
    return h.ground_energy(n_qubits) if n_qubits <= EXACT_MAX_QUBITS else None


def _save_checkpoint(path: Path, step: int, params, opt_state, history) -> None:
    leaves = jax.tree_util.tree_leaves(opt_state)
    arrays = {f"opt_{i}": np.asarray(leaf) for i, leaf in enumerate(leaves)}
    arrays["params"] = np.asarray(params)
    arrays["step"] = np.array(step)
    arrays["history"] = np.array(json.dumps(history))
    atomic_write(path, lambda f: np.savez(f, **arrays), binary=True)


def _load_checkpoint(path: Path, opt_state_template):
    try:
        with np.load(path) as data:
            treedef = jax.tree_util.tree_structure(opt_state_template)
            leaves = [data[f"opt_{i}"] for i in range(treedef.num_leaves)]
            state = jax.tree_util.tree_unflatten(treedef, [jax.numpy.asarray(x) for x in leaves])
            return int(data["step"]), data["params"].copy(), state, json.loads(str(data["history"]))
    except (OSError, KeyError, ValueError) as exc:
        raise RevadError(f"cannot resume from {path}: {exc}") from None


def train(
    circuit: Circuit,
    hamiltonian: Hamiltonian,
    *,
    steps: int = 200,
    lr: float = 0.05,
    optimizer: str = "adam",
    backend: str = "jax",
    method: str = "adjoint",
    seed: int = 0,
    init_scale: float = 2 * np.pi,
    params: np.ndarray | None = None,
    out: str | Path | None = None,
    checkpoint_every: int = 50,
    resume: bool = False,
    exact: float | None = None,
    progress: bool | None = None,
    metadata: dict | None = None,
) -> TrainResult:
    """Minimise the energy for ``steps`` optimizer steps (total, counting resumed ones).

    ``params`` overrides the seeded initialisation. ``exact`` is the reference ground
    energy shown while training (None: not shown). ``progress=None`` shows a bar only
    on a terminal. With ``out`` set, writes history.json, params.npy, summary.json,
    energy.png and checkpoint.npz there.
    """
    if steps < 0 or checkpoint_every < 1:
        raise RevadError("steps must be >= 0 and checkpoint_every >= 1")
    opt = make_optimizer(optimizer, lr)
    theta = initial_params(circuit.n_params, seed, init_scale) if params is None else params
    theta = api.check_theta(circuit, theta)
    out = Path(out) if out is not None else None
    ckpt = out / CHECKPOINT if out is not None else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)

    with jax.enable_x64(True):  # optimizer arithmetic in float64, whatever the user's flag
        opt_state = opt.init(jax.numpy.asarray(theta))
        update = jax.jit(opt.update)
        history: list[dict] = []
        start = 0
        if resume:
            if ckpt is None or not ckpt.exists():
                raise RevadError(f"--resume: no checkpoint at {ckpt}")
            start, theta, opt_state, history = _load_checkpoint(ckpt, opt_state)
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
                    circuit, hamiltonian, theta, backend=backend, method=method
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
                if ckpt is not None and (step + 1) % checkpoint_every == 0:
                    _save_checkpoint(ckpt, *state, history)
        except KeyboardInterrupt:
            if ckpt is not None:
                _save_checkpoint(ckpt, *state, history[: state[0]])
            raise
        finally:
            if bar is not None:
                bar.close()
        _, theta, opt_state = state
        if ckpt is not None:
            _save_checkpoint(ckpt, *state, history)

    final = api.expectation(circuit, hamiltonian, theta, backend=backend)
    summary = {
        "final_energy": final,
        "exact_energy": exact,
        "error": None if exact is None else final - exact,
        "n_qubits": circuit.n_qubits,
        "n_params": circuit.n_params,
        "n_gates": len(circuit),
        "steps": steps,
        "optimizer": optimizer,
        "lr": lr,
        "seed": seed,
        "backend": backend,
        "method": method,
        "wall_time": history[-1]["time"] if history else 0.0,
        **(metadata or {}),
    }
    if backend == "jax" and method == "adjoint":
        from .backends import native

        summary["kernels"] = native.status()  # "native", or why the pure-JAX ones ran
    result = TrainResult(theta, history, summary)
    if out is not None:
        write_outputs(out, result)
    return result


def write_outputs(out: Path, result: TrainResult) -> None:
    """history.json, params.npy, summary.json and energy.png, each written atomically."""
    atomic_write_text(out / "history.json", json.dumps(result.history, indent=1))
    atomic_write_text(out / "summary.json", json.dumps(result.summary, indent=2))
    atomic_write(out / "params.npy", lambda f: np.save(f, result.params), binary=True)
    plot_history(result.history, result.summary.get("exact_energy"), out / "energy.png")


def plot_history(history: list[dict], exact: float | None, path: Path) -> None:
    """Energy vs step (with the exact ground energy) and, if known, the error on a log scale."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = [r["step"] for r in history]
    energies = [r["energy"] for r in history]
    panels = 2 if exact is not None else 1
    fig, axes = plt.subplots(1, panels, figsize=(5.5 * panels, 4), squeeze=False)
    ax = axes[0, 0]
    ax.plot(steps, energies, label="VQE energy")
    if exact is not None:
        ax.axhline(exact, color="k", ls="--", lw=1, label=f"exact {exact:.6f}")
        err = np.maximum(np.array(energies) - exact, 1e-16)
        axes[0, 1].semilogy(steps, err)
        axes[0, 1].set(xlabel="step", ylabel="E - E_exact", title="error")
    ax.set(xlabel="step", ylabel="energy", title="training")
    ax.legend()
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
