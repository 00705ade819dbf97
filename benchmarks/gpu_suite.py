"""The GPU suite: revad's pure-JAX adjoint on the default JAX device (``benchmarks/gpu.sh``).

1. Correctness: on the default device (the GPU), ``revad.Adjoint()`` (``kernels="auto"``,
   which picks the pure-JAX kernels off CPU) gives the same energy and gradient as the
   CPU (native kernels where they build, else pure JAX) to 1e-10 in complex128.
2. Speed and memory: the standard problem (``variational_circuit``, ``heisenberg``) at
   n=18 and 20 with 1,000 layers, n=24, 26, 28 with 10 layers and n=20 with 10 layers
   (flat memory in depth: 10 vs 1,000 layers), complex128 and complex64. Per case: the
   first call (compile included), the best of ``--repeats`` more, the device's peak
   memory in statevectors where the device reports it (``memory_stats``).
3. PennyLane ``lightning.gpu``'s adjoint on the same problems where it is installed.

    python benchmarks/gpu_suite.py --out DIR [--smoke]

writes ``DIR/gpu.json`` and ``DIR/gpu.md``. ``--smoke`` runs tiny sizes (on CPU with
``JAX_PLATFORMS=cpu``: the same code, in seconds). Exits 1 if a correctness check fails.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import sys
import time
from pathlib import Path

import jax
import numpy as np

import revad
from revad.api import kernels_in_use

FULL = [(18, 1000), (20, 1000), (20, 10), (24, 10), (26, 10), (28, 10)]
SMOKE = [(6, 20), (8, 50), (8, 2), (10, 4)]
CHECK = {"full": (12, 20), "smoke": (6, 5)}
LIGHTNING = {"full": [(18, 1000), (20, 10), (24, 10)], "smoke": [(6, 5)]}
TOLERANCE = 1e-10


def _problem(n: int, layers: int) -> tuple[revad.Circuit, revad.Hamiltonian, np.ndarray]:
    c = revad.variational_circuit(n, layers)
    theta = np.random.default_rng(0).uniform(0, 2 * np.pi, c.n_params)
    return c, revad.heisenberg(n), theta


def _peak_states(n: int, dtype: str) -> float | None:
    """The device's peak memory in use so far, in statevectors of ``dtype``."""
    stats = jax.devices()[0].memory_stats() or {}
    peak = stats.get("peak_bytes_in_use")
    return None if peak is None else peak / (np.dtype(dtype).itemsize * 2**n)


def check(n: int, layers: int, kernels: str) -> dict:
    """The default device's gradient with ``kernels`` against the CPU's (complex128)."""
    c, h, theta = _problem(n, layers)
    energy, grad = revad.value_and_grad(c, h, theta, method=revad.Adjoint(kernels))
    with jax.default_device(jax.devices("cpu")[0]):
        ref_energy, ref_grad = revad.value_and_grad(c, h, theta, method=revad.Adjoint())
    error = max(abs(energy - ref_energy), float(np.max(np.abs(grad - ref_grad))))
    return {
        "n": n, "layers": layers, "kernels": kernels, "max_abs_error": error,
        "passed": error <= TOLERANCE,
    }  # fmt: skip


def _first_and_best(call, repeats: int) -> tuple[float, float, object]:  # noqa: ANN001
    """(first call's seconds, compile included; best of ``repeats`` more; first result)."""
    t0 = time.perf_counter()
    result = call()
    first = time.perf_counter() - t0
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return first, min(times), result


def time_case(n: int, layers: int, dtype: str, repeats: int) -> dict:
    c, h, theta = _problem(n, layers)
    method = revad.Adjoint("jax")  # what "auto" picks on a GPU; on CPU (--smoke) the same code
    first, best, (energy, _) = _first_and_best(
        lambda: revad.value_and_grad(c, h, theta, method=method, dtype=dtype), repeats
    )
    return {
        "n": n, "layers": layers, "params": c.n_params, "dtype": dtype, "first_s": first,
        "best_s": best, "energy": energy, "peak_states": _peak_states(n, dtype),
    }  # fmt: skip


