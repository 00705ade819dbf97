"""One case measured in this process (``python -m revad.bench.worker``'s ``run_case``)."""

from __future__ import annotations

import os

from revad.bench.problem import Problem
from revad.bench.records import Status
from revad.bench.worker import run_case


def test_purejax_method_runs_adjoint_kernels_jax_without_the_env_var():
    before = os.environ.get("REVAD_NATIVE")
    emitted = []
    rec = run_case("revad-jax-adjoint-purejax", 2, 1, repeats=1,
                   emit=lambda r: emitted.append(r.to_dict()), kernels="native")  # fmt: skip
    assert rec.status is Status.OK, rec.label
    assert rec.kernels == "jax" and rec.kernels_in_use == "pure JAX (requested)"
    assert os.environ.get("REVAD_NATIVE") == before
    assert emitted and emitted[0]["status"] == "running"  # the partial record
    assert emitted[0]["kernels_in_use"] == "pure JAX (requested)"


def test_numpy_adjoint_has_no_kernel_choice():
    rec = run_case("revad-numpy-adjoint", 2, 1, repeats=1, emit=lambda r: None, kernels="jax")
    assert rec.status is Status.OK, rec.label
    assert rec.kernels is None and rec.kernels_in_use is None
    assert rec.repeats == 1 and rec.time_grad > 0 and rec.n_params == Problem(2, 1).n_params


def test_native_kernels_that_cannot_load_make_the_method_unavailable(monkeypatch):
    import revad
    from revad.bench import methods

    def no_native(kernels):
        raise revad.RevadError("native CPU kernels requested but unavailable: no compiler")

    monkeypatch.setattr(methods, "kernels_in_use", no_native)
    rec = run_case("revad-jax-adjoint", 2, 1, repeats=1, emit=lambda r: None, kernels="native")
    assert rec.status is Status.UNAVAILABLE and "no compiler" in rec.reason
    assert rec.kernels == "native" and rec.energy is None
