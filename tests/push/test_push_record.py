"""The record of steps already written: ranges that behave like a set, saved atomically."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from aoft_tui.services.wandb_push.record import PushRecord, StepSet


@given(st.lists(st.integers(min_value=0, max_value=300), max_size=200))
def test_stepset_is_a_set_of_merged_ranges(steps: list[int]) -> None:
    got = StepSet()
    for step in steps:
        got.add(step)
    expected = set(steps)
    assert len(got) == len(expected)
    assert all(s in got for s in expected) and not any(s in got for s in range(-1, 302) if s not in expected)
    flat = [s for a, b in got.ranges for s in range(a, b + 1)]
    assert flat == sorted(expected)
    # merged: no two ranges touch
    assert all(b + 1 < c for (_, b), (c, _) in zip(got.ranges, got.ranges[1:], strict=False))


def test_record_round_trips_and_ignores_a_corrupt_file() -> None:
    record = PushRecord(
        run_id="ftjob-1",
        project="P",
        entity="team",
        last_step=9,
        steps=[[1, 9]],
        artifacts=["model-metadata"],
        complete=True,
        status="succeeded",
    )
    record.save()
    loaded = PushRecord.load("ftjob-1", "P", "team")
    assert loaded == record
    # another project or entity is another run
    assert PushRecord.load("ftjob-1", "Q", "team").steps == []
    PushRecord.path_for("ftjob-1", "P", "team").write_text("{not json")
    assert PushRecord.load("ftjob-1", "P", "team").steps == []
