"""Time two source trees of revad side by side on the standard problem.

    python benchmarks/compare_revisions.py BEFORE_TREE AFTER_TREE [--processes 2]

Each case runs in fresh processes, alternating one before, one after, with
``OMP_NUM_THREADS=1`` and complex128: the first ``revad.value_and_grad`` call (compile
included) and the best of 5 more. A warm-up process per tree first builds the native
kernels, so that no first call includes their build. Prints one JSON line per process,
then a table of ranges.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

CASES = [(10, 200, "native"), (10, 1000, "native"), (16, 10, "native"), (20, 4, "native")]
CASES += [(10, 200, "jax"), (10, 1000, "jax"), (16, 10, "jax"), (20, 4, "jax")]

WORKER = """
import json, sys, time
import numpy as np
import revad
n, layers, kernels = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
c, h = revad.variational_circuit(n, layers), revad.heisenberg(n)
theta = np.random.default_rng(0).uniform(0, 2 * np.pi, c.n_params)
method = revad.Adjoint(kernels=kernels)
t0 = time.perf_counter()
energy, _ = revad.value_and_grad(c, h, theta, method=method)
first = time.perf_counter() - t0
times = []
for _ in range(5):
    t0 = time.perf_counter()
    revad.value_and_grad(c, h, theta, method=method)
    times.append(time.perf_counter() - t0)
print(json.dumps({"first": first, "best": min(times), "energy": energy}))
"""


def run(tree: str, n: int, layers: int, kernels: str) -> dict:
    env = {**os.environ, "PYTHONPATH": os.path.join(tree, "src"), "OMP_NUM_THREADS": "1"}
    env.pop("REVAD_NATIVE", None)
    args = [sys.executable, "-c", WORKER, str(n), str(layers), kernels]
    out = subprocess.run(args, env=env, capture_output=True, text=True, check=True, cwd="/")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    trees = {"before": args.before, "after": args.after}
    for tree in trees.values():
        run(tree, 3, 1, "native")  # warm-up: builds and caches the native kernels
    rows = []
    for n, layers, kernels in CASES:
        results = {"before": [], "after": []}
        for _ in range(args.processes):
            for side, tree in trees.items():
                record = run(tree, n, layers, kernels)
                results[side].append(record)
                print(json.dumps({"n": n, "layers": layers, "kernels": kernels, side: record}))
        rows.append((n, layers, kernels, results))
    print("| case | before | after | after / before (best) | first call before / after |")
    print("|---|---|---|---|---|")
    for n, layers, kernels, res in rows:
        b = [r["best"] for r in res["before"]]
        a = [r["best"] for r in res["after"]]
        fb = [r["first"] for r in res["before"]]
        fa = [r["first"] for r in res["after"]]
        print(
            f"| n={n}, {layers} layers, {kernels} | {1e3 * min(b):.1f}-{1e3 * max(b):.1f} ms "
            f"| {1e3 * min(a):.1f}-{1e3 * max(a):.1f} ms | {min(a) / min(b):.3f} "
            f"| {min(fb):.2f}-{max(fb):.2f} / {min(fa):.2f}-{max(fa):.2f} s |"
        )


if __name__ == "__main__":
    main()
