"""Benchmarks of ``revad.state_fn`` and ``revad.expval_fn`` (docs/states.md).

Three measurements, each case in a fresh process with one thread (as ``revad bench``):

- ``vjp``: a state VJP (``jax.vjp`` of ``state_fn`` with a random complex cotangent)
  beside the energy gradient (``jax.value_and_grad`` of ``energy_fn``), both jitted,
  timed alternately in one process on the standard problem (n=10 at 1,000 layers, n=20
  at 4). Goal: ratio ≤ 1.5.
- ``memory``: the gradient of a fidelity loss through ``state_fn`` at n=12 with 10 and
  2,000 layers; peak RSS above the process's RSS once the circuit is built. Goal: the
  2,000-layer case within 60 MB of the 10-layer one.
- ``observables``: the gradient of Σ_k ⟨H_k⟩ for k = 1, 8, 32 random Pauli sums at
  n=14 (10 layers), through ``expval_fn`` and through PennyLane ``lightning.qubit``'s
  adjoint with the same k observables (``qml.grad`` of the sum). Goal: revad at k=8
  within 2x of k=1. Values of both agree to 1e-8.

    python benchmarks/state_functions.py [--out DIR] [--quick]

writes ``DIR/state_functions.json`` and prints a markdown table (for RESULTS.md).
``--quick`` runs tiny sizes (a smoke test, seconds).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

FULL = {
    "vjp": [(10, 1000), (20, 4)],
    "memory": [(12, 10), (12, 2000)],
    "observables": [(14, 10, k, peer) for peer in ("revad", "lightning") for k in (1, 8, 32)],
}
QUICK = {
    "vjp": [(4, 3)],
    "memory": [(4, 2), (4, 20)],
    "observables": [(4, 2, k, peer) for peer in ("revad", "lightning") for k in (1, 3)],
}
REPEATS = 7


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _median_time(call, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _problem(n: int, layers: int):
    import jax
    import numpy as np

    import revad

    jax.config.update("jax_enable_x64", True)
    c = revad.variational_circuit(n, layers)
    theta = np.random.default_rng(0).uniform(0, 2 * np.pi, c.n_params)
    return c, revad.heisenberg(n), theta


def case_vjp(n: int, layers: int) -> dict:
    """State VJP and energy gradient, alternately, in one process."""
    import jax
    import jax.numpy as jnp
    import numpy as np

    import revad

    c, h, theta = _problem(n, layers)
    theta = jnp.asarray(theta)
    rng = np.random.default_rng(1)
    cotangent = jnp.asarray(rng.normal(size=2**n) + 1j * rng.normal(size=2**n))
    state = revad.state_fn(c)
    state_vjp = jax.jit(lambda t, ct: jax.vjp(state, t)[1](ct)[0])
    energy_grad = jax.jit(jax.value_and_grad(revad.energy_fn(c, h)))
    state_vjp(theta, cotangent).block_until_ready()
    energy_grad(theta)[1].block_until_ready()
    vjp_times, grad_times = [], []
    for _ in range(REPEATS):
        vjp_times.append(_median_time(lambda: state_vjp(theta, cotangent).block_until_ready(), 1))
        grad_times.append(_median_time(lambda: energy_grad(theta)[1].block_until_ready(), 1))
    t_vjp, t_grad = statistics.median(vjp_times), statistics.median(grad_times)
    return {"state_vjp_s": t_vjp, "energy_grad_s": t_grad, "ratio": t_vjp / t_grad}


def case_memory(n: int, layers: int) -> dict:
    """Peak RSS of a fidelity gradient through state_fn, above the RSS with the circuit built."""
    import jax
    import jax.numpy as jnp
    import numpy as np

    import revad

    c, _, theta = _problem(n, layers)
    target = np.random.default_rng(2).normal(size=2**n) + 0j
    target = jnp.asarray(target / np.linalg.norm(target))
    state = revad.state_fn(c)
    base = _current_rss_mb()

    def infidelity(theta):
        return 1 - jnp.abs(jnp.vdot(target, state(theta))) ** 2

    grad = jax.jit(jax.grad(infidelity))
    t0 = time.perf_counter()
    grad(jnp.asarray(theta)).block_until_ready()
    first = time.perf_counter() - t0
    t_grad = _median_time(lambda: grad(jnp.asarray(theta)).block_until_ready(), 3)
    return {"base_mb": base, "peak_mb": _rss_mb(), "above_base_mb": _rss_mb() - base,
            "time_first_s": first, "time_grad_s": t_grad}  # fmt: skip


def _observables(n: int, k: int):
    import numpy as np

    import revad

    rng = np.random.default_rng(3)
    hams = []
    for _ in range(k):
        terms = []
        for _ in range(4):
            qubits = rng.choice(n, size=3, replace=False)
            terms.append(
                (float(rng.normal()), [(str(rng.choice(list("XYZ"))), int(q)) for q in qubits])
            )
        hams.append(revad.Hamiltonian(terms, n_qubits=n))
    return hams


def case_observables(n: int, layers: int, k: int, peer: str) -> dict:
    """Gradient of Σ_k ⟨H_k⟩: revad's expval_fn, or lightning.qubit's adjoint."""
    import numpy as np

    c, _, theta = _problem(n, layers)
    hams = _observables(n, k)
    if peer == "revad":
        import jax
        import jax.numpy as jnp

        import revad

        base = _current_rss_mb()
        values = revad.expval_fn(c, hams)
        vg = jax.jit(jax.value_and_grad(lambda t: jnp.sum(values(t))))
        t = jnp.asarray(theta)

        def call():
            value, grad = vg(t)
            return float(value), np.asarray(grad)
    else:
        import pennylane as qml
        from pennylane import numpy as pnp

        from revad.interop.pennylane import to_pennylane, to_pennylane_operator

        base = _current_rss_mb()
        observables = [to_pennylane_operator(h) for h in hams]
        dev = qml.device("lightning.qubit", wires=n)

        @qml.qnode(dev, diff_method="adjoint", interface="autograd")
        def expvals(theta):
            to_pennylane(c, theta)
            return [qml.expval(o) for o in observables]

        def total(theta):
            return qml.math.sum(qml.math.stack(expvals(theta)))

        grad_fn = qml.grad(total, argnums=0)
        t = pnp.array(theta, requires_grad=True)

        def call():
            grad = grad_fn(t)
            return float(grad_fn.forward), np.asarray(grad, np.float64)

    t0 = time.perf_counter()
    value, grad = call()
    first = time.perf_counter() - t0
    t_grad = _median_time(call, 3)
    checksum = float(np.dot(np.sin(np.arange(len(grad))), grad))
    peak = _rss_mb()
    return {"value": value, "grad_checksum": checksum, "time_first_s": first,
            "time_grad_s": t_grad, "peak_mb": peak, "above_base_mb": peak - base}  # fmt: skip


CASES = {"vjp": case_vjp, "memory": case_memory, "observables": case_observables}


def _run_case(kind: str, args: tuple, threads: int) -> dict:
    from revad.bench.environment import worker_env

    env = {**os.environ, **worker_env(threads)}
    cmd = [sys.executable, __file__, "--case", json.dumps([kind, list(args)])]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800)
    if proc.returncode:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _row(kind: str, args: list, out: dict) -> tuple[str, str, str]:
    if "error" in out:
        return kind, str(args), f"error: {out['error']}"
    if kind == "vjp":
        vjp, grad = out["state_vjp_s"] * 1e3, out["energy_grad_s"] * 1e3
        result = f"{vjp:.1f} ms / {grad:.1f} ms = {out['ratio']:.2f}x"
        return "state VJP / energy gradient", f"n={args[0]}, {args[1]} layers", result
    above, peak, ms = out["above_base_mb"], out["peak_mb"], out["time_grad_s"] * 1e3
    if kind == "memory":
        result = f"{above:.0f} MB above base ({peak:.0f} MB peak), {ms:.0f} ms"
        return "fidelity gradient", f"n={args[0]}, {args[1]} layers", result
    result = f"{ms:.1f} ms, {above:.0f} MB above base, value {out['value']:.10f}"
    return f"Σ⟨H_k⟩ gradient, {args[3]}", f"n={args[0]}, {args[1]} layers, k={args[2]}", result


def _markdown(results: list[dict]) -> str:
    rows = [_row(r["kind"], r["args"], r["result"]) for r in results]
    return "\n".join(
        ["| measurement | case | result |", "|---|---|---|"]
        + [f"| {a} | {b} | {c} |" for a, b, c in rows]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results_state_functions"))
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        kind, case_args = json.loads(args.case)
        print(json.dumps(CASES[kind](*case_args)))
        return 0
    from revad.bench.environment import machine_info, now

    results = []
    for kind, cases in (QUICK if args.quick else FULL).items():
        for case in cases:
            result = _run_case(kind, case, args.threads)
            results.append({"kind": kind, "args": list(case), "result": result})
            print(kind, case, result, flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    info = {"date": now(), "machine": machine_info(), "threads": args.threads}
    (args.out / "state_functions.json").write_text(
        json.dumps({"info": info, "results": results}, indent=1)
    )
    print(_markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
