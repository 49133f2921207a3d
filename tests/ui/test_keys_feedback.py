"""Keys and feedback (#13, #14): one key bar with ? and q everywhere, vim keys, `:` for the
palette that also searches descriptions, dimmed job actions that say why, esc that asks
before throwing a filled form away, toasts that stay with their screen, a help that lists
every key."""

from __future__ import annotations

import re

import pytest

from aoft_tui.domain.models import JobStatus
from aoft_tui.ui.screens.confirm import ConfirmScreen
from aoft_tui.ui.screens.job_detail import JobDetailScreen
from aoft_tui.ui.widgets.key_bar import KeyBar

from .detail_support import job_with
from .main_support import loaded, main_screen, make_app, select_job, settle, table, toasts


def _bar_text(app) -> str:
    return app.screen.query_one(KeyBar).render().plain


@pytest.mark.parametrize("opener", ["", "enter", "m", "v", "n", "w"])
async def test_every_screen_has_the_key_bar_with_help_and_quit_at_80_columns(
    seeded_emulator, seeded_service, opener
) -> None:
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await select_job(pilot, lambda j: j.status is JobStatus.RUNNING)
        if opener == "m":
            await pilot.press("space", "space")
        if opener:
            await pilot.press(opener)
        # not settle(): the validate screen's file tree keeps a loader worker alive
        for _ in range(3):
            await pilot.pause(0.05)
        text = _bar_text(app)
        # in a text field (the validate path) ? and q type themselves: f1 and ctrl+q are shown
        assert re.search(r"(\?|f1) Help", text) and re.search(r"(q|\^q) Quit", text), text
        assert len(text.rstrip()) <= 80
        if opener in ("", "enter", "m"):
            assert "? Help" in text and "q Quit" in text, text


async def _open_a_running_jobs_detail(pilot) -> None:
    await select_job(pilot, lambda j: j.status is JobStatus.RUNNING)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, JobDetailScreen)  # on its Overview tab


async def test_detail_key_bar_lists_the_tabs_and_help(start_dashboard) -> None:
    async with start_dashboard(size=(160, 40)) as pilot:
        app = pilot.app
        await _open_a_running_jobs_detail(pilot)
        text = _bar_text(app)
        assert "1-4 Tabs" in text and "? Help" in text, text


async def test_j_k_g_G_ctrl_d_ctrl_u_move_the_list(dashboard) -> None:
    jobs = table(dashboard)
    await dashboard.press("g")
    assert jobs.cursor_row == 0
    await dashboard.press("j", "j")
    assert jobs.cursor_row == 2
    await dashboard.press("k")
    assert jobs.cursor_row == 1
    await dashboard.press("G")
    assert jobs.cursor_row == jobs.row_count - 1
    await dashboard.press("ctrl+u")
    assert jobs.cursor_row < jobs.row_count - 1
    await dashboard.press("g", "ctrl+d")
    assert jobs.cursor_row > 0


async def test_colon_opens_the_palette_and_push_finds_the_wandb_action(dashboard) -> None:
    from textual.command import CommandPalette

    await dashboard.press("colon")
    await dashboard.pause()
    assert isinstance(dashboard.app.screen, CommandPalette)
    await dashboard.press(*"push")
    for _ in range(50):
        await dashboard.pause(0.05)
        options = dashboard.app.screen.query_one("CommandList").options
        prompts = [str(option.prompt) for option in options]
        if any("W&B" in p for p in prompts):
            break
    assert any("W&B" in p for p in prompts), prompts


async def test_cancel_in_the_detail_of_a_finished_job_says_why(start_detail) -> None:
    async with start_detail(JobStatus.SUCCEEDED, size=(120, 40), notifications=True) as (pilot, job):
        app = pilot.app
        for key in ("c", "p", "r"):
            await pilot.press(key)
            await pilot.pause()
        assert isinstance(app.screen, JobDetailScreen)
        assert [n.title for n in app._notifications] == ["Can't cancel", "Can't pause", "Can't resume"]


async def test_toasts_of_the_detail_do_not_follow_back_to_the_list(dashboard) -> None:
    await select_job(dashboard, lambda j: j.status is JobStatus.SUCCEEDED)
    await dashboard.press("enter")
    await settle(dashboard)
    await dashboard.press("y")  # "Copied job id"
    await dashboard.pause()
    assert "Copied job id" in [t for t, _ in toasts(dashboard.app)]
    await dashboard.press("escape")
    await settle(dashboard)
    assert dashboard.app.screen is main_screen(dashboard)
    assert "Copied job id" not in [t for t, _ in toasts(dashboard.app)]


async def test_help_lists_every_key_of_the_detail_overview(start_dashboard) -> None:
    from aoft_tui.ui.screens.help_screen import HelpScreen

    async with start_dashboard(size=(120, 60)) as pilot:
        app = pilot.app
        await _open_a_running_jobs_detail(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = [keys.split() for keys, _ in app.screen.rows]
        listed = {key.lower() for row in keys for key in row}
        # the chart keys (off the Charts tab too), the tabs, both help keys, vim keys, the palette
        for wanted in (
            "t",
            "v",
            "f",
            "~",
            "l",
            "+",
            "-",
            "1-4",
            "2",
            "?",
            "f1",
            "j",
            "k",
            "g",
            "^d",
            "^u",
            ":",
        ):
            assert wanted in listed, (wanted, keys)
        assert ["?", "f1"] in [[k.lower() for k in row] for row in keys]


async def test_esc_in_a_filled_new_job_form_asks_and_stays_by_default(dashboard) -> None:
    from aoft_tui.ui.screens.new_job_screen import NewJobScreen

    await dashboard.press("n")
    await settle(dashboard)
    screen = dashboard.app.screen
    assert isinstance(screen, NewJobScreen)
    screen.query_one("#suffix").value = "my-run"
    await dashboard.press("escape")
    await dashboard.pause()
    assert isinstance(dashboard.app.screen, ConfirmScreen)
    await dashboard.press("escape")  # the default: stay, nothing lost
    await dashboard.pause()
    assert dashboard.app.screen is screen and screen.query_one("#suffix").value == "my-run"
    await dashboard.press("escape")
    await dashboard.pause()
    await dashboard.press("y")
    await settle(dashboard)
    assert dashboard.app.screen is main_screen(dashboard)


async def test_space_says_it_marks_and_moves_down(seeded_emulator, seeded_service) -> None:
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        assert "␣ Mark+↓" in _bar_text(app)
        await pilot.press("space")
        assert table(pilot).cursor_row == 1 and len(table(pilot).marked) == 1


async def test_the_detail_stops_polling_under_another_screen_and_catches_up_after(
    seeded_emulator, seeded_service
) -> None:
    """The one poller pauses every live view while something is on top (the list did; the
    detail kept polling under the help)."""
    job = job_with(seeded_service, JobStatus.RUNNING)
    calls: list[str] = []
    real_get_job = seeded_service.get_job

    def counting_get_job(job_id, *args, **kwargs):
        calls.append(job_id)
        return real_get_job(job_id, *args, **kwargs)

    seeded_service.get_job = counting_get_job  # count detail polls; the real call still happens
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await select_job(pilot, lambda j: j.id == job.id)
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, JobDetailScreen)
        await pilot.press("question_mark")
        await settle(pilot)
        before = len(calls)
        await pilot.pause(2.5)  # longer than the active interval
        assert len(calls) == before, "the detail polled under the help screen"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is detail and len(calls) > before, "it did not poll again once shown"
