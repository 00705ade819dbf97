"""Standard ansätze."""

from __future__ import annotations

from .circuit import Circuit, _check_int
from .errors import RevadError


def _cnot_ring(c: Circuit) -> None:
    """CNOTs on Yao's ``pair_ring``: (i, i+1 mod n) for every i (none for one qubit)."""
    n = c.n_qubits
    for i in range(n if n > 1 else 0):
        c.cnot(i, (i + 1) % n)


def variational_circuit(n: int, nlayer: int) -> Circuit:
    """Yao's ``EasyBuild.variational_circuit(n, nlayer)``, gate for gate.

    For ``i in 0..nlayer``: if ``i > 0`` a CNOT ring on pairs ``(i, i+1 mod n)``; then a
    rotation layer on every qubit (first ``Rx Rz``, middle ``Rz Rx Rz``, last ``Rz Rx``;
    a single layer is just ``Rx``). ``n*(3*nlayer+1)`` parameters.
    """
    n = _check_int(n, "n")
    nlayer = _check_int(nlayer, "nlayer")
    if n < 1 or nlayer < 0:
        raise RevadError(f"variational_circuit needs n >= 1 and nlayer >= 0, got {n}, {nlayer}")
    c = Circuit(n)
    for i in range(nlayer + 1):
        if i > 0:
            _cnot_ring(c)
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
