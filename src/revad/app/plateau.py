"""Barren-plateau diagnostic: how the gradient's variance over random initialisations
falls with the number of qubits (McClean et al., Nat. Commun. 9, 4812 (2018), Fig. 3).

For each qubit count n: the standard ansatz ``variational_circuit(n, layers)``, the cost
⟨Z_0 Z_1⟩ (McClean's local observable), S initialisations drawn by each strategy of
:mod:`revad.app.init`, one reversible gradient per sample (``jax.vmap`` of
``jax.grad(energy_fn)``, jitted once per n). ``variance`` is Var_samples(∂E/∂θ_k) averaged
over the parameters k; the slope of log2(variance) against n is fitted by least squares
(−1 per qubit is exponential decay, 2^{−n}, as for a unitary 2-design). Written to
``out/plateau.json`` and ``out/plateau.png`` (log axis), atomically.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..errors import RevadError
from ..io.atomic import atomic_write, atomic_write_text
from .init import initial_params

BATCH = 64  # samples per vmapped gradient call


def _gradients(n: int, layers: int, samples: int, init: str, seed: int) -> np.ndarray:
    import jax

    from .. import api
    from ..ir.ansatz import variational_circuit
    from ..ir.hamiltonian import Hamiltonian

    circuit = variational_circuit(n, layers)
    cost = Hamiltonian([(1.0, [("Z", 0), ("Z", 1)])], n_qubits=n)
    with jax.enable_x64(True):
        grad = jax.jit(jax.vmap(jax.grad(api.energy_fn(circuit, cost))))
        thetas = np.stack(
            [initial_params(circuit, init, seed=seed + s, layers=layers) for s in range(samples)]
        )
        parts = [np.asarray(grad(thetas[i : i + BATCH])) for i in range(0, samples, BATCH)]
    return np.concatenate(parts)


def plateau(qubits: list[int], layers: int, samples: int, inits: list[str], seed: int = 0) -> dict:
    """The variance of the gradient per qubit count, for each initialisation strategy."""
    if len(qubits) < 2 or min(qubits) < 2:
        raise RevadError(f"plateau needs at least two qubit counts, each >= 2, got {qubits}")
    if samples < 2:
        raise RevadError(f"plateau needs at least 2 samples, got {samples}")
    curves = {}
    for init in inits:
        variance = [float(np.mean(np.var(_gradients(n, layers, samples, init, seed), axis=0)))
                    for n in qubits]  # fmt: skip
        slope = float(np.polyfit(qubits, np.log2(variance), 1)[0])
        curves[init] = {"variance": variance, "log2_slope_per_qubit": slope}
    first = curves[inits[0]]
    return {"qubits": list(qubits), "variance": first["variance"], "layers": layers,
            "samples": samples, "init": inits[0], "curves": curves,
            "cost": "<Z_0 Z_1>", "ansatz": "variational_circuit"}  # fmt: skip


def write_plateau(result: dict, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out / "plateau.json", json.dumps(result, indent=1))
    fig, ax = plt.subplots(figsize=(5.5, 4))
    for init, curve in result["curves"].items():
        slope = curve["log2_slope_per_qubit"]
        ax.semilogy(result["qubits"], curve["variance"], "o-", label=f"{init} (slope {slope:.2f})")
    ax.set(xlabel="qubits", ylabel="Var(∂E/∂θ)", title=f"{result['layers']} layers, "
           f"{result['samples']} samples, {result['cost']}")  # fmt: skip
    ax.legend(title="init (log2 slope per qubit)")
    fig.tight_layout()
    atomic_write(out / "plateau.png", lambda f: fig.savefig(f, format="png", dpi=110), binary=True)
    plt.close(fig)
