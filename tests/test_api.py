import subprocess
import sys

import numpy as np
import pytest

import revad
from revad import RevadError


@pytest.fixture
def problem():
    c = revad.Circuit(2)
    c.rx(0)
    c.cnot(0, 1)
    c.ry(1)
    return c, revad.Hamiltonian([(0.5, [("Z", 0), ("Z", 1)]), (-1.0, [("X", 1)])])


@pytest.mark.parametrize("backend", ["numpy", "jax"])
def test_public_contract_returns_numpy_types(problem, backend):
    c, h = problem
    theta = np.array([0.3, -0.4])
    psi = revad.statevector(c, theta, backend=backend)
    assert isinstance(psi, np.ndarray) and psi.shape == (4,) and psi.dtype == np.complex128
    e = revad.expectation(c, h, theta, backend=backend)
    assert isinstance(e, float)
    e2, g = revad.value_and_grad(c, h, theta, backend=backend)
    assert isinstance(e2, float) and isinstance(g, np.ndarray) and g.shape == (2,)
    assert e == pytest.approx(e2, abs=1e-14)


@pytest.mark.parametrize(
    "theta, match",
    [
        (np.zeros(3), "this circuit has 2 parameters"),
        (np.zeros((2, 1)), "shape"),
        (np.array([0.1, np.nan]), "NaN or inf \\(first at index 1\\)"),
        (np.array([np.inf, 0.0]), "NaN or inf"),
        (np.array([0.1, 0.2j]), "must be real"),
        (["a", "b"], "real numbers"),
    ],
)
def test_bad_theta(problem, theta, match):
    c, h = problem
    with pytest.raises(RevadError, match=match):
        revad.value_and_grad(c, h, theta)


def test_bad_names(problem):
    c, h = problem
    theta = np.zeros(2)
    with pytest.raises(RevadError, match="unknown backend 'torch'"):
        revad.expectation(c, h, theta, backend="torch")
    with pytest.raises(RevadError, match="unknown method 'forward'"):
        revad.value_and_grad(c, h, theta, method="forward")
    with pytest.raises(RevadError, match="needs backend 'jax'"):
        revad.value_and_grad(c, h, theta, backend="numpy", method="tape")
    with pytest.raises(RevadError, match="dtype must be one of"):
        revad.statevector(c, theta, dtype="float32")


def test_hamiltonian_larger_than_circuit(problem):
    c, _ = problem
    with pytest.raises(RevadError, match="acts on 3 qubits but the circuit has 2"):
        revad.expectation(c, revad.heisenberg(3), np.zeros(2))


def test_circuit_without_parameters_needs_no_theta():
    c = revad.Circuit(1)
    c.h(0)
    np.testing.assert_allclose(revad.statevector(c), [2**-0.5, 2**-0.5], atol=1e-15)
    assert revad.expectation(c, revad.Hamiltonian([(1.0, [("X", 0)])])) == pytest.approx(1.0)


