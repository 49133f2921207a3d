"""Every screen at 80×24 and at a wide 160×48, in the real app over the frozen demo: the
pairs the other snapshot files do not already draw, plus NO_COLOR for the main list and the
detail charts. Each key bar must still end with Help and Quit.

Deterministic: frozen wall clock and emulator clock, fixed seed (tests/support/demo.py);
the file pickers start in a committed folder; the log's request ids and durations (uuid4,
real time) are replaced by fixed ones as in test_views_snapshots.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import demo
from tests.ui.main_support import loaded, make_app, select_job, settle, table

from .screen_steps import (
    compare_three_with_metrics,
    deploy_dialog,
    deployments,
    evaluate_beside_the_base,
    files_view,
    log_after_a_failure,
    try_side_by_side,
    wait_until,
)

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "validation" / "screen_data"
SMALL, WIDE = (80, 24), (160, 48)
TABS = {"overview": "1", "charts": "2", "events": "3", "checkpoints": "4"}
LINKS = {
    "subscription_id": "00000000-1111-2222-3333-444444444444",
    "resource_group": "rg-ft",
    "account_name": "my-aoai",
}


async def _on_metrics_job(pilot) -> None:
    await loaded(pilot)
    jobs = table(pilot)
    with_metrics = [j for j in jobs.visible_ids if pilot.app.service.metrics(j)]
    jobs.move_cursor(row=jobs.get_row_index(with_metrics[0]))
    await pilot.pause()


def _keys(*keys: str, metrics_job: bool = False):
    async def run_before(pilot, emu) -> None:
        if metrics_job:
            await _on_metrics_job(pilot)
        else:
            await loaded(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


async def _validate(pilot, emu) -> None:
    await _on_metrics_job(pilot)
    await pilot.press("v")
    tree = pilot.app.screen.query_one("DirectoryTree")  # its loader worker stays alive
    for _ in range(200):
        await pilot.pause(0.02)
        if len(tree.root.children) == 2:  # clean.jsonl, support-train.jsonl
            break
    await pilot.pause(0.1)


async def _compare(pilot, emu) -> None:
    await compare_three_with_metrics(pilot)


async def _files(pilot, emu) -> None:
    await files_view(pilot)


async def _log(pilot, emu) -> None:
    await log_after_a_failure(pilot, emu)


async def _deployments(pilot, emu) -> None:
    await deployments(pilot)
    # the table widens its columns to the rows only on a later refresh: before that they are
    # as wide as their labels ("bill" for billing-demo), so wait for the name column to fit
    screen = pilot.app.screen
    name_column = next(iter(screen.query_one("#deployments").columns.values()))
    await wait_until(pilot, lambda: name_column.content_width >= max(map(len, screen.items)))
    await pilot.pause(0.3)  # and the refresh after it has drawn
    await settle(pilot)


async def _on_fine_tuned_deployment(pilot, emu) -> None:
    await _deployments(pilot, emu)
    screen = pilot.app.screen
    screen.query_one("#deployments").move_cursor(
        row=[d.fine_tuned for d in screen.items.values()].index(True)
    )
    await pilot.pause()


async def _deploy_dialog(pilot, emu) -> None:
    await deploy_dialog(pilot)


async def _try(pilot, emu) -> None:
    await _on_fine_tuned_deployment(pilot, emu)
    await try_side_by_side(pilot)


async def _evaluate(pilot, emu) -> None:
    await _on_fine_tuned_deployment(pilot, emu)
    await evaluate_beside_the_base(pilot)


async def _connect(pilot, emu) -> None:
    await loaded(pilot)
    pilot.app.action_connect(first_run=True)
    await pilot.pause()


async def _confirm(pilot, emu) -> None:
    await loaded(pilot)
    await select_job(pilot, lambda job: job.status.can_cancel)
    await pilot.press("c")
    await settle(pilot)


# name: (how to open it, the sizes still missing, the emulator's simulated start, NO_COLOR)
SCREENS = {
    "main_list_no_color": (_keys("down"), [SMALL, WIDE], 600, True),
    "detail_overview": (_keys("enter", "1", metrics_job=True), [WIDE], 600, False),
    "detail_charts_no_color": (_keys("enter", "2", metrics_job=True), [SMALL, WIDE], 600, True),
    "detail_events": (_keys("enter", "3", metrics_job=True), [SMALL], 600, False),
    "detail_checkpoints": (_keys("enter", "4", metrics_job=True), [WIDE], 600, False),
    "compare": (_compare, [WIDE], 600, False),
    "help": (_keys("question_mark"), [SMALL, WIDE], 600, False),
    "new_job": (_keys("n", metrics_job=True), [WIDE], 600, False),
    "validate": (_validate, [WIDE], 600, False),
    "push": (_keys("w", metrics_job=True), [WIDE], 600, False),
    "files": (_files, [WIDE], 600, False),
    "log": (_log, [WIDE], 600, False),
    "links": (_keys("down", "u"), [WIDE], 600, False),
    "deployments": (_deployments, [SMALL, WIDE], 5 * 3600, False),  # fixed column widths now
    "deploy_dialog": (_deploy_dialog, [SMALL, WIDE], 5 * 3600, False),
    "try": (_try, [SMALL, WIDE], 5 * 3600, False),
    "evaluate": (_evaluate, [SMALL, WIDE], 5 * 3600, False),
    "connect": (_connect, [WIDE], 600, False),
    "confirm": (_confirm, [SMALL, WIDE], 600, False),
}

CASES = [
    pytest.param(name, size, id=f"{name}-{size[0]}x{size[1]}")
    for name, (_, sizes, _, _) in SCREENS.items()
    for size in sizes
]


@pytest.mark.parametrize(("name", "size"), CASES)
def test_every_screen(snap_compare, monkeypatch, name, size):
    open_screen, _, advance, no_color = SCREENS[name]
    # the validate and new-job file pickers start in DATA (a fixed listing); the rest from the
    # repository root (the evaluate screen shows its file's relative path)
    monkeypatch.chdir(DATA if name in ("validate", "new_job") else REPO)
    monkeypatch.setenv("NETRC", str(DATA / "no-netrc"))  # the push form: no W&B key anywhere
    monkeypatch.delenv("WANDB_API_KEY", raising=False)
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")  # read when the app is made
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)

    async def run_before(pilot) -> None:
        await open_screen(pilot, emu)
        # a dialog has no key bar of its own: the one showing is the screen's under it
        bars = [bar for screen in reversed(pilot.app.screen_stack) for bar in screen.query("KeyBar")]
        text = bars[0].render().plain
        assert "Help" in text and "Quit" in text, text

    with demo.frozen_demo(advance=advance) as (emu, svc):
        settings = LINKS if name == "links" else {}
        assert snap_compare(make_app(svc, emu, **settings), terminal_size=size, run_before=run_before)
