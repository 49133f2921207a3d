"""Follow the job list's pages safely (no Textual, no SDK import: the caller passes its API).

A cursor (`after`) can name a job deleted since the page before. The live service's answer
to such a cursor is not documented; an empty page and the first page again are both seen in
the wild (the emulator answers an empty page by default, the first page with --strict-spec).
Either way the client steps back to an earlier job it saw and goes on from there, keeping only
jobs it has not seen: it never loops and never repeats a page.
"""

from __future__ import annotations

from typing import Any

from aoft_tui.services.api_mapping import as_dict

# how many jobs back to step when a cursor names a job the service no longer knows
MAX_STEP_BACK = 5


def all_raw_jobs(jobs_api: Any, *, page_size: int) -> list[dict[str, Any]]:
    """Every job of `jobs_api` (the SDK's `client.fine_tuning.jobs`), each once, newest first."""
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    after: str | None = None
    step_back = 0  # how far before the last seen job the next cursor is
    while True:
        page = jobs_api.list(limit=page_size, after=after) if after else jobs_api.list(limit=page_size)
        fresh = [raw for raw in map(as_dict, page.data) if str(raw.get("id")) not in seen]
        for raw in fresh:
            seen.add(str(raw.get("id")))
            found.append(raw)
        if fresh:
            step_back = 0
            if not page.has_more:
                return found
        elif after is None or step_back >= min(MAX_STEP_BACK, len(found) - 1):
            return found  # an empty list, or nothing new even from earlier cursors: done
        else:
            step_back += 1  # the cursor was unknown: try the job before it
        after = str(found[-1 - step_back].get("id"))
