"""``revad`` command line: ``revad train …`` (VQE) and ``revad bench …`` (benchmarks)."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from ..errors import RevadError
from ..limits import MAX_GATES, check_memory, check_qubit_count

MODELS = ("heisenberg", "tfim", "xxz")
MOLECULES = ("h2", "lih")
ANSATZE = ("variational", "hardware-efficient")


class _Formatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows "(default: X)" only where there is a plain default: not for None (the help
    text says what happens) nor for on/off flags."""

    def _get_help_string(self, action):
        if action.default is None or isinstance(action, argparse._StoreTrueAction):
            return action.help
        return super()._get_help_string(action)


def _train_parser() -> argparse.ArgumentParser:
    from ..api import BACKENDS
    from ..diff.strategies import KERNELS, METHODS
    from .train import OPTIMIZERS

    p = argparse.ArgumentParser(
        prog="revad train",
        description="Train a VQE ansatz with reversible adjoint gradients.",
        formatter_class=_Formatter,
    )
    p.add_argument(
        "--qubits", type=int, default=None, help="qubits (default 6; molecules: their own)"
    )
    p.add_argument("--layers", type=int, default=4, help="ansatz layers")
    p.add_argument("--ansatz", choices=ANSATZE, default="variational", help="circuit family")
    p.add_argument(
        "--hamiltonian",
        default="heisenberg",
        help=f"one of {', '.join(MODELS + MOLECULES)}, or a Pauli-sum file (.json or text)",
    )
    p.add_argument("--field", type=float, default=1.0, help="tfim transverse field h")
    p.add_argument("--delta", type=float, default=0.5, help="xxz anisotropy Δ")
    p.add_argument("--open", action="store_true", help="open chain (default periodic)")
    p.add_argument("--steps", type=int, default=200, help="total optimizer steps")
    p.add_argument("--lr", type=float, default=0.05, help="learning rate")
    p.add_argument("--optimizer", choices=tuple(OPTIMIZERS), default="adam", help="optax optimizer")
    p.add_argument("--backend", choices=tuple(BACKENDS), default="jax", help="simulator")
    p.add_argument(
        "--method", choices=METHODS, default="adjoint", help="gradient: reversible adjoint or tape"
    )
    p.add_argument(
        "--kernels",
        choices=KERNELS,
        default="auto",
        help="JAX backend's kernels: native C++ on CPU, pure JAX (any device), or auto",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the initial angles (>= 0)")
    p.add_argument(
        "--init-scale",
        type=float,
        default=None,
        help="initial angles uniform in [0, scale) (default 2π; molecules 0.1)",
    )
    p.add_argument(
        "--reference",
        choices=("zero", "hf"),
        default=None,
        help="start state: |0…0⟩ or the Hartree-Fock state (default: hf for molecules)",
    )
    p.add_argument("--out", default="revad-run", help="output folder")
    p.add_argument("--checkpoint-every", type=int, default=50, help="steps between checkpoints")
    p.add_argument("--resume", action="store_true", help="continue from --out's checkpoint")
    p.add_argument("--overwrite", action="store_true", help="replace a run already in --out")
    p.add_argument("--no-exact", action="store_true", help="skip the exact ground energy")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def check_args(args) -> None:
    """Refuse bad numbers before anything is built: one clear error per option."""
    finite = {"--lr": args.lr, "--field": args.field, "--delta": args.delta}
    if args.init_scale is not None:
        finite["--init-scale"] = args.init_scale
    for name, value in finite.items():
        if not math.isfinite(value):
            raise RevadError(f"{name} must be a finite number, got {value}")
    at_least = {"--steps": (args.steps, 0), "--checkpoint-every": (args.checkpoint_every, 1)}
    at_least |= {"--seed": (args.seed, 0), "--layers": (args.layers, 0)}
    if args.init_scale is not None:
        at_least["--init-scale"] = (args.init_scale, 0)
    for name, (value, low) in at_least.items():
        if value < low:
            raise RevadError(f"{name} must be >= {low}, got {value}")
    if args.lr <= 0:
        raise RevadError(f"--lr (learning rate) must be a positive number, got {args.lr}")
    if args.out == "":
        raise RevadError("--out must name a folder, got ''")
    if args.resume and args.overwrite:
        raise RevadError("--resume and --overwrite exclude each other")
    from ..api import backend_named

    choices = backend_named(args.backend).kernels
    if args.kernels != "auto" and (args.kernels not in choices or args.method != "adjoint"):
        raise RevadError(
            f"--kernels {args.kernels} chooses the kernels of the JAX backend's adjoint; "
            f"got --backend {args.backend} --method {args.method}"
        )
    if args.qubits is not None:
        check_qubit_count(args.qubits, "--qubits")


def _check_size(name: str, n: int, layers: int, method: str, backend: str) -> None:
    """Gates, then memory, from the sizes alone: nothing built yet."""
    per_layer = {"variational": 4 * n, "hardware-efficient": 3 * n}[name]
    gates = (layers + 1) * per_layer
    if gates > MAX_GATES:
        raise RevadError(
            f"--layers {layers} on {n} qubits makes about {gates:,} gates; "
            f"revad's limit is {MAX_GATES:,}"
        )
    from ..api import STATES

    n_states = STATES["value_and_grad"] + (gates if method == "tape" else 0)
    check_memory(n, n_states, "complex128", f"training on {n} qubits ({backend}, {method})")


def build_problem(args) -> tuple:
    """(circuit, hamiltonian, exact energy, metadata) from parsed arguments.

    Sizes are checked before anything is built. The exact energy is a function (None
    with --no-exact): ``train`` calls it only once the output folder and any checkpoint
    have been checked, so a bad --resume fails at once, not after a diagonalisation.
    """
    from ..io.hamiltonian_io import load_hamiltonian, molecule_info
    from ..ir import ansatz, hamiltonian
    from .train import exact_energy

    check_args(args)
    name = args.hamiltonian
    info = None
    if name in MODELS:
        n = 6 if args.qubits is None else args.qubits
        if n < 2:
            raise RevadError(f"--qubits must be at least 2 for {name}, got {n}")
        _check_size(args.ansatz, n, args.layers, args.method, args.backend)
        periodic = not args.open
        h = {
            "heisenberg": lambda: hamiltonian.heisenberg(n, periodic),
            "tfim": lambda: hamiltonian.tfim(n, args.field, periodic),
            "xxz": lambda: hamiltonian.xxz(n, args.delta, periodic),
        }[name]()
    else:
        if name not in MOLECULES and not Path(name).exists():
            raise RevadError(
                f"--hamiltonian {name!r}: not one of {', '.join(MODELS + MOLECULES)} "
                "and no such file"
            )
        h = load_hamiltonian(name)
        info = molecule_info(name) if name in MOLECULES else None
        n = h.n_qubits if args.qubits is None else args.qubits
        if n < h.n_qubits:
            raise RevadError(f"--qubits {n} is fewer than the Hamiltonian's {h.n_qubits} qubits")
        check_qubit_count(n, "the Hamiltonian's qubit count")
        _check_size(args.ansatz, n, args.layers, args.method, args.backend)
    reference = args.reference or ("hf" if info else "zero")
    occupied: list[int] = []
    if reference == "hf":
        if info is None:
            raise RevadError("--reference hf needs a built-in molecule (h2 or lih)")
        occupied = hf_qubits(info)
    build = ansatz.ANSATZE[args.ansatz]
    circuit = build(n, args.layers, prepare=occupied)
    exact = None
    if not args.no_exact:

        def exact():
            energy = info["fci_energy"] if info else exact_energy(h, n)
            if energy is not None and not args.quiet:
                print(f"exact ground energy: {energy:.10f}", flush=True)
            return energy

    meta = {"hamiltonian": name, "ansatz": args.ansatz, "layers": args.layers}
    meta["reference_state"] = reference
    return circuit, h, exact, meta


def hf_qubits(info: dict) -> list[int]:
    """Occupied qubits of the Hartree-Fock state (``hf_bitstring[q]`` is qubit q)."""
    return [q for q, bit in enumerate(info["hf_bitstring"]) if bit == "1"]


def train_main(argv: list[str]) -> int:
    from ..api import kernels_in_use
    from ..diff.strategies import Adjoint, Tape
    from .train import CHECKPOINT, train

    args = _train_parser().parse_args(argv)
    check_args(args)
    if args.resume and not (Path(args.out) / CHECKPOINT).is_file():  # before any work
        raise RevadError(f"--resume: no checkpoint at {Path(args.out) / CHECKPOINT}")
    circuit, h, exact, meta = build_problem(args)
    method = Adjoint(args.kernels) if args.method == "adjoint" else Tape()
    scale = args.init_scale
    if scale is None:
        scale = 0.1 if meta["reference_state"] == "hf" else 6.283185307179586
    if not args.quiet:
        line = f"{circuit.n_qubits} qubits, {circuit.n_params} parameters, {len(circuit)} gates"
        print(f"revad train: {meta['hamiltonian']}, {args.ansatz} ansatz, {line}", flush=True)
        in_use = kernels_in_use(method, args.backend)  # builds the native kernels once
        if in_use is not None:
            print(f"JAX kernels: {in_use}", flush=True)
    try:
        result = train(
            circuit,
            h,
            steps=args.steps,
            lr=args.lr,
            optimizer=args.optimizer,
            backend=args.backend,
            method=method,
            seed=args.seed,
            init_scale=scale,
            out=args.out,
            checkpoint_every=args.checkpoint_every,
            resume=args.resume,
            overwrite=args.overwrite,
            exact=exact,
            progress=False if args.quiet else None,
            metadata=meta,
        )
    except KeyboardInterrupt:
        print(f"\ninterrupted; checkpoint in {args.out}, continue with --resume", file=sys.stderr)
        return 130
    s = result.summary
    msg = f"final energy {s['final_energy']:.10f}"
    if s["exact_energy"] is not None:
        msg += f"  (exact {s['exact_energy']:.10f}, error {s['error']:.3e})"
    print(f"{msg}\nwrote {args.out}/: history.json params.npy summary.json energy.png")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    usage = (
        "usage: revad {train,bench} [options] | revad --version"
        "   (revad train --help, revad bench --help)"
    )
    if not argv or argv[0] in ("-h", "--help"):
        print(usage)
        return 0 if argv else 2
    if argv[0] in ("-V", "--version"):
        from .. import __version__

        print(f"revad {__version__}")
        return 0
    command, rest = argv[0], argv[1:]
    try:
        if command == "train":
            return train_main(rest)
        if command == "bench":
            from ..bench.cli import main as bench_main

            return bench_main(rest)
    except (RevadError, OSError) as exc:
        print(f"revad {command}: error: {exc}", file=sys.stderr)
        return 2
    print(f"revad: unknown command {command!r}\n{usage}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
