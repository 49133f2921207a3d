"""The command line's connection settings: --profile on every command, bad endpoints and
bad config files as one line with exit 2, credentials in the endpoint never printed."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from aoft_tui.cli import main


def test_an_unparsable_endpoint_is_one_line_and_exit_2() -> None:
    result = CliRunner().invoke(
        main, ["jobs"], env={"AZURE_OPENAI_ENDPOINT": "http://[::1", "AZURE_OPENAI_API_KEY": "k" * 32}
    )
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "Error: Configuration: AZURE_OPENAI_ENDPOINT is not a valid URL"
    )


@pytest.mark.parametrize("args", [["jobs"], ["push", "ftjob-1"], []])  # [] is the dashboard
def test_a_config_file_that_is_not_utf8_is_one_line_and_exit_2(write_config, args) -> None:
    path = write_config("")
    path.write_bytes(b'endpoint = "https://x.openai.azure.com"\n# \xff\n')
    result = CliRunner().invoke(main, args, env={})
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{path}, line 2: not UTF-8" in lines[0] and "Traceback" not in result.output


def test_credentials_in_the_endpoint_are_masked_on_success(seeded_emulator) -> None:
    endpoint = seeded_emulator.endpoint.replace("http://", "http://alice:hunter2@")
    result = CliRunner().invoke(
        main,
        ["jobs"],
        env={"AZURE_OPENAI_ENDPOINT": endpoint, "AZURE_OPENAI_API_KEY": seeded_emulator.api_key},
    )
    assert result.exit_code == 0, result.output
    assert "hunter2" not in result.output and "alice" not in result.output
    assert "job(s) on http://***@127.0.0.1" in result.stderr


def test_plain_http_off_this_machine_is_warned_about_on_stderr(write_config) -> None:
    # nothing listens there: the warning comes first, then the connection error
    result = CliRunner().invoke(
        main,
        ["jobs"],
        env={
            "AZURE_OPENAI_ENDPOINT": "http://aoai.invalid:9",
            "AZURE_OPENAI_API_KEY": "k" * 32,
            "OPENAI_MAX_RETRIES": "0",
        },
    )
    assert result.stderr.startswith("Warning: http://aoai.invalid:9 is plain http")


PROFILES = """
default_profile = "broken"
[profiles.broken]
endpoint = "http://127.0.0.1:9"
api_key_env = "BROKEN_KEY"
[profiles.emu]
endpoint = "{endpoint}"
api_key_env = "EMU_KEY"
"""


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--profile", "emu", "jobs", "--json"], {}),
        (["jobs", "--profile", "emu", "--json"], {}),
        (["jobs", "--json"], {"AOFT_TUI_PROFILE": "emu"}),
    ],
)
def test_the_profile_is_chosen_by_option_before_or_after_the_command_or_by_variable(
    write_config, seeded_emulator, seeded_service, args, env
) -> None:
    write_config(PROFILES.format(endpoint=seeded_emulator.endpoint))
    result = CliRunner().invoke(
        main, args, env={"EMU_KEY": seeded_emulator.api_key, "BROKEN_KEY": "x" * 32, **env}
    )
    assert result.exit_code == 0, result.output
    assert [job["id"] for job in json.loads(result.stdout)] == [j.id for j in seeded_service.list_jobs()]


def test_an_unknown_profile_is_exit_2_naming_the_known_ones(write_config) -> None:
    write_config(PROFILES.format(endpoint="https://x.openai.azure.com"))
    result = CliRunner().invoke(main, ["--profile", "staging", "jobs"], env={})
    assert (
        result.exit_code == 2 and "no profile 'staging'" in result.stderr and "broken, emu" in result.stderr
    )
