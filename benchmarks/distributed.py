"""The split state's exchange schedule, memory and a timed correctness run (host devices).

For the standard problem (``variational_circuit``, ``heisenberg``) and D = 2, 4, 8:

- exchanges and bytes sent per device per gradient, from the schedule (lazy reordering)
  and for swapping each global qubit in and straight back per gate (no reordering);
- XLA's ``memory_analysis()`` of one device's compiled gradient, in statevectors of the
  *whole* problem (the shard is 1/D of one);
- the time per gradient on D host devices of this machine beside one device, and the
  largest gradient difference (a correctness run: host devices share this machine's
  cores, so this is no speed claim).

    python benchmarks/distributed.py [--quick] [--out DIR]

writes ``DIR/distributed.json`` and prints a markdown table. It sets
``XLA_FLAGS=--xla_force_host_platform_device_count=8`` itself.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=8"

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import revad  # noqa: E402
from revad.backends.jax_backend import kernels_for  # noqa: E402
from revad.distributed import sharded  # noqa: E402

FULL = [(12, 10), (16, 10), (20, 4)]
QUICK = [(8, 3)]


def _naive(circuit: revad.Circuit, n_local: int) -> int:
    return 2 * sum(1 for op in circuit.ops for q in op.qubits if q >= n_local)


def _best(call, repeats: int = 3) -> float:
    call()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return min(times)


def case(n: int, layers: int, devices: int) -> dict:
    c, h = revad.variational_circuit(n, layers), revad.heisenberg(n)
    theta = np.random.default_rng(0).uniform(0, 2 * np.pi, c.n_params)
    method = revad.Adjoint()
    run = sharded.sharded(c.key(), h, sharded.mesh_of(devices), kernels_for(method))
    lazy = run.exchanges(gradient=True)
    shard = 16 * 2**run.plan.n_local
    naive_swaps = _naive(c, run.plan.n_local)
    naive = {
        "exchanges": 3 * naive_swaps + run.paulis.exchanges,
        "bytes": (3 * naive_swaps / 2 + run.paulis.exchanges) * shard,
    }
    with jax.enable_x64(True):
        terms = tuple(g[1:] for g in run.paulis.groups)
        xgs = tuple(g[0] for g in run.paulis.groups)
        compiled = sharded._run.lower(
            jnp.asarray(theta), run.programs, terms, run.plan.swaps, run.plan.n_local, xgs,
            run.kernels, run.mesh, True,
        ).compile()  # fmt: skip
    temp = compiled.memory_analysis().temp_size_in_bytes / (16 * 2**n)
    e1, g1 = revad.value_and_grad(c, h, theta, method=method)
    eD, gD = revad.value_and_grad(c, h, theta, method=method, devices=devices)
    return {
        "n": n, "layers": layers, "devices": devices, "swaps": run.plan.exchanges,
        "exchanges": lazy["exchanges"], "bytes": lazy["bytes"],
        "naive_exchanges": naive["exchanges"], "naive_bytes": naive["bytes"],
        "temp_states_per_device": temp,
        "time_1": _best(lambda: revad.value_and_grad(c, h, theta, method=method)),
        "time_D": _best(lambda: revad.value_and_grad(c, h, theta, method=method, devices=devices)),
        "max_diff": max(abs(eD - e1), float(np.max(np.abs(gD - g1)))),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, default=Path("bench-results/distributed"))
    args = parser.parse_args()
    rows = [case(n, L, d) for n, L in (QUICK if args.quick else FULL) for d in (2, 4, 8)]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "distributed.json").write_text(json.dumps(rows, indent=1))
    print("| case | D | swaps | exchanges / gradient (naive) | MiB sent per device (naive) "
          "| XLA temp per device (states) | time D / 1 device | max diff |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| n={r['n']}, {r['layers']} layers | {r['devices']} | {r['swaps']} | "
              f"{r['exchanges']} ({r['naive_exchanges']}) | {r['bytes'] / 2**20:.1f} "
              f"({r['naive_bytes'] / 2**20:.1f}) | {r['temp_states_per_device']:.2f} | "
              f"{r['time_D'] * 1e3:.1f} / {r['time_1'] * 1e3:.1f} ms | "
              f"{r['max_diff']:.1e} |")  # fmt: skip


if __name__ == "__main__":
    main()
