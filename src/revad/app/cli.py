"""``revad`` command line: ``revad train …`` (VQE), ``revad plateau …`` (the barren-plateau
diagnostic) and ``revad bench …`` (benchmarks)."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import RevadError
from .problem import build_problem, cut_report, training_settings
from .train_options import DEFAULT_STEPS, STEPS, check_args, train_parser


def train_main(argv: list[str]) -> int:
    from ..api import kernels_in_use
    from ..diff.strategies import Adjoint, Tape
    from ..distributed.launch import initialize, is_writer
    from .train import CHECKPOINT, train

    args = train_parser().parse_args(argv)
    if args.distributed:  # before anything touches JAX
        initialize()
        args.quiet = args.quiet or not is_writer()
    check_args(args)
    checkpoint = Path(args.out) / ("stage-1" if args.grow is not None else "") / CHECKPOINT
    if args.resume and not checkpoint.is_file():  # before any work
        raise RevadError(f"--resume: no checkpoint at {checkpoint}")
    circuit, h, exact, meta = build_problem(args)
    method = Adjoint(args.kernels) if args.method == "adjoint" else Tape()
    settings = training_settings(args, meta)
    mirror = None
    if settings["init"] == "identity-blocks":
        from ..ir.blocks import identity_blocks

        circuit, mirror = identity_blocks(circuit.n_qubits, meta["layers"], meta["prepare"])
    if not args.quiet:
        line = f"{circuit.n_qubits} qubits, {circuit.n_params} parameters, {len(circuit)} gates"
        print(f"revad train: {meta['hamiltonian']}, {args.ansatz} ansatz, {line}", flush=True)
        in_use = kernels_in_use(method, args.backend)  # builds the native kernels once
        if in_use is not None:
            print(f"JAX kernels: {in_use}", flush=True)
        print(f"init {settings['init']} (scale {settings['init_scale']:.3g}), lr "
              f"{settings['lr']:.3g}, {settings['schedule']} schedule", flush=True)  # fmt: skip
    try:
        common = dict(
            steps=STEPS.get(args.ansatz, DEFAULT_STEPS) if args.steps is None else args.steps,
            optimizer=args.optimizer,
            backend=args.backend,
            method=method,
            seed=args.seed,
            out=args.out,
            checkpoint_every=args.checkpoint_every,
            resume=args.resume,
            overwrite=args.overwrite,
            exact=exact,
            progress=False if args.quiet else None,
            metadata=meta,
            lr=settings["lr"],
            schedule=settings["schedule"],
            warmup=args.warmup,
            clip=args.clip,
            devices=args.devices,
        )
        if args.grow is not None:
            from .grow import grow_train

            exact_energy_value = exact() if callable(exact) else exact
            common.update(exact=exact_energy_value, layers=meta.pop("layers"))
            result = grow_train(circuit.n_qubits, h, grow=args.grow, init_scale=settings[
                "init_scale"], prepare=tuple(meta["prepare"]), **common)  # fmt: skip
        else:
            result = train(circuit, h, init=settings["init"], init_scale=settings["init_scale"],
                           mirror=mirror, **common)  # fmt: skip
    except KeyboardInterrupt:
        print(f"\ninterrupted; checkpoint in {args.out}, continue with --resume", file=sys.stderr)
        return 130
    s = result.summary
    msg = f"final energy {s['final_energy']:.10f}"
    if s["exact_energy"] is not None:
        msg += f"  (exact {s['exact_energy']:.10f}, error {s['error']:.3e})"
    if args.ansatz == "qaoa":
        s.update(cut_report(circuit, s, result.params, args.backend))
        if is_writer():
            _rewrite_summary(Path(args.out), s)
        msg += f"\ncut: expected {s['expected_cut']:.4f} of {s['n_edges']} edges "
        msg += f"(fraction {s['cut_fraction']:.4f}), most likely bitstring cuts "
        msg += f"{s['most_likely_cut']}"
        if s["max_cut"] is not None:
            msg += f"; maximum cut {s['max_cut']} (ratio {s['approximation_ratio']:.4f})"
    if is_writer():
        print(f"{msg}\nwrote {args.out}/: history.json params.npy summary.json energy.png")
    return 0


def _rewrite_summary(out: Path, summary: dict) -> None:
    """summary.json again, with fields known only after training (under the run's lock)."""
    import json

    from ..io import runlock
    from ..io.atomic import atomic_write_text

    with runlock.claim(out):
        atomic_write_text(out / "summary.json", json.dumps(summary, indent=2))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    usage = (
        "usage: revad {train,plateau,bench} [options] | revad --version"
        "   (revad train --help, revad plateau --help, revad bench --help)"
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
        if command == "plateau":
            from .plateau_cli import plateau_main

            return plateau_main(rest)
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
