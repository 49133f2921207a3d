"""The cost line's arithmetic adds up when examples are over the context (billed up to it)."""

from __future__ import annotations

import re
from pathlib import Path

from aoft_tui.cli.validate_cmd import render
from aoft_tui.domain.validation import validate_file

from .validation_helpers import chat, jsonl, many_chats, write

COST = re.compile(r"(\d+) epochs? (?:\(auto\) )?× ([\d,]+) tokens.*≈ ([\d,]+) billed tokens")


def _numbers(line: str) -> tuple[int, int, int]:
    m = COST.search(line)
    assert m, line
    epochs, per_epoch, billed = (int(g.replace(",", "")) for g in m.groups())
    return epochs, per_epoch, billed


def test_the_cost_line_multiplies_what_is_billed_per_epoch(tmp_path: Path) -> None:
    records = many_chats(12) + [chat("word " * 70_000, "ok")]  # ~70k tokens: over 65,536
    path = write(tmp_path / "train.jsonl", jsonl(records))
    report = validate_file(path, model="gpt-4o-mini")
    st = report.stats
    assert st.over_context == 1 and st.tokens.total > 12 * 20 + st.context_tokens
    line = next(x for x in render(report).splitlines() if x.startswith("Cost"))
    epochs, per_epoch, billed = _numbers(line)
    assert (epochs, billed) == (st.epochs, st.billed_tokens)
    assert epochs * per_epoch == billed
    assert per_epoch < st.tokens.total  # the long example counts up to the context only
    assert f"{st.context_tokens:,}" in line  # and the line says why


def test_within_the_context_the_line_is_unchanged(tmp_path: Path) -> None:
    path = write(tmp_path / "train.jsonl", jsonl(many_chats(20)))
    report = validate_file(path, model="gpt-4o-mini", n_epochs=2)
    line = next(x for x in render(report).splitlines() if x.startswith("Cost"))
    assert _numbers(line) == (2, report.stats.tokens.total, 2 * report.stats.tokens.total)
    assert "capped" not in line
