"""``revad`` command line: ``revad train …`` (VQE), ``revad plateau …`` (the barren-plateau
diagnostic) and ``revad bench …`` (benchmarks)."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from ..errors import RevadError
from ..limits import MAX_GATES, check_memory, check_qubit_count
from .init import DEEP_LAYERS, INITS, default_scale
from .init import resolve as resolve_init
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
        formatter_class=_Formatter,
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
        f"ansätze: {DEEP_LR_DEPTH:g}/layers)",
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


def _check_size(gates: int, n: int, method: str, backend: str, what: str) -> None:
    """Gates, then memory, from the sizes alone: nothing built yet."""
    if gates > MAX_GATES:
        raise RevadError(f"{what} makes about {gates:,} gates; revad's limit is {MAX_GATES:,}")
    from ..api import STATES

    n_states = STATES["value_and_grad"] + (gates if method == "tape" else 0)
    check_memory(n, n_states, "complex128", f"training on {n} qubits ({backend}, {method})")


def _layered_gates(name: str, n: int, layers: int) -> int:
    return (layers + 1) * {"variational": 4 * n, "hardware-efficient": 3 * n}[name]


def build_problem(args) -> tuple:
    """(circuit, hamiltonian, exact energy, metadata) from parsed arguments.

    Sizes are checked before anything is built. The exact energy is a function (None
    with --no-exact): ``train`` calls it only once the output folder and any checkpoint
    have been checked, so a bad --resume fails at once, not after a diagonalisation.
    For ``--ansatz qaoa`` the metadata holds the graph (``edges``, ``n_edges``, ``graph``)
    and the exact energy is ``-(maximum cut)`` by brute force (up to 20 nodes).
    """
    check_args(args)
    if args.ansatz == "qaoa":
        return _qaoa_problem(args)
    from ..io.hamiltonian_io import load_hamiltonian, molecule_info
    from ..ir import ansatz, hamiltonian
    from .train import exact_energy

    name = "heisenberg" if args.hamiltonian is None else args.hamiltonian
    layers = DEFAULT_LAYERS if args.layers is None else args.layers
    info = None
    if name in MODELS:
        n = DEFAULT_QUBITS if args.qubits is None else args.qubits
        if n < 2:
            raise RevadError(f"--qubits must be at least 2 for {name}, got {n}")
        periodic = not args.open
        make = {
            "heisenberg": lambda: hamiltonian.heisenberg(n, periodic),
            "tfim": lambda: hamiltonian.tfim(n, args.field, periodic),
            "xxz": lambda: hamiltonian.xxz(n, args.delta, periodic),
        }[name]
    else:
        if name not in molecules() and not Path(name).exists():
            raise RevadError(
                f"--hamiltonian {name!r}: not one of {', '.join(MODELS + molecules())} "
                "and no such file"
            )
        h = load_hamiltonian(name)
        info = molecule_info(name) if name in molecules() else None
        n = h.n_qubits if args.qubits is None else args.qubits
        if n < h.n_qubits:
            raise RevadError(f"--qubits {n} is fewer than the Hamiltonian's {h.n_qubits} qubits")
        check_qubit_count(n, "the Hamiltonian's qubit count")

        def make():
            return h

    electrons = _electrons(args, info)
    if args.ansatz == "uccsd":
        from ..ir.chemistry import check_electrons, excitations

        if electrons is None:
            raise RevadError(
                "--ansatz uccsd needs the electron count: a built-in molecule "
                f"({', '.join(molecules())}) or --electrons N"
            )
        n, electrons = check_electrons(n, electrons, "--ansatz uccsd")
        singles, doubles = excitations(n, electrons)
        gates = electrons + len(singles) + len(doubles)
        _check_size(gates, n, args.method, args.backend, f"uccsd on {n} qubits")
        h = make()
        circuit = ansatz.uccsd(n, electrons)
        reference = "hf"
        layers_meta = None
    elif args.ansatz == "hva":
        _check_size(2 * n + layers * 4 * n, n, args.method, args.backend,
                    f"--layers {layers} on {n} qubits")  # fmt: skip
        h = make()
        if n != h.n_qubits:
            raise RevadError(
                f"--ansatz hva acts on the Hamiltonian's {h.n_qubits} qubits; drop --qubits"
            )
        circuit = ansatz.hva(h, layers)
        if args.electrons is not None:
            raise RevadError("--electrons does not apply to --ansatz hva")
        reference = "hva"
        layers_meta = layers
    else:
        gates = _layered_gates(args.ansatz, n, layers)
        _check_size(gates, n, args.method, args.backend, f"--layers {layers} on {n} qubits")
        h = make()
        reference = args.reference or ("hf" if info else "zero")
        if args.electrons is not None and reference != "hf":
            raise RevadError("--electrons sets the Hartree-Fock state: add --reference hf")
        occupied: list[int] = []
        if reference == "hf":
            if electrons is None:
                raise RevadError(
                    f"--reference hf needs a built-in molecule ({', '.join(molecules())}) "
                    "or --electrons N"
                )
            occupied = hf_qubits(info) if info else list(range(electrons))
            if len(occupied) > n:
                raise RevadError(f"--electrons {electrons} is more than the {n} qubits")
        build = ansatz.ANSATZE[args.ansatz]
        circuit = build(n, layers, prepare=occupied)
        layers_meta = layers
        prepare = occupied
    exact = None
    if not args.no_exact:

        def exact():
            energy = info["fci_energy"] if info else exact_energy(h, n)
            if energy is not None and not args.quiet:
                print(f"exact ground energy: {energy:.10f}", flush=True)
            return energy

    meta = {"hamiltonian": name, "ansatz": args.ansatz, "layers": layers_meta}
    meta["reference_state"] = reference
    if args.ansatz in LAYERED:
        meta["prepare"] = prepare
    if electrons is not None and reference == "hf":
        meta["n_electrons"] = electrons
    return circuit, h, exact, meta


def _electrons(args, info: dict | None) -> int | None:
    """The electron count: the molecule's (``--electrons`` must agree) or ``--electrons``."""
    if info is None:
        return args.electrons
    e = int(info["n_electrons"])
    if args.electrons is not None and args.electrons != e:
        raise RevadError(
            f"--electrons {args.electrons}: the built-in {info.get('name', 'molecule')} has "
            f"{e} (active) electrons"
        )
    if args.ansatz == "uccsd" and hf_qubits(info) != list(range(e)):
        raise RevadError(
            f"built-in {info.get('name')}: its Hartree-Fock state {info['hf_bitstring']} is "
            "not the lowest spin orbitals, which uccsd assumes"
        )
    return e


