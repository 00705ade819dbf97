"""revad's error type: a ``ValueError`` whose message names the problem."""


class RevadError(ValueError):
    """Bad input to revad (wrong qubit, parameter count, NaN, unknown name, ...)."""