def test_complex128_without_flipping_global_x64():
    """With x64 off globally, revad still computes in complex128 and leaves the flag off."""
    code = (
        "import jax, numpy as np, revad\n"
        "c = revad.variational_circuit(3, 2)\n"
        "psi = revad.statevector(c, np.full(c.n_params, 0.1))\n"
        "assert psi.dtype == np.complex128, psi.dtype\n"
        "assert abs(np.vdot(psi, psi) - 1) < 1e-14\n"
        "assert not jax.config.jax_enable_x64\n"
        "assert jax.numpy.zeros(1).dtype == np.float32\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


@pytest.mark.parametrize("bad", [["jax"], None, 3, ("jax",)])
def test_backend_method_dtype_of_the_wrong_type(problem, bad):
    c, h = problem
    theta = np.zeros(2)
    with pytest.raises(RevadError, match="unknown backend"):
        revad.expectation(c, h, theta, backend=bad)
    with pytest.raises(RevadError, match="unknown method"):
        revad.value_and_grad(c, h, theta, method=bad)
    with pytest.raises(RevadError, match="unknown method"):
        revad.energy_fn(c, h, method=bad)
    if bad is not None:  # dtype=None is NumPy's float64: also refused, by name
        with pytest.raises(RevadError, match="dtype must be one of"):
            revad.statevector(c, theta, dtype=bad)


@pytest.mark.parametrize("backend", ["numpy", "jax", "yao"])
def test_memory_is_checked_before_allocating(monkeypatch, backend):
    """n=30 needs 16 GiB per statevector: refused by name on every backend, fast."""
    from revad import limits

    monkeypatch.setattr(limits, "available_memory", lambda: 8 * 2**30)
    c = revad.Circuit(30)
    c.h(0)
    h = revad.Hamiltonian([(1.0, [("Z", 0)])])
    with pytest.raises(RevadError, match=r"needs about 32\.0 GiB .* only 8\.0 GiB"):
        revad.statevector(c, backend=backend)
    with pytest.raises(RevadError, match="value_and_grad on 30 qubits"):
        revad.value_and_grad(c, h, backend=backend)


def test_tape_memory_counts_one_state_per_gate(monkeypatch):
    from revad import limits

    monkeypatch.setattr(limits, "available_memory", lambda: 2**30)
    c = revad.variational_circuit(20, 50)  # 16 MiB per state, ~4,000 gates: 64 GiB of tape
    h = revad.heisenberg(20)
    with pytest.raises(RevadError, match="tape"):
        revad.value_and_grad(c, h, np.zeros(c.n_params), method="tape")
    with pytest.raises(RevadError, match="tape"):
        revad.energy_fn(c, h, method="tape")


def test_energy_fn_refuses_complex_theta(problem):
    c, h = problem
    for method in ("adjoint", "tape"):
        f = revad.energy_fn(c, h, method=method)
        with pytest.raises(RevadError, match="theta must be real"):
            f(np.array([0.1 + 0.5j, 0.2]))


BAD_PSI0 = [
    (4, "not a basis state of 2 qubits"),
    (-1, "not a basis state"),
    (True, "basis-state index \\(int\\) or a state vector of length 4, got True"),
    (2.0, "basis-state index"),
    (np.ones(3) / np.sqrt(3), "a state of 2 qubits has shape \\(4,\\)"),
    (np.ones(4), "must be normalised; its norm is 2"),
    (np.array([1, np.nan, 0, 0]), "NaN or inf \\(first at index 1\\)"),
    (np.array(["a", "b", "c", "d"]), "array of numbers"),
]


@pytest.mark.parametrize("backend", ["numpy", "jax", "yao"])
@pytest.mark.parametrize("psi0, match", BAD_PSI0)
def test_bad_psi0_is_refused_before_simulating(problem, backend, psi0, match):
    """Checked in the API, before any backend (Yao included) starts."""
    c, h = problem
    theta = np.zeros(2)
    for call in (
        lambda: revad.statevector(c, theta, backend=backend, psi0=psi0),
        lambda: revad.expectation(c, h, theta, backend=backend, psi0=psi0),
        lambda: revad.value_and_grad(c, h, theta, backend=backend, psi0=psi0),
    ):
        with pytest.raises(RevadError, match=match):
            call()


@pytest.mark.parametrize("psi0, match", BAD_PSI0)
def test_jax_functions_refuse_bad_psi0(problem, psi0, match):
    c, h = problem
    for f in (revad.state_fn(c), revad.expval_fn(c, [h]), revad.energy_fn(c, h, "tape")):
        with pytest.raises(RevadError, match=match):
            f(np.zeros(2), psi0)


def test_jax_functions_check_traced_psi0_shape(problem):
    import jax

    c, _ = problem
    f = revad.state_fn(c)
    with pytest.raises(RevadError, match="psi0 must have shape \\(4,\\)"):
        jax.jit(f)(np.zeros(2), np.ones(8) / np.sqrt(8))


@pytest.mark.parametrize("backend", ["numpy", "jax"])
def test_psi0_on_every_entry_point(problem, backend):
    """ψ = U ψ0 from a state and from a basis index, and E from it, against dense."""
    from tests.reference import dense_unitary

    c, h = problem
    theta = np.array([0.3, -0.4])
    u = dense_unitary(c, theta)
    psi0 = np.array([0.5, 0.5j, -0.5, 0.5])
    for start, column in ((psi0, psi0), (2, np.eye(4)[2])):
        psi = revad.statevector(c, theta, backend=backend, psi0=start)
        np.testing.assert_allclose(psi, u @ column, rtol=0, atol=1e-14)
        e = np.vdot(u @ column, h.to_dense(2) @ (u @ column)).real
        assert revad.expectation(c, h, theta, backend=backend, psi0=start) == pytest.approx(
            e, abs=1e-14
        )
        assert revad.value_and_grad(c, h, theta, backend=backend, psi0=start)[0] == pytest.approx(
            e, abs=1e-14
        )


@pytest.mark.parametrize("observables", [[], None, "H", 3])
def test_expval_fn_needs_a_list_of_hamiltonians(problem, observables):
    c, h = problem
    with pytest.raises(RevadError, match="non-empty list of revad.Hamiltonian"):
        revad.expval_fn(c, observables)
    with pytest.raises(RevadError, match="expected a revad.Hamiltonian"):
        revad.expval_fn(c, [h, 3])
    with pytest.raises(RevadError, match="acts on 3 qubits"):
        revad.expval_fn(c, [revad.heisenberg(3)])
    with pytest.raises(RevadError, match="expected a revad.Circuit"):
        revad.state_fn(h)
