"""Training plans and metric curves, computed as pure functions of (plan, seed, step).

Nothing here is stored per step: a 100k-step job costs the same memory as a 10-step one,
and `advance(3600)` is instant, because every metric, checkpoint and results.csv row is
recomputed on demand from the plan and the step.

Curves (deterministic per job seed): training loss decays exponentially per epoch with
batch noise, validation loss sits a little above it and drifts up late (mild
overfitting), token accuracy rises towards ~0.95. DPO jobs use the same metric names as
Azure's results.csv; their loss starts at ln 2 ≈ 0.693 (the DPO sigmoid loss of an
untrained policy) instead of a language-model loss.
"""

from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass
from typing import Any

from aoft_tui.domain.models import (
    FULL_VALID_ACCURACY,
    FULL_VALID_LOSS,
    SUPERVISED_METRICS,
    TRAIN_ACCURACY,
    TRAIN_LOSS,
    TRAIN_REASONING_TOKENS,
    TRAIN_REWARD,
    VALID_ACCURACY,
    VALID_LOSS,
    VALID_REASONING_TOKENS,
    VALID_REWARD,
)

NO_VALUE_CELL = "-1"  # the live results.csv's "no value" (tests/fixtures/azure-real/SOURCE.md)
RESULT_COLUMNS = ("step", *SUPERVISED_METRICS)
# a reinforcement job's results.csv adds its reward and reasoning-token columns
RFT_COLUMNS = (TRAIN_REWARD, VALID_REWARD, TRAIN_REASONING_TOKENS, VALID_REASONING_TOKENS)

# Timeline constants (simulated seconds).
VALIDATION_SECONDS = 120.0  # queued/validating files before training can start
MIN_TRAIN_SECONDS = 120.0
POSTPROCESS_SECONDS = 180.0  # after the last step: results file, deployment artefacts
PAUSE_SECONDS = 30.0  # pausing → paused (a checkpoint is written)
RESUME_SECONDS = 30.0  # resuming → running
# "≈ 1 minute per thousand short examples per epoch": 1,000 examples × 100 tokens.
TOKENS_PER_TRAIN_MINUTE = 100_000


@dataclass(slots=True)
class TrainingPlan:
    n_examples: int
    tokens_per_epoch: int
    n_epochs: int
    batch_size: int
    learning_rate_multiplier: float
    steps_per_epoch: int
    total_steps: int
    train_seconds: float
    has_validation: bool
    method: str = "supervised"
    beta: float | None = None

    @property
    def seconds_per_step(self) -> float:
        return self.train_seconds / max(1, self.total_steps)

    @property
    def trained_tokens(self) -> int:
        return self.tokens_per_epoch * self.n_epochs

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TrainingPlan:
        return cls(**data)

    def hyperparameters(self) -> dict[str, Any]:
        hp: dict[str, Any] = {
            "n_epochs": self.n_epochs,
            "batch_size": self.batch_size,
            "learning_rate_multiplier": self.learning_rate_multiplier,
        }
        if self.method == "dpo":
            hp["beta"] = self.beta if self.beta is not None else 0.1
        return hp


