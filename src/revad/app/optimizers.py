"""Optimizers for training, all from optax: the update rule, a learning-rate schedule,
optional warm-up and gradient clipping.

``make_optimizer(name, lr, schedule=..., steps=..., warmup=..., clip=...)`` is
``optax.chain(clip_by_global_norm(clip), rule(schedule))``: the schedule starts at ``lr``
(after a linear warm-up from 0 over ``warmup`` steps) and decays over the remaining
steps: ``constant``; ``cosine`` to 0 (``optax.cosine_decay_schedule``); ``exponential``
by a factor 100 (``optax.exponential_decay``). The optimizer state holds the step count,
so a resumed run continues the schedule where it stopped.
"""

from __future__ import annotations

import math
import numbers

import optax

from ..errors import RevadError

RULES = {
    "adam": optax.adam,
    "adamw": optax.adamw,
    "sgd": optax.sgd,
    "momentum": lambda lr: optax.sgd(lr, momentum=0.9),
    "rmsprop": optax.rmsprop,
    "adagrad": optax.adagrad,
}
SCHEDULES = ("constant", "cosine", "exponential")
EXPONENTIAL_DECAY = 0.01  # the exponential schedule's last learning rate, as a fraction of lr


def schedule(kind: str, lr: float, steps: int, warmup: int = 0) -> optax.Schedule:
    """The learning rate at each step (see the module docstring)."""
    if kind not in SCHEDULES:
        raise RevadError(f"unknown schedule {kind!r}; choose one of {', '.join(SCHEDULES)}")
    decay_steps = max(steps - warmup, 1)
    main = {
        "constant": lambda: optax.constant_schedule(lr),
        "cosine": lambda: optax.cosine_decay_schedule(lr, decay_steps),
        "exponential": lambda: optax.exponential_decay(lr, decay_steps, EXPONENTIAL_DECAY),
    }[kind]()
    if not warmup:
        return main
    ramp = optax.linear_schedule(0.0, lr, warmup)
    return optax.join_schedules([ramp, main], [warmup])


def _positive(value: object, what: str) -> None:
    real = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not (real and math.isfinite(float(value)) and float(value) > 0):  # type: ignore[arg-type]
        raise RevadError(f"{what} must be a finite number > 0, got {value!r}")


def make_optimizer(
    name: str,
    lr: float,
    *,
    schedule_kind: str = "constant",
    steps: int = 1,
    warmup: int = 0,
    clip: float | None = None,
) -> optax.GradientTransformation:
    """``clip_by_global_norm(clip)`` (if given), then rule ``name`` at the scheduled rate."""
    if name not in RULES:
        raise RevadError(f"unknown optimizer {name!r}; choose one of {', '.join(RULES)}")
    _positive(lr, "the learning rate")
    if isinstance(warmup, bool) or not isinstance(warmup, numbers.Integral) or warmup < 0:
        raise RevadError(f"warmup must be an integer >= 0, got {warmup!r}")
    if clip is not None:
        _positive(clip, "clip (the largest gradient norm)")
    rule = RULES[name](schedule(schedule_kind, lr, steps, int(warmup)))
    return rule if clip is None else optax.chain(optax.clip_by_global_norm(clip), rule)
