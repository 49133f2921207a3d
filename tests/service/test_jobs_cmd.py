"""`aoft-tui jobs` against the emulator through click's CliRunner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from aoft_tui.cli import main


def _env(emu, **extra: str) -> dict[str, str]:
    return {"AZURE_OPENAI_ENDPOINT": emu.endpoint, "AZURE_OPENAI_API_KEY": emu.api_key, **extra}


def test_table_lists_every_job_aligned(seeded_emulator, seeded_service) -> None:
    jobs = seeded_service.list_jobs()
    result = CliRunner().invoke(main, ["jobs"], env=_env(seeded_emulator))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["ID", "STATUS", "MODEL"]
    assert [line.split()[0] for line in lines[1:]] == [j.id for j in jobs]
    status_col = lines[0].index("STATUS")
    assert all(
        line[status_col:].split()[0] == j.status.value for line, j in zip(lines[1:], jobs, strict=True)
    )
    assert f"{len(jobs)} job(s)" in result.stderr


def test_json_is_the_api_objects(seeded_emulator, seeded_service) -> None:
    result = CliRunner().invoke(main, ["jobs", "--json"], env=_env(seeded_emulator))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["id"] for d in data] == [j.id for j in seeded_service.list_jobs()]
    assert all(d["object"] == "fine_tuning.job" and "training_file" in d and "created_at" in d for d in data)


def test_status_filter(seeded_emulator, seeded_service) -> None:
    expected = [j.id for j in seeded_service.list_jobs(status="succeeded")]
    result = CliRunner().invoke(main, ["jobs", "--status", "succeeded", "--json"], env=_env(seeded_emulator))
    assert result.exit_code == 0
    assert [d["id"] for d in json.loads(result.stdout)] == expected and expected


def test_empty_resource(emulator) -> None:
    result = CliRunner().invoke(main, ["jobs"], env=_env(emulator))
    assert result.exit_code == 0 and result.stdout == ""
    assert "No fine-tuning jobs" in result.stderr


def test_missing_endpoint_tells_what_to_set() -> None:
    result = CliRunner().invoke(main, ["jobs"], env={"AZURE_OPENAI_ENDPOINT": "", "AZURE_OPENAI_API_KEY": ""})
    assert result.exit_code == 2
    assert "AZURE_OPENAI_ENDPOINT" in result.stderr and "AZURE_OPENAI_API_KEY" in result.stderr
    assert "aoft-tui emulator" in result.stderr
    assert "Traceback" not in result.output


def test_rejected_key_is_one_line_without_the_key(emulator) -> None:
    wrong = "not-the-right-key-123456"
    result = CliRunner().invoke(main, ["jobs"], env=_env(emulator, AZURE_OPENAI_API_KEY=wrong))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Authentication failed: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert wrong not in result.output and "Traceback" not in result.output


def test_broken_config_file_is_exit_2(tmp_path, monkeypatch) -> None:
    config = tmp_path / "cfg"
    config.mkdir()
    (config / "config.toml").write_text("endpoint = [unclosed\n")
    monkeypatch.setenv("AOFT_TUI_CONFIG_DIR", str(config))
    result = CliRunner().invoke(main, ["jobs"])
    assert result.exit_code == 2
    assert "config.toml" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize("flag", ["--status=bogus"])
def test_bad_status_is_a_usage_error(flag: str) -> None:
    result = CliRunner().invoke(main, ["jobs", flag])
    assert result.exit_code == 2


def test_piped_table_keeps_full_model_names(seeded_emulator, seeded_service) -> None:
    names = [j.fine_tuned_model for j in seeded_service.list_jobs() if j.fine_tuned_model]
    assert names
    result = CliRunner().invoke(main, ["jobs"], env=_env(seeded_emulator))
    assert all(name in result.stdout for name in names)


def test_table_fits_a_narrow_terminal_keeping_ids_and_suffixes(seeded_service) -> None:
    from aoft_tui.cli.jobs_cmd import format_table

    jobs = seeded_service.list_jobs()
    full = format_table(jobs)
    narrow = format_table(jobs, max_width=130)
    assert max(map(len, full.splitlines())) > 130
    assert max(map(len, narrow.splitlines())) <= 130
    assert "…" in narrow
    for job, line in zip(jobs, narrow.splitlines()[1:], strict=True):
        assert line.startswith(job.id)  # ids are never shortened
        if job.fine_tuned_model and job.suffix:
            assert job.suffix in line  # the tail (the suffix) survives


def test_endpoint_without_key_names_what_is_missing() -> None:
    result = CliRunner().invoke(
        main,
        ["jobs"],
        env={"AZURE_OPENAI_ENDPOINT": "https://x.openai.azure.com", "AZURE_OPENAI_API_KEY": ""},
    )
    assert result.exit_code == 2
    assert "(AZURE_OPENAI_API_KEY not set)" in result.stderr


def test_endpoint_without_scheme_is_exit_2() -> None:
    result = CliRunner().invoke(
        main,
        ["jobs"],
        env={"AZURE_OPENAI_ENDPOINT": "res.openai.azure.com", "AZURE_OPENAI_API_KEY": "k" * 32},
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Configuration: AZURE_OPENAI_ENDPOINT must be a URL")


def test_unreachable_endpoint_is_exit_1_naming_it() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    endpoint = f"http://127.0.0.1:{port}"
    env = {"AZURE_OPENAI_ENDPOINT": endpoint, "AZURE_OPENAI_API_KEY": "k" * 32}
    result = CliRunner().invoke(main, ["jobs"], env=env)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Connection problem: Could not reach " + endpoint)
