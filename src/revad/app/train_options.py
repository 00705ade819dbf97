"""``revad train``'s options: the parser, the defaults, and the checks done before any work."""

from __future__ import annotations

import argparse
import math

from ..errors import RevadError
from ..limits import check_qubit_count
from .init import DEEP_LAYERS, INITS
from .optimizers import SCHEDULES

MODELS = ("heisenberg", "tfim", "xxz")
ANSATZE = ("variational", "hardware-efficient", "uccsd", "hva", "qaoa")
DEFAULT_LAYERS = 4
DEFAULT_QUBITS = 6
DEFAULT_STEPS = 200
# hva: heisenberg(12) with 6 layers needs about 250-400 Adam steps at lr 0.05 to reach a
# relative error of 1e-3 (measured, seeds 0-2); the other ansätze converge within 200.
STEPS = {"hva": 500}
# Initial angles uniform in [0, scale): the default scale per ansatz (--init-scale
# overrides). Near zero where the ansatz starts from a good reference state (UCCSD: the
# Hartree-Fock state; HVA: the ground state of part of the Hamiltonian; QAOA: |+…+⟩), so
# training starts near it; 2π for the hardware layouts (a random start).
INIT_SCALE = {"uccsd": 0.1, "hva": 0.1, "qaoa": 0.1}
HF_INIT_SCALE = 0.1  # the layered ansätze from the Hartree-Fock state
RANDOM_INIT_SCALE = 6.283185307179586
DEFAULT_LR = 0.05
DEEP_LR_DEPTH = 10.0  # deep layered ansätze: lr = DEEP_LR_DEPTH / layers, cosine schedule
LAYERED = ("variational", "hardware-efficient")
EXACT_CUT_MAX_NODES = 20  # QAOA: the maximum cut by brute force up to here


