"""Create a fine-tuning job exactly once, even when the network fails mid-request.

A job costs money, so a blind retry after a connection reset or a timeout is not
acceptable: the first request may have landed. Two guards:

1. every attempt carries the same `Idempotency-Key` header (servers that honour it,
   like the emulator, return the first job for a repeated key);
2. before re-sending after a connection error, a timeout or a 5xx, we look at the newest
   jobs for one that matches this spec and was not there before we submitted, and
   return it instead.

Jobs are compared against a listing taken just before the submit (ids and the newest
`created_at`) rather than our own clock, because the server's clock (or the
emulator's simulated one) need not agree with ours.

This is the one retry loop outside the SDK; the SDK's own retries are switched off
for the create call only, so the check can run before each re-send.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aoft_tui.domain.models import Job, JobSpec
from aoft_tui.services.api_mapping import as_dict, job_create_body, job_from_api
from aoft_tui.services.error_mapping import retry_after_seconds
from aoft_tui.services.errors import ServiceError

if TYPE_CHECKING:  # the SDK loads lazily (~0.4 s): only at the first request, off the UI thread
    import openai

ErrorsContext = Callable[..., AbstractContextManager[None]]

# How many of the newest jobs are compared (the new job is at the top of the list).
_RECENT = 20
_MAX_DELAY = 20.0


@dataclass(frozen=True)
class _Before:
    ids: frozenset[str]
    newest_created_at: float | None


def _recent_jobs(client: openai.OpenAI) -> list[Job]:
    page = client.fine_tuning.jobs.list(limit=_RECENT)
    return [job_from_api(as_dict(j)) for j in page.data]


def _matches(job: Job, spec: JobSpec) -> bool:
    return (
        job.training_file == spec.training_file
        and job.model == spec.model
        and (job.suffix or None) == (spec.suffix or None)
        and (job.validation_file or None) == (spec.validation_file or None)
    )


def _landed(client: openai.OpenAI, spec: JobSpec, before: _Before) -> Job | None:
    import openai

    try:
        recent = _recent_jobs(client)
    except openai.OpenAIError:
        return None  # cannot tell; the Idempotency-Key still protects the re-send
    for job in recent:  # newest first: the first match is the one we created
        if job.id in before.ids or not _matches(job, spec):
            continue
        if before.newest_created_at is not None and job.created_at.timestamp() < before.newest_created_at:
            continue
        return job
    return None


def _delay(attempt: int, err: openai.OpenAIError) -> float:
    import openai

    if isinstance(err, openai.APIStatusError) and err.response is not None:
        retry_after = retry_after_seconds(err.response.headers)
        if retry_after is not None:
            return min(retry_after, _MAX_DELAY)
    # Like the SDK: exponential back-off from 0.5 s with jitter.
    return min(0.5 * 2**attempt, 8.0) * (1 - 0.25 * random.random())


def _retryable(err: openai.OpenAIError) -> bool:
    import openai

    if isinstance(err, openai.APIConnectionError):  # includes timeouts
        return True
    return isinstance(err, openai.APIStatusError) and (
        err.status_code in (408, 429) or err.status_code >= 500
    )


def _may_have_landed(err: openai.OpenAIError) -> bool:
    import openai

    return isinstance(err, openai.APIConnectionError) or (
        isinstance(err, openai.APIStatusError) and err.status_code >= 500
    )


def create_exactly_once(
    client: openai.OpenAI,
    spec: JobSpec,
    *,
    idempotency_key: str | None,
    max_retries: int,
    errors: ErrorsContext,
    sleep: Callable[[float], None] = time.sleep,
) -> Job:
    import openai

    key = idempotency_key or f"aoft-tui-{uuid.uuid4()}"
    body = job_create_body(spec)
    model, training_file = body.pop("model"), body.pop("training_file")
    with errors():
        recent = _recent_jobs(client)
    before = _Before(
        ids=frozenset(j.id for j in recent),
        newest_created_at=max((j.created_at.timestamp() for j in recent), default=None),
    )
    once = client.with_options(max_retries=0)
    subject = f"Model {spec.model} or training file {spec.training_file}"
    for attempt in range(max_retries + 1):
        try:
            created = once.fine_tuning.jobs.create(
                model=model,
                training_file=training_file,
                extra_body=body,
                extra_headers={"Idempotency-Key": key},
            )
            return job_from_api(as_dict(created))
        except openai.OpenAIError as err:
            if _may_have_landed(err):
                job = _landed(client, spec, before)
                if job is not None:
                    return job
            if attempt == max_retries or not _retryable(err):
                with errors(subject):
                    raise
            sleep(_delay(attempt, err))
    raise ServiceError("unreachable")  # pragma: no cover - the loop returns or raises
