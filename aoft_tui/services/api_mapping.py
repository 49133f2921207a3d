"""Translate between the API's JSON (dicts with Azure's field names) and domain objects.

Pure functions over dicts, so they are tested without a network and do not care
whether the dict came from the SDK's typed models or from a raw response.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aoft_tui.domain import catalog
from aoft_tui.domain.metric_values import present_metrics
from aoft_tui.domain.models import (
    Checkpoint,
    EventLevel,
    FileInfo,
    FileStatus,
    Job,
    JobError,
    JobEvent,
    JobSpec,
    JobStatus,
    ModelInfo,
    from_unix,
)
from aoft_tui.services.results_csv import normalise_metric_name

# When the API leaves a timestamp out (never expected; keeps the types honest).
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _time(value: Any) -> datetime:
    return from_unix(value) or _EPOCH


def as_dict(obj: Any) -> dict[str, Any]:
    """The API's JSON for an SDK object: only the fields the server sent, API names kept."""
    if isinstance(obj, Mapping):
        return dict(obj)
    to_dict = getattr(obj, "to_dict", None)
    if to_dict is not None:
        # warnings off: where the SDK's types are wrong (a multi grader's `graders` is a named
        # map, the SDK types one grader: openai/openai-java#647) the JSON is still what was sent
        return to_dict(mode="json", warnings=False)
    return obj.model_dump(mode="json")  # pragma: no cover - every SDK model has to_dict


def _hyperparameters(raw: Mapping[str, Any], method: str) -> dict[str, Any]:
    method_obj = raw.get("method") or {}
    own = (method_obj.get(method) or {}).get("hyperparameters") if isinstance(method_obj, Mapping) else None
    if isinstance(own, Mapping) and own:
        return dict(own)
    top = raw.get("hyperparameters")
    return dict(top) if isinstance(top, Mapping) else {}


def job_from_api(raw: Mapping[str, Any]) -> Job:
    method_obj = raw.get("method")
    method = "supervised"
    if isinstance(method_obj, Mapping) and method_obj.get("type"):
        method = str(method_obj["type"])
    err = raw.get("error")
    error = None
    if isinstance(err, Mapping) and (err.get("code") or err.get("message")):
        error = JobError(code=err.get("code"), message=err.get("message"), param=err.get("param"))
    return Job(
        id=str(raw.get("id")),
        status=JobStatus.parse(raw.get("status")),
        model=str(raw.get("model") or ""),
        created_at=_time(raw.get("created_at")),
        training_file=str(raw.get("training_file") or ""),
        validation_file=raw.get("validation_file") or None,
        fine_tuned_model=raw.get("fine_tuned_model") or None,
        suffix=raw.get("suffix") or None,
        finished_at=from_unix(raw.get("finished_at")),
        estimated_finish=from_unix(raw.get("estimated_finish")),
        trained_tokens=raw.get("trained_tokens"),
        result_files=tuple(raw.get("result_files") or ()),
        method=method,
        hyperparameters=_hyperparameters(raw, method),
        seed=raw.get("seed"),
        error=error,
        metadata={str(k): str(v) for k, v in (raw.get("metadata") or {}).items()}
        if isinstance(raw.get("metadata"), Mapping)
        else {},
        raw=dict(raw),
    )


def event_from_api(raw: Mapping[str, Any]) -> JobEvent:
    data = raw.get("data")
    return JobEvent(
        id=str(raw.get("id")),
        created_at=_time(raw.get("created_at")),
        level=EventLevel.parse(raw.get("level")),
        message=str(raw.get("message") or ""),
        type=str(raw.get("type") or "message"),
        data=dict(data) if isinstance(data, Mapping) else None,
    )


def numeric_metrics(data: Mapping[str, Any]) -> dict[str, float]:
    """Metric values of an event/checkpoint, names normalised, `step` and non-numbers left out."""
    out: dict[str, float] = {}
    for key, value in data.items():
        if key == "step" or isinstance(value, bool) or not isinstance(value, int | float):
            continue
        out[normalise_metric_name(key)] = float(value)
    return out