def molecules() -> tuple[str, ...]:
    """The built-in molecules' names (``revad.io.molecules.BUILTINS``)."""
    from ..io.molecules import BUILTINS

    return tuple(BUILTINS)


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows "(default: X)" only where there is a plain default: not for None (the help
    text says what happens) nor for on/off flags."""

    def _get_help_string(self, action):
        if action.default is None or isinstance(action, argparse._StoreTrueAction):
            return action.help
        return super()._get_help_string(action)


def train_parser() -> argparse.ArgumentParser:
    from ..api import BACKENDS
    from ..diff.strategies import KERNELS, METHODS
    from .train import OPTIMIZERS

    names = ", ".join(MODELS + molecules())
    p = argparse.ArgumentParser(
        prog="revad train",
        description=(
            "Train a VQE ansatz with reversible adjoint gradients. Ansätze: variational "
            "(Yao's layout), hardware-efficient, uccsd (molecules: Hartree-Fock, then "
            "double and single excitations), hva (Hamiltonian variational ansatz of "
            "heisenberg, xxz, tfim), qaoa (MaxCut of --graph FILE or --regular D). "
            "Parameters of uccsd/hva/qaoa are gate angles, R(θ) = exp(-iθP/2)."
        ),
        formatter_class=HelpFormatter,
    )
    p.add_argument(
        "--qubits",
        type=int,
        default=None,
        help=f"qubits (default {DEFAULT_QUBITS}; molecules: their own; --graph: its nodes)",
    )
    p.add_argument(
        "--layers",
        type=int,
        default=None,
        help=f"ansatz layers (default {DEFAULT_LAYERS}); hva: its layers; qaoa: its rounds p; "
        "uccsd has none",
    )
    p.add_argument("--ansatz", choices=ANSATZE, default="variational", help="circuit family")
    p.add_argument(
        "--hamiltonian",
        default=None,
        help=f"one of {names}, or a Pauli-sum file (.json or text) (default heisenberg; "
        "--ansatz qaoa: the MaxCut Hamiltonian of its graph)",
    )
    p.add_argument(
        "--electrons",
        type=int,
        default=None,
        help="electrons for the Hartree-Fock state of a Hamiltonian file (uccsd, or "
        "--reference hf; molecules: their own)",
    )
    p.add_argument(
        "--graph", default=None, help="qaoa: edge-list file, one 'i j' per line, # comments"
    )
    p.add_argument(
        "--regular",
        type=int,
        default=None,
        metavar="D",
        help="qaoa: a random D-regular graph on --qubits nodes (seed: --graph-seed)",
    )
    p.add_argument(
        "--graph-seed",
        type=int,
        default=None,
        help="seed of the --regular graph (default: --seed)",
    )
    p.add_argument("--field", type=float, default=1.0, help="tfim transverse field h")
    p.add_argument("--delta", type=float, default=0.5, help="xxz anisotropy Δ")
    p.add_argument("--open", action="store_true", help="open chain (default periodic)")
    p.add_argument(
        "--steps",
        type=int,
        default=None,
        help=f"total optimizer steps (default {DEFAULT_STEPS}; hva: {STEPS['hva']})",
    )
    p.add_argument(
        "--lr",
        type=float,
        default=None,
        help=f"learning rate (default {DEFAULT_LR}; from {DEEP_LAYERS} layers of the layered "
        f"ansätze: the smaller of that and {DEEP_LR_DEPTH:g}/layers)",
    )
    p.add_argument(
        "--schedule",
        choices=SCHEDULES,
        default=None,
        help="learning-rate schedule (default constant; cosine from "
        f"{DEEP_LAYERS} layers of the layered ansätze)",
    )
    p.add_argument("--warmup", type=int, default=0, help="steps of linear learning-rate warm-up")
    p.add_argument("--clip", type=float, default=None, help="clip gradients to this global norm")
    p.add_argument(
        "--init",
        choices=INITS,
        default="auto",
        help="initial angles: uniform in [0, scale), small (near-identity layers), or "
        "identity-blocks (variational ansatz built of blocks that start as the identity); "
        f"auto: small from {DEEP_LAYERS} layers, else uniform",
    )
    p.add_argument(
        "--grow",
        type=int,
        default=None,
        metavar="K",
        help="layerwise growth (variational ansatz, identity blocks): train K layers, add K "
        "more at the identity, continue up to --layers; --steps split over the stages",
    )
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
    p.add_argument(
        "--devices",
        type=int,
        default=None,
        metavar="D",
        help="split the state over D JAX devices (a power of two; adjoint, JAX backend)",
    )
    p.add_argument(
        "--distributed",
        action="store_true",
        help="join a multi-process JAX job first (REVAD_COORDINATOR, REVAD_NUM_PROCESSES, "
        "REVAD_PROCESS_ID or SLURM; see docs/distributed.md); process 0 writes the files",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the initial angles (>= 0)")
    p.add_argument(
        "--init-scale",
        type=float,
        default=None,
        help="scale of the initial angles (default 2π; molecules (hf), uccsd, "
        "hva and qaoa: 0.1, near their reference state; --init small: 20/layers, at most 0.1)",
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
    finite = {"--field": args.field, "--delta": args.delta}
    if args.init_scale is not None:
        finite["--init-scale"] = args.init_scale
    for name, value in finite.items():
        if not math.isfinite(value):
            raise RevadError(f"{name} must be a finite number, got {value}")
    at_least = {"--checkpoint-every": (args.checkpoint_every, 1)}
    if args.steps is not None:
        at_least["--steps"] = (args.steps, 0)
    at_least |= {"--seed": (args.seed, 0)}
    for name, value in (
        ("--layers", args.layers),
        ("--electrons", args.electrons),
        ("--regular", args.regular),
        ("--graph-seed", args.graph_seed),
    ):
        if value is not None:
            at_least[name] = (value, 0 if name != "--electrons" else 1)
    if args.init_scale is not None:
        at_least["--init-scale"] = (args.init_scale, 0)
    for name, (value, low) in at_least.items():
        if value < low:
            raise RevadError(f"{name} must be >= {low}, got {value}")
    if args.lr is not None and (not math.isfinite(args.lr) or args.lr <= 0):
        raise RevadError(f"--lr (learning rate) must be a positive number, got {args.lr}")
    if args.warmup < 0:
        raise RevadError(f"--warmup must be >= 0, got {args.warmup}")
    if args.clip is not None and (not math.isfinite(args.clip) or args.clip <= 0):
        raise RevadError(f"--clip must be a positive number, got {args.clip}")
    if (args.init == "identity-blocks" or args.grow is not None) and args.ansatz != "variational":
        raise RevadError("--init identity-blocks and --grow build the variational ansatz; "
                         f"got --ansatz {args.ansatz}")  # fmt: skip
    if args.out == "":
        raise RevadError("--out must name a folder, got ''")
    if args.resume and args.overwrite:
        raise RevadError("--resume and --overwrite exclude each other")
    if args.devices is not None:
        if args.devices < 1 or args.devices & (args.devices - 1):
            raise RevadError(f"--devices must be a power of two, got {args.devices}")
        if args.backend != "jax" or args.method != "adjoint":
            raise RevadError("--devices runs the JAX backend's adjoint (--backend jax, "
                             "--method adjoint)")  # fmt: skip
    from ..api import backend_named

    choices = backend_named(args.backend).kernels
    if args.kernels != "auto" and (args.kernels not in choices or args.method != "adjoint"):
        raise RevadError(
            f"--kernels {args.kernels} chooses the kernels of the JAX backend's adjoint; "
            f"got --backend {args.backend} --method {args.method}"
        )
    if args.qubits is not None:
        check_qubit_count(args.qubits, "--qubits")
    _check_ansatz_options(args)


def _check_ansatz_options(args) -> None:
    """Options that only some ansätze take."""
    qaoa = args.ansatz == "qaoa"
    for option, value in (("--graph", args.graph), ("--regular", args.regular)):
        if value is not None and not qaoa:
            raise RevadError(
                f"{option} chooses the graph of --ansatz qaoa; got --ansatz {args.ansatz}"
            )
    if args.graph_seed is not None and args.regular is None:
        raise RevadError("--graph-seed is the seed of the --regular graph")
    if qaoa:
        if args.hamiltonian is not None:
            raise RevadError(
                "--ansatz qaoa minimises the MaxCut Hamiltonian of its graph (--graph or "
                f"--regular); --hamiltonian {args.hamiltonian} does not apply"
            )
        if args.graph is not None and args.regular is not None:
            raise RevadError("--graph and --regular exclude each other (one graph)")
        if args.graph is None and args.regular is None:
            raise RevadError(
                "--ansatz qaoa needs a graph: --graph FILE, or --regular D --qubits N "
                "(a random D-regular graph)"
            )
        if args.graph is not None and args.qubits is not None:
            raise RevadError("--graph: the graph's nodes are the qubits; drop --qubits")
        if args.electrons is not None:
            raise RevadError("--electrons does not apply to --ansatz qaoa")
    if args.ansatz == "uccsd" and args.layers is not None:
        raise RevadError("--ansatz uccsd has no layers (one gate per excitation); drop --layers")
    if args.ansatz in ("hva", "qaoa", "uccsd") and args.reference is not None:
        if args.ansatz != "uccsd" or args.reference != "hf":
            raise RevadError(
                f"--ansatz {args.ansatz} prepares its own initial state "
                f"({_OWN_START[args.ansatz]}); drop --reference"
            )


_OWN_START = {
    "uccsd": "the Hartree-Fock state",
    "hva": "|+…+⟩ or singlets",
    "qaoa": "|+…+⟩",
}
