"""Helpers the snapshot tests share."""

from __future__ import annotations

from dataclasses import replace


def fixed_ids_and_timings(log, endpoint: str) -> None:
    """The log view's random request ids, timings and endpoint replaced with fixed ones."""
    with log._lock:
        records = list(log._records)
        log._records.clear()
        for index, record in enumerate(records):
            rid = f"00000000-0000-4000-8000-{index:012d}"
            error = record.error and record.error.replace(record.request_id or "?", rid).replace(
                endpoint, "http://127.0.0.1:8080"
            )
            log._records.append(replace(record, request_id=rid, duration=0.012 + index / 1000, error=error))
        log.version += 1