def _graph(args) -> tuple[list, int, str]:
    """(edges, nodes, description) of --graph FILE or --regular D --qubits N."""
    from ..io.graph_file import read_graph
    from ..ir.graphs import random_regular_graph

    if args.graph is not None:
        edges, n = read_graph(args.graph)
        return edges, n, f"file {args.graph}"
    n = DEFAULT_QUBITS if args.qubits is None else args.qubits
    seed = args.seed if args.graph_seed is None else args.graph_seed
    try:
        edges = random_regular_graph(args.regular, n, seed)
    except RevadError as exc:
        raise RevadError(f"--regular {args.regular} --qubits {n}: {exc}") from None
    if not edges:
        raise RevadError(f"--regular {args.regular}: the graph has no edges")
    return edges, n, f"random {args.regular}-regular on {n} nodes, seed {seed}"


def _qaoa_problem(args) -> tuple:
    from ..ir import ansatz
    from ..ir.graphs import max_cut, maxcut

    edges, n, where = _graph(args)
    p = DEFAULT_LAYERS if args.layers is None else args.layers
    gates = n + p * (len(edges) + n)
    _check_size(gates, n, args.method, args.backend, f"qaoa --layers {p} on {n} qubits")
    h = maxcut(edges, n)
    circuit = ansatz.qaoa(edges, p, n)
    exact = None
    if not args.no_exact:

        def exact():
            if n > EXACT_CUT_MAX_NODES:
                return None
            best, _ = max_cut(edges, n)
            if not args.quiet:
                print(f"maximum cut (brute force): {best} of {len(edges)} edges", flush=True)
            return -float(best)

    meta = {"hamiltonian": "maxcut", "ansatz": "qaoa", "layers": p, "reference_state": "plus"}
    meta |= {"graph": where, "n_edges": len(edges), "edges": [list(e) for e in edges]}
    return circuit, h, exact, meta


