"""Initial angles: the strategies of ``revad train --init`` and ``revad plateau``.

- ``uniform``: θ uniform in [0, scale), scale 2π by default: a random circuit. Deep ones
  sit on a barren plateau (gradients vanish exponentially in the qubit count).
- ``small``: θ uniform in [0, scale) with a small scale, by default ``SMALL_DEPTH /
  layers`` (0.02 at 1,000 layers): each layer is near the identity, so the whole circuit
  stays a short walk from its reference state however deep it is, and the gradients do
  not vanish (the trade-off: it starts near the reference state, not anywhere).
- ``identity-blocks`` (Grant et al., Quantum 3, 214 (2019)): the circuit is built of
  blocks (a layer, then its mirror image); the first half of each block is uniform in
  [0, scale) and its mirror takes the opposite angles, so every block, hence the
  circuit, is exactly the identity at step 0 while its parameters are random.

``auto`` (the CLI's default) is ``uniform`` below ``DEEP_LAYERS`` layers and ``small``
from there.
"""

from __future__ import annotations

import numpy as np

from ..errors import RevadError
from ..ir.circuit import Circuit

INITS = ("auto", "uniform", "small", "identity-blocks")
DEEP_LAYERS = 50
SMALL_DEPTH = 20.0  # the small scale is SMALL_DEPTH / layers, at most SMALL_MAX
SMALL_MAX = 0.1


def resolve(init: str, layers: int | None) -> str:
    """``auto`` made concrete for a circuit of ``layers`` layers (None: not layered)."""
    if init not in INITS:
        raise RevadError(f"unknown init {init!r}; choose one of {', '.join(INITS)}")
    if init != "auto":
        return init
    return "small" if layers is not None and layers >= DEEP_LAYERS else "uniform"


def default_scale(init: str, layers: int | None) -> float:
    if init == "small":
        return min(SMALL_MAX, SMALL_DEPTH / max(layers or 1, 1))
    return 2 * np.pi


def initial_params(
    circuit: Circuit,
    init: str,
    *,
    seed: int,
    scale: float | None = None,
    layers: int | None = None,
    mirror: np.ndarray | None = None,
) -> np.ndarray:
    """θ for ``circuit`` by strategy ``init`` (see the module docstring). ``mirror[k]`` is,
    for identity blocks, the slot whose opposite slot k takes (−1 for a free slot)."""
    init = resolve(init, layers)
    scale = default_scale(init, layers) if scale is None else scale
    rng = np.random.default_rng(seed)
    theta = rng.uniform(0.0, scale, circuit.n_params) if scale else np.zeros(circuit.n_params)
    if init != "identity-blocks":
        return theta
    if mirror is None or len(mirror) != circuit.n_params:
        raise RevadError("init 'identity-blocks' needs a circuit built of identity blocks")
    mirrored = mirror >= 0
    theta[mirrored] = -theta[mirror[mirrored]]
    return theta
