"""Standard ansätze: hardware layouts (``variational_circuit``, ``hardware_efficient``) and
problem-inspired ones (``uccsd`` for molecules, ``hva`` for spin chains, ``qaoa`` for
MaxCut).

Parameter convention of every ansatz here: **a parameter is a gate angle**. revad's
rotations are ``R_P(θ) = exp(-iθP/2)``, so a parameter θ on ``rzz`` is the evolution
``exp(-i(θ/2) Z_iZ_j)``, on ``rx`` it is ``exp(-i(θ/2) X)``, and on ``single_excitation``
/ ``double_excitation`` it is PennyLane's ``SingleExcitation(θ)`` /
``DoubleExcitation(θ)`` angle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from ..errors import RevadError
from ..limits import check_gate_count
from .chemistry import check_electrons, excitations, hf_occupation
from .circuit import Circuit, _check_int
from .graphs import check_edges
from .hamiltonian import Hamiltonian


def _cnot_ring(c: Circuit) -> None:
    """CNOTs on Yao's ``pair_ring``: (i, i+1 mod n) for every i (none for one qubit)."""
    n = c.n_qubits
    for i in range(n if n > 1 else 0):
        c.cnot(i, (i + 1) % n)


def _start(
    name: str,
    n: int,
    nlayer: int,
    prepare: Iterable[int],
    gates_per_layer: Callable[[int], int],
) -> Circuit:
    """A checked empty ansatz that first flips the qubits in ``prepare`` (e.g. Hartree-Fock).
    ``gates_per_layer(n)`` sizes it, so an absurd size is refused before building."""
    n = _check_int(n, "n")
    nlayer = _check_int(nlayer, "nlayer")
    if n < 1 or nlayer < 0:
        raise RevadError(f"{name} needs n >= 1 and nlayer >= 0, got {n}, {nlayer}")
    c = Circuit(n)
    check_gate_count((nlayer + 1) * gates_per_layer(n), f"{name}({n}, {nlayer})")
    for q in prepare:
        c.x(q)
    return c


def variational_circuit(n: int, nlayer: int, prepare: Iterable[int] = ()) -> Circuit:
    """Yao's ``EasyBuild.variational_circuit(n, nlayer)``, gate for gate.

    For ``i in 0..nlayer``: if ``i > 0`` a CNOT ring on pairs ``(i, i+1 mod n)``; then a
    rotation layer on every qubit (first ``Rx Rz``, middle ``Rz Rx Rz``, last ``Rz Rx``;
    a single layer is just ``Rx``). ``n*(3*nlayer+1)`` parameters. ``prepare``: qubits
    flipped by X gates before the ansatz (default none: start from |0…0⟩).
    """
    c = _start("variational_circuit", n, nlayer, prepare, lambda n: 4 * n)
    n = c.n_qubits
    for i in range(nlayer + 1):
        if i > 0:
            _cnot_ring(c)
        rots: tuple[str, ...]
        if nlayer == 0:
            rots = ("rx",)
        elif i == 0:
            rots = ("rx", "rz")
        elif i == nlayer:
            rots = ("rz", "rx")
        else:
            rots = ("rz", "rx", "rz")
        for q in range(n):
            for r in rots:
                c.add(r, q)
    return c


def hardware_efficient(n: int, nlayer: int, prepare: Iterable[int] = ()) -> Circuit:
    """Ry·Rz on every qubit, then ``nlayer`` times (CNOT chain 0→1→…→n-1, Ry·Rz layer).

    ``2n(nlayer+1)`` parameters; linear (not ring) entanglement, as on hardware.
    """
    c = _start("hardware_efficient", n, nlayer, prepare, lambda n: 3 * n)
    n = c.n_qubits
    for i in range(nlayer + 1):
        if i > 0:
            for q in range(n - 1):
                c.cnot(q, q + 1)
        for q in range(n):
            c.ry(q)
            c.rz(q)
    return c


