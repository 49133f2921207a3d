"""`aoft-tui emulator` as a user runs it: a real process, the export line, a real client."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from openai import AzureOpenAI

from aoft_tui.cli.emulator_cmd import _saved_or_new_key, command
from tests.reliability.process_support import start_emulator


@pytest.fixture
def emulator_process(tmp_path):
    proc = start_emulator(tmp_path / "state", "--seed-jobs", "5")
    try:
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_prints_the_exports_and_serves_them(emulator_process, tmp_path):
    line = emulator_process.stdout.readline()
    match = re.fullmatch(
        r"export AZURE_OPENAI_ENDPOINT=(\S+) AZURE_OPENAI_API_KEY=(\w+) "
        r"OPENAI_API_VERSION=(\S+)\n",
        line,
    )
    assert match, line
    endpoint, key, version = match.groups()
    client = AzureOpenAI(azure_endpoint=endpoint, api_key=key, api_version=version, max_retries=0)
    assert len(client.fine_tuning.jobs.list().data) == 5
    emulator_process.terminate()
    emulator_process.wait(timeout=10)
    assert (tmp_path / "state" / "emulator-state.json").exists()
    assert key not in emulator_process.stderr.read()  # the key goes to stdout only (the export line)
    assert _saved_or_new_key(tmp_path / "state") == key  # a restart on the same state dir keeps the key
    assert (tmp_path / "state" / "api-key").stat().st_mode & 0o077 == 0  # readable by the owner only


def test_a_busy_port_is_a_clear_error():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        result = CliRunner().invoke(command, ["--port", str(port)])
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output and "Traceback" not in result.output
