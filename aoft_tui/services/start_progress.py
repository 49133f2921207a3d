"""What a submit reports while it runs: the step it is at (Phase) and one StartProgress each time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Phase(StrEnum):
    HASHING = "hashing"
    REUSED = "reused"
    UPLOADING = "uploading"
    PROCESSING = "processing"
    CREATING = "creating"
    CREATED = "created"
    CANCELLING = "cancelling"
    CANCELLED = "cancelled"
    RESUMING = "resuming"


@dataclass(frozen=True, slots=True)
class StartProgress:
    phase: Phase
    message: str
    role: str | None = None  # "training" | "validation"
    done: int = 0
    total: int = 0
    rate: float | None = None  # bytes per second
    eta: float | None = None  # seconds
    file_status: str | None = None


ProgressSink = Callable[[StartProgress], None]
