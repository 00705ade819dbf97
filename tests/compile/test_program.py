"""Compiled programs are cached on the circuit's content, never on the object."""

import copy

import numpy as np

import revad
from revad.compile.program import ContentCache, compile_circuit, compile_fused


def test_same_content_shares_a_program_changed_content_recompiles():
    c = revad.variational_circuit(3, 2)
    first = compile_fused(c)
    assert compile_fused(copy.copy(c)) is first  # equal content, another object
    c.add("rx", 0, angle=0.5)
    assert compile_fused(c) is not first
    ops = compile_circuit(c)
    assert ops.kind.shape == (len(c),) and ops.angle[-1] == 0.5


def test_cache_keeps_the_newest_entries():
    built = []
    cache = ContentCache(lambda key: built.append(key) or len(built), size=2)
    assert [cache("a"), cache("b"), cache("a"), cache("c"), cache("b")] == [1, 2, 1, 3, 4]
    assert built == ["a", "b", "c", "b"]  # "b" was evicted by "c" ("a" had been used since)
    cache.clear()
    assert cache("a") == 5


def test_fixed_angles_and_slots_are_arrays_of_the_circuit():
    c = revad.Circuit(2)
    (k,) = c.new_params(1)
    c.add("ry", 1, param=k)
    c.add("cnot", (0, 1))
    c.add("rz", 0, angle=-0.25)
    ops = compile_circuit(c)
    np.testing.assert_array_equal(ops.slot, [0, 1, 1])  # n_params (1) marks "fixed"
    np.testing.assert_array_equal(ops.a, [1, 0, 0])
    np.testing.assert_array_equal(ops.b, [1, 1, 0])
    assert ops.angle[2] == -0.25
