"""``revad plateau``: the command line of the barren-plateau diagnostic (:mod:`.plateau`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import RevadError
from ..limits import check_qubit_count
from .plateau import plateau, write_plateau
from .train_options import HelpFormatter


def _int_list(text: str) -> list[int]:
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        message = f"expected integers separated by commas: {text!r}"
        raise argparse.ArgumentTypeError(message) from None


def plateau_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="revad plateau",
        description="Barren-plateau diagnostic: Var(∂E/∂θ) over random initialisations of "
        "variational_circuit(n, layers) with cost <Z_0 Z_1>, per qubit count (McClean et al. "
        "2018); writes OUT/plateau.json and OUT/plateau.png.",
        formatter_class=HelpFormatter,
    )
    p.add_argument("--qubits", type=_int_list, default=[2, 4, 6, 8, 10], help="qubit counts")
    p.add_argument("--layers", type=int, default=60, help="ansatz layers")
    p.add_argument("--samples", type=int, default=200, help="initialisations per qubit count")
    p.add_argument(
        "--init",
        default="uniform,small",
        help="strategies, comma-separated, one curve each: uniform, small",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the first sample")
    p.add_argument("--out", default="revad-plateau", help="output folder")
    args = p.parse_args(argv)
    inits = [x.strip() for x in args.init.split(",") if x.strip()]
    for init in inits:
        if init not in ("uniform", "small"):
            raise RevadError(f"--init {init!r}: plateau samples 'uniform' or 'small' angles")
    if args.layers < 1 or args.seed < 0:
        raise RevadError("--layers must be >= 1 and --seed >= 0")
    for n in args.qubits:
        check_qubit_count(n, "--qubits")
    result = plateau(args.qubits, args.layers, args.samples, inits, seed=args.seed)
    write_plateau(result, Path(args.out))
    for init, curve in result["curves"].items():
        values = ", ".join(f"{v:.3g}" for v in curve["variance"])
        slope = curve["log2_slope_per_qubit"]
        print(f"{init}: variance {values}; log2 slope {slope:.2f} per qubit")
    print(f"wrote {args.out}/: plateau.json plateau.png")
    return 0
