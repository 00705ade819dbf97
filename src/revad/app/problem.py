"""The problem ``revad train`` runs, from its parsed options: circuit, Hamiltonian, exact
energy, metadata, and the training settings chosen by depth."""

from __future__ import annotations

from pathlib import Path

from ..errors import RevadError
from ..limits import MAX_GATES, check_memory, check_qubit_count
from .init import DEEP_LAYERS, default_scale
from .init import resolve as resolve_init
from .train_options import (
    DEEP_LR_DEPTH,
    DEFAULT_LAYERS,
    DEFAULT_LR,
    DEFAULT_QUBITS,
    EXACT_CUT_MAX_NODES,
    HF_INIT_SCALE,
    INIT_SCALE,
    LAYERED,
    MODELS,
    RANDOM_INIT_SCALE,
    check_args,
    molecules,
)


def _check_size(gates: int, n: int, args, what: str) -> None:
    """Gates, then memory (of one device's shard with ``devices``), from the sizes alone:
    nothing built yet."""
    if gates > MAX_GATES:
        raise RevadError(f"{what} makes about {gates:,} gates; revad's limit is {MAX_GATES:,}")
    from ..api import STATES

    method, backend = args.method, args.backend
    n_states = STATES["value_and_grad"] + (gates if method == "tape" else 0)
    local = n - (args.devices or 1).bit_length() + 1  # qubits of one shard
    check_memory(local, n_states, "complex128", f"training on {n} qubits ({backend}, {method})")


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
        _check_size(gates, n, args, f"uccsd on {n} qubits")
        h = make()
        circuit = ansatz.uccsd(n, electrons)
        reference = "hf"
        layers_meta = None
    elif args.ansatz == "hva":
        _check_size(2 * n + layers * 4 * n, n, args,
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
        _check_size(gates, n, args, f"--layers {layers} on {n} qubits")
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
    _check_size(gates, n, args, f"qaoa --layers {p} on {n} qubits")
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