def uccsd(n_qubits: int, n_electrons: int) -> Circuit:
    """Unitary coupled cluster with singles and doubles, in PennyLane's Givens-rotation form.

    The Hartree-Fock reference (X on qubits ``0 … n_electrons-1``: spin orbital ``w`` is
    qubit ``w``, alpha even, beta odd; basis index ``2**n_electrons - 1``), then one
    ``double_excitation`` per spin-conserving double excitation, then one
    ``single_excitation`` per spin-conserving single, in the order of
    :func:`revad.ir.chemistry.excitations` (= ``qml.qchem.excitations``). Gate for gate
    PennyLane's ``AllSinglesDoubles(weights, wires=range(n_qubits), hf_state, singles,
    doubles)``, *including its weight order*: parameters ``0 … n_singles-1`` are the
    singles, the doubles follow. Zero parameters give the Hartree-Fock state.

    ``n_qubits`` (spin orbitals) must be even, ``1 <= n_electrons < n_qubits``; a problem
    without any spin-conserving excitation (e.g. 1 electron in 2 spin orbitals) is
    refused. H2 (4, 2): 3 parameters; LiH as built in (6, 2): 8.
    """
    n, e = check_electrons(n_qubits, n_electrons, "uccsd")
    singles, doubles = excitations(n, e)
    if not singles and not doubles:
        raise RevadError(
            f"uccsd({n}, {e}): no spin-conserving excitation exists (nothing to train)"
        )
    check_gate_count(e + len(singles) + len(doubles), f"uccsd({n}, {e})")
    c = Circuit(n)
    for q in hf_occupation(e):
        c.x(q)
    c.new_params(len(singles) + len(doubles))
    for k, (s, r, q, p) in enumerate(doubles):
        c.double_excitation(s, r, q, p, param=len(singles) + k)
    for k, (r, p) in enumerate(singles):
        c.single_excitation(r, p, param=k)
    return c


# ----------------------------------------------------------------------------- HVA

_UNIFORM = 1e-9  # relative spread of couplings still called uniform


class _SpinModel:
    """What :func:`hva` reads off a Hamiltonian's terms."""

    def __init__(self, kind: str, n: int, bonds: list[tuple[int, int]]):
        self.kind = kind  # "tfim" (ZZ bonds + X field) or "xxz" (XX, YY, ZZ bonds)
        self.n = n
        self.bonds = bonds


def _uniform(values: Sequence[float]) -> bool:
    scale = max(abs(v) for v in values)
    return max(values) - min(values) <= _UNIFORM * max(scale, 1e-300)


