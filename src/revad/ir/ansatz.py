"""Standard ansätze."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..errors import RevadError
from ..limits import check_gate_count
from .circuit import Circuit, _check_int


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


ANSATZE = {"variational": variational_circuit, "hardware-efficient": hardware_efficient}
