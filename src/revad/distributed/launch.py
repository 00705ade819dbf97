"""Several processes (hosts) as one JAX job: ``jax.distributed.initialize`` from the
environment, before anything else touches JAX.

``REVAD_COORDINATOR`` (``host:port`` of process 0), ``REVAD_NUM_PROCESSES`` and
``REVAD_PROCESS_ID`` name the job; without them, under SLURM (``SLURM_JOB_ID`` set), JAX
reads SLURM's own variables. On CPU the collectives are gloo's; on GPUs, NCCL's. Then
``jax.devices()`` lists every process's devices and ``devices=`` meshes span them.
"""

from __future__ import annotations

import os

import jax

from ..errors import RevadError

VARIABLES = ("REVAD_COORDINATOR", "REVAD_NUM_PROCESSES", "REVAD_PROCESS_ID")


def initialize(environ: dict[str, str] | None = None) -> None:
    """Join the job the environment describes, or raise a RevadError saying what is missing."""
    env = os.environ if environ is None else environ
    given = [name for name in VARIABLES if env.get(name)]
    if given and len(given) < len(VARIABLES):
        missing = ", ".join(n for n in VARIABLES if n not in given)
        raise RevadError(f"--distributed: {', '.join(given)} set but {missing} missing")
    if not given and "SLURM_JOB_ID" not in env:
        raise RevadError(
            "--distributed needs REVAD_COORDINATOR=host:port, REVAD_NUM_PROCESSES and "
            "REVAD_PROCESS_ID in the environment (or a SLURM job)"
        )
    job = _job(env) if given else None  # checked before anything changes
    if env.get("JAX_PLATFORMS", "cpu").startswith("cpu"):
        jax.config.update("jax_cpu_collectives_implementation", "gloo")
    if job is None:
        jax.distributed.initialize()  # JAX reads SLURM's variables
    else:
        jax.distributed.initialize(job[0], num_processes=job[1], process_id=job[2])


def _job(env: dict[str, str] | os._Environ[str]) -> tuple[str, int, int]:
    """(coordinator, process count, process id) from the REVAD_* variables."""
    try:
        count, rank = int(env["REVAD_NUM_PROCESSES"]), int(env["REVAD_PROCESS_ID"])
    except ValueError as exc:
        raise RevadError(f"--distributed: process count and id must be integers ({exc})") from None
    if not 0 <= rank < count:
        raise RevadError(f"--distributed: REVAD_PROCESS_ID={rank} is not in 0..{count - 1}")
    return env["REVAD_COORDINATOR"], count, rank


def is_writer() -> bool:
    """Whether this process writes files (checkpoints, outputs): process 0 only."""
    return jax.process_index() == 0
