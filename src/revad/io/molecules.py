"""revad's built-in molecular Hamiltonians and their metadata: ``h2`` (4 qubits), ``lih``
(6), ``h4`` (8), ``beh2``, ``h2o`` and ``n2`` (12 each); see docs/hamiltonians.md.

They live in ``revad/data/<name>.json`` (the JSON format of :mod:`.hamiltonian_read`, with
the molecule's metadata as extra keys); ``scripts/make_molecules.py`` regenerates them.
"""

from __future__ import annotations

import importlib.resources
import json

from ..errors import RevadError
from ..ir.hamiltonian import Hamiltonian
from .hamiltonian_read import check_json_shape, hamiltonian_from_json, parse_json

BUILTINS = ("h2", "lih", "h4", "beh2", "h2o", "n2")  # small to large


def builtin_name(source) -> str | None:
    """The built-in molecule ``source`` names (case-insensitive), or None."""
    if isinstance(source, str) and source.strip().lower() in BUILTINS:
        return source.strip().lower()
    return None


def builtin_hamiltonian(name: str) -> Hamiltonian:
    """The Hamiltonian of the built-in molecule ``name`` (one of ``BUILTINS``)."""
    where = f"built-in molecule {name!r} (revad/data/{name}.json)"
    return hamiltonian_from_json(_builtin_data(name), where)


def molecule_info(name: str) -> dict:
    """Metadata of a built-in molecule: ``fci_energy``, ``hf_energy``, ``hf_bitstring``,
    ``hf_index``, ``n_electrons``, ``n_qubits``, ``n_terms``, geometry, basis, active space,
    mapping, the library and the command that generated it (a fresh copy each call)."""
    key = builtin_name(name)
    if key is None:
        raise RevadError(f"unknown built-in molecule {name!r}; built-ins: {', '.join(BUILTINS)}")
    data = _builtin_data(key)
    info = {k: v for k, v in data.items() if k != "terms"}
    info["n_terms"] = len(data["terms"])
    return json.loads(json.dumps(info))  # deep copy: callers may mutate it freely


def _builtin_text(name: str) -> str:
    return importlib.resources.files("revad.data").joinpath(f"{name}.json").read_text("utf-8")


def _builtin_data(name: str) -> dict:
    where = f"revad/data/{name}.json"
    try:
        text = _builtin_text(name)
    except (OSError, ModuleNotFoundError) as err:
        raise RevadError(f"{where}: built-in data file is missing ({err})") from None
    data = parse_json(text, where)
    check_json_shape(data, where)
    return data
