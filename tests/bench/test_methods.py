"""Which kernels each method runs: ``--kernels`` reaches revad-jax-adjoint only."""

from __future__ import annotations

import pytest

from revad import RevadError
from revad.bench.methods import METHODS, kernels_for
from revad.diff.strategies import KERNELS


@pytest.mark.parametrize("requested", KERNELS)
def test_kernels_choice_reaches_the_jax_adjoint_only(requested):
    assert METHODS["revad-jax-adjoint"].kernels(requested) == requested
    assert METHODS["revad-jax-adjoint-purejax"].kernels(requested) == "jax"
    for name in METHODS:
        if not name.startswith("revad-jax-adjoint"):
            assert METHODS[name].kernels(requested) is None, name


def test_unknown_kernels_and_methods():
    with pytest.raises(RevadError, match="unknown kernels"):
        METHODS["revad-jax-adjoint"].kernels("gpu")
    assert kernels_for("a-method-from-elsewhere") is None
    assert kernels_for("revad-jax-adjoint-purejax") == "jax"
