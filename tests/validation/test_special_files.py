"""A FIFO, a directory or a device given as a dataset is refused at once (exit 2), never
read: opening a FIFO for reading would wait forever for a writer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from aoft_tui.domain.validation import DatasetIOError, validate_file

from .validation_helpers import jsonl, many_chats, write

MODEL = "gpt-4o-mini-2024-07-18"


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command in its own process: a hang is a timeout here, not a stuck suite."""
    return subprocess.run(
        [sys.executable, "-c", "from aoft_tui.cli import run; run()", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=15,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "train.jsonl"
    os.mkfifo(path)
    return path


def test_validate_refuses_a_fifo_at_once(fifo: Path) -> None:
    result = _cli("validate", str(fifo))
    assert result.returncode == 2
    assert str(fifo) in result.stderr and "named pipe" in result.stderr
    assert "regular file" in result.stderr and "Traceback" not in result.stderr


def test_validate_refuses_a_fifo_as_the_validation_file(fifo: Path, tmp_path: Path) -> None:
    train = write(tmp_path / "ok.jsonl", jsonl(many_chats(12)))
    result = _cli("validate", str(train), "--validation", str(fifo))
    assert result.returncode == 2 and "named pipe" in result.stderr


def test_start_refuses_a_fifo_before_uploading(fifo: Path, emulator, service) -> None:
    result = _cli(
        "start",
        str(fifo),
        "-m",
        MODEL,
        env={"AZURE_OPENAI_ENDPOINT": emulator.endpoint, "AZURE_OPENAI_API_KEY": emulator.api_key},
    )
    assert result.returncode == 2, result.stderr
    assert "named pipe" in result.stderr and "Traceback" not in result.stderr
    assert emulator.api_key not in result.stderr
    assert service.list_files() == []


@pytest.mark.parametrize("path, what", [("/dev/null", "character device"), (".", "directory")])
def test_other_non_regular_files_are_refused(path: str, what: str, tmp_path: Path) -> None:
    target = tmp_path if path == "." else Path(path)
    with pytest.raises(DatasetIOError, match=what):
        validate_file(target)


def test_a_path_with_a_nul_byte_is_a_clear_error_not_a_traceback() -> None:
    """Library callers can pass any string (a process's argv cannot hold NUL)."""
    from aoft_tui.domain.validation import DatasetIOError, validate_file

    with pytest.raises(DatasetIOError, match="NUL byte"):
        validate_file(Path("train\x00.jsonl"))
