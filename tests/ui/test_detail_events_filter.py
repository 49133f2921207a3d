"""The Events tab of the job detail: `i` steps the level filter, `/` searches, esc clears."""

from __future__ import annotations

import re

from aoft_tui.domain.models import EventLevel, JobStatus
from aoft_tui.ui.screens.job_detail import JobDetailScreen
from aoft_tui.ui.widgets.events_log import EventsLog

from .detail_support import settle as settle_detail
from .main_support import loaded, make_app, select_job


def _drawn(log: EventsLog) -> list[str]:
    """One entry per drawn event (a long message wraps onto lines without a timestamp)."""
    return [line.text for line in log.lines if re.match(r"\d\d-\d\d \d\d:\d\d:\d\d", line.text)]


async def _events_tab(pilot, status: JobStatus) -> tuple[JobDetailScreen, EventsLog, str]:
    await loaded(pilot)
    job_id = await select_job(pilot, lambda j: j.status is status)
    await pilot.press("enter")
    await settle_detail(pilot)
    await pilot.press("3")
    await settle_detail(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, JobDetailScreen)
    return screen, screen.query_one(EventsLog), job_id


async def test_level_filter_steps_through_warnings_and_errors(seeded_emulator, seeded_service) -> None:
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, log, job_id = await _events_tab(pilot, JobStatus.FAILED)
        events = seeded_service.events_since(job_id)
        errors = [e for e in events if e.level is EventLevel.ERROR]
        assert errors and len(errors) < len(events)  # a failed job: some errors among the rest
        assert len(_drawn(log)) == len(events)
        await pilot.press("i", "i")
        await settle_detail(pilot)
        assert len(_drawn(log)) == len(errors) and all("error" in line for line in _drawn(log))
        state = str(screen.query_one("#events-filter-state").render())
        assert f"errors only · {len(errors)} of {len(events)} events" in state
        await pilot.press("i")
        await settle_detail(pilot)
        assert len(_drawn(log)) == len(events)
        assert not screen.query_one("#events-filter-state").display


async def test_search_narrows_the_events_and_esc_clears_it(seeded_emulator, seeded_service) -> None:
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, log, job_id = await _events_tab(pilot, JobStatus.SUCCEEDED)
        events = seeded_service.events_since(job_id)
        word = "checkpoint"
        matching = [e for e in events if word in e.message.lower()]
        assert 0 < len(matching) < len(events)
        await pilot.press("slash", *word)
        await settle_detail(pilot)
        assert len(_drawn(log)) == len(matching)
        await pilot.press("enter")  # keeps the search; focus back on the events
        await settle_detail(pilot)
        assert isinstance(app.screen, JobDetailScreen) and len(_drawn(log)) == len(matching)
        await pilot.press("slash", "escape")
        await settle_detail(pilot)
        assert len(_drawn(log)) == len(events) and isinstance(app.screen, JobDetailScreen)


async def test_events_keys_are_off_on_other_tabs(seeded_emulator, seeded_service) -> None:
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, log, _ = await _events_tab(pilot, JobStatus.FAILED)
        await pilot.press("1", "i")
        await settle_detail(pilot)
        assert len(log.levels) == 3
