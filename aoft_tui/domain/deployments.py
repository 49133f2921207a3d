"""A model deployment as the dashboard shows it: state, age, hosting cost, time left.

Pure arithmetic over what the control plane returns; the clock is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from aoft_tui.domain import catalog

SUCCEEDED = "Succeeded"
FAILED = "Failed"
IN_PROGRESS_STATES = frozenset({"Accepted", "Creating", "Updating", "Deleting", "Moving"})


@dataclass(frozen=True, slots=True)
class Deployment:
    name: str
    model: str
    version: str
    sku: str
    capacity: int
    state: str  # ARM provisioningState: Creating, Succeeded, Failed, …
    created_at: datetime | None

    @property
    def fine_tuned(self) -> bool:
        return ".ft-" in self.model or self.version == "1"

    @property
    def in_progress(self) -> bool:
        return self.state in IN_PROGRESS_STATES

    def age(self, now: datetime) -> timedelta | None:
        return max(now - self.created_at, timedelta(0)) if self.created_at else None

    def hours_hosted(self, now: datetime) -> float | None:
        age = self.age(now)
        return age.total_seconds() / 3600 if age is not None else None

    def hosting_cost(self, now: datetime, overrides: dict[str, float] | None = None) -> float | None:
        """USD so far at the price table's hourly rate (fine-tuned deployments only; a base
        model deployment is billed per token, not per hour)."""
        if not self.fine_tuned:
            return 0.0
        rate = catalog.hosting_price_per_hour(self.sku, overrides)
        hours = self.hours_hosted(now)
        if rate is None or hours is None:
            return None
        return rate * hours

    def ends_at(self) -> datetime | None:
        """When Azure deletes it unless it is used: Developer tier 24 h after creation (fixed);
        other fine-tuned deployments 15 days after creation — each use restarts those 15 days,
        which the control plane does not report, so this is the earliest possible end."""
        if self.created_at is None or not self.fine_tuned:
            return None
        if self.sku == "Developer":
            return self.created_at + timedelta(hours=catalog.DEVELOPER_LIFETIME_HOURS)
        return self.created_at + timedelta(days=catalog.IDLE_DELETION_DAYS)

    def time_left(self, now: datetime) -> timedelta | None:
        end = self.ends_at()
        return max(end - now, timedelta(0)) if end is not None else None


def text_similarity(a: str, b: str) -> float:
    """0..1: how alike two answers read (difflib's ratio over words; 1.0 = same words)."""
    from difflib import SequenceMatcher

    wa, wb = a.split(), b.split()
    if not wa and not wb:
        return 1.0
    return SequenceMatcher(None, wa, wb, autojunk=False).ratio()


def exact_match(answer: str, expected: str) -> bool:
    return " ".join(answer.split()) == " ".join(expected.split())
