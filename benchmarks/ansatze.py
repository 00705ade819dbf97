"""Benchmarks of the problem ansätze ``revad.uccsd``, ``revad.hva`` and ``revad.qaoa``.

Each case runs in a fresh process with one thread (``revad.bench.environment.worker_env``):

- ``uccsd``: ``revad train --hamiltonian M --ansatz uccsd`` with every other option at its
  default, for LiH and H2O (H2O only where it is a built-in molecule; skipped with a note
  otherwise). Target: chemical accuracy, |E − E_FCI| < 1.6 mHa. Reports the final error,
  the first step within 1.6 mHa, the training time and the whole process's time.
- ``hva``: ``revad train --ansatz hva --qubits 12 --layers 6`` (heisenberg(12), ring; its
  default 500 steps). Target: relative energy error < 1e-3.
- ``qaoa``: ``revad train --ansatz qaoa --regular 3 --qubits 16 --graph-seed S`` on the
  first triangle-free random 3-regular graph (seed S from 0), p = 1 and p = 3. Target:
  the p=1 expected cut fraction ⟨C⟩/|E| at its optimum 0.6924 (Farhi et al. 2014, every
  triangle-free 3-regular graph); p=3 clearly higher.
- ``gradient``: one energy gradient of UCCSD on H2O (12 qubits, 92 parameters, 551 Pauli
  terms): ``revad.value_and_grad`` (JAX backend, adjoint, default kernels) and a jitted
  ``jax.value_and_grad(revad.energy_fn(...))``, beside PennyLane ``lightning.qubit``'s
  adjoint (``diff_method="adjoint"``) on the same circuit written with PennyLane's own
  ``BasisState``, ``DoubleExcitation`` and ``SingleExcitation``; median of repeats after
  a warm-up, and the values' agreement.

    python benchmarks/ansatze.py [--out DIR] [--quick] [--threads T]

writes ``DIR/ansatze.json`` and ``DIR/ansatze.md`` (a markdown table, also printed).
``--quick`` runs small sizes (H2 and LiH, heisenberg(6), 8-node graphs, LiH gradients):
a smoke test of a minute or two.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHEMICAL_ACCURACY = 1.6e-3  # hartree
HVA_TARGET = 1e-3  # relative energy error
FARHI_P1 = 0.6924  # p=1 optimum of the expected cut fraction, triangle-free 3-regular
TIMEOUT_S = 3600

FULL = {
    "molecules": ["lih", "h2o"],
    "hva": {"qubits": 12, "layers": 6},
    "qaoa": {"nodes": 16, "p": [1, 3]},
    "gradient": {"molecule": "h2o", "repeats": 7},
}
QUICK = {
    "molecules": ["h2", "lih"],
    "hva": {"qubits": 6, "layers": 3},
    "qaoa": {"nodes": 8, "p": [1, 2]},
    "gradient": {"molecule": "lih", "repeats": 3},
}


def _env(threads: int) -> dict[str, str]:
    from revad.bench.environment import worker_env

    return {**os.environ, **worker_env(threads)}


def _run_train(argv: list[str], out: Path, threads: int) -> dict:
    """``revad train ARGV`` in a fresh process; its summary and history, and the wall time."""
    cmd = [sys.executable, "-m", "revad", "train", *argv, "--out", str(out), "--quiet"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=_env(threads), capture_output=True, text=True, timeout=TIMEOUT_S)
    wall = time.perf_counter() - t0
    if proc.returncode:
        tail = (proc.stderr or proc.stdout).strip().splitlines()
        return {"error": tail[-1] if tail else f"exit {proc.returncode}", "command": cmd}
    summary = json.loads((out / "summary.json").read_text())
    history = json.loads((out / "history.json").read_text())
    return {"summary": summary, "history": history, "process_s": wall, "command": cmd}


def _first(history: list[dict], below) -> tuple[int | None, float | None]:
    """(step, training time) of the first history record with ``below(energy)``."""
    for record in history:
        if below(record["energy"]):
            return record["step"], record["time"]
    return None, None


def bench_uccsd(molecule: str, work: Path, threads: int) -> dict:
    from revad.io.molecules import BUILTINS

    if molecule not in BUILTINS:
        return {"skipped": f"{molecule!r} is not a built-in molecule here ({', '.join(BUILTINS)})"}
    run = _run_train(["--hamiltonian", molecule, "--ansatz", "uccsd"], work / molecule, threads)
    if "error" in run:
        return run
    s, exact = run["summary"], run["summary"]["exact_energy"]
    step, at = _first(run["history"], lambda e: abs(e - exact) < CHEMICAL_ACCURACY)
    return {
        "molecule": molecule,
        "n_qubits": s["n_qubits"],
        "n_params": s["n_params"],
        "steps": s["steps"],
        "final_error": s["error"],
        "chemical_accuracy": abs(s["error"]) < CHEMICAL_ACCURACY,
        "first_step_within": step,
        "time_to_accuracy_s": at,
        "train_s": s["wall_time"],
        "process_s": run["process_s"],
        "command": " ".join(run["command"][2:]),
    }


def bench_hva(qubits: int, layers: int, work: Path, threads: int) -> dict:
    argv = ["--ansatz", "hva", "--qubits", str(qubits), "--layers", str(layers)]
    run = _run_train(argv, work / f"hva{qubits}", threads)
    if "error" in run:
        return run
    s, exact = run["summary"], run["summary"]["exact_energy"]
    step, at = _first(run["history"], lambda e: (e - exact) / abs(exact) < HVA_TARGET)
    rel = s["error"] / abs(exact)
    return {
        "model": f"heisenberg({qubits})",
        "layers": layers,
        "n_params": s["n_params"],
        "steps": s["steps"],
        "relative_error": rel,
        "target_met": rel < HVA_TARGET,
        "first_step_within": step,
        "time_to_target_s": at,
        "train_s": s["wall_time"],
        "process_s": run["process_s"],
        "command": " ".join(run["command"][2:]),
    }


def triangle_free_seed(nodes: int) -> int:
    """The first seed whose random 3-regular graph on ``nodes`` nodes has no triangle."""
    import revad
    from revad.ir.graphs import has_triangle

    for seed in range(10_000):
        if not has_triangle(revad.random_regular_graph(3, nodes, seed)):
            return seed
    raise RuntimeError(f"no triangle-free 3-regular graph on {nodes} nodes in 10,000 seeds")


def bench_qaoa(nodes: int, p: int, seed: int, work: Path, threads: int) -> dict:
    argv = ["--ansatz", "qaoa", "--regular", "3", "--qubits", str(nodes)]
    argv += ["--graph-seed", str(seed), "--layers", str(p)]
    run = _run_train(argv, work / f"qaoa{nodes}-p{p}", threads)
    if "error" in run:
        return run
    s = run["summary"]
    return {
        "graph": s["graph"],
        "p": p,
        "n_params": s["n_params"],
        "steps": s["steps"],
        "cut_fraction": s["cut_fraction"],
        "max_cut": s["max_cut"],
        "max_cut_fraction": s.get("max_cut_fraction"),
        "approximation_ratio": s.get("approximation_ratio"),
        "most_likely_cut": s["most_likely_cut"],
        "train_s": s["wall_time"],
        "process_s": run["process_s"],
        "command": " ".join(run["command"][2:]),
    }


# ----------------------------------------------------------------------- gradient workers


def _median_time(call, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _uccsd_problem(molecule: str):
    import numpy as np

    import revad

    info = revad.molecule_info(molecule)
    c = revad.uccsd(info["n_qubits"], info["n_electrons"])
    theta = np.random.default_rng(0).uniform(-0.2, 0.2, c.n_params)
    return info, c, revad.load_hamiltonian(molecule), theta


def worker_gradient(molecule: str, peer: str, repeats: int) -> dict:
    """One UCCSD energy gradient on ``molecule``: revad (public call or jitted) or lightning."""
    import numpy as np

    info, c, h, theta = _uccsd_problem(molecule)
    if peer == "revad":
        import revad

        def call():
            return revad.value_and_grad(c, h, theta)
    elif peer == "revad-jit":
        import jax
        import jax.numpy as jnp

        import revad

        jax.config.update("jax_enable_x64", True)
        vg = jax.jit(jax.value_and_grad(revad.energy_fn(c, h)))
        t = jnp.asarray(theta)

        def call():
            value, grad = vg(t)
            return float(value), np.asarray(grad)
    else:
        import pennylane as qml
        from pennylane import numpy as pnp

        from revad.interop.pennylane import to_pennylane_operator

        n, e = info["n_qubits"], info["n_electrons"]
        singles, doubles = qml.qchem.excitations(e, n)
        observable = to_pennylane_operator(h)  # revad qubit q = wire q
        dev = qml.device("lightning.qubit", wires=n)

        @qml.qnode(dev, diff_method="adjoint", interface="autograd")
        def energy(weights):
            qml.BasisState(np.array([1] * e + [0] * (n - e)), wires=range(n))
            for k, wires in enumerate(doubles):
                qml.DoubleExcitation(weights[len(singles) + k], wires=wires)
            for k, wires in enumerate(singles):
                qml.SingleExcitation(weights[k], wires=wires)
            return qml.expval(observable)

        grad_fn = qml.grad(energy, argnums=0)
        t = pnp.array(theta, requires_grad=True)

        def call():
            grad = grad_fn(t)
            return float(grad_fn.forward), np.asarray(grad, np.float64)

    t0 = time.perf_counter()
    value, grad = call()
    first = time.perf_counter() - t0
    seconds = _median_time(call, repeats)
    return {
        "peer": peer,
        "molecule": molecule,
        "n_qubits": c.n_qubits,
        "n_params": c.n_params,
        "n_terms": len(h),
        "value": float(value),
        "grad": [float(g) for g in grad],
        "time_first_s": first,
        "time_grad_s": seconds,
    }


WORKERS = {"gradient": worker_gradient}


def _run_worker(kind: str, args: list, threads: int) -> dict:
    cmd = [sys.executable, __file__, "--worker", json.dumps([kind, args])]
    proc = subprocess.run(cmd, env=_env(threads), capture_output=True, text=True,
                          timeout=TIMEOUT_S)  # fmt: skip
    if proc.returncode:
        tail = proc.stderr.strip().splitlines()
        return {"error": tail[-1] if tail else f"exit {proc.returncode}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench_gradient(molecule: str, repeats: int, threads: int) -> dict:
    from revad.io.molecules import BUILTINS

    if molecule not in BUILTINS:
        return {"skipped": f"{molecule!r} is not a built-in molecule here ({', '.join(BUILTINS)})"}
    out = {p: _run_worker("gradient", [molecule, p, repeats], threads)
           for p in ("revad", "revad-jit", "lightning")}  # fmt: skip
    ok = [p for p in out if "error" not in out[p]]
    if "revad" in ok:
        ref = out["revad"]
        for p in ok:
            out[p]["value_diff"] = abs(out[p]["value"] - ref["value"])
            out[p]["grad_max_diff"] = max(
                abs(a - b) for a, b in zip(out[p]["grad"], ref["grad"], strict=True)
            )
    for p in ok:
        del out[p]["grad"]
    return out


# ----------------------------------------------------------------------------- report


def _ms(seconds) -> str:
    return "—" if seconds is None else f"{seconds * 1e3:.1f} ms"


def _s(seconds) -> str:
    if seconds is None:
        return "—"
    return f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.1f} s"


def markdown(results: dict) -> str:
    rows = []
    for r in results["uccsd"]:
        if "skipped" in r or "error" in r:
            rows.append(("UCCSD, `revad train` defaults", "", r.get("skipped") or r["error"]))
            continue
        ok = "yes" if r["chemical_accuracy"] else "**no**"
        rows.append((
            f"UCCSD {r['molecule']} ({r['n_qubits']} qubits, {r['n_params']} params), "
            f"`revad train` defaults ({r['steps']} steps)",
            f"chemical accuracy (< {CHEMICAL_ACCURACY * 1e3:.1f} mHa)",
            f"{ok}: final error {r['final_error']:.2e} Ha; within 1.6 mHa from step "
            f"{r['first_step_within']} ({_s(r['time_to_accuracy_s'])}); training "
            f"{_s(r['train_s'])}, process {_s(r['process_s'])}",
        ))  # fmt: skip
    r = results["hva"]
    if "error" in r:
        rows.append(("HVA", "", r["error"]))
    else:
        ok = "yes" if r["target_met"] else "**no**"
        rows.append((
            f"HVA {r['model']}, {r['layers']} layers ({r['n_params']} params, "
            f"{r['steps']} steps)",
            f"relative error < {HVA_TARGET:g}",
            f"{ok}: {r['relative_error']:.2e}; below {HVA_TARGET:g} from step "
            f"{r['first_step_within']} ({_s(r['time_to_target_s'])}); training "
            f"{_s(r['train_s'])}",
        ))  # fmt: skip
    for r in results["qaoa"]:
        if "error" in r:
            rows.append(("QAOA", "", r["error"]))
            continue
        target = f"{FARHI_P1} (Farhi p=1 optimum)" if r["p"] == 1 else "above p=1"
        ratio = r["approximation_ratio"]
        rows.append((
            f"QAOA p={r['p']}, {r['graph']}, triangle-free",
            f"cut fraction {target}",
            f"⟨C⟩/|E| = {r['cut_fraction']:.4f} (max cut fraction "
            f"{r['max_cut_fraction']:.4f}, ratio {ratio:.4f}, most likely bitstring cuts "
            f"{r['most_likely_cut']}/{r['max_cut']}); training {_s(r['train_s'])}",
        ))  # fmt: skip
    g = results["gradient"]
    if "skipped" in g:
        rows.append(("UCCSD gradient", "", g["skipped"]))
    else:
        names = {"revad": "revad.value_and_grad", "revad-jit": "jitted energy_fn gradient",
                 "lightning": "lightning.qubit adjoint"}  # fmt: skip
        base = g.get("lightning", {}).get("time_grad_s")
        for peer, r in g.items():
            if "error" in r:
                rows.append((f"UCCSD gradient, {names[peer]}", "", r["error"]))
                continue
            speed = "" if not base else f", {base / r['time_grad_s']:.1f}x vs lightning"
            rows.append((
                f"UCCSD {r['molecule']} gradient ({r['n_qubits']} qubits, {r['n_params']} "
                f"params, {r['n_terms']} terms), {names[peer]}, {results['threads']} thread",
                "time per gradient",
                f"{_ms(r['time_grad_s'])} (first call {_s(r['time_first_s'])}){speed}; "
                f"|ΔE| {r.get('value_diff', float('nan')):.1e}, max |Δg| "
                f"{r.get('grad_max_diff', float('nan')):.1e}",
            ))  # fmt: skip
    lines = ["| case | target | measured |", "|---|---|---|"]
    for row in rows:  # a "|" inside a cell (|E|, |ΔE|) is escaped for the table
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results_ansatze"))
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        kind, worker_args = json.loads(args.worker)
        print(json.dumps(WORKERS[kind](*worker_args)))
        return 0
    from revad.bench.environment import RUN_PACKAGES, machine_info, now, versions

    plan = QUICK if args.quick else FULL
    results: dict = {"threads": args.threads, "quick": args.quick}
    with tempfile.TemporaryDirectory(prefix="revad-ansatze-") as tmp:
        work = Path(tmp)
        results["uccsd"] = []
        for molecule in plan["molecules"]:
            r = bench_uccsd(molecule, work, args.threads)
            results["uccsd"].append(r)
            print("uccsd", molecule, r, flush=True)
        hva = plan["hva"]
        results["hva"] = bench_hva(hva["qubits"], hva["layers"], work, args.threads)
        print("hva", results["hva"], flush=True)
        seed = triangle_free_seed(plan["qaoa"]["nodes"])
        results["qaoa"] = []
        for p in plan["qaoa"]["p"]:
            r = bench_qaoa(plan["qaoa"]["nodes"], p, seed, work, args.threads)
            results["qaoa"].append(r)
            print("qaoa", p, r, flush=True)
    grad = plan["gradient"]
    results["gradient"] = bench_gradient(grad["molecule"], grad["repeats"], args.threads)
    print("gradient", results["gradient"], flush=True)
    results["info"] = {"date": now(), "machine": machine_info(),
                       "versions": versions(RUN_PACKAGES)}  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "ansatze.json").write_text(json.dumps(results, indent=1))
    table = markdown(results)
    (args.out / "ansatze.md").write_text(table + "\n")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
