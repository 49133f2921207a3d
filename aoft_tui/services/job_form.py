"""The new-job form's values, checked as a pure function (no I/O, no Textual).

The TUI form and `aoft-tui start` both hand the user's raw text here, so a bad value gets
the same field-level message wherever it was typed. A blank value or "auto" means "let
the service choose" (the field is left out of the request).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from aoft_tui.domain import catalog
from aoft_tui.domain.graders import parse_grader_text
from aoft_tui.domain.models import Job, JobSpec

# Azure's rule for the suffix added to the fine-tuned model's name.
SUFFIX_RE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
TRAINING_TYPES = catalog.TRAINING_TYPES  # globalstandard, standard, developer
SEED_MAX = 2**31 - 1  # the API's seed is an int32

# (low, high, integer?) per hyper-parameter; float lows are exclusive (must be > 0).
RANGES: dict[str, tuple[float, float, bool]] = {
    "n_epochs": (1, 50, True),
    "batch_size": (1, 256, True),
    "learning_rate_multiplier": (0.0, 10.0, False),
    "beta": (0.0, 2.0, False),
    # reinforcement's own (OpenAI's ReinforcementHyperparameters; Azure's RFT guide)
    "compute_multiplier": (0.0, 10.0, False),
    "eval_interval": (1, SEED_MAX, True),
    "eval_samples": (1, SEED_MAX, True),
}
HYPERPARAMETER_LABELS = {
    "n_epochs": "Epochs",
    "batch_size": "Batch size",
    "learning_rate_multiplier": "Learning-rate multiplier",
    "beta": "Beta",
    "compute_multiplier": "Compute multiplier",
    "eval_interval": "Eval interval",
    "eval_samples": "Eval samples",
}
REASONING_EFFORTS = ("low", "medium", "high")
RFT_HYPERPARAMETERS = ("compute_multiplier", "eval_interval", "eval_samples")
# Azure's (and OpenAI's) metadata limits: 16 pairs, keys ≤ 64 and values ≤ 512 characters.
METADATA_MAX_PAIRS, METADATA_KEY_MAX, METADATA_VALUE_MAX = 16, 64, 512
# Which hyper-parameters each method takes (beta is DPO's own).
METHOD_HYPERPARAMETERS = {
    catalog.SUPERVISED: ("n_epochs", "batch_size", "learning_rate_multiplier"),
    catalog.DPO: ("n_epochs", "batch_size", "learning_rate_multiplier", "beta"),
    catalog.REINFORCEMENT: ("n_epochs", "batch_size", "learning_rate_multiplier", *RFT_HYPERPARAMETERS),
}


@dataclass(frozen=True, slots=True)
class JobForm:
    """What the user typed, as text. Blank or "auto" hyper-parameters mean auto."""

    model: str
    method: str = catalog.SUPERVISED
    suffix: str = ""
    n_epochs: str = ""
    batch_size: str = ""
    learning_rate_multiplier: str = ""
    beta: str = ""
    seed: str = ""
    training_type: str = ""
    # reinforcement: the grader as JSON text, and where it came from (for messages)
    grader: str = ""
    grader_source: str = "grader"
    reasoning_effort: str = ""
    compute_multiplier: str = ""
    eval_interval: str = ""
    eval_samples: str = ""
    # "team=nlp, run=3" (commas or new lines between pairs)
    metadata: str = ""


@dataclass(frozen=True, slots=True)
class JobOptions:
    """A checked form: everything a `JobSpec` needs except the uploaded file ids."""

    model: str
    method: str
    suffix: str | None
    hyperparameters: dict[str, Any]
    seed: int | None
    training_type: str | None
    grader: dict[str, Any] | None = None
    metadata: dict[str, str] = field(default_factory=dict)

    def spec(self, training_file: str, validation_file: str | None = None) -> JobSpec:
        return JobSpec(
            model=self.model,
            training_file=training_file,
            validation_file=validation_file,
            suffix=self.suffix,
            method=self.method,
            hyperparameters=dict(self.hyperparameters),
            seed=self.seed,
            training_type=self.training_type,
            grader=self.grader,
            metadata=dict(self.metadata),
        )


@dataclass(frozen=True, slots=True)
class FormCheck:
    """`errors` maps a JobForm field name to its message; `options` is set when there are none."""

    errors: dict[str, str] = field(default_factory=dict)
    options: JobOptions | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def _is_auto(text: str) -> bool:
    return text.strip().lower() in ("", "auto")


def parse_hyperparameter(name: str, text: str) -> tuple[int | float | None, str | None]:
    """(value, None) when valid — None value means auto — or (None, message)."""
    if _is_auto(text):
        return None, None
    low, high, integer = RANGES[name]
    label = HYPERPARAMETER_LABELS[name]
    raw = text.strip()
    if integer:
        try:
            value: int | float = int(raw)
        except ValueError:
            return None, f"{label} must be a whole number from {low:g} to {high:g}, or auto (got {raw!r})."
        if not low <= value <= high:
            if high >= SEED_MAX:  # no upper bound worth naming
                return None, f"{label} must be a whole number, {low:g} or more, or auto (got {value})."
            return None, f"{label} must be from {low:g} to {high:g}, or auto (got {value})."
        return value, None
    try:
        value = float(raw)
    except ValueError:
        return None, f"{label} must be a number above {low:g} and at most {high:g}, or auto (got {raw!r})."
    if not math.isfinite(value) or not low < value <= high:
        return None, f"{label} must be above {low:g} and at most {high:g}, or auto (got {raw})."
    return value, None


def check_model_method(model: str, method: str) -> str | None:
    """A message when the catalog knows the model and it does not offer the method.

    Models the catalog does not know (new ones, typed as free text) pass: Azure decides."""
    base = catalog.lookup(model)
    if base is None or method in base.methods:
        return None
    offered = ", ".join(base.methods)
    return f"{base.id} does not support {method} fine-tuning (it offers: {offered})."


def check_form(form: JobForm) -> FormCheck:
    errors: dict[str, str] = {}
    model = form.model.strip()
    if not model:
        errors["model"] = "Choose a base model (or type a model name)."
    method = form.method.strip().lower() or catalog.SUPERVISED
    if method not in catalog.METHODS:
        errors["method"] = f"Method must be one of {', '.join(catalog.METHODS)} (got {form.method!r})."
    elif model and (message := check_model_method(model, method)):
        errors["method"] = message

    suffix = form.suffix.strip()
    if suffix and not SUFFIX_RE.match(suffix):
        errors["suffix"] = (
            "Suffix: up to 40 characters from a-z, A-Z, 0-9, - and _ "
            f"(got {len(suffix)} characters: {suffix!r})."
            if len(suffix) > 40
            else f"Suffix may only contain a-z, A-Z, 0-9, - and _ (got {suffix!r})."
        )

    hyperparameters: dict[str, Any] = {}
    allowed = METHOD_HYPERPARAMETERS.get(method, ())
    for name in RANGES:
        text = getattr(form, name)
        value, message = parse_hyperparameter(name, text)
        if message:
            errors[name] = message
        elif value is not None and name not in allowed:
            owner = "reinforcement" if name in RFT_HYPERPARAMETERS else "DPO"
            errors[name] = (
                f"{HYPERPARAMETER_LABELS[name]} applies to {owner} only; leave it on auto for {method}."
            )
        elif value is not None:
            hyperparameters[name] = value

    grader = _check_reinforcement(form, method, hyperparameters, errors)
    metadata, metadata_error = parse_metadata(form.metadata)
    if metadata_error:
        errors["metadata"] = metadata_error

    seed: int | None = None
    if form.seed.strip():
        try:
            seed = int(form.seed.strip())
        except ValueError:
            errors["seed"] = f"Seed must be a whole number from 0 to {SEED_MAX} (got {form.seed.strip()!r})."
        else:
            if not 0 <= seed <= SEED_MAX:
                errors["seed"] = f"Seed must be from 0 to {SEED_MAX} (got {seed})."

    # A tier is always sent: without one Azure trains in Standard, which many models lack in
    # many regions, and answers "The specified base model does not support fine-tuning".
    training_type = form.training_type.strip().lower() or catalog.default_training_type(model)
    base = catalog.lookup(model)
    if training_type not in TRAINING_TYPES:
        errors["training_type"] = (
            f"Training tier must be one of {', '.join(TRAINING_TYPES)} (got {form.training_type!r})."
        )
    elif base is not None and training_type not in base.training_types:
        errors["training_type"] = (
            f"{base.family} has no {training_type} training; use {' or '.join(base.training_types)}."
        )

    if errors:
        return FormCheck(errors=errors)
    return FormCheck(
        options=JobOptions(
            model=model,
            method=method,
            suffix=suffix or None,
            hyperparameters=hyperparameters,
            seed=seed,
            training_type=training_type,
            grader=grader,
            metadata=metadata,
        )
    )


def _check_reinforcement(
    form: JobForm, method: str, hyperparameters: dict[str, Any], errors: dict[str, str]
) -> dict[str, Any] | None:
    """The grader (required for reinforcement, refused otherwise) and reasoning_effort."""
    effort = form.reasoning_effort.strip().lower()
    if not _is_auto(effort) and effort != "default":
        if effort not in REASONING_EFFORTS:
            errors["reasoning_effort"] = (
                f"Reasoning effort must be one of {', '.join(REASONING_EFFORTS)}, "
                f"or auto (got {form.reasoning_effort.strip()!r})."
            )
        elif method != catalog.REINFORCEMENT:
            errors["reasoning_effort"] = (
                f"Reasoning effort applies to reinforcement only; leave it on auto for {method}."
            )
        else:
            hyperparameters["reasoning_effort"] = effort
    text = form.grader.strip()
    if method != catalog.REINFORCEMENT:
        if text:
            errors["grader"] = f"A grader applies to reinforcement fine-tuning only; remove it for {method}."
        return None
    if not text:
        errors["grader"] = (
            "Reinforcement fine-tuning needs a grader: a JSON file with one grader object "
            "(string_check, text_similarity, score_model, python or multi)."
        )
        return None
    grader, problems = parse_grader_text(text, form.grader_source)
    if problems:
        errors["grader"] = "\n".join(problems)
    return grader


def parse_metadata(text: str) -> tuple[dict[str, str], str | None]:
    """`team=nlp, run=3` → {"team": "nlp", "run": "3"}, or a message naming the bad pair."""
    pairs: dict[str, str] = {}
    # a comma separates pairs only where a new KEY= follows, so "tags=a,b" stays one value
    for raw in re.split(r"\n|,\s*(?=[^,=\s]+\s*=)", text):
        item = raw.strip()
        if not item:
            continue
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            return {}, f"Metadata: write KEY=VALUE pairs, e.g. team=nlp (got {item!r})."
        if len(key) > METADATA_KEY_MAX:
            return {}, f"Metadata key {key[:20]!r}… is {len(key)} characters; at most {METADATA_KEY_MAX}."
        if len(value) > METADATA_VALUE_MAX:
            return {}, f"Metadata value of {key!r} is {len(value)} characters; at most {METADATA_VALUE_MAX}."
        pairs[key] = value
    if len(pairs) > METADATA_MAX_PAIRS:
        return {}, f"Metadata: at most {METADATA_MAX_PAIRS} pairs (got {len(pairs)})."
    return pairs, None


def form_from_job(job: Job, *, base_model: str | None = None) -> JobForm:
    """A form prefilled from a job. `base_model` None: a clone (same model and settings);
    else continued fine-tuning from that model (a fine-tuned model or a checkpoint's), keeping
    the job's method, tier, grader and tags but leaving the training settings on auto."""
    method_obj = job.raw.get("method")
    if not isinstance(method_obj, dict):
        method_obj = {}
    grader = (method_obj.get(job.method) or {}).get("grader") if job.method == catalog.REINFORCEMENT else None
    tier = str(job.raw.get("trainingType") or job.raw.get("training_type") or "").lower()
    tier = {"developertier": catalog.DEVELOPER}.get(tier, tier)
    common = {
        "method": job.method if job.method in catalog.METHODS else catalog.SUPERVISED,
        "training_type": tier if tier in TRAINING_TYPES else "",
        "grader": json.dumps(grader, indent=2) if isinstance(grader, dict) else "",
        "grader_source": f"the grader of {job.id}",
        "metadata": ", ".join(f"{k}={v}" for k, v in job.metadata.items()),
    }
    if base_model is not None:
        return JobForm(model=base_model, **common)
    shown = job.shown_hyperparameters

    def text(name: str) -> str:
        value = shown.get(name)
        return "" if value in (None, "auto") else str(value)

    return JobForm(
        model=job.model,
        suffix=job.suffix or "",
        seed="" if job.seed is None else str(job.seed),
        reasoning_effort=text("reasoning_effort"),
        **{name: text(name) for name in RANGES},
        **common,
    )
