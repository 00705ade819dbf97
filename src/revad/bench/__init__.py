"""Benchmarks: reversible adjoint vs tape AD vs PennyLane, Qiskit and Yao (``revad bench``).

- :mod:`.problem`: the standard problem and its translation to each peer.
- :mod:`.methods`: one ``prepare`` per method; peers are imported only there.
- :mod:`.worker`: one case in one process, printing a JSON record.
- :mod:`.runner`: suites, budgets, subprocesses, the energy check, ``results.json``.
- :mod:`.report`, :mod:`.plots`: the markdown table and the PNG plots.
- :mod:`.cli`: ``main(argv)`` behind ``revad bench``.
"""
