"""The benchmarked methods: one ``prepare`` function per method.

``prepare(problem, kernels)`` imports what the method needs (peers are optional: a missing
package raises :class:`Unavailable`), builds the problem in the method's own terms, and returns
``call() -> (energy, gradient)``: one energy and its full gradient, as a float and a
float64 NumPy array, with any asynchronous work finished. The worker times ``call``.

How each peer is configured (each at its fastest documented setting, same problem):

- ``revad-jax-adjoint`` / ``revad-jax-tape`` / ``revad-numpy-adjoint``:
  ``revad.value_and_grad`` with complex128; the JAX entry points are jitted, so the
  first call includes compilation. ``revad-jax-adjoint`` passes
  ``method=revad.Adjoint(kernels=K)`` with ``K`` from ``revad bench --kernels``
  (``"auto"``: revad's native CPU kernels where they build); ``revad-jax-adjoint-purejax``
  is always ``revad.Adjoint(kernels="jax")``, the pure-JAX kernels (what a GPU runs), for
  comparison. :meth:`Method.kernels` says which kernels a method runs (None: not revad's
  JAX adjoint, no choice), and :func:`kernels_in_use` what revad actually ran.
- ``pennylane-lightning-adjoint``: ``lightning.qubit``, ``diff_method="adjoint"``,
  autograd interface, ``qml.grad`` (whose ``forward`` is the energy of the same run);
  the Hamiltonian is one observable (a linear combination of Pauli words).
- ``pennylane-default-backprop``: ``default.qubit``, ``diff_method="backprop"``, JAX
  interface, x64 on, ``jax.jit(jax.value_and_grad(qnode))``: tape AD, compiled once.
- ``qiskit-reverse``: ``qiskit_algorithms.gradients.ReverseEstimatorGradient`` (the
  Jones–Gacon reverse sweep on ``Statevector``) for the gradient and
  ``qiskit.primitives.StatevectorEstimator`` for the energy, both with one
  ``SparsePauliOp``. (qiskit-algorithms 0.4's ``ReverseEstimatorGradient`` takes no
  estimator; it simulates with ``Statevector`` itself.) One call = energy + gradient.
- ``yao-expect-grad``: revad's ``"yao"`` backend (Yao's ``expect'`` through juliacall);
  recorded as unavailable when that backend or a Julia runtime is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..diff.strategies import check_kernels
from ..interop.pennylane import to_pennylane, to_pennylane_operator
from ..interop.qiskit import to_qiskit, to_qiskit_operator
from .problem import Problem

Call = Callable[[], tuple[float, np.ndarray]]


class Unavailable(Exception):
    """The method cannot run here (package or runtime missing); not a failure."""


@dataclass(frozen=True)
class Method:
    name: str
    description: str
    prepare: Callable[[Problem, str | None], Call]  # (problem, kernels) -> call
    packages: tuple[str, ...]
    kernel_choice: bool = False  # ``revad bench --kernels`` applies (revad's JAX adjoint)
    fixed_kernels: str | None = None  # the kernels this method always runs

    def kernels(self, requested: str = "auto") -> str | None:
        """The ``revad.Adjoint(kernels=…)`` this method runs under ``--kernels requested``;
        None for a method without that choice (tape, NumPy, peers)."""
        check_kernels(requested)
        if self.fixed_kernels is not None:
            return self.fixed_kernels
        return requested if self.kernel_choice else None


def kernels_for(method: str, requested: str = "auto") -> str | None:
    """:meth:`Method.kernels` by name; None for a method this version does not know."""
    return METHODS[method].kernels(requested) if method in METHODS else None


def kernels_in_use(kernels: str) -> str | None:
    """What revad's JAX adjoint runs for ``kernels``: ``"native"``, or why pure JAX."""
    import revad
    from revad.api import kernels_in_use as in_use

    return in_use(revad.Adjoint(kernels))


def _require(module: str, extra: str):
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise Unavailable(
            f"{module} is not installed (pip install 'revad[{extra}]'): {exc}"
        ) from exc


# ---------------------------------------------------------------------------------
# revad.


def _revad(backend: str, method: str) -> Callable[[Problem, str | None], Call]:
    def prepare(p: Problem, kernels: str | None = None) -> Call:
        import revad

        if backend == "jax":
            import jax  # noqa: F401  (import cost belongs to setup, not to the first call)
        strategy = revad.Tape() if method == "tape" else revad.Adjoint(kernels or "auto")
        if kernels == "native":  # asked for explicitly: missing kernels mean "not here"
            try:
                kernels_in_use("native")
            except revad.RevadError as exc:
                raise Unavailable(str(exc)) from exc

        def call():
            energy, grad = revad.value_and_grad(
                p.circuit, p.hamiltonian, p.theta, backend=backend, method=strategy
            )
            return float(energy), np.asarray(grad, np.float64)

        return call

    return prepare


