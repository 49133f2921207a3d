"""`aoft-tui` (no sub-command): configuration problems are one clear line, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aoft_tui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
    )


def test_unreadable_config_names_the_file(write_config) -> None:
    path = write_config("endpoint = 'https://x.openai.azure.com\n")  # unterminated string
    out = _run()
    assert out.returncode == 2
    assert str(path) in out.stderr and "Traceback" not in out.stderr + out.stdout


def test_config_of_the_wrong_shape_says_which_field(write_config) -> None:
    write_config("keymap = 3\n")
    out = _run("--demo")
    assert out.returncode == 2
    assert "keymap" in out.stderr and "Traceback" not in out.stderr + out.stdout


def test_endpoint_without_key_explains_what_to_set() -> None:
    out = _run(env={"AZURE_OPENAI_ENDPOINT": "https://example.openai.azure.com"})
    assert out.returncode == 2
    assert "AZURE_OPENAI_API_KEY" in out.stderr and "Traceback" not in out.stderr + out.stdout


def test_version_is_the_installed_distributions() -> None:
    from importlib.metadata import version

    out = _run("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"aoft-tui, version {version('aoft-tui')}"


def test_headless_commands_report_a_wrong_shaped_config_too(write_config) -> None:
    path = write_config('[prices]\n"gpt-4.1" = "cheap"\n')
    out = _run("jobs")
    assert out.returncode != 0
    assert str(path) in out.stderr and "prices.gpt-4.1 must be a number" in out.stderr
    assert "Traceback" not in out.stderr + out.stdout
