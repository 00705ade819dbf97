"""Built-in data files (molecular Hamiltonians); see docs/hamiltonians.md."""
