"""Push a fine-tuning job to Weights & Biases (no Textual; wandb imported only when pushing)."""

from aoft_tui.services.wandb_push.options import (
    DEFAULT_PROJECT,
    MODES,
    PushError,
    PushOptions,
    PushProgress,
    PushResult,
    logged_in,
    resolve_mode,
)
from aoft_tui.services.wandb_push.push import push_job

__all__ = [
    "DEFAULT_PROJECT",
    "MODES",
    "PushError",
    "PushOptions",
    "PushProgress",
    "PushResult",
    "logged_in",
    "push_job",
    "resolve_mode",
]
