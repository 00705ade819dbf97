"""``revad`` command line: ``revad train …`` (VQE) and ``revad bench …`` (benchmarks)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import RevadError

MODELS = ("heisenberg", "tfim", "xxz")
MOLECULES = ("h2", "lih")
ANSATZE = ("variational", "hardware-efficient")


def _train_parser() -> argparse.ArgumentParser:
    from .api import BACKENDS, METHODS
    from .train import OPTIMIZERS

    p = argparse.ArgumentParser(
        prog="revad train",
        description="Train a VQE ansatz with reversible adjoint gradients.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--qubits", type=int, default=None, help="qubits (default 6; molecules: theirs)")
    p.add_argument("--layers", type=int, default=4, help="ansatz layers")
    p.add_argument("--ansatz", choices=ANSATZE, default="variational")
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
    p.add_argument("--optimizer", choices=tuple(OPTIMIZERS), default="adam")
    p.add_argument("--backend", choices=tuple(BACKENDS), default="jax")
    p.add_argument("--method", choices=METHODS, default="adjoint")
    p.add_argument("--seed", type=int, default=0)
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
    p.add_argument("--checkpoint-every", type=int, default=50)
    p.add_argument("--resume", action="store_true", help="continue from --out's checkpoint")
    p.add_argument("--no-exact", action="store_true", help="skip the exact ground energy")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def build_problem(args) -> tuple:
    """(circuit, hamiltonian, exact energy or None, metadata) from parsed arguments."""
    from . import ansatz, hamiltonian
    from .hamiltonian_io import load_hamiltonian, molecule_info
    from .train import exact_energy

    name = args.hamiltonian
    info = None
    if name in MODELS:
        n = 6 if args.qubits is None else args.qubits
        if n < 2:
            raise RevadError(f"--qubits must be at least 2 for {name}, got {n}")
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
    if args.layers < 0:
        raise RevadError(f"--layers must be >= 0, got {args.layers}")
    reference = args.reference or ("hf" if info else "zero")
    if reference == "hf" and info is None:
        raise RevadError("--reference hf needs a built-in molecule (h2 or lih)")
    occupied = hf_qubits(info) if reference == "hf" else []
    build = ansatz.ANSATZE[args.ansatz]
    circuit = build(n, args.layers, prepare=occupied)
    exact = None
    if not args.no_exact:
        exact = info["fci_energy"] if info else exact_energy(h, n)
    meta = {"hamiltonian": name, "ansatz": args.ansatz, "layers": args.layers}
    meta["reference_state"] = reference
    return circuit, h, exact, meta


def hf_qubits(info: dict) -> list[int]:
    """Occupied qubits of the Hartree-Fock state (``hf_bitstring[q]`` is qubit q)."""
    return [q for q, bit in enumerate(info["hf_bitstring"]) if bit == "1"]


def train_main(argv: list[str]) -> int:
    from .train import train

    args = _train_parser().parse_args(argv)
    circuit, h, exact, meta = build_problem(args)
    scale = args.init_scale
    if scale is None:
        scale = 0.1 if meta["reference_state"] == "hf" else 6.283185307179586
    if not args.quiet:
        line = f"{circuit.n_qubits} qubits, {circuit.n_params} parameters, {len(circuit)} gates"
        print(f"revad train: {meta['hamiltonian']}, {args.ansatz} ansatz, {line}", flush=True)
        if exact is not None:
            print(f"exact ground energy: {exact:.10f}", flush=True)
        if args.backend == "jax" and args.method == "adjoint":
            from .backends import native

            print(f"JAX kernels: {native.status()}", flush=True)  # builds them on first use
    try:
        result = train(
            circuit,
            h,
            steps=args.steps,
            lr=args.lr,
            optimizer=args.optimizer,
            backend=args.backend,
            method=args.method,
            seed=args.seed,
            init_scale=scale,
            out=args.out,
            checkpoint_every=args.checkpoint_every,
            resume=args.resume,
            exact=exact,
            progress=False if args.quiet else None,
            metadata=meta,
        )
    except KeyboardInterrupt:
        print(f"\ninterrupted; checkpoint in {args.out}, continue with --resume", file=sys.stderr)
        return 130
    s = result.summary
    msg = f"final energy {s['final_energy']:.10f}"
    if exact is not None:
        msg += f"  (exact {exact:.10f}, error {s['error']:.3e})"
    print(f"{msg}\nwrote {args.out}/: history.json params.npy summary.json energy.png")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    usage = "usage: revad {train,bench} [options]   (revad train --help, revad bench --help)"
    if not argv or argv[0] in ("-h", "--help"):
        print(usage)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    try:
        if command == "train":
            return train_main(rest)
        if command == "bench":
            from .bench.cli import main as bench_main

            return bench_main(rest)
    except (RevadError, OSError) as exc:
        print(f"revad {command}: error: {exc}", file=sys.stderr)
        return 2
    print(f"revad: unknown command {command!r}\n{usage}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