def lightning_case(n: int, layers: int, repeats: int) -> dict:
    """lightning.gpu's adjoint (``qml.grad`` of a QNode) on the same problem, or why not."""
    try:
        import pennylane as qml

        dev = qml.device("lightning.gpu", wires=n)
    except Exception as exc:  # not installed, or no CUDA build: recorded, not fatal
        return {"n": n, "layers": layers, "skipped": f"{type(exc).__name__}: {exc}"}
    from revad.interop.pennylane import to_pennylane, to_pennylane_operator

    c, h, theta = _problem(n, layers)
    observable = to_pennylane_operator(h)

    def energy(t):  # noqa: ANN001, ANN202
        to_pennylane(c, t)
        return qml.expval(observable)

    grad = qml.grad(qml.QNode(energy, dev, diff_method="adjoint"))
    x = qml.numpy.array(theta, requires_grad=True)
    first, best, _ = _first_and_best(lambda: grad(x), repeats)
    return {"n": n, "layers": layers, "first_s": first, "best_s": best}


def markdown(record: dict) -> str:
    lines = [
        f"GPU suite, {record['date']}, device: {record['device']} (jax {record['jax']})",
        "",
        "| check | max abs error | passed |",
        "|---|---|---|",
        *(f"| n={r['n']}, {r['layers']} layers, {r['kernels']} vs CPU | {r['max_abs_error']:.1e} | "
          f"{r['passed']} |" for r in record["checks"]),
        "",
        "| case | dtype | first call | best | peak device memory (states) |",
        "|---|---|---|---|---|",
    ]  # fmt: skip
    for r in record["cases"]:
        peak = "-" if r["peak_states"] is None else f"{r['peak_states']:.2f}"
        lines.append(
            f"| n={r['n']}, {r['layers']:,} layers | {r['dtype']} | {r['first_s']:.2f} s | "
            f"{r['best_s'] * 1e3:.1f} ms | {peak} |"
        )
    lines += ["", "| lightning.gpu adjoint | best |", "|---|---|"]
    for r in record["lightning"]:
        best = r.get("skipped") or f"{r['best_s'] * 1e3:.1f} ms"
        lines.append(f"| n={r['n']}, {r['layers']:,} layers | {best} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench-results/gpu"))
    parser.add_argument("--smoke", action="store_true", help="tiny sizes (seconds, any device)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    jax.config.update("jax_enable_x64", True)
    size = "smoke" if args.smoke else "full"
    device = jax.devices()[0]
    record: dict = {
        "date": datetime.date.today().isoformat(),
        "device": f"{device.platform}: {getattr(device, 'device_kind', device)}",
        "jax": jax.__version__,
        "host": platform.node(),
        "kernels": kernels_in_use(revad.Adjoint()),  # what "auto" runs here
        "checks": [check(*CHECK[size], kernels) for kernels in ("auto", "jax")],
        "cases": [],
        "lightning": [],
    }
    if device.platform == "gpu" and record["kernels"] == "native":
        record["checks"].append({"n": 0, "layers": 0, "kernels": "auto picks native on GPU",
                                 "max_abs_error": float("nan"), "passed": False})  # fmt: skip
    print(json.dumps(record["checks"]), flush=True)
    for n, layers in SMOKE if args.smoke else FULL:
        for dtype in ("complex128", "complex64"):
            record["cases"].append(time_case(n, layers, dtype, args.repeats))
            print(json.dumps(record["cases"][-1]), flush=True)
    for n, layers in LIGHTNING[size]:
        record["lightning"].append(lightning_case(n, layers, args.repeats))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "gpu.json").write_text(json.dumps(record, indent=1))
    (args.out / "gpu.md").write_text(markdown(record))
    print(markdown(record))
    return 0 if all(r["passed"] for r in record["checks"]) else 1


if __name__ == "__main__":
    sys.exit(main())
