"""Validate a FineTuning_Create body the way Azure does, and build the job record."""

from __future__ import annotations

import math
import re
from typing import Any

from aoft_tui.domain import catalog
from aoft_tui.domain.graders import check_grader
from aoft_tui.emulator.errors import ApiError, bad_request
from aoft_tui.emulator.file_checks import job_failure_message
from aoft_tui.emulator.live import REGION
from aoft_tui.emulator.records import JobRec
from aoft_tui.emulator.simulator import VALIDATION_SECONDS, make_plan
from aoft_tui.emulator.store import Store

SUFFIX_RE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
METHODS = ("supervised", "dpo", "reinforcement")
# Spellings Azure accepts for the deployment/training type (case-insensitive, or 1/2/3).
TRAINING_TYPES = {
    "standard": "Standard",
    "1": "Standard",
    "globalstandard": "GlobalStandard",
    "global_standard": "GlobalStandard",
    "global": "GlobalStandard",
    "2": "GlobalStandard",
    "developer": "Developer",
    "developertier": "Developer",
    "developer_tier": "Developer",
    "3": "Developer",
}
# the catalog's tier names, by TRAINING_TYPES value
_CATALOG_TIER = {
    "Standard": catalog.STANDARD,
    "GlobalStandard": catalog.GLOBAL_STANDARD,
    "Developer": catalog.DEVELOPER,
}
UNSUPPORTED_MODEL = "The specified base model does not support fine-tuning."


# The 2025-04-01-preview contract knows supervised and DPO; reinforcement is /openai/v1's.
VERSIONED_METHODS = ("supervised", "dpo")


def build_job(
    store: Store, body: Any, now: float, *, methods: tuple[str, ...] = METHODS, live: bool = False
) -> JobRec:
    """`live`: enforce training tiers the way Azure does (see _tier_for) and echo the tier."""
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    model = _required_str(body, "model")
    base_model = _resolve_model(store, model)
    training_file = _required_str(body, "training_file")
    train = _ready_file(store, training_file, "training_file", now)
    validation_file = body.get("validation_file")
    if validation_file is not None:
        if not isinstance(validation_file, str) or not validation_file:
            raise bad_request("validation_file must be a file id.", param="validation_file")
        valid = _ready_file(store, validation_file, "validation_file", now)
    else:
        valid = None
    suffix = body.get("suffix")
    if suffix is not None and (not isinstance(suffix, str) or not SUFFIX_RE.match(suffix)):
        raise bad_request(
            f"The suffix can contain up to 40 characters (a-z, A-Z, 0-9, - and _); got {suffix!r}.",
            param="suffix",
        )
    seed = body.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**31):
        raise bad_request("seed must be an integer between 0 and 2147483647.", param="seed")
    method, hp = _method_and_hyperparameters(body, methods)
    grader = _grader(body, method)
    metadata = _metadata(body.get("metadata"))
    base = catalog.lookup(base_model)
    if base is not None and method not in base.methods:
        raise bad_request(
            f"The fine-tuning method '{method}' is not supported for model '{model}'.", param="method"
        )
    tier = _training_type(body)
    if live:
        tier = _tier_for(base, tier)
    integrations = body.get("integrations")
    if integrations is not None and not _valid_integrations(integrations):
        raise bad_request(
            "integrations must be a list of {'type': 'wandb', 'wandb': {'project': ...}}.",
            param="integrations",
        )
    plan = make_plan(
        n_examples=train.n_examples,
        tokens_per_epoch=train.approx_tokens,
        has_validation=valid is not None,
        method=method,
        hyperparameters=hp,
    )
    job = JobRec(
        id=store.new_id("ftjob"),
        seq=0,
        created_at=now,
        model=model,
        training_file=training_file,
        validation_file=validation_file,
        method=method,
        requested_hp=hp,
        seed=seed if seed is not None else store.rng.randrange(2**31),
        plan=plan,
        suffix=suffix,
        integrations=integrations,
        ready_at=now + VALIDATION_SECONDS,
        training_type=tier if live else None,
        grader=grader,
        metadata=metadata,
    )
    bad = train.status_details or (valid.status_details if valid else None)
    if bad:
        param = "training_file" if train.status_details else "validation_file"
        job.fail_reason = {
            "code": "invalid_training_file" if param == "training_file" else "invalid_validation_file",
            "message": bad,
            "param": param,
        }
    elif train.job_failure or (valid is not None and valid.job_failure):
        # The files processed; the job's own read of them fails (e.g. a special token).
        which = "training" if train.job_failure else "validation"
        job.fail_reason = {
            "code": f"invalid_{which}_file",
            "param": f"{which}_file",
            "message": job_failure_message(train.job_failure or valid.job_failure, which),
        }
    return job