def checkpoint_from_api(raw: Mapping[str, Any]) -> Checkpoint:
    metrics = raw.get("metrics")
    return Checkpoint(
        id=str(raw.get("id")),
        step=int(raw.get("step_number") or 0),
        created_at=_time(raw.get("created_at")),
        fine_tuned_model_checkpoint=str(raw.get("fine_tuned_model_checkpoint") or ""),
        # Azure's -1 is "no value" (domain/metric_values.py)
        metrics=present_metrics(numeric_metrics(metrics)) if isinstance(metrics, Mapping) else {},
    )


def file_from_api(raw: Mapping[str, Any]) -> FileInfo:
    return FileInfo(
        id=str(raw.get("id")),
        filename=str(raw.get("filename") or ""),
        bytes=raw.get("bytes"),
        purpose=str(raw.get("purpose") or ""),
        status=FileStatus.parse(raw.get("status")),
        created_at=_time(raw.get("created_at")),
        status_details=_file_problem(raw),
    )


def _file_problem(raw: Mapping[str, Any]) -> str | None:
    """Why the service rejected a file: `status_details` is deprecated (2025-04-01-preview);
    newer answers explain in an `error` object. Whichever the service sent."""
    err = raw.get("error")
    if isinstance(err, Mapping) and err.get("message"):
        line = err.get("line")
        where = f" (line {line})" if line not in (None, "") else ""
        return f"{err['message']}{where}"
    return raw.get("status_details") or None


def model_from_api(raw: Mapping[str, Any]) -> ModelInfo:
    capabilities = raw.get("capabilities") or {}
    deprecation = raw.get("deprecation") or {}
    return ModelInfo(
        id=str(raw.get("id")),
        fine_tune=bool(capabilities.get("fine_tune")),
        lifecycle_status=raw.get("lifecycle_status"),
        deprecation_fine_tune=from_unix(deprecation.get("fine_tune")),
        deprecation_inference=from_unix(deprecation.get("inference")),
    )


def job_create_body(spec: JobSpec) -> dict[str, Any]:
    """The POST /fine_tuning/jobs body for a spec, valid for both spec versions we know.

    Supervised jobs send their hyper-parameters top-level and no `method` (supervised is
    the default; the 2024-10-21 GA API has no `method` at all, and the preview spec's
    supervised method carries only its type). DPO and reinforcement jobs send
    `method: {type, <type>: {hyperparameters}}`. Keys left as None or "auto" are not sent,
    so the service picks them.
    """
    hyper = {k: v for k, v in spec.hyperparameters.items() if v is not None and v != "auto"}
    body: dict[str, Any] = {"model": spec.model, "training_file": spec.training_file}
    if spec.method == "supervised":
        if hyper:
            body["hyperparameters"] = hyper
    else:
        method: dict[str, Any] = {"type": spec.method}
        own: dict[str, Any] = {"hyperparameters": hyper} if hyper else {}
        if spec.method == "reinforcement" and spec.grader is not None:
            own = {"grader": spec.grader, **own}  # method.reinforcement.grader (OpenAI's shape)
        if own:
            method[spec.method] = own
        body["method"] = method
    if spec.validation_file:
        body["validation_file"] = spec.validation_file
    if spec.suffix:
        body["suffix"] = spec.suffix
    if spec.seed is not None:
        body["seed"] = spec.seed
    if spec.metadata:
        body["metadata"] = dict(spec.metadata)
    # Azure's training tier, always sent (without it Azure trains in Standard, which many
    # models lack in many regions): not in the Swagger files, a top-level `trainingType` spelled
    # as Microsoft Learn's samples spell it (tests/fixtures/azure-real/create_job_training_type.json).
    tier = (spec.training_type or "").strip() or catalog.default_training_type(spec.model)
    body["trainingType"] = catalog.TRAINING_TYPE_WIRE.get(tier.lower(), tier)
    return body
