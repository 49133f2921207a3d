"""Fine-tuning jobs API: create/list/get/delete, cancel/pause/resume, events, checkpoints."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from aoft_tui.emulator import actions, timeline
from aoft_tui.emulator.context import (
    EmulatorState,
    int_param,
    is_ga,
    is_v1,
    json_body,
    list_body,
    page_after,
    state,
)
from aoft_tui.emulator.errors import RESOURCE_NOT_FOUND, gateway_not_found, wrong_state
from aoft_tui.emulator.job_create import METHODS, VERSIONED_METHODS, build_job
from aoft_tui.emulator.records import JobRec
from aoft_tui.emulator.views import checkpoints, job_json


async def create_job(request: Request) -> Response:
    st = state(request)
    body = await json_body(request)
    key = request.headers.get("idempotency-key")
    store = st.store
    with store.lock:
        now = store.settle()
        if key and key in store.idempotency and store.idempotency[key] in store.jobs:
            job = store.jobs[store.idempotency[key]]  # a retry of a request we already served
        else:
            methods = METHODS if is_v1(request) else VERSIONED_METHODS
            job = store.insert_job(build_job(store, body, now, methods=methods, live=not st.strict_spec))
            if key:
                store.idempotency[key] = job.id
            store.settle(now)
        out = job_json(job, now, ga=is_ga(request), v1=is_v1(request))
    location = f"{str(request.base_url).rstrip('/')}{request.url.path}/{job.id}"
    return JSONResponse(out, status_code=201, headers={"Location": location})


async def list_jobs(request: Request) -> Response:
    st = state(request)
    limit = int_param(request, "limit", 20, hi=100)
    with st.store.lock:
        now = st.store.settle()
        jobs, has_more = page_after(
            st.store.jobs_newest_first(),
            request.query_params.get("after"),
            limit,
            unknown_is_empty=not st.strict_spec,
        )
        data = [job_json(j, now, ga=is_ga(request), v1=is_v1(request)) for j in jobs]
    return JSONResponse(list_body(data, has_more))


def _job(request: Request):
    st = state(request)
    job_id = request.path_params["job_id"]
    job = st.store.jobs.get(job_id)
    if job is None:
        # the live service answers an unknown job with its gateway's bare "Resource not found"
        raise gateway_not_found(f"Fine-tuning job with id '{job_id}' not found.", param="fine-tuning-job-id")
    return st, job


@contextlib.contextmanager
def _settled_job(request: Request) -> Iterator[tuple[EmulatorState, JobRec, float]]:
    """The job the path names (404 when unknown), with the store locked and settled to now."""
    st = state(request)
    with st.store.lock:
        now = st.store.settle()
        _, job = _job(request)
        yield st, job, now


async def get_job(request: Request) -> Response:
    with _settled_job(request) as (_, job, now):
        return JSONResponse(job_json(job, now, ga=is_ga(request), v1=is_v1(request)))


async def delete_job(request: Request) -> Response:
    with _settled_job(request) as (st, job, _):
        if job.status not in timeline.TERMINAL:
            raise wrong_state(
                f"Fine-tuning job '{job.id}' is {job.status}; only succeeded, failed or "
                "cancelled jobs can be deleted. Cancel it first."
            )
        del st.store.jobs[job.id]
        st.events.forget(job.id)
    return Response(status_code=204)


def _action(fn):
    async def handler(request: Request) -> Response:
        st = state(request)
        if fn is not actions.cancel and is_ga(request):
            raise gateway_not_found(RESOURCE_NOT_FOUND)  # pause/resume do not exist in GA api-versions
        with _settled_job(request) as (_, job, now):
            fn(st.store, job, now)
            return JSONResponse(job_json(job, now, ga=is_ga(request), v1=is_v1(request)))

    return handler


cancel_job = _action(actions.cancel)
pause_job = _action(actions.pause)
resume_job = _action(actions.resume)


async def list_events(request: Request) -> Response:
    limit = int_param(request, "limit", 20, hi=10_000)
    with _settled_job(request) as (st, job, now):
        data, has_more = st.events.page(job, now, request.query_params.get("after"), limit)
    return JSONResponse(list_body(data, has_more))


async def list_checkpoints(request: Request) -> Response:
    limit = int_param(request, "limit", 10, hi=100)
    with _settled_job(request) as (st, job, now):
        items = checkpoints(job, now, live=not st.strict_spec)
    chosen, has_more = page_after(items, request.query_params.get("after"), limit, key=lambda c: c["id"])
    return JSONResponse(list_body(chosen, has_more))


ROUTES = [
    Route("/fine_tuning/jobs", list_jobs, methods=["GET"]),
    Route("/fine_tuning/jobs", create_job, methods=["POST"]),
    Route("/fine_tuning/jobs/{job_id}", get_job, methods=["GET"]),
    Route("/fine_tuning/jobs/{job_id}", delete_job, methods=["DELETE"]),
    Route("/fine_tuning/jobs/{job_id}/cancel", cancel_job, methods=["POST"]),
    Route("/fine_tuning/jobs/{job_id}/pause", pause_job, methods=["POST"]),
    Route("/fine_tuning/jobs/{job_id}/resume", resume_job, methods=["POST"]),
    Route("/fine_tuning/jobs/{job_id}/events", list_events, methods=["GET"]),
    Route("/fine_tuning/jobs/{job_id}/checkpoints", list_checkpoints, methods=["GET"]),
]