def spin_model(h: Hamiltonian) -> _SpinModel:
    """Recognise the models of ``heisenberg``, ``xxz`` and ``tfim`` from their terms.

    A Hamiltonian carries no record of how it was built, so the model is read off the
    terms: two-qubit ``XX``, ``YY``, ``ZZ`` bond terms, one-qubit ``X`` field terms and
    constants (repeated terms add). ``tfim``: ZZ bonds on any graph, one coupling, and
    either no field or the same X field on every qubit. ``xxz``: every bond has XX, YY and
    ZZ terms, the same three couplings on every bond, no field, and the bonds are a
    chain ``0-1-…-(n-1)`` (open or closed into a ring) on an even number of qubits.
    Anything else is refused with the reason.
    """
    if not isinstance(h, Hamiltonian):
        raise RevadError(f"hva needs a revad Hamiltonian, got {type(h).__name__}")
    n = h.n_qubits
    bonds: dict[tuple[int, int], dict[str, float]] = {}
    field: dict[int, float] = {}
    supported = (
        "hva supports the models of revad.heisenberg, revad.xxz and revad.tfim "
        "(XX/YY/ZZ bonds, an X field)"
    )
    for k, (coeff, ops) in enumerate(h.terms):
        labels = "".join(label for label, _ in ops)
        if not ops:
            continue  # a constant: a global phase, no gate
        if labels == "X":
            field[ops[0][1]] = field.get(ops[0][1], 0.0) + coeff
        elif len(ops) == 2 and labels in ("XX", "YY", "ZZ"):
            pair = bonds.setdefault((ops[0][1], ops[1][1]), {})
            pair[labels] = pair.get(labels, 0.0) + coeff
        else:
            word = " ".join(f"{label}{q}" for label, q in ops)
            raise RevadError(f"hva: term {k} ({coeff:g} {word}) is not a bond or an X field; "
                             f"{supported}")  # fmt: skip
    if not bonds:
        raise RevadError(f"hva: the Hamiltonian has no two-qubit bonds; {supported}")
    kinds = {label for pair in bonds.values() for label in pair}
    if kinds == {"ZZ"}:
        zz = [pair["ZZ"] for pair in bonds.values()]
        if not _uniform(zz):
            raise RevadError(
                f"hva: the ZZ couplings differ between bonds ({min(zz):g} … {max(zz):g}); "
                "the TFIM ansatz shares one angle over all bonds, so it needs one coupling"
            )
        if field and (len(field) != n or not _uniform(list(field.values()))):
            raise RevadError(
                "hva: the X field must be the same on every qubit (a transverse-field "
                f"Ising model), got it on {len(field)} of {n} qubits with values "
                f"{min(field.values()):g} … {max(field.values()):g}"
            )
        return _SpinModel("tfim", n, list(bonds))
    if field:
        raise RevadError(f"hva: XX/YY bonds together with an X field; {supported}")
    for bond, pair in sorted(bonds.items()):
        if set(pair) != {"XX", "YY", "ZZ"}:
            raise RevadError(
                f"hva: bond {bond} has {'/'.join(sorted(pair))} terms; a Heisenberg or XXZ "
                "bond has all of XX, YY and ZZ"
            )
    for label in ("XX", "YY", "ZZ"):
        values = [pair[label] for pair in bonds.values()]
        if not _uniform(values):
            raise RevadError(
                f"hva: the {label} couplings differ between bonds ({min(values):g} … "
                f"{max(values):g}); the ansatz shares one angle per bond group, so it needs "
                "one coupling"
            )
    chain = {(i, i + 1) for i in range(n - 1)}
    if not chain <= set(bonds) or not set(bonds) <= chain | {(0, n - 1)}:
        raise RevadError(
            f"hva: the bonds {sorted(bonds)} are not a chain 0-1-…-{n - 1} (open, or closed "
            "into a ring); the Heisenberg/XXZ ansatz splits a chain into even and odd bonds"
        )
    if n % 2:
        raise RevadError(
            f"hva: the Heisenberg/XXZ ansatz starts from singlets on the bonds (0,1), (2,3), "
            f"…: it needs an even number of qubits, got {n}"
        )
    return _SpinModel("xxz", n, list(bonds))


def _singlet(c: Circuit, i: int, j: int) -> None:
    """(|0_i 1_j⟩ − |1_i 0_j⟩)/√2 from |00⟩: X_i, H_i, CNOT(i→j), X_j."""
    c.x(i)
    c.h(i)
    c.cnot(i, j)
    c.x(j)