def _yao(p: Problem, kernels: str | None = None) -> Call:
    import revad

    def call():
        energy, grad = revad.value_and_grad(
            p.circuit, p.hamiltonian, p.theta, backend="yao", method="adjoint"
        )
        return float(energy), np.asarray(grad, np.float64)

    return call


# ---------------------------------------------------------------------------------
# PennyLane.


def _pennylane_lightning(p: Problem, kernels: str | None = None) -> Call:
    qml = _require("pennylane", "pennylane")
    _require("pennylane_lightning", "pennylane")
    from pennylane import numpy as pnp

    obs = to_pennylane_operator(p.hamiltonian)
    dev = qml.device("lightning.qubit", wires=p.n)

    @qml.qnode(dev, diff_method="adjoint", interface="autograd")
    def energy(theta):
        to_pennylane(p.circuit, theta)
        return qml.expval(obs)

    grad_fn = qml.grad(energy, argnums=0)
    theta = pnp.array(p.theta, requires_grad=True)

    def call():
        grad = grad_fn(theta)
        return float(grad_fn.forward), np.asarray(grad, np.float64)

    return call


def _pennylane_backprop(p: Problem, kernels: str | None = None) -> Call:
    qml = _require("pennylane", "pennylane")
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    obs = to_pennylane_operator(p.hamiltonian)
    dev = qml.device("default.qubit", wires=p.n)

    @qml.qnode(dev, diff_method="backprop", interface="jax")
    def energy(theta):
        to_pennylane(p.circuit, theta)
        return qml.expval(obs)

    value_and_grad = jax.jit(jax.value_and_grad(energy))
    theta = jnp.asarray(p.theta, jnp.float64)

    def call():
        e, g = value_and_grad(theta)
        return float(e), np.asarray(g, np.float64)

    return call


# ---------------------------------------------------------------------------------
# Qiskit.


def _qiskit_reverse(p: Problem, kernels: str | None = None) -> Call:
    _require("qiskit", "qiskit")
    gradients = _require("qiskit_algorithms.gradients", "qiskit")
    from qiskit.primitives import StatevectorEstimator

    qc, params = to_qiskit(p.circuit)
    obs = to_qiskit_operator(p.hamiltonian)
    gradient = gradients.ReverseEstimatorGradient()
    estimator = StatevectorEstimator()
    values = np.asarray(p.theta, np.float64)
    params = list(params)

    def call():
        ev = estimator.run([(qc, obs, values)]).result()[0].data.evs
        grad = gradient.run([qc], [obs], [values], [params]).result().gradients[0]
        return float(np.real(ev)), np.asarray(np.real(grad), np.float64)

    return call


# ---------------------------------------------------------------------------------

_REVAD_PKGS = ("revad", "numpy", "jax", "jaxlib")

METHODS: dict[str, Method] = {
    m.name: m
    for m in [
        Method(
            "revad-jax-adjoint",
            "revad, JAX backend, reversible adjoint (custom backward, O(1) states), complex128;"
            " kernels from --kernels (auto: native CPU kernels where they build)",
            _revad("jax", "adjoint"),
            _REVAD_PKGS,
            kernel_choice=True,
        ),
        Method(
            "revad-jax-adjoint-purejax",
            "revad-jax-adjoint on the pure-JAX kernels (revad.Adjoint(kernels='jax')):"
            " the GPU code path",
            _revad("jax", "adjoint"),
            _REVAD_PKGS,
            fixed_kernels="jax",
        ),
        Method(
            "revad-jax-tape",
            "revad, JAX backend, jax.value_and_grad through the same simulator (tape)",
            _revad("jax", "tape"),
            _REVAD_PKGS,
        ),
        Method(
            "revad-numpy-adjoint",
            "revad, NumPy reference backend, reversible adjoint",
            _revad("numpy", "adjoint"),
            ("revad", "numpy"),
        ),
        Method(
            "pennylane-lightning-adjoint",
            "PennyLane lightning.qubit, diff_method='adjoint', autograd, qml.grad",
            _pennylane_lightning,
            ("pennylane", "pennylane_lightning", "numpy"),
        ),
        Method(
            "pennylane-default-backprop",
            "PennyLane default.qubit, diff_method='backprop', JAX x64, jax.jit(value_and_grad)",
            _pennylane_backprop,
            ("pennylane", "jax", "jaxlib"),
        ),
        Method(
            "qiskit-reverse",
            "qiskit-algorithms ReverseEstimatorGradient + StatevectorEstimator energy",
            _qiskit_reverse,
            ("qiskit", "qiskit-algorithms", "numpy"),
        ),
        Method(
            "yao-expect-grad",
            "Yao.jl expect'(H, zero_state(n) => circuit) via revad's 'yao' backend (juliacall)",
            _yao,
            ("revad", "juliacall"),
        ),
    ]
}

# Methods whose every failure to start means "cannot run here" rather than "broken".
ALWAYS_UNAVAILABLE_ON_ERROR = ("yao-expect-grad",)
