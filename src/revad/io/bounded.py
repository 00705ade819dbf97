"""Bounded reads of user files: a regular file (``stat`` before opening, so a device or a
FIFO is never read; opened non-blocking in case it was swapped since) of at most
``limit`` bytes (at most that plus one byte is read, whatever ``st_size`` says), UTF-8."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import RevadError

_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def _too_big(path: Path, size: int, limit: int, what: str) -> str:
    return (
        f"{path}: file is larger than revad's limit of {limit // 2**20} MiB for a "
        f"{what} ({size / 2**20:.1f} MiB or more)"
    )


def _check_regular(path: Path, st: os.stat_result, limit: int, what: str) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise RevadError(f"{path}: is a directory, not a {what}")
    if not stat.S_ISREG(st.st_mode):
        kind = _KINDS.get(stat.S_IFMT(st.st_mode), "not a regular file")
        raise RevadError(f"{path}: is {kind}; {what}s must be regular files")
    if st.st_size > limit:
        raise RevadError(_too_big(path, st.st_size, limit, what))


def read_text(path: Path, limit: int, what: str) -> str:
    """The text of the ``what`` (e.g. "graph file") at ``path``, or a RevadError naming it."""
    try:
        _check_regular(path, os.stat(path), limit, what)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            _check_regular(path, os.fstat(f.fileno()), limit, what)
            raw = f.read(limit + 1)
    except FileNotFoundError:
        raise RevadError(f"{path}: no such file") from None
    except OSError as err:
        raise RevadError(f"{path}: cannot read ({err.strerror or err})") from None
    if len(raw) > limit:
        raise RevadError(_too_big(path, len(raw), limit, what))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise RevadError(f"{path}: not UTF-8 text (bad byte at offset {err.start})") from None
