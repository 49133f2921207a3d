"""What the emulator exposes: a warning when it listens beyond loopback, and a state dir
(uploaded data, results) that only its owner can read."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from aoft_tui.emulator.embedded import EmbeddedEmulator

from .emulator_helpers import create_job, processed_file, sdk


def _stderr_of(*args: str) -> str:
    proc = subprocess.Popen(
        [sys.executable, "-m", "aoft_tui", "emulator", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout.readline().startswith("export AZURE_OPENAI_ENDPOINT=")
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    return err


def test_a_non_loopback_host_warns_on_stderr():
    err = _stderr_of("--host", "0.0.0.0")
    assert "Warning: --host 0.0.0.0 serves the emulator to the network" in err
    assert "uploaded" in err and "key-protected API" in err


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_loopback_hosts_do_not_warn(host):
    assert "Warning" not in _stderr_of("--host", host)


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_state_files_are_owner_only(tmp_path):
    state = tmp_path / "state"
    old_umask = os.umask(0o022)  # the usual umask, which made them 0644 before
    try:
        with EmbeddedEmulator(speed=0, seed=1, state_dir=state) as emu:
            client = sdk(emu)
            create_job(client, processed_file(client))
    finally:
        os.umask(old_umask)
    contents = state / "files"
    assert _mode(state) == 0o700 and _mode(contents) == 0o700
    assert _mode(state / "emulator-state.json") == 0o600
    uploaded = list(contents.iterdir())
    assert uploaded and all(_mode(f) == 0o600 for f in uploaded)


def test_a_deleted_file_leaves_the_disk(tmp_path):
    with EmbeddedEmulator(speed=0, seed=1, state_dir=tmp_path) as emu:
        client = sdk(emu)
        file_id = processed_file(client)
        assert (tmp_path / "files" / file_id).exists()
        client.files.delete(file_id)
        assert not (tmp_path / "files" / file_id).exists()
