"""Models API: the catalog's base models plus this resource's fine-tuned models."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from aoft_tui.domain import catalog
from aoft_tui.emulator.context import is_ga, list_body, state
from aoft_tui.emulator.errors import not_found
from aoft_tui.emulator.records import JobRec

# Base models "appeared" on this date in the emulator (a fixed value keeps bodies stable).
_BASE_CREATED = int(datetime(2024, 7, 18, tzinfo=UTC).timestamp())
_INFERENCE_YEARS = 1  # a fine-tuned model can be deployed ~1 year after training


def _unix(day: str | None) -> int | None:
    if day is None:
        return None
    return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp())


def base_model_json(m: catalog.BaseModel) -> dict:
    legacy = m.id in catalog.LEGACY_COMPLETION_MODELS
    return {
        "object": "model",
        "id": m.id,
        "created_at": _BASE_CREATED,
        "status": "succeeded",
        "model": None,
        "fine_tune": None,
        "capabilities": {
            "fine_tune": m.lifecycle_status != "deprecated",
            "inference": True,
            "completion": legacy,
            "chat_completion": not legacy,
            "embeddings": False,
        },
        "lifecycle_status": m.lifecycle_status,
        "deprecation": {
            "fine_tune": _unix(m.fine_tune_deprecation),
            "inference": _unix(m.inference_deprecation) or _BASE_CREATED + 2 * 365 * 86400,
        },
    }


def fine_tuned_model_json(job: JobRec) -> dict:
    created = int(job.finished_at or job.created_at)
    return {
        "object": "model",
        "id": job.fine_tuned_model,
        "created_at": created,
        "status": "succeeded",
        "model": job.model,
        "fine_tune": job.id,
        "capabilities": {
            "fine_tune": True,
            "inference": True,
            "completion": False,
            "chat_completion": True,
            "embeddings": False,
        },
        "lifecycle_status": "generally-available",
        "deprecation": {"inference": created + _INFERENCE_YEARS * 365 * 86400},
    }


def _all(request: Request) -> list[dict]:
    st = state(request)
    with st.store.lock:
        st.store.settle()
        tuned = [fine_tuned_model_json(j) for j in st.store.jobs_newest_first() if j.fine_tuned_model]
    models = [base_model_json(m) for m in catalog.BASE_MODELS] + tuned
    if is_ga(request):
        # GA api-versions know only preview / generally-available; the past deprecation
        # dates still tell a deprecated model apart.
        for m in models:
            if m["lifecycle_status"] not in ("preview", "generally-available"):
                m["lifecycle_status"] = "generally-available"
    return models


async def list_models(request: Request) -> Response:
    return JSONResponse(list_body(_all(request)))


async def get_model(request: Request) -> Response:
    model_id = request.path_params["model_id"]
    for m in _all(request):
        if m["id"] == model_id:
            return JSONResponse(m)
    raise not_found(f"Model '{model_id}' not found.", param="model-id")


ROUTES = [
    Route("/models", list_models, methods=["GET"]),
    Route("/models/{model_id:path}", get_model, methods=["GET"]),
]
