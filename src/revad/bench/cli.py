"""``revad bench``: time and memory of reversible adjoint vs tape AD vs peers.

Examples::

    revad bench --quick --out bench-quick          # seconds per method, for CI
    revad bench --suite depth --budget 300 --out runs/depth
    revad bench --suite width --methods revad-jax-adjoint,pennylane-lightning-adjoint
    revad bench --quick --methods revad-jax-adjoint --kernels jax   # the pure-JAX kernels
    revad bench --replot --out runs/depth          # rewrite results.md and the plots

Exit status: 0 when every case's energies agree, 1 when some disagree (the failures
are printed and recorded in ``machine.json``), 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import math
import shlex
import sys
from pathlib import Path

from ..diff.strategies import KERNELS
from .environment import default_mem_limit_mb
from .methods import METHODS
from .records import Status
from .runner import replot, run
from .settings import Settings, make_suites


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="revad bench",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="methods: " + ", ".join(METHODS),
    )
    ap.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes (depth n=4, layers 1,3; width layers=1, n=3,4), for CI",
    )
    ap.add_argument("--suite", choices=("depth", "width", "all"), default="all")
    ap.add_argument(
        "--methods", default="all", help="comma-separated list (default: all); see the list below"
    )
    ap.add_argument(
        "--budget",
        type=float,
        default=None,
        help="seconds per case, whole process (default 300; 120 with --quick)",
    )
    ap.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="timed calls after the warm-up (default 5; 3 with --quick)",
    )
    ap.add_argument(
        "--mem-limit",
        type=float,
        default=None,
        metavar="MB",
        help="kill a case whose resident memory passes this (default: half the RAM)",
    )
    ap.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads for every library in every worker (default 1)",
    )
    ap.add_argument(
        "--kernels",
        choices=KERNELS,
        default="auto",
        help="kernels of revad-jax-adjoint, as revad.Adjoint(kernels=...): native (C++ CPU "
        "kernels), jax (pure JAX, the GPU path) or auto (native where they build; default). "
        "revad-jax-adjoint-purejax is always jax",
    )
    ap.add_argument("--seed", type=int, default=0, help="seed of the parameter vector")
    ap.add_argument("--depth-n", type=int, default=None, help="qubits of the depth sweep")
    ap.add_argument("--depth-layers", type=_ints, default=None, help="e.g. 10,100,1000,10000")
    ap.add_argument("--width-layers", type=int, default=None, help="layers of the width sweep")
    ap.add_argument("--width-n", type=_ints, default=None, help="e.g. 4,8,12,16,20,22")
    ap.add_argument("--out", type=Path, default=Path("bench-results"), help="output folder")
    ap.add_argument("--no-progress", action="store_true", help="no progress bar")
    ap.add_argument("--note", default="", help="free text recorded with the results")
    ap.add_argument("--replot", action="store_true",
                    help="only rewrite results.md and the plots from OUT/results.json")  # fmt: skip
    return ap


def main(argv: list[str] | None = None) -> int:
    ap = parser()
    args = ap.parse_args(argv)
    if args.replot:
        failures = replot(args.out)
        print(f"rewrote {args.out}/results.md and the plots")
        if failures:
            print("ENERGY CHECK FAILED:", *failures, sep="\n  ", file=sys.stderr)
        return 1 if failures else 0
    if args.methods == "all":
        methods = list(METHODS)
    else:
        methods = [m.strip() for m in args.methods.split(",") if m.strip()]
        unknown = [m for m in methods if m not in METHODS]
        if unknown:
            ap.error(f"unknown method(s) {', '.join(unknown)}; choose from {', '.join(METHODS)}")
    budget = args.budget if args.budget is not None else (120.0 if args.quick else 300.0)
    repeats = args.repeats if args.repeats is not None else (3 if args.quick else 5)
    if budget <= 0 or repeats < 1 or args.threads < 1:
        ap.error("--budget must be positive, --repeats and --threads at least 1")
    suites = make_suites(
        args.suite, args.quick, args.depth_n, args.depth_layers, args.width_layers, args.width_n
    )
    mem = args.mem_limit if args.mem_limit is not None else default_mem_limit_mb()
    argv_used = sys.argv[1:] if argv is None else list(argv)
    settings = Settings(
        methods=methods,
        suites=suites,
        out=args.out,
        budget=budget,
        repeats=repeats,
        seed=args.seed,
        threads=args.threads,
        mem_limit_mb=mem if mem is None or math.isfinite(mem) else None,
        kernels=args.kernels,
        progress=not args.no_progress,
        command="revad bench " + shlex.join(argv_used),
        note=args.note,
    )
    records, failures = run(settings)
    ok = sum(r.status is Status.OK for r in records)
    print(
        f"{ok}/{len(records)} cases finished; results in {args.out}/results.json, "
        f"table in {args.out}/results.md"
    )
    if failures:
        print("ENERGY CHECK FAILED:", *failures, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
