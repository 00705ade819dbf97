"""revad: variational quantum circuits differentiated by reversible in-place adjoint."""

from .ansatz import hardware_efficient, variational_circuit
from .api import energy_fn, expectation, statevector, value_and_grad
from .circuit import Circuit, Op
from .errors import RevadError
from .gates import GATES
from .hamiltonian import Hamiltonian, heisenberg, tfim, xxz
from .hamiltonian_io import load_hamiltonian, molecule_info, save_hamiltonian

__all__ = [
    "GATES",
    "Circuit",
    "Hamiltonian",
    "Op",
    "RevadError",
    "energy_fn",
    "expectation",
    "hardware_efficient",
    "heisenberg",
    "load_hamiltonian",
    "molecule_info",
    "save_hamiltonian",
    "statevector",
    "tfim",
    "value_and_grad",
    "variational_circuit",
    "xxz",
    "train",
]
__version__ = "0.1.0"


def __getattr__(name: str):
    """``revad.train`` is imported on first use, so importing revad does not load optax."""
    if name == "train":
        from .train import train

        return train
    raise AttributeError(f"module 'revad' has no attribute {name!r}")
