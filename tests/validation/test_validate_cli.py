"""`aoft-tui validate`: exit codes, JSON on stdout only, human report, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from aoft_tui.cli import main

from .validation_helpers import chat, jsonl, many_chats, write


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, ["validate", *args])
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exc_info
    return r.exit_code, r.stdout, r.stderr


def test_clean_file_exits_0_with_summary_and_cost(tmp_path: Path) -> None:
    path = write(tmp_path / "train.jsonl", jsonl(many_chats(20)))
    code, out, _ = run(str(path), "--model", "gpt-4o-mini")
    assert code == 0
    assert "20 examples" in out and "Tokens per example" in out
    assert "$3.00/1M" in out and "No problems found" in out


def test_errors_exit_1_grouped_by_code_with_location(tmp_path: Path) -> None:
    recs = many_chats(12)
    recs[2] = {
        "messages": [
            {"role": "user", "content": "q"},
            {
                "role": "assistant",
                "tool_calls": [
                    {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{not json"}}
                ],
            },
        ]
    }
    path = write(tmp_path / "train.jsonl", jsonl(recs))
    code, out, _ = run(str(path))
    assert code == 1
    assert "tool_arguments_not_json" in out
    assert f"{path}:3 messages[1].tool_calls[0].function.arguments" in out


def test_warnings_only_exit_0(tmp_path: Path) -> None:
    path = write(tmp_path / "train.jsonl", jsonl(many_chats(12) + many_chats(1)))
    code, out, _ = run(str(path))
    assert code == 0 and "duplicate_example" in out


def test_json_is_the_only_stdout(tmp_path: Path) -> None:
    path = write(tmp_path / "train.jsonl", jsonl(many_chats(5)))
    code, out, _ = run(str(path), "--json", "--model", "gpt-4.1")
    doc = json.loads(out)
    assert code == 1
    assert doc["schema"] == "aoft-tui/validation-report/v1"
    assert doc["ok"] is False and doc["summary"]["errors"] == 1
    assert doc["problems"][0]["code"] == "too_few_examples"
    assert set(doc["stats"]) >= {"examples", "tokens", "billed_tokens", "epochs", "est_cost_usd"}


def test_missing_file_exits_2_without_traceback(tmp_path: Path) -> None:
    code, out, err = run(str(tmp_path / "missing.jsonl"))
    assert code == 2
    assert "no such file" in err and "Traceback" not in out + err


def test_bad_method_is_usage_error(tmp_path: Path) -> None:
    path = write(tmp_path / "train.jsonl", jsonl(many_chats(12)))
    code, _, err = run(str(path), "--method", "magic")
    assert code == 2 and "magic" in err


def test_method_mismatch(tmp_path: Path) -> None:
    path = write(tmp_path / "train.jsonl", jsonl(many_chats(12)))
    code, out, _ = run(str(path), "--method", "dpo", "--json")
    doc = json.loads(out)
    assert code == 1
    assert doc["problem_counts"]["wrong_format_for_method"]["count"] == 12


def test_utf16_file_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path / "train.jsonl", json.dumps(chat()).encode("utf-16"))
    code, out, _ = run(str(path))
    assert code == 1 and "UTF-16" in out and "iconv" in out


def test_price_overrides_from_the_config_file(tmp_path: Path, monkeypatch) -> None:
    from aoft_tui.services.settings import config_file, load_settings

    config_file().parent.mkdir(parents=True, exist_ok=True)
    config_file().write_text('[prices]\n"gpt-4o-mini" = 100.0\n')
    assert load_settings().prices == {"gpt-4o-mini": 100.0}  # the same file Settings reads
    path = write(tmp_path / "train.jsonl", jsonl(many_chats(20)))
    code, out, _ = run(str(path), "--model", "gpt-4o-mini", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["stats"]["price_per_million"] == 100.0
    config_file().write_text("[prices\n")
    code, out, err = run(str(path), "--model", "gpt-4o-mini")
    assert code == 0 and "$3.00/1M" in out and "price overrides not loaded" in err


def test_the_file_line_gives_the_size_in_binary_units() -> None:
    """It said "3.0 MB" for 3 MiB: the size now reads as everywhere else (3.0 MiB)."""
    import click

    from aoft_tui.cli.validate_cmd import _file_line
    from aoft_tui.domain.validation import FileStats

    line = click.unstyle(_file_line(FileStats(file="train.jsonl", format="chat", size_bytes=3 * 2**20)))
    assert line.endswith("· 3.0 MiB"), line
    assert click.unstyle(_file_line(FileStats(file="t.jsonl", format="chat", size_bytes=700))).endswith(
        "· 700 B"
    )
