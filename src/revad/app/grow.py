"""Layerwise growth: train K layers, add K more initialised at the identity, continue.

The ansatz is built of identity blocks (:mod:`revad.ir.blocks`), so the circuit of k·K
layers is a prefix of the one with (k+1)·K: stage k+1 starts from stage k's trained
angles, carried over exactly, plus new blocks whose first halves are uniform in
[0, scale) and whose mirrors take the opposite angles, so the new blocks are the
identity and the energy is unchanged at the start of each stage. Each stage is an
ordinary :func:`revad.app.train.train` run in ``out/stage-<k>`` (checkpointed, resumable);
``resume`` continues the first unfinished stage. The stages share the optimizer settings;
each starts a fresh optimizer state (the parameter vector grows).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..distributed.launch import is_writer
from ..errors import RevadError
from ..io.atomic import atomic_write, atomic_write_text
from ..ir.blocks import identity_blocks
from ..ir.hamiltonian import Hamiltonian
from .init import initial_params
from .train import CHECKPOINT, TrainResult, plot_history, train


def stage_steps(steps: int, stages: int) -> list[int]:
    """``steps`` split over the stages, the remainder to the last."""
    base = steps // stages
    return [base] * (stages - 1) + [steps - base * (stages - 1)]


def grow_train(
    n_qubits: int,
    h: Hamiltonian,
    *,
    layers: int,
    grow: int,
    steps: int,
    seed: int = 0,
    init_scale: float = 2 * np.pi,
    prepare: tuple[int, ...] = (),
    out: str | Path | None = None,
    resume: bool = False,
    overwrite: bool = False,
    metadata: dict | None = None,
    **settings,
) -> TrainResult:
    """Train ``layers`` layers of identity blocks, ``grow`` layers more per stage."""
    if grow < 2 or grow % 2 or layers % grow or layers < grow:
        raise RevadError(
            f"--grow K adds K layers per stage: K must be even and divide --layers "
            f"(got K={grow}, layers={layers})"
        )
    stages = layers // grow
    history: list[dict] = []
    params: np.ndarray | None = None
    result = None
    for stage, n_steps in enumerate(stage_steps(steps, stages), start=1):
        circuit, mirror = identity_blocks(n_qubits, stage * grow, prepare)
        theta = initial_params(circuit, "identity-blocks", seed=seed + stage, scale=init_scale,
                               mirror=mirror)  # fmt: skip
        if params is not None:
            theta[: len(params)] = params  # the trained prefix, exactly
        where = None if out is None else Path(out) / f"stage-{stage}"
        again = resume and where is not None and (where / CHECKPOINT).is_file()
        meta = {**(metadata or {}), "layers": stage * grow, "stage": stage, "stages": stages}
        result = train(circuit, h, steps=n_steps, seed=seed, params=theta, out=where,
                       resume=again, overwrite=overwrite and not again, metadata=meta,
                       **settings)  # fmt: skip
        params = result.params
        offset = history[-1]["step"] + 1 if history else 0
        history += [{**r, "step": r["step"] + offset, "stage": stage} for r in result.history]
    assert result is not None
    summary = {**result.summary, "grow": grow, "stages": stages, "steps": steps}
    combined = TrainResult(result.params, history, summary)
    if out is not None and is_writer():
        atomic_write_text(Path(out) / "history.json", json.dumps(history, indent=1))
        atomic_write_text(Path(out) / "summary.json", json.dumps(summary, indent=2))
        atomic_write(Path(out) / "params.npy", lambda f: np.save(f, combined.params), binary=True)
        plot_history(history, summary.get("exact_energy"), Path(out) / "energy.png")
    return combined
