"""The exchange schedule: local segments, lazy swaps, the final layout, clear errors."""

import jax
import numpy as np
import pytest

import revad
from revad.distributed.schedule import logical_order, schedule, shard_paulis
from revad.distributed.sharded import mesh_of
from revad.errors import RevadError


def _naive_swaps(circuit: revad.Circuit, n_local: int) -> int:
    """Swapping in and straight back for every use of a global qubit."""
    return 2 * sum(q >= n_local for op in circuit.ops for q in op.qubits)


def test_segments_act_on_local_positions_only():
    c = revad.variational_circuit(8, 6)
    plan = schedule(c.key(), 4)
    assert plan.n_local == 6 and len(plan.segments) == plan.exchanges + 1
    assert all(q < 6 for seg in plan.segments for op in seg.ops for q in op.qubits)
    assert sum(len(seg.ops) for seg in plan.segments) == len(c.ops)
    assert sorted(plan.layout) == list(range(8))


def test_lazy_reordering_swaps_far_less_than_swapping_back():
    c = revad.variational_circuit(10, 20)
    for devices in (2, 4, 8):
        plan = schedule(c.key(), devices)
        assert plan.exchanges * 4 < _naive_swaps(c, plan.n_local), devices


def test_a_local_circuit_needs_no_exchange():
    c = revad.Circuit(4)
    c.add("rx", 0)
    c.add("cnot", (0, 1))
    c.add("ry", 2)
    plan = schedule(c.key(), 2)
    assert plan.exchanges == 0 and plan.layout == (0, 1, 2, 3)


def test_pauli_terms_are_grouped_by_their_global_x_part():
    h = revad.Hamiltonian([(1.0, [("X", 3)]), (0.5, [("Z", 3), ("X", 0)]), (2.0, [("Y", 2)])])
    plan = schedule(revad.Circuit(4).key(), 4)  # positions 2, 3 global
    groups = {xg: (x, z, zg) for xg, x, z, zg, _ in shard_paulis(h, plan).groups}
    assert set(groups) == {0, 1, 2}  # none; Y on position 2; X on position 3
    assert shard_paulis(h, plan).exchanges == 2
    np.testing.assert_array_equal(groups[0][2], [2])  # Z on position 3 is global bit 1


def test_logical_order_undoes_the_final_layout():
    c = revad.Circuit(3)
    c.cnot(0, 2)  # qubit 2 is global with 2 devices: swapped in
    plan = schedule(c.key(), 2)
    assert plan.layout != (0, 1, 2)
    physical = np.arange(8.0)
    logical = logical_order(physical, plan)
    for index in range(8):
        phys = sum(((index >> q) & 1) << plan.layout[q] for q in range(3))
        assert logical[index] == physical[phys]


@pytest.mark.parametrize("devices", [3, 6, 0])
def test_devices_must_be_a_power_of_two(devices):
    with pytest.raises(RevadError, match="power of two"):
        schedule(revad.variational_circuit(4, 1).key(), devices)


def test_the_widest_gate_must_fit_in_a_shard():
    c = revad.Circuit(4)
    c.add("ccx", (0, 1, 2))
    with pytest.raises(RevadError, match="a gate acts on 3: use at most 2 devices"):
        schedule(c.key(), 4)


def test_more_devices_than_jax_has_is_refused():
    with pytest.raises(RevadError, match=r"JAX sees \d+ device"):
        mesh_of(len(jax.devices()) * 2)
    with pytest.raises(RevadError, match="devices must be"):
        mesh_of(["cpu"])


def test_one_device_equals_the_plain_run():
    c, h = revad.variational_circuit(5, 3), revad.heisenberg(5)
    theta = np.random.default_rng(0).uniform(0, 2 * np.pi, c.n_params)
    e, g = revad.value_and_grad(c, h, theta)
    e1, g1 = revad.value_and_grad(c, h, theta, devices=1)
    np.testing.assert_allclose(e1, e, rtol=0, atol=1e-12)
    np.testing.assert_allclose(g1, g, rtol=0, atol=1e-12)
    psi = revad.statevector(c, theta, devices=jax.devices()[:1])
    np.testing.assert_allclose(psi, revad.statevector(c, theta), rtol=0, atol=1e-12)
    assert np.isclose(jax.grad(revad.energy_fn(c, h, devices=1))(theta)[0], g[0], atol=1e-12)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"backend": "numpy"}, "needs the JAX backend"),
        ({"method": "tape"}, "adjoint sweep only"),
        ({"psi0": 1}, "psi0 is not supported"),
    ],
)
def test_devices_with_what_they_do_not_support(kwargs, message):
    c, h = revad.variational_circuit(3, 1), revad.heisenberg(3)
    with pytest.raises(RevadError, match=message):
        revad.value_and_grad(c, h, np.zeros(c.n_params), devices=1, **kwargs)
