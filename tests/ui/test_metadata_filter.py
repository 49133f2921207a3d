"""`/` filters by a job's metadata tags too: `team=nlp` finds the jobs tagged so."""

from __future__ import annotations

from datetime import UTC, datetime

from aoft_tui.domain.job_columns import job_matches
from aoft_tui.domain.models import Job, JobStatus
from aoft_tui.services.api_mapping import job_from_api


def _job(job_id: str, metadata: dict | None) -> Job:
    return job_from_api(
        {
            "id": job_id,
            "status": "running",
            "model": "gpt-4o-mini-2024-07-18",
            "created_at": int(datetime(2026, 1, 1, tzinfo=UTC).timestamp()),
            "training_file": "file-1",
            "metadata": metadata,
        }
    )


def test_filter_by_a_metadata_pair_and_by_a_tag_value() -> None:
    nlp, vision, untagged = (
        _job("ftjob-a", {"team": "nlp", "run": "3"}),
        _job("ftjob-b", {"team": "vision"}),
        _job("ftjob-c", None),
    )
    assert nlp.metadata == {"team": "nlp", "run": "3"} and untagged.metadata == {}
    assert [j.id for j in (nlp, vision, untagged) if job_matches(j, "team=nlp")] == ["ftjob-a"]
    assert [j.id for j in (nlp, vision, untagged) if job_matches(j, "Team=NLP run=3")] == ["ftjob-a"]
    assert [j.id for j in (nlp, vision, untagged) if job_matches(j, "vision")] == ["ftjob-b"]
    assert all(job_matches(j, "running") for j in (nlp, vision, untagged))
    assert nlp.status is JobStatus.RUNNING
