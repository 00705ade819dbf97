"""Hamiltonians from files or built-in molecules: revad's public entry points.

- :func:`load_hamiltonian` reads a built-in molecule (:mod:`.molecules`) or a file
  (:mod:`.hamiltonian_read`: the JSON and text formats, their limits and error messages);
- :func:`save_hamiltonian` writes a file atomically (:mod:`.hamiltonian_write`);
- :func:`molecule_info` gives a built-in molecule's metadata (:mod:`.molecules`).
"""

from __future__ import annotations

from ..errors import RevadError
from ..ir.hamiltonian import Hamiltonian
from .hamiltonian_read import MAX_FILE_BYTES, as_path, read_hamiltonian_file
from .hamiltonian_write import save_hamiltonian
from .molecules import BUILTINS, builtin_hamiltonian, builtin_name, molecule_info

__all__ = ["BUILTINS", "MAX_FILE_BYTES", "load_hamiltonian", "molecule_info", "save_hamiltonian"]


def load_hamiltonian(source) -> Hamiltonian:
    """A Hamiltonian from a built-in name (``"h2"``, ``"lih"``) or from a file.

    A string equal to a built-in name (case-insensitive) means the built-in; to read a
    file that happens to be called ``h2``, pass ``"./h2"`` or a ``Path``.
    Files ending in ``.json`` are read as JSON, all others as text (see
    :mod:`revad.io.hamiltonian_read`).
    """
    name = builtin_name(source)
    if name is not None:
        return builtin_hamiltonian(name)
    path = as_path(source)
    if not path.exists() and isinstance(source, str) and len(path.parts) == 1 and not path.suffix:
        raise RevadError(
            f"{source!r} is neither a built-in molecule ({', '.join(BUILTINS)}) nor an "
            "existing file"
        )
    return read_hamiltonian_file(path)
