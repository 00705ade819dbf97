"""revad: variational quantum circuits differentiated by reversible in-place adjoint."""

from .api import energy_fn, expectation, expval_fn, state_fn, statevector, value_and_grad
from .diff.strategies import Adjoint, Tape
from .errors import RevadError
from .io.graph_file import read_graph
from .io.hamiltonian_io import load_hamiltonian, molecule_info, save_hamiltonian
from .ir.ansatz import hardware_efficient, hva, qaoa, uccsd, variational_circuit
from .ir.circuit import Circuit, Op
from .ir.gates import GATES
from .ir.graphs import max_cut, maxcut, random_regular_graph
from .ir.hamiltonian import Hamiltonian, heisenberg, tfim, xxz

__all__ = [
    "Adjoint",
    "Tape",
    "GATES",
    "Circuit",
    "Hamiltonian",
    "Op",
    "RevadError",
    "energy_fn",
    "expectation",
    "expval_fn",
    "hardware_efficient",
    "heisenberg",
    "hva",
    "load_hamiltonian",
    "max_cut",
    "maxcut",
    "molecule_info",
    "qaoa",
    "random_regular_graph",
    "read_graph",
    "save_hamiltonian",
    "state_fn",
    "statevector",
    "tfim",
    "uccsd",
    "value_and_grad",
    "variational_circuit",
    "xxz",
    "train",
]
__version__ = "0.1.0"


def __getattr__(name: str):
    """``revad.train`` is imported on first use, so importing revad does not load optax."""
    if name == "train":
        from .app.train import train

        return train
    raise AttributeError(f"module 'revad' has no attribute {name!r}")
