"""Dataset tables: one row per example for every format, and a table file wandb reads back."""

from __future__ import annotations

import io
import json
from pathlib import Path

from aoft_tui.services.wandb_push.dataset_table import COLUMNS, TableFileWriter, example_row, iter_rows


def cell(row: list, column: str):
    return row[COLUMNS.index(column)]


def line(obj: object) -> str:
    return json.dumps(obj)


def test_single_turn_keeps_wandblogger_columns() -> None:
    row = example_row(
        1,
        line(
            {
                "messages": [
                    {"role": "system", "content": "Be brief."},
                    {"role": "user", "content": "Hi"},
                    {"role": "assistant", "content": "Hello."},
                ]
            }
        ),
    )
    assert (cell(row, "role: system"), cell(row, "role: user"), cell(row, "role: assistant")) == (
        "Be brief.",
        "Hi",
        "Hello.",
    )
    assert cell(row, "format") == "chat" and cell(row, "turns") == 3 and cell(row, "history") is None


def test_multi_turn_puts_earlier_turns_in_history() -> None:
    row = example_row(
        7,
        line(
            {
                "messages": [
                    {"role": "user", "content": "What is 2+2?"},
                    {"role": "assistant", "content": "4", "weight": 0},
                    {"role": "user", "content": "And times 3?"},
                    {"role": "assistant", "content": "12", "weight": 1},
                ]
            }
        ),
    )
    assert cell(row, "line") == 7
    assert cell(row, "role: user") == "And times 3?"
    assert cell(row, "role: assistant") == "12"
    assert cell(row, "history") == "user: What is 2+2?\nassistant: 4"
    assert cell(row, "weight") == 1 and cell(row, "turns") == 4


def test_tool_calls_and_tool_names() -> None:
    row = example_row(
        2,
        line(
            {
                "messages": [
                    {"role": "user", "content": "Weather in Paris?"},
                    {
                        "role": "assistant",
                        "tool_calls": [
                            {
                                "id": "c1",
                                "type": "function",
                                "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                            }
                        ],
                    },
                    {"role": "tool", "tool_call_id": "c1", "content": "18C"},
                    {"role": "assistant", "content": "18 °C in Paris."},
                ],
                "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {}}}],
            }
        ),
    )
    assert cell(row, "format") == "chat+tools"
    assert cell(row, "tools") == "get_weather"
    assert cell(row, "tool_calls") == 'get_weather({"city": "Paris"})\nc1 -> 18C'
    assert cell(row, "role: assistant") == "18 °C in Paris."
    assert "get_weather" in cell(row, "history")


def test_vision_images_are_references_not_payloads() -> None:
    data_url = "data:image/png;base64," + "A" * 5000
    row = example_row(
        3,
        line(
            {
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {"type": "text", "text": "What is this?"},
                            {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
                            {"type": "image_url", "image_url": {"url": data_url}},
                        ],
                    },
                    {"role": "assistant", "content": "A cat."},
                ]
            }
        ),
    )
    images = cell(row, "images").splitlines()
    assert images[0] == "https://example.com/cat.png"
    assert images[1].startswith("data:image/png;base64,…") and "5,022 chars inline" in images[1]
    assert "What is this?" in cell(row, "role: user") and "AAAA" not in json.dumps(row)


def test_dpo_preferred_and_rejected() -> None:
    row = example_row(
        4,
        line(
            {
                "input": {
                    "messages": [{"role": "user", "content": "Say hi"}],
                    "tools": [],
                    "parallel_tool_calls": True,
                },
                "preferred_output": [{"role": "assistant", "content": "Hi!"}],
                "non_preferred_output": [{"role": "assistant", "content": "Go away."}],
            }
        ),
    )
    assert cell(row, "format") == "dpo"
    assert (cell(row, "role: user"), cell(row, "role: assistant"), cell(row, "rejected")) == (
        "Say hi",
        "Hi!",
        "Go away.",
    )


def test_prompt_completion_and_bad_lines_still_get_rows() -> None:
    assert cell(example_row(1, line({"prompt": "p", "completion": "c"})), "role: assistant") == "c"
    bad = example_row(9, "{not json")
    assert (
        cell(bad, "format") == "invalid"
        and "line" not in cell(bad, "note")
        and "not valid JSON" in cell(bad, "note")
    )
    other = example_row(10, line({"foo": 1}))
    assert cell(other, "format") == "unknown" and "foo" in cell(other, "note")


def test_iter_rows_skips_blank_lines_and_numbers_real_lines(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text(
        line({"prompt": "a", "completion": "b"}) + "\n\n" + line({"prompt": "c", "completion": "d"}) + "\n"
    )
    assert [r[0] for r in iter_rows(path)] == [1, 3]


def test_table_file_reads_back_with_wandb() -> None:
    import wandb

    buf = io.StringIO()
    writer = TableFileWriter(buf, ["a", "b"])
    for i in range(3):
        writer.add([i, f"row {i}"])
    writer.close()
    doc = json.loads(buf.getvalue())
    assert doc["nrows"] == 3 and doc["_type"] == "table"
    table = wandb.Table.from_json(doc, source_artifact=None)
    assert table.columns == ["a", "b"] and table.data == [[0, "row 0"], [1, "row 1"], [2, "row 2"]]
