"""What we know about Azure OpenAI's fine-tunable base models.

One table serves the emulator (its /models list), the validator (training context,
tokenizer), the new-job form (methods offered) and the cost estimate (default prices,
which the user can override in the config file's [prices] table).

Prices are USD per 1M training tokens, from public list prices at the time of writing:
estimates only — check your own Azure pricing. Reinforcement fine-tuning is billed per
hour of training, so it has no token price here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BaseModel:
    id: str
    family: str  # the name without its date, as users type it ("gpt-4o-mini")
    training_context: int  # tokens per training example
    encoding: str  # tiktoken encoding name
    methods: tuple[str, ...]
    price_per_million: float | None
    lifecycle_status: str = "generally-available"  # as in the spec's model examples
    # ISO dates after which fine-tuning / inference is retired (None: not announced)
    fine_tune_deprecation: str | None = None
    inference_deprecation: str | None = None
    # Training tiers Azure offers for the model, and the regions with Standard (regional)
    # training (Microsoft Learn's fine-tuning model table, tests/fixtures/azure-real/SOURCE.md).
    training_types: tuple[str, ...] = ("globalstandard", "standard", "developer")
    standard_regions: tuple[str, ...] = ("North Central US", "Sweden Central")


STANDARD, GLOBAL_STANDARD, DEVELOPER = "standard", "globalstandard", "developer"
TRAINING_TYPES = (GLOBAL_STANDARD, STANDARD, DEVELOPER)
# What the create body's `trainingType` says for each tier, spelled as Microsoft Learn's
# samples spell it (the developer tier is accepted only as "developerTier").
TRAINING_TYPE_WIRE = {STANDARD: "Standard", GLOBAL_STANDARD: "GlobalStandard", DEVELOPER: "developerTier"}

SUPERVISED = "supervised"
DPO = "dpo"
REINFORCEMENT = "reinforcement"
METHODS = (SUPERVISED, DPO, REINFORCEMENT)

# Older models predate Global and Developer training.
_REGIONAL_ONLY = (STANDARD,)
_GPT35_REGIONS = ("East US 2", "North Central US", "Sweden Central", "Switzerland West")


def _gpt35_turbo(
    id: str,
    family: str,
    training_context: int,
    lifecycle_status: str = "generally-available",
    retired: str | None = None,
) -> BaseModel:
    """A gpt-35-turbo version: supervised only, regional training, $8 per 1M tokens;
    `retired` is the date both fine-tuning and inference end (unset: the shared 2025-09-30 / 2026-03-31)."""
    return BaseModel(
        id,
        family,
        training_context,
        "cl100k_base",
        (SUPERVISED,),
        8.0,
        lifecycle_status=lifecycle_status,
        fine_tune_deprecation=retired or "2025-09-30",
        inference_deprecation=retired or "2026-03-31",
        training_types=_REGIONAL_ONLY,
        standard_regions=_GPT35_REGIONS,
    )


BASE_MODELS: tuple[BaseModel, ...] = (
    BaseModel(
        "gpt-4.1-2025-04-14",
        "gpt-4.1",
        65_536,
        "o200k_base",
        (SUPERVISED, DPO),
        25.0,
        fine_tune_deprecation="2026-10-14",
        inference_deprecation="2027-04-14",
    ),
    BaseModel(
        "gpt-4.1-mini-2025-04-14",
        "gpt-4.1-mini",
        65_536,
        "o200k_base",
        (SUPERVISED, DPO),
        5.0,
        fine_tune_deprecation="2026-10-14",
        inference_deprecation="2027-04-14",
    ),
    BaseModel(
        "gpt-4.1-nano-2025-04-14",
        "gpt-4.1-nano",
        32_768,
        "o200k_base",
        (SUPERVISED, DPO),
        1.5,
        fine_tune_deprecation="2026-10-14",
        inference_deprecation="2027-04-14",
    ),
    BaseModel(
        "gpt-4o-2024-08-06",
        "gpt-4o",
        65_536,
        "o200k_base",
        (SUPERVISED, DPO),
        25.0,
        fine_tune_deprecation="2026-09-30",
        inference_deprecation="2027-03-31",
        standard_regions=("East US 2", "North Central US", "Sweden Central"),
    ),
    BaseModel(
        "gpt-4o-mini-2024-07-18",
        "gpt-4o-mini",
        65_536,
        "o200k_base",
        (SUPERVISED, DPO),
        3.0,
        fine_tune_deprecation="2026-09-30",
        inference_deprecation="2027-03-31",
    ),
    BaseModel(
        "o4-mini-2025-04-16",
        "o4-mini",
        65_536,
        "o200k_base",
        (REINFORCEMENT,),
        None,
        lifecycle_status="preview",
        fine_tune_deprecation="2026-10-16",
        inference_deprecation="2027-04-16",
        training_types=("globalstandard", "standard"),
        standard_regions=("East US 2", "Sweden Central"),
    ),
    _gpt35_turbo("gpt-35-turbo-0125", "gpt-35-turbo", 16_385),
    _gpt35_turbo("gpt-35-turbo-1106", "gpt-35-turbo-1106", 16_385),
    _gpt35_turbo(
        "gpt-35-turbo-0613", "gpt-35-turbo-0613", 4_096, lifecycle_status="deprecated", retired="2025-02-01"
    ),
    BaseModel(
        "babbage-002",
        "babbage-002",
        16_384,
        "cl100k_base",
        (SUPERVISED,),
        0.4,
        lifecycle_status="deprecated",
        fine_tune_deprecation="2025-01-27",
        inference_deprecation="2025-01-27",
        training_types=_REGIONAL_ONLY,
    ),
    BaseModel(
        "davinci-002",
        "davinci-002",
        16_384,
        "cl100k_base",
        (SUPERVISED,),
        6.0,
        lifecycle_status="deprecated",
        fine_tune_deprecation="2025-01-27",
        inference_deprecation="2025-01-27",
        training_types=_REGIONAL_ONLY,
    ),
)

# Legacy completion models train on {"prompt", "completion"} records, not chat.
LEGACY_COMPLETION_MODELS = frozenset({"babbage-002", "davinci-002"})

_BY_ID = {m.id: m for m in BASE_MODELS}


def lookup(model: str | None) -> BaseModel | None:
    """Find a base model by exact id, by family ("gpt-4o-mini"), or for a continued
    fine-tune (`gpt-4o-mini-2024-07-18.ft-…`) by its base. Longest family match wins, so
    "gpt-4.1-mini-…" is not taken for "gpt-4.1"."""
    if not model:
        return None
    name = model.split(".ft-", 1)[0].split(":", 1)[0].strip().lower()
    if name in _BY_ID:
        return _BY_ID[name]
    best: BaseModel | None = None
    for m in BASE_MODELS:
        if (name == m.family or name.startswith(m.family + "-")) and (
            best is None or len(m.family) > len(best.family)
        ):
            best = m
    return best


def default_training_type(model: str | None) -> str:
    """The tier to send when the user picks none: Global Standard where the model has it
    (Microsoft's recommendation: cheaper, shortest queues), else Standard. Azure's own
    default, Standard, fails for models without regional training in the resource's region."""
    m = lookup(model)
    if m is None or GLOBAL_STANDARD in m.training_types:
        return GLOBAL_STANDARD
    return m.training_types[0]


def encoding_for(model: str | None) -> str:
    """tiktoken encoding for a model; o200k_base (the current default) when unknown."""
    m = lookup(model)
    if m is not None:
        return m.encoding
    name = (model or "").lower()
    if name.startswith(("gpt-35", "gpt-3.5", "gpt-4-", "gpt-4 ")) or name == "gpt-4":
        return "cl100k_base"
    return "o200k_base"


def price_per_million(model: str | None, overrides: dict[str, float] | None = None) -> float | None:
    """USD per 1M training tokens: the user's override (by id or family) wins."""
    overrides = overrides or {}
    m = lookup(model)
    for key in filter(None, (model, m.id if m else None, m.family if m else None)):
        if key in overrides:
            return float(overrides[key])
    return m.price_per_million if m else None


# --- hosting a deployed fine-tuned model ---------------------------------------------------------
# USD per hour a fine-tuned deployment costs while it exists, used or not, by deployment type
# (SKU). Sources: Microsoft Learn, "Fine-tuning cost management" (hosting is billed hourly; its
# worked examples use $1.70/h) and "Test your fine-tuned model" (a Developer deployment has no
# hosting fee, only tokens). Estimates: check your region's price; override them in the config
# file's [prices] table as "hosting.<SKU>" = USD per hour.
HOSTING_PRICE_PER_HOUR: dict[str, float] = {"Standard": 1.70, "GlobalStandard": 1.70, "Developer": 0.0}
# How long Azure keeps a fine-tuned deployment: Developer tier a fixed 24 h; the others until
# they have gone 15 days without a chat completions or responses call.
DEVELOPER_LIFETIME_HOURS = 24
IDLE_DELETION_DAYS = 15


def hosting_price_per_hour(sku: str, overrides: dict[str, float] | None = None) -> float | None:
    """USD per hour of hosting a fine-tuned deployment of `sku`; the user's override wins."""
    overrides = overrides or {}
    key = f"hosting.{sku}"
    if key in overrides:
        return float(overrides[key])
    return HOSTING_PRICE_PER_HOUR.get(sku)


# --- calling a deployment (inference) ----------------------------------------------------------
# USD per 1M (input, output) tokens, by model family: (fine-tuned, base). Source: OpenAI's API
# pricing page, "Fine-tuning" and "Text tokens" tables (the same list prices the training
# prices above come from; Azure's Global deployments charge the same token rates, regional
# ones up to ~10% more). Estimates: override in the config file's [prices] table as
# "inference.<family>.input" / ".output" (fine-tuned) or "inference.<family>.base.input" / ….
INFERENCE_PRICE_PER_MILLION: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {
    "gpt-4.1": ((3.00, 12.00), (2.00, 8.00)),
    "gpt-4.1-mini": ((0.80, 3.20), (0.40, 1.60)),
    "gpt-4.1-nano": ((0.20, 0.80), (0.10, 0.40)),
    "gpt-4o": ((3.75, 15.00), (2.50, 10.00)),
    "gpt-4o-mini": ((0.30, 1.20), (0.15, 0.60)),
    "o4-mini": ((4.00, 16.00), (1.10, 4.40)),
    "gpt-35-turbo": ((3.00, 6.00), (0.50, 1.50)),
}


def inference_price_per_million(
    model: str | None, overrides: dict[str, float] | None = None
) -> tuple[float, float] | None:
    """USD per 1M (input, output) tokens for calling `model` (a fine-tuned model or
    checkpoint when it has `.ft-` in its name, else a base model); None when unknown."""
    m = lookup(model)
    if m is None:
        return None
    fine_tuned = ".ft-" in (model or "") or (model or "").startswith("ft:")
    key = f"inference.{m.family}" + ("" if fine_tuned else ".base")
    overrides = overrides or {}
    if f"{key}.input" in overrides and f"{key}.output" in overrides:
        return float(overrides[f"{key}.input"]), float(overrides[f"{key}.output"])
    prices = INFERENCE_PRICE_PER_MILLION.get(m.family)
    if prices is None:
        return None
    return prices[0] if fine_tuned else prices[1]