def hva(h: Hamiltonian, nlayer: int) -> Circuit:
    """The Hamiltonian variational ansatz (Wiersema et al., PRX Quantum 1, 020319 (2020))
    of a Hamiltonian built by :func:`revad.tfim`, :func:`revad.heisenberg` or
    :func:`revad.xxz` (recognised from its terms, see :func:`spin_model`).

    Every parameter is a gate angle (``R(θ) = exp(-iθP/2)``), shared by all gates of its
    group: a parameter θ on a group of commuting terms is ``exp(-i(θ/2) Σ P)``, i.e. the
    paper's ``exp(-iγ Σ P)`` with ``γ = θ/2``.

    - **TFIM** (``Σ Z_iZ_j + h Σ X_i``): ``|+⟩^n`` (H on every qubit), then per layer
      ``rzz`` on every bond (one shared parameter γ_l) and ``rx`` on every qubit (one
      shared β_l): ``2·nlayer`` parameters, order ``(γ_1, β_1, γ_2, β_2, …)``.
    - **Heisenberg / XXZ** (``Σ X_iX_j + Y_iY_j + Δ Z_iZ_j`` on a chain or ring, even
      ``n``): singlets ``(|01⟩ − |10⟩)/√2`` on the even bonds ``(0,1), (2,3), …``, then
      per layer the even bonds ``(2k, 2k+1)`` and then the odd bonds ``(2k+1, 2k+2)`` (with
      the ring's ``(n-1, 0)``), each group with ``rzz``, ``ryy``, ``rxx`` on all its bonds:
      one shared parameter per group and Pauli type, order per layer ``(even ZZ, even YY,
      even XX, odd ZZ, odd YY, odd XX)``: ``6·nlayer`` parameters (3 per layer when a
      group is empty: the odd group of two qubits). The singlets are eigenstates of the
      even-bond terms, so the first layer's even parameters only change a global phase
      (their gradient is 0 there); they are kept, as in the paper.
    """
    model = spin_model(h)
    nlayer = _check_int(nlayer, "nlayer")
    if nlayer < 0:
        raise RevadError(f"hva needs nlayer >= 0, got {nlayer}")
    n = model.n
    c = Circuit(n)
    if model.kind == "tfim":
        check_gate_count(n + nlayer * (len(model.bonds) + n), f"hva({nlayer} layers)")
        for q in range(n):
            c.h(q)
        for _ in range(nlayer):
            gamma, beta = c.new_params(2)
            for i, j in model.bonds:
                c.rzz(i, j, param=gamma)
            for q in range(n):
                c.rx(q, param=beta)
        return c
    check_gate_count(2 * n + nlayer * 3 * len(model.bonds), f"hva({nlayer} layers)")
    even = [(i, j) for i, j in model.bonds if j == i + 1 and i % 2 == 0]
    odd = [(i, j) for i, j in model.bonds if (i, j) not in even]
    odd = [(j, i) if (i, j) == (0, n - 1) else (i, j) for i, j in odd]  # the ring's (n-1, 0)
    for i, j in even:
        _singlet(c, i, j)
    for _ in range(nlayer):
        for group in (even, odd):
            if not group:
                continue
            zz, yy, xx = c.new_params(3)
            for i, j in group:
                c.rzz(i, j, param=zz)
            for i, j in group:
                c.ryy(i, j, param=yy)
            for i, j in group:
                c.rxx(i, j, param=xx)
    return c


# ----------------------------------------------------------------------------- QAOA


def qaoa(edges: Iterable[Sequence[int]], p: int, n_nodes: int | None = None) -> Circuit:
    """QAOA for MaxCut on an unweighted graph (Farhi, Goldstone, Gutmann 2014), for the
    Hamiltonian ``revad.maxcut(edges) = Σ_(i,j) (Z_iZ_j − 1)/2``.

    H on every qubit (``|+⟩^n``), then ``p`` rounds of the cost layer (``rzz`` on every edge,
    one shared parameter γ_k) and the mixer (``rx`` on every qubit, one shared β_k):
    ``2p`` parameters in the order ``(γ_1, β_1, γ_2, β_2, …)``. Parameters are gate
    angles: ``rzz(γ) = exp(-i(γ/2) Z_iZ_j)``, so the cost layer is ``exp(-iγ H_C)`` up to
    a global phase (the constant ``−|E|/2`` only gives a phase), and ``rx(β) =
    exp(-i(β/2) X)``, so the mixer is ``exp(-i(β/2) Σ X)`` (Farhi's ``β`` is half this
    angle). ``n_nodes`` defaults to one more than the largest node named.
    """
    e, n = check_edges(edges, n_nodes, "qaoa")
    p = _check_int(p, "p")
    if p < 0:
        raise RevadError(f"qaoa needs p >= 0, got {p}")
    check_gate_count(n + p * (len(e) + n), f"qaoa(p={p})")
    c = Circuit(n)
    for q in range(n):
        c.h(q)
    for _ in range(p):
        gamma, beta = c.new_params(2)
        for i, j in e:
            c.rzz(i, j, param=gamma)
        for q in range(n):
            c.rx(q, param=beta)
    return c


ANSATZE = {"variational": variational_circuit, "hardware-efficient": hardware_efficient}
"""The layered ansätze ``build(n, nlayer, prepare=...)`` (``uccsd``, ``hva`` and ``qaoa``
take their problem instead of a qubit count)."""
