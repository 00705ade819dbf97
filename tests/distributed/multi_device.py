"""Run in a fresh process with 8 host devices (tests/distributed/test_multi_device.py starts it):
sharded energies, gradients, states and ``jax.grad`` against one device; prints JSON."""

import os

os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=8"

import json  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

jax.config.update("jax_enable_x64", True)

import revad  # noqa: E402
from revad.distributed import sharded  # noqa: E402
from revad.kernels import native  # noqa: E402
from tests.reference import random_circuit, random_hamiltonian  # noqa: E402


def _collective_permutes(run: sharded.Sharded, theta: np.ndarray) -> int:
    terms = tuple(g[1:] for g in run.paulis.groups)
    xgs = tuple(g[0] for g in run.paulis.groups)
    lowered = sharded._run.lower(
        jnp.asarray(theta), run.programs, terms, run.plan.swaps, run.plan.n_local, xgs,
        run.kernels, run.mesh, True,
    )  # fmt: skip
    return lowered.as_text().count("collective_permute")


def main() -> None:
    """Every kernel set at D = 2, 4, 8 for the gradient and the exchange count; the state,
    the expectation and ``jax.grad`` of ``energy_fn`` with the pure-JAX kernels."""
    kernel_sets = ["jax"] + (["native"] if native.status() == "native" else [])
    rng = np.random.default_rng(0)
    n = 7
    c, h = random_circuit(n, 60, rng), random_hamiltonian(n, 10, rng)
    theta = rng.uniform(-np.pi, np.pi, c.n_params)
    e0, g0 = revad.value_and_grad(c, h, theta)
    psi0 = revad.statevector(c, theta)
    results = []
    for devices in (2, 4, 8):
        for kernels in kernel_sets:
            method = revad.Adjoint(kernels)
            e, g, drift = revad.value_and_grad(
                c, h, theta, method=method, devices=devices, return_drift=True
            )
            run = sharded.sharded(c.key(), h, sharded.mesh_of(devices), method_kernels(method))
            result = {
                "devices": devices, "kernels": kernels, "energy": abs(e - e0),
                "grad": float(np.max(np.abs(g - g0))), "drift": drift,
                "predicted": run.exchanges(gradient=True)["exchanges"],
                "counted": _collective_permutes(run, theta), "swaps": run.plan.exchanges,
            }  # fmt: skip
            if kernels == "jax":
                psi = revad.statevector(c, theta, kernels=kernels, devices=devices)
                energy = revad.expectation(c, h, theta, kernels=kernels, devices=devices)
                grad_fn = jax.grad(revad.energy_fn(c, h, method, devices=devices))
                result["state"] = float(np.max(np.abs(psi - psi0)))
                result["expectation"] = abs(energy - e0)
                result["jax_grad"] = float(np.max(np.abs(grad_fn(jnp.asarray(theta)) - g0)))
            results.append(result)
    print(json.dumps(results))


def method_kernels(method: revad.Adjoint):  # noqa: ANN201
    from revad.backends.jax_backend import kernels_for

    return kernels_for(method)


if __name__ == "__main__":
    main()
