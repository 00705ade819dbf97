"""Benchmarks: reversible adjoint vs tape AD vs PennyLane, Qiskit and Yao (``revad bench``).

- :mod:`.problem`: the standard problem and its translation to each peer.
- :mod:`.methods`: one ``prepare`` per method; peers are imported only there.
- :mod:`.settings`: the suites (cases) and the settings of a run.
- :mod:`.environment`: machine, versions, thread environment, git: the run's facts.
- :mod:`.records`: :class:`~.records.Record` (one case), its :class:`~.records.Status`,
  its JSON form (``results.json``, the worker's output lines).
- :mod:`.worker`: one case in one process, printing its records.
- :mod:`.case`: one case in a subprocess, watched for its time budget and memory limit.
- :mod:`.checks`: the energy and gradient cross-check of a case's methods.
- :mod:`.runner`: the suite loop (skips after a kill), ``results.json``, ``replot``.
- :mod:`.report`, :mod:`.plots`: the markdown table and the PNG plots.
- :mod:`.cli`: ``main(argv)`` behind ``revad bench``.

Imports go down this list's dependency order: ``settings``, ``environment`` and
``records`` import nothing of the others; ``cli`` imports ``runner``, which imports
``case``, ``checks`` and ``methods``; ``case`` starts ``worker``.
"""
