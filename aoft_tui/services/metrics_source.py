"""Metric points of a job from its metrics events (results.csv is read by results_csv.py).

While a job runs its metrics come from `type: "metrics"` events; the cache keeps the
events already seen per job so each poll fetches only the new ones.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from aoft_tui.domain.metric_values import present_metrics
from aoft_tui.domain.models import JobEvent, MetricPoint
from aoft_tui.services.api_mapping import numeric_metrics

EventsSince = Callable[[str, str | None], list[JobEvent]]


def metrics_from_events(events: list[JobEvent]) -> list[MetricPoint]:
    """One point per step (later events for the same step add or overwrite values)."""
    by_step: dict[int, dict[str, float]] = {}
    for event in events:
        if event.type != "metrics" or not event.data:
            continue
        step = event.data.get("step")
        if isinstance(step, bool) or not isinstance(step, int | float):
            continue
        values = present_metrics(numeric_metrics(event.data))  # Azure's -1 is "no value"
        if values:
            by_step.setdefault(int(step), {}).update(values)
    return [MetricPoint(step=step, values=values) for step, values in sorted(by_step.items())]


class EventMetricsCache:
    """Per job: the metrics events seen so far and the newest event id.

    Every `events_since` result is offered here, so when the dashboard polls events
    and then asks for metrics, the metrics poll finds nothing new to download.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_id: dict[str, str | None] = {}
        self._events: dict[str, list[JobEvent]] = {}  # metrics events only
        self._seen_ids: dict[str, set[str]] = {}

    def offer(self, job_id: str, since_id: str | None, events: list[JobEvent]) -> None:
        """Take events fetched with `events_since(job_id, since_id)` when they continue
        exactly what is held (anything else would leave a gap, so it is ignored)."""
        with self._lock:
            if since_id != self._last_id.get(job_id):
                return
            kept = self._events.setdefault(job_id, [])
            seen_ids = self._seen_ids.setdefault(job_id, set())
            for event in events:
                if event.id not in seen_ids:
                    seen_ids.add(event.id)
                    if event.type == "metrics":
                        kept.append(event)
            if events:
                self._last_id[job_id] = events[-1].id

    def points(self, job_id: str, events_since: EventsSince) -> list[MetricPoint]:
        """Fetch what is new (`events_since` offers it back here), then all points so far."""
        with self._lock:
            last_id = self._last_id.get(job_id)
        events_since(job_id, last_id)
        with self._lock:
            return metrics_from_events(self._events.get(job_id, []))
