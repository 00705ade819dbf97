"""One training per output folder: a lock with the owner's pid, stale locks taken over."""

import json
import os
import socket
import subprocess
import sys

import pytest

import revad
from revad.app.train import train
from revad.errors import RevadError
from revad.io import runlock
from revad.io.runlock import LOCK, claim


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_second_writer_is_refused_and_lock_released(tmp_path):
    with claim(tmp_path):
        owner = json.loads((tmp_path / LOCK).read_text())
        assert owner == {"pid": os.getpid(), "host": socket.gethostname()}
        with pytest.raises(RevadError, match="in use by another training"):
            with claim(tmp_path):
                pass
    assert not (tmp_path / LOCK).exists()


def test_lock_of_a_running_process_is_refused(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / LOCK).write_text(json.dumps({"pid": proc.pid, "host": socket.gethostname()}))
        with pytest.raises(RevadError, match=f"pid {proc.pid}"):
            with claim(tmp_path):
                pass
    finally:
        proc.kill()
        proc.wait()
    assert (tmp_path / LOCK).exists()  # not ours: left alone


def test_stale_lock_is_taken_over(tmp_path, capsys):
    (tmp_path / LOCK).write_text(json.dumps({"pid": dead_pid(), "host": socket.gethostname()}))
    with claim(tmp_path):
        assert json.loads((tmp_path / LOCK).read_text())["pid"] == os.getpid()
    assert "no longer running" in capsys.readouterr().err


def test_lock_from_another_host_is_refused(tmp_path):
    (tmp_path / LOCK).write_text(json.dumps({"pid": 1, "host": "elsewhere"}))
    with pytest.raises(RevadError, match="on host elsewhere.*delete"):
        with claim(tmp_path):
            pass


def test_unreadable_lock_is_refused(tmp_path):
    (tmp_path / LOCK).write_text("not json")
    with pytest.raises(RevadError, match="unreadable"):
        with claim(tmp_path):
            pass


def test_released_on_error_and_new_folder_removed(tmp_path):
    folder = tmp_path / "a" / "b"
    with pytest.raises(KeyError):
        with claim(folder):
            assert (folder / LOCK).exists()
            raise KeyError("stopped")
    assert not (tmp_path / "a").exists()  # created by the claim, empty again


def test_not_a_folder_and_not_writable(tmp_path, monkeypatch):
    (tmp_path / "f").write_text("x")
    with pytest.raises(RevadError, match="exists and is not a folder"):
        with claim(tmp_path / "f"):
            pass

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(runlock.tempfile, "mkstemp", refuse)
    with pytest.raises(RevadError, match="is not writable: Permission denied"):
        with claim(tmp_path / "g"):
            pass
    assert not (tmp_path / "g").exists()


def test_training_refuses_a_locked_folder(tmp_path):
    c, h = revad.variational_circuit(2, 1), revad.heisenberg(2)
    with claim(tmp_path):
        with pytest.raises(RevadError, match="in use by another training"):
            train(c, h, steps=1, out=tmp_path, progress=False)