def cut_report(circuit, summary: dict, params, backend: str) -> dict:
    """QAOA's summary fields: the expected cut ⟨C⟩ = -E and its fraction of the edges,
    the most likely bitstring (character q is qubit q) and its cut, and (where brute force
    ran) the maximum cut, its fraction and the approximation ratio ⟨C⟩ / max cut."""
    import numpy as np

    from .. import api
    from ..ir.graphs import cut_values

    edges = [tuple(e) for e in summary["edges"]]
    m = len(edges)
    expected = -float(summary["final_energy"])
    psi = api.statevector(circuit, params, backend=backend)
    likely = int(np.argmax(np.abs(np.asarray(psi)) ** 2))
    out: dict[str, object] = {"expected_cut": expected, "cut_fraction": expected / m}
    out["most_likely_bitstring"] = format(likely, f"0{circuit.n_qubits}b")[::-1]
    out["most_likely_cut"] = int(cut_values(edges, np.array([likely]))[0])
    best = summary.get("exact_energy")
    out["max_cut"] = None if best is None else int(round(-best))
    if best is not None:
        out["max_cut_fraction"] = -best / m
        out["approximation_ratio"] = expected / -best
    return out


def training_settings(args, meta: dict) -> dict:
    """Learning rate, schedule and initialisation: the options given, else defaults that
    train. Deep layered ansätze (``DEEP_LAYERS`` layers and more) start small, near the
    identity (a uniform start sits on a barren plateau), with ``lr = DEEP_LR_DEPTH / layers``
    and a cosine schedule; shallow ones keep a uniform start, lr 0.05, constant."""
    layers: int | None = meta.get("layers") if args.ansatz in LAYERED else None
    init = "identity-blocks" if args.grow is not None else resolve_init(args.init, layers)
    deep = layers is not None and layers >= DEEP_LAYERS
    scale = args.init_scale
    if scale is None:
        if init == "small":
            scale = default_scale(init, layers)
        elif args.ansatz in INIT_SCALE:
            scale = INIT_SCALE[args.ansatz]
        else:
            scale = HF_INIT_SCALE if meta["reference_state"] == "hf" else RANDOM_INIT_SCALE
    lr = args.lr
    if lr is None:
        lr = min(DEFAULT_LR, DEEP_LR_DEPTH / layers) if deep and layers else DEFAULT_LR
    schedule = args.schedule or ("cosine" if deep else "constant")
    return {"init": init, "init_scale": scale, "lr": lr, "schedule": schedule}


def hf_qubits(info: dict) -> list[int]:
    """Occupied qubits of the Hartree-Fock state (``hf_bitstring[q]`` is qubit q)."""
    return [q for q, bit in enumerate(info["hf_bitstring"]) if bit == "1"]


def train_main(argv: list[str]) -> int:
    from ..api import kernels_in_use
    from ..diff.strategies import Adjoint, Tape
    from .train import CHECKPOINT, train

    args = _train_parser().parse_args(argv)
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
        _rewrite_summary(Path(args.out), s)
        msg += f"\ncut: expected {s['expected_cut']:.4f} of {s['n_edges']} edges "
        msg += f"(fraction {s['cut_fraction']:.4f}), most likely bitstring cuts "
        msg += f"{s['most_likely_cut']}"
        if s["max_cut"] is not None:
            msg += f"; maximum cut {s['max_cut']} (ratio {s['approximation_ratio']:.4f})"
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