def _required_str(body: dict, key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise bad_request(f"'{key}' is a required property and must be a non-empty string.", param=key)
    return value


def _resolve_model(store: Store, model: str) -> str:
    """A catalog base model (fine-tunable, not retired) or a fine-tuned model of ours."""
    for job in store.jobs.values():
        if job.fine_tuned_model == model:
            return job.model  # continued fine-tuning of a model this resource trained
    base = catalog.lookup(model)
    if base is None or base.id != model and base.family != model:
        raise bad_request(UNSUPPORTED_MODEL, param="model")
    if base.lifecycle_status == "deprecated":
        raise bad_request(
            f"{UNSUPPORTED_MODEL} Model '{model}' is deprecated for fine-tuning.", param="model"
        )
    return base.id


def _ready_file(store: Store, file_id: str, param: str, now: float):
    rec = store.files.get(file_id)
    if rec is None:
        raise bad_request(f"The file '{file_id}' does not exist.", param=param)
    if rec.purpose != "fine-tune":
        raise bad_request(
            f"The file '{file_id}' has purpose '{rec.purpose}'; fine-tuning needs purpose 'fine-tune'.",
            param=param,
        )
    status = rec.status(now)
    if status in ("pending", "running"):
        raise bad_request(
            f"The file '{file_id}' is not ready yet (status: {status}). Wait until it is "
            "'processed' and retry.",
            param=param,
        )
    return rec


def _method_and_hyperparameters(body: dict, methods: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
    top_hp = body.get("hyperparameters")
    if top_hp is not None and not isinstance(top_hp, dict):
        raise bad_request("hyperparameters must be an object.", param="hyperparameters")
    method_obj = body.get("method")
    method = "supervised"
    hp: dict[str, Any] = dict(top_hp or {})
    if method_obj is not None:
        kind = method_obj.get("type") if isinstance(method_obj, dict) else None
        if kind in METHODS and kind not in methods:
            raise bad_request(
                f"The fine-tuning method '{kind}' needs a newer API: use the /openai/v1 "
                f"endpoints. This api-version supports {', '.join(methods)}.",
                param="method",
            )
        if kind not in methods:
            raise bad_request(f"method.type must be one of {', '.join(methods)}.", param="method")
        method = method_obj["type"]
        inner = method_obj.get(method) or {}
        if not isinstance(inner, dict):
            raise bad_request(f"method.{method} must be an object.", param="method")
        method_hp = inner.get("hyperparameters") or {}
        if not isinstance(method_hp, dict):
            raise bad_request(f"method.{method}.hyperparameters must be an object.", param="method")
        if top_hp and method_hp:
            raise bad_request(
                "Specify hyperparameters either at the top level or in the method, not both.",
                param="hyperparameters",
            )
        hp.update(method_hp)
    _check_hp(hp, method)
    return method, hp


def _check_hp(hp: dict[str, Any], method: str) -> None:
    allowed = {"n_epochs", "batch_size", "learning_rate_multiplier"}
    if method == "dpo":
        allowed.add("beta")
    if method == "reinforcement":
        allowed |= {"reasoning_effort", "compute_multiplier", "eval_interval", "eval_samples"}
    for key, value in hp.items():
        if key not in allowed:
            raise bad_request(f"Unknown hyperparameter '{key}' for method '{method}'.", param=key)
        if value == "auto" or value is None:
            continue
        if key == "n_epochs" and not (_is_int(value) and 1 <= value <= 50):
            raise bad_request("n_epochs must be 'auto' or an integer from 1 to 50.", param=key)
        if key == "batch_size" and not (_is_int(value) and 1 <= value <= 256):
            raise bad_request("batch_size must be 'auto' or an integer from 1 to 256.", param=key)
        if key in ("learning_rate_multiplier", "beta", "compute_multiplier") and not (
            _is_finite(value) and value > 0
        ):
            raise bad_request(f"{key} must be 'auto' or a finite number greater than 0.", param=key)
        if key in ("eval_interval", "eval_samples") and not (_is_int(value) and value >= 1):
            raise bad_request(f"{key} must be 'auto' or a positive integer.", param=key)
        if key == "reasoning_effort" and value not in ("default", "low", "medium", "high"):
            raise bad_request("reasoning_effort must be one of default, low, medium, high.", param=key)


def _grader(body: dict, method: str) -> dict[str, Any] | None:
    """Reinforcement needs method.reinforcement.grader, checked like Azure checks it."""
    if method != "reinforcement":
        return None
    grader = (body["method"].get("reinforcement") or {}).get("grader")
    if grader is None:
        raise bad_request(
            "method.reinforcement.grader is required for reinforcement fine-tuning.",
            param="method.reinforcement.grader",
        )
    problems = check_grader(grader)
    if problems:
        first = problems[0]
        raise bad_request(
            f"Invalid grader: {first.field or 'grader'}: {first.message}",
            param=f"method.reinforcement.grader.{first.field}".rstrip("."),
        )
    return grader


def _metadata(value: Any) -> dict[str, str] | None:
    """Up to 16 string pairs, keys ≤ 64 and values ≤ 512 characters (the spec's Metadata)."""
    if value is None:
        return None
    if (
        not isinstance(value, dict)
        or len(value) > 16
        or not all(
            isinstance(k, str) and isinstance(v, str) and len(k) <= 64 and len(v) <= 512
            for k, v in value.items()
        )
    ):
        raise bad_request(
            "metadata must be an object of at most 16 string pairs (keys up to 64 "
            "characters, values up to 512).",
            param="metadata",
        )
    return dict(value)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _is_finite(v: Any) -> bool:
    """A number a float can hold: an int of 400 digits or inf would break the plan and the JSON."""
    if not _is_num(v):
        return False
    try:
        return math.isfinite(float(v))
    except OverflowError:
        return False


def _training_type(body: dict) -> str | None:
    for key in ("trainingType", "training_type"):
        if key in body and body[key] is not None:
            value = str(body[key]).strip().lower()
            if value not in TRAINING_TYPES:
                raise ApiError(
                    400,
                    "invalidPayload",
                    f"Unknown trainingType {body[key]!r}: use Standard, GlobalStandard or Developer.",
                    param=key,
                )
            return TRAINING_TYPES[value]
    return None


def _tier_for(base: catalog.BaseModel | None, tier: str | None) -> str:
    """Azure trains in Standard when no tier is given; a tier the model lacks — or Standard
    where the resource's region has no regional training for it — gets the misleading
    "does not support fine-tuning" answer (tests/fixtures/azure-real/SOURCE.md)."""
    chosen = tier or "Standard"  # a TRAINING_TYPES value
    if base is None:
        return chosen
    key = _CATALOG_TIER[chosen]
    if key not in base.training_types or (key == catalog.STANDARD and REGION not in base.standard_regions):
        raise bad_request(UNSUPPORTED_MODEL, param="model")
    return chosen


def _valid_integrations(value: Any) -> bool:
    if not isinstance(value, list):
        return False
    for item in value:
        if not isinstance(item, dict) or item.get("type") != "wandb":
            return False
        wandb = item.get("wandb")
        if not isinstance(wandb, dict) or not isinstance(wandb.get("project"), str) or not wandb["project"]:
            return False
    return True