def _auto_epochs(n_examples: int) -> int:
    # OpenAI's documented heuristic: 3 epochs, raised for tiny sets, lowered for huge ones.
    epochs = 3
    if n_examples * epochs < 100:
        epochs = min(25, math.ceil(100 / max(1, n_examples)))
    elif n_examples * epochs > 25_000:
        epochs = max(1, 25_000 // n_examples)
    return epochs


def _auto_batch(n_examples: int) -> int:
    return max(1, min(256, round(n_examples * 0.002)))


def make_plan(
    *,
    n_examples: int,
    tokens_per_epoch: int,
    has_validation: bool,
    method: str = "supervised",
    hyperparameters: dict[str, Any] | None = None,
    n_steps: int | None = None,
    seconds_per_step: float | None = None,
) -> TrainingPlan:
    """Resolve 'auto' hyper-parameters and the training duration.

    `n_steps`/`seconds_per_step` override the derived values (test helpers: a 100k-step job)."""
    hp = hyperparameters or {}
    n_examples = max(1, n_examples)
    n_epochs = _int_or_auto(hp.get("n_epochs")) or _auto_epochs(n_examples)
    batch_size = _int_or_auto(hp.get("batch_size")) or _auto_batch(n_examples)
    lr = hp.get("learning_rate_multiplier")
    lr = (
        float(lr)
        if isinstance(lr, int | float) and not isinstance(lr, bool) and lr > 0
        else (0.1 if batch_size < 8 else 0.2)
    )
    steps_per_epoch = math.ceil(n_examples / batch_size)
    total = steps_per_epoch * n_epochs
    if n_steps is not None:
        total = max(1, int(n_steps))
        steps_per_epoch = max(1, math.ceil(total / n_epochs))
        total = steps_per_epoch * n_epochs
    if seconds_per_step is not None:
        train_seconds = seconds_per_step * total
    else:
        minutes_per_epoch = tokens_per_epoch / TOKENS_PER_TRAIN_MINUTE
        train_seconds = max(MIN_TRAIN_SECONDS, 60.0 * minutes_per_epoch * n_epochs)
    beta = hp.get("beta")
    return TrainingPlan(
        n_examples=n_examples,
        tokens_per_epoch=tokens_per_epoch,
        n_epochs=n_epochs,
        batch_size=batch_size,
        learning_rate_multiplier=lr,
        steps_per_epoch=steps_per_epoch,
        total_steps=total,
        train_seconds=float(train_seconds),
        has_validation=has_validation,
        method=method,
        beta=float(beta) if isinstance(beta, int | float) and not isinstance(beta, bool) else None,
    )


def _int_or_auto(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


# --- deterministic noise -------------------------------------------------------------------
_MASK = (1 << 64) - 1


def _noise(seed: int, step: int, channel: int) -> float:
    """splitmix64 of (seed, step, channel) → uniform in [-1, 1). Cheap and stateless."""
    z = (seed * 0x9E3779B97F4A7C15 + step * 0xBF58476D1CE4E5B9 + channel * 0x94D049BB133111EB) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    z ^= z >> 31
    return (z / 2.0**64) * 2.0 - 1.0


def metrics_at(plan: TrainingPlan, seed: int, step: int) -> dict[str, float]:
    """The metrics Azure reports for `step` (1-based); only the keys this job has."""
    epoch = step / plan.steps_per_epoch
    start, floor = _loss_range(plan.method, seed)
    smooth = floor + (start - floor) * math.exp(-1.7 * epoch)
    acc_smooth = 0.55 + 0.40 * (1.0 - math.exp(-1.9 * epoch))
    out: dict[str, float] = {
        "step": float(step),
        TRAIN_LOSS: round(max(0.0, smooth * (1.0 + 0.16 * _noise(seed, step, 1))), 5),
        TRAIN_ACCURACY: round(_clip(acc_smooth + 0.03 * _noise(seed, step, 2)), 5),
    }
    if plan.has_validation:
        overfit = 0.015 * max(0.0, epoch - 1.0)
        v_smooth = smooth * 1.08 + overfit
        out[VALID_LOSS] = round(max(0.0, v_smooth * (1.0 + 0.2 * _noise(seed, step, 3))), 5)
        out[VALID_ACCURACY] = round(_clip(acc_smooth - 0.03 + 0.04 * _noise(seed, step, 4)), 5)
        if is_epoch_end(plan, step):
            out[FULL_VALID_LOSS] = round(v_smooth * (1.0 + 0.02 * _noise(seed, step, 5)), 5)
            out[FULL_VALID_ACCURACY] = round(_clip(acc_smooth - 0.02 + 0.005 * _noise(seed, step, 6)), 5)
    if plan.method == "reinforcement":
        out.update(_rft_metrics(plan, seed, step, epoch))
    return out


def _rft_metrics(plan: TrainingPlan, seed: int, step: int, epoch: float) -> dict[str, float]:
    """Mean reward rises towards ~0.8; reasoning tokens settle as the policy learns."""
    reward = 0.25 + 0.55 * (1.0 - math.exp(-1.4 * epoch))
    tokens = 1800.0 + 1400.0 * math.exp(-0.9 * epoch)
    out = {
        TRAIN_REWARD: round(_clip(reward + 0.06 * _noise(seed, step, 11)), 5),
        TRAIN_REASONING_TOKENS: round(tokens * (1.0 + 0.1 * _noise(seed, step, 12)), 1),
    }
    if plan.has_validation:
        out[VALID_REWARD] = round(_clip(reward - 0.04 + 0.05 * _noise(seed, step, 13)), 5)
        out[VALID_REASONING_TOKENS] = round(tokens * 0.9 * (1.0 + 0.1 * _noise(seed, step, 14)), 1)
    return out


@functools.lru_cache(maxsize=4096)
def _loss_range(method: str, seed: int) -> tuple[float, float]:
    """(initial, final) loss of a job's curve; cached: it is needed for every step."""
    if method == "dpo":
        return math.log(2), 0.05
    return 1.6 + 0.3 * _noise(seed, 0, 9), 0.12 + 0.05 * abs(_noise(seed, 0, 8))


def _clip(x: float) -> float:
    return min(1.0, max(0.0, x))


def is_epoch_end(plan: TrainingPlan, step: int) -> bool:
    return step == plan.total_steps or step % plan.steps_per_epoch == 0


def epoch_end_steps(plan: TrainingPlan) -> list[int]:
    return [min(plan.total_steps, k * plan.steps_per_epoch) for k in range(1, plan.n_epochs + 1)]


def results_csv(plan: TrainingPlan, seed: int, last_step: int) -> bytes:
    """Azure's results.csv: one row per step; a metric the step lacks (validation on a step
    without it, or a job without a validation file) is `-1`, as the live service writes it."""
    columns = RESULT_COLUMNS + (RFT_COLUMNS if plan.method == "reinforcement" else ())
    lines = [",".join(columns)]
    for step in range(1, last_step + 1):
        m = metrics_at(plan, seed, step)
        cells = [str(step)]
        for col in columns[1:]:
            value = m.get(col)
            cells.append(NO_VALUE_CELL if value is None else repr(value))
        lines.append(",".join(cells))
    return ("\n".join(lines) + "\n").encode()


def metrics_message(step: int, metrics: dict[str, float]) -> str:
    text = f"Step {step}: training loss={metrics[TRAIN_LOSS]:.4f}"
    if VALID_LOSS in metrics:
        text += f", validation loss={metrics[VALID_LOSS]:.4f}"
    if FULL_VALID_LOSS in metrics:
        text += f", full validation loss={metrics[FULL_VALID_LOSS]:.4f}"
    return text
