"""The cross-check of a case: every method must find the same energy and gradient."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from .records import Record
from .settings import ENERGY_TOL, GRAD_TOL


def check_energies(records: Sequence[Record], tol: float = ENERGY_TOL) -> list[str]:
    """Annotate records with ``energy_check``/``grad_check``; return failure messages.

    Records are grouped by (n, layers, seed). Within a group every energy is compared
    with the group's median: ``|E - median| > tol/2`` fails that record, and a spread
    (max - min) beyond ``tol`` fails the group. The gradient checksum ``w·∇E`` (fixed
    random ``w``) is compared the same way, relative to its size, at ``GRAD_TOL``.
    """
    failures = []
    groups: dict[tuple[int, int, int], list[Record]] = {}
    for r in records:
        groups.setdefault((r.n, r.layers, r.seed), []).append(r)
    for (n, layers, _), group in groups.items():
        with_e = [(r, r.energy) for r in group if r.energy is not None]
        if not with_e:
            continue
        energies = [e for _, e in with_e]
        med = statistics.median(energies)
        spread = max(energies) - min(energies)
        for r in group:
            r.energy_check = "n/a"
        for r, e in with_e:
            r.energy_dev = e - med
            r.energy_check = "ok" if abs(e - med) <= tol / 2 else "fail"
        if spread > tol or any(r.energy_check == "fail" for r, _ in with_e):
            detail = ", ".join(f"{r.method}={e:.12f}" for r, e in with_e)
            failures.append(
                f"n={n} layers={layers}: energies spread {spread:.2e} > {tol:g}: {detail}"
            )
        with_g = [(r, r.grad_checksum) for r, _ in with_e if r.grad_checksum is not None]
        if with_g:
            gmed = statistics.median(g for _, g in with_g)
            gtol = GRAD_TOL * max(1.0, abs(gmed))
            for r, g in with_g:
                r.grad_check = "ok" if abs(g - gmed) <= gtol else "fail"
            if any(r.grad_check == "fail" for r, _ in with_g):
                detail = ", ".join(f"{r.method}={g:.10g}" for r, g in with_g)
                failures.append(f"n={n} layers={layers}: gradient checksums disagree: {detail}")
    return failures
