"""Formatting: every status reads without colour; times, durations and tokens stay short."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aoft_tui.domain import formatting as fmt
from aoft_tui.domain.models import Job, JobStatus

NOW = datetime(2026, 1, 2, 12, 0, 0, tzinfo=UTC)


def _job(status: JobStatus = JobStatus.RUNNING, **kw) -> Job:
    base = {
        "id": "ftjob-0123456789abcdef",
        "status": status,
        "model": "gpt-4.1-mini",
        "created_at": NOW - timedelta(hours=1),
        "training_file": "file-1",
    }
    base.update(kw)
    return Job(**base)


def test_status_labels_are_distinct_without_colour() -> None:
    wanted = {
        JobStatus.RUNNING: "● running",
        JobStatus.SUCCEEDED: "✔ succeeded",
        JobStatus.FAILED: "✖ failed",
        JobStatus.PAUSED: "‖ paused",
        JobStatus.PENDING: "◌ pending",
        JobStatus.CANCELLED: "⊘ cancelled",
    }
    for status, label in wanted.items():
        assert fmt.status_label(status) == label
    # every status has a label, and the labels (text only) tell them all apart
    labels = [fmt.status_label(s) for s in JobStatus]
    assert len(set(labels)) == len(JobStatus)


def test_status_symbols_are_one_cell_wide() -> None:
    from rich.cells import cell_len

    for status in JobStatus:
        assert cell_len(fmt.status_symbol(status)) == 1, status


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=2), "just now"),
        (timedelta(seconds=45), "45s ago"),
        (timedelta(minutes=12, seconds=5), "12m ago"),
        (timedelta(hours=3), "3h ago"),
        (timedelta(days=5), "5d ago"),
        (-timedelta(minutes=20), "in 20m"),
    ],
)
def test_relative_time(delta: timedelta, text: str) -> None:
    assert fmt.relative_time(NOW - delta, NOW) == text


def test_relative_time_none_is_dash() -> None:
    assert fmt.relative_time(None, NOW) == fmt.DASH


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (42, "42s"),
        (185, "3m 05s"),
        (3720, "1h 02m"),
        (2 * 86400 + 4 * 3600, "2d 04h"),
        (None, "—"),
        (-1, "—"),
    ],
)
def test_duration(seconds, text) -> None:
    assert fmt.duration(seconds) == text


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (None, "—"),
        (0, "0"),
        (950, "950"),
        (12_345, "12.3k"),
        (4_560_000, "4.56M"),
        (1_200_000_000, "1.20B"),
        (123_456, "123k"),
    ],
)
def test_token_count(n, text) -> None:
    assert fmt.token_count(n) == text


def test_job_duration_running_and_finished() -> None:
    assert fmt.job_duration(_job(), NOW) == 3600
    done = _job(JobStatus.SUCCEEDED, finished_at=NOW - timedelta(minutes=30))
    assert fmt.job_duration(done, NOW) == 1800
    assert fmt.job_duration(_job(JobStatus.CANCELLED), NOW) is None


def test_progress_from_steps_wins_over_estimate() -> None:
    job = _job(estimated_finish=NOW + timedelta(hours=1))
    assert fmt.progress_text(job, NOW, step=120, total_steps=300) == "120/300 40%"
    assert fmt.progress_text(job, NOW) == "50%"
    assert fmt.progress_text(job, NOW, step=510) == "step 510 · 50%"
    assert fmt.progress_text(_job(), NOW, step=7) == "step 7"
    assert fmt.progress_text(_job(JobStatus.SUCCEEDED), NOW) == "100%"
    assert fmt.progress_text(_job(JobStatus.FAILED), NOW) == fmt.DASH


def test_model_or_suffix() -> None:
    assert fmt.model_or_suffix(_job(fine_tuned_model="gpt-4.1-mini.ft-x")) == "gpt-4.1-mini.ft-x"
    assert fmt.model_or_suffix(_job(suffix="ner")) == "…ner"
    assert fmt.model_or_suffix(_job()) == fmt.DASH


def test_ellipsize_middle_keeps_both_ends() -> None:
    name = "gpt-4.1-mini-2025-04-14.ft-0123456789abcdef-ner"
    short = fmt.ellipsize_middle(name, 26)
    assert len(short) == 26 and short.startswith("gpt-4.1-mini") and short.endswith("cdef-ner")
    assert fmt.ellipsize_middle("short", 26) == "short"


# --- issue #14: wording that says the right thing --------------------------------------------


@pytest.mark.parametrize(
    ("status", "phrase"),
    [
        (JobStatus.SUCCEEDED, "has already succeeded"),
        (JobStatus.FAILED, "has already failed"),
        (JobStatus.CANCELLED, "has already been cancelled"),
        (JobStatus.RUNNING, "is running"),
        (JobStatus.PAUSED, "is paused"),
        (JobStatus.PENDING, "is pending"),
    ],
)
def test_status_phrase_is_grammatical(status: JobStatus, phrase: str) -> None:
    assert fmt.status_phrase(status) == phrase
    assert "is succeeded" not in fmt.status_phrase(status)


@pytest.mark.parametrize(("n", "text"), [(0, "0 jobs"), (1, "1 job"), (2, "2 jobs"), (12, "12 jobs")])
def test_plural(n: int, text: str) -> None:
    assert fmt.plural(n, "job") == text


def test_no_metrics_text_says_why_by_state() -> None:
    assert fmt.no_metrics_text(JobStatus.FAILED) == "no metrics: the job failed before training"
    assert fmt.no_metrics_text(JobStatus.CANCELLED) == "no metrics: the job was cancelled before training"
    assert fmt.no_metrics_text(JobStatus.SUCCEEDED) == "no metrics: the service reported none"
    assert fmt.no_metrics_text(JobStatus.RUNNING) == "no metrics yet"
    assert fmt.no_metrics_text(JobStatus.QUEUED) == "no metrics yet: the job has not started training"


def test_ellipsize_middle_never_reads_as_another_name() -> None:
    name = "gpt-4o-mini-2024-07-18.ft-0123456789abcdef-ux-test:ckpt-step-10"
    for width in range(5, len(name)):
        cut = fmt.ellipsize_middle(name, width)
        assert len(cut) == width and "…" in cut
        assert name.endswith(cut.split("…")[1]), "the end (the step) is kept whole"
    assert fmt.ellipsize_middle(name, 30).endswith("ckpt-step-10")


def test_one_byte_size_convention_everywhere() -> None:
    """The overview said KB (decimal), the upload progress KiB and the validator "MB" for
    MiB: one formatter now, binary units, the way the limits it reports are binary."""
    from aoft_tui.services.transfer_meter import describe_transfer
    from aoft_tui.ui.widgets import job_overview

    assert [fmt.byte_size(n) for n in (0, 512, 1536, 3 * 2**20, 5 * 2**30 // 2)] == [
        "0 B",
        "512 B",
        "1.5 KiB",
        "3.0 MiB",
        "2.5 GiB",
    ]
    assert fmt.byte_size(None) == fmt.DASH
    from aoft_tui.domain.models import FileInfo, FileStatus

    info = FileInfo(
        id="file-1",
        filename="train.jsonl",
        bytes=1536,
        purpose="fine-tune",
        status=FileStatus.PROCESSED,
        created_at=NOW,
    )
    assert (
        dict(job_overview.file_rows(_job(), {"file-1": info}))["training"]
        == "file-1  train.jsonl · 1.5 KiB · processed"
    )
    assert describe_transfer(1536, 3 * 2**20, None, None).startswith("1.5 KiB / 3.0 MiB")
