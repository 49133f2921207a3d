"""A job's events, newest first, paged with `after`/`limit` — without materialising history.

Message events ("Job started.", …) are stored on the job. Metrics events (every
`metrics_every` steps) and checkpoint events (epoch ends) are derived from the step
timeline: per job we keep an append-only list of their sort keys, extended only by the
steps done since the last look. A page is a backwards merge of the two sorted lists from
the `after` position, so a poll costs O(new steps + limit), not O(history) — a 100k-step
job polled every second stays cheap.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

from aoft_tui.emulator import timeline
from aoft_tui.emulator.records import JobRec
from aoft_tui.emulator.simulator import is_epoch_end, metrics_at, metrics_message

# Sort key: (time, order, n). Ties in time: metrics before checkpoint before stored messages.
_METRICS, _CHECKPOINT, _MESSAGE = 0, 1, 2
Key = tuple[float, int, int]


def derived_id(prefix: str, *parts: object) -> str:
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=16).hexdigest()
    return f"{prefix}-{digest}"


@dataclass(slots=True)
class _JobEvents:
    step: int = 0  # virtual events exist for steps 1..step
    v_keys: list[Key] = field(default_factory=list)
    v_ids: list[str] = field(default_factory=list)
    v_index: dict[str, int] = field(default_factory=dict)
    m_count: int = -1
    m_keys: list[Key] = field(default_factory=list)
    m_index: dict[str, int] = field(default_factory=dict)


class EventIndex:
    def __init__(self, metrics_every: int) -> None:
        self.every = metrics_every
        self._jobs: dict[str, _JobEvents] = {}

    def _sync(self, job: JobRec, now: float) -> _JobEvents:
        ev = self._jobs.setdefault(job.id, _JobEvents())
        step = timeline.step_at(job, now)
        plan = job.plan
        for s in range(ev.step + 1, step + 1):
            metrics = s % self.every == 0 or s == plan.total_steps
            checkpoint = s < plan.total_steps and is_epoch_end(plan, s)
            if not (metrics or checkpoint):
                continue
            t = timeline.time_of_step(job, s)
            if t is None:
                continue
            for kind, wanted, tag in ((_METRICS, metrics, "m"), (_CHECKPOINT, checkpoint, "c")):
                if wanted:
                    event_id = derived_id("ftevent", job.id, tag, s)
                    ev.v_index[event_id] = len(ev.v_keys)
                    ev.v_keys.append((t, kind, s))
                    ev.v_ids.append(event_id)
        ev.step = max(ev.step, step)
        if ev.m_count != len(job.events):
            order = sorted(range(len(job.events)), key=lambda i: (job.events[i].t, i))
            ev.m_keys = [(job.events[i].t, _MESSAGE, i) for i in order]
            ev.m_index = {job.events[i].id: pos for pos, i in enumerate(order)}
            ev.m_count = len(job.events)
        return ev

    def page(self, job: JobRec, now: float, after: str | None, limit: int) -> tuple[list[dict], bool]:
        """Newest first; `after` = the last id of the previous page (older events follow)."""
        ev = self._sync(job, now)
        if after in ev.v_index:
            bound: Key | None = ev.v_keys[ev.v_index[after]]
        elif after in ev.m_index:
            bound = ev.m_keys[ev.m_index[after]]
        else:
            bound = None  # no (or an unknown) cursor: from the newest
        vi = len(ev.v_keys) if bound is None else bisect_left(ev.v_keys, bound)
        mi = len(ev.m_keys) if bound is None else bisect_left(ev.m_keys, bound)
        out: list[dict] = []
        while len(out) < limit and (vi or mi):
            if mi and (not vi or ev.m_keys[mi - 1] > ev.v_keys[vi - 1]):
                mi -= 1
                out.append(self._message(job, ev.m_keys[mi][2]))
            else:
                vi -= 1
                out.append(self._virtual(job, ev.v_keys[vi], ev.v_ids[vi]))
        return out, bool(vi or mi)

    def forget(self, job_id: str) -> None:
        self._jobs.pop(job_id, None)

    @staticmethod
    def _message(job: JobRec, i: int) -> dict[str, Any]:
        e = job.events[i]
        return {
            "object": "fine_tuning.job.event",
            "id": e.id,
            "created_at": int(e.t),
            "level": e.level,
            "message": e.message,
            "type": "message",
            "data": None,
        }

    @staticmethod
    def _virtual(job: JobRec, key: Key, event_id: str) -> dict[str, Any]:
        t, kind, step = key
        body: dict[str, Any] = {
            "object": "fine_tuning.job.event",
            "id": event_id,
            "created_at": int(t),
            "level": "info",
        }
        if kind == _METRICS:
            m = metrics_at(job.plan, job.seed, step)
            data = {"step": step, **{k: v for k, v in m.items() if k != "step"}}
            body.update(message=metrics_message(step, m), type="metrics", data=data)
        else:
            body.update(message=f"Checkpoint created at step {step}.", type="message", data=None)
        return body
