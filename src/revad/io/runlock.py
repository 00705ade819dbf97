"""One training per output folder: create it, check it is writable, lock it.

The lock is ``folder/.revad.lock``, created with ``O_CREAT | O_EXCL`` (atomic: of two
runs, exactly one creates it) and holding the owner's pid and host. A lock whose pid is
not running on this host is stale (the run was killed): it is taken over with a note.
A lock from another host cannot be checked, so it is refused; the message says which
file to delete. Trade-off: a run killed by SIGKILL leaves its lock behind, which the
next run takes over; it never blocks the folder for good on the same host.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import RevadError

LOCK = ".revad.lock"
_HELD: set[str] = set()  # lock files held by this process (a reused pid is not "alive")


def _pid_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would terminate it there: assume alive
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _read_owner(path: Path) -> dict | None:
    """The lock's {"pid", "host"}, or None if unreadable (e.g. still being written)."""
    try:
        owner = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    pid, host = (owner.get("pid"), owner.get("host")) if isinstance(owner, dict) else (0, 0)
    ok = isinstance(pid, int) and not isinstance(pid, bool) and pid > 0 and isinstance(host, str)
    return {"pid": pid, "host": host} if ok else None


class RunLock:
    """The lock on ``folder``: :meth:`acquire` or a clear RevadError; :meth:`release`."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.path = self.folder / LOCK
        self._key = str(self.path.resolve())
        self._held = False

    def acquire(self) -> None:
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                self._take_over_if_stale()
                continue
            except OSError as exc:
                raise RevadError(f"cannot lock {self.folder}: {exc.strerror or exc}") from None
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump({"pid": os.getpid(), "host": socket.gethostname()}, f)
            _HELD.add(self._key)
            self._held = True
            return
        raise RevadError(f"cannot lock {self.folder}: {self.path} keeps reappearing")

    def _take_over_if_stale(self) -> None:
        owner = _read_owner(self.path)
        if owner is None:
            if not self.path.exists():
                return  # released meanwhile: try again
            raise RevadError(
                f"{self.folder} is locked by another run ({self.path} is unreadable); "
                "if no run is using the folder, delete that file"
            )
        pid, host = owner["pid"], owner["host"]
        if host != socket.gethostname():
            raise RevadError(
                f"{self.folder} is in use by pid {pid} on host {host}; if that run is "
                f"over, delete {self.path}"
            )
        ours = pid == os.getpid() and self._key in _HELD
        if ours or (pid != os.getpid() and _pid_alive(pid)):
            raise RevadError(
                f"{self.folder} is in use by another training (pid {pid} on {host}); "
                "wait for it, or choose another --out"
            )
        # Stale. Move it aside and check it is the one we judged: another run may have
        # taken it over between our read and the move; then put theirs back.
        aside = self.path.with_name(f"{LOCK}.{os.getpid()}.stale")
        try:
            os.replace(self.path, aside)
        except FileNotFoundError:
            return
        try:
            if _read_owner(aside) != owner:
                with contextlib.suppress(OSError):
                    os.link(aside, self.path)
                return
            print(
                f"revad: note: {self.folder} was locked by pid {pid}, which is no longer "
                "running; taking the lock over",
                file=sys.stderr,
                flush=True,
            )
        finally:
            with contextlib.suppress(OSError):
                os.unlink(aside)

    def release(self) -> None:
        if not self._held:
            return
        self._held = False
        _HELD.discard(self._key)
        owner = _read_owner(self.path)
        if owner is not None and owner["pid"] == os.getpid():
            with contextlib.suppress(OSError):
                os.unlink(self.path)


def _make_folder(folder: Path) -> list[Path]:
    """mkdir -p ``folder``; the folders it created, deepest first."""
    if folder.exists() and not folder.is_dir():
        raise RevadError(f"output folder {folder} exists and is not a folder")
    created = []
    p = folder
    while not p.exists() and p != p.parent:
        created.append(p)
        p = p.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _remove_empty(created)
        raise RevadError(f"cannot create output folder {folder}: {exc.strerror or exc}") from None
    return created


def _remove_empty(created: list[Path]) -> None:
    for p in created:
        try:
            p.rmdir()  # only if empty
        except OSError:
            return


def check_writable(folder: Path) -> None:
    """Create, write and remove a probe file in ``folder`` (as checkpoints will), or fail."""
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".revad-probe.", suffix=".tmp")
        try:
            os.write(fd, b"probe")
        finally:
            os.close(fd)
            os.unlink(tmp)
    except OSError as exc:
        raise RevadError(f"output folder {folder} is not writable: {exc.strerror or exc}") from None


@contextlib.contextmanager
def claim(folder: str | os.PathLike) -> Iterator[Path]:
    """Create ``folder`` if needed, check it is writable and lock it; unlock on exit
    (error and Ctrl-C included). On failure, folders this call created are removed
    if still empty."""
    if str(folder) == "":
        raise RevadError("the output folder must not be empty (--out '')")
    folder = Path(folder)
    created = _make_folder(folder)
    lock = RunLock(folder)
    ok = False
    try:
        check_writable(folder)
        lock.acquire()
        yield folder
        ok = True
    finally:
        lock.release()
        if not ok:
            _remove_empty(created)
