"""Atomic writes: a reader sees the old file or the new one, never a torn one."""

import os
import stat

import pytest

from revad.io.atomic import atomic_write, atomic_write_text


def test_write_replaces_and_keeps_permissions(tmp_path):
    path = tmp_path / "f.txt"
    atomic_write_text(path, "one")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    os.chmod(path, 0o600)
    atomic_write_text(path, "two")
    assert path.read_text() == "two" and stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "f.bin"
    atomic_write(path, lambda f: f.write(b"old"), binary=True)

    def fail(f):
        f.write(b"half")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        atomic_write(path, fail, binary=True)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.bin"]
