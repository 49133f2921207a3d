"""Write SVG + PNG pictures of the dashboard's main screens into screenshots/.

    python screenshots/make.py            # needs rsvg-convert (librsvg2-bin) for the PNGs

Deterministic: the demo emulator (fixed seed, clock frozen and moved by `advance`), a
frozen wall clock, no animations — so re-running it only changes the pictures when the
screens change.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
os.environ["WANDB_MODE"] = "offline"

import time_machine  # noqa: E402
from textual.pilot import Pilot  # noqa: E402
from textual.worker import WorkerCancelled  # noqa: E402

from aoft_tui.cli.tui_cmd import DEMO_SEED, DEMO_SEED_JOBS, emulator_clock  # noqa: E402
from aoft_tui.emulator.embedded import EmbeddedEmulator  # noqa: E402
from aoft_tui.services.finetuning import FineTuningService  # noqa: E402
from aoft_tui.services.settings import Settings  # noqa: E402
from aoft_tui.ui.app import AoftApp  # noqa: E402
from aoft_tui.ui.screens.main_screen import MainScreen  # noqa: E402

OUT = Path(__file__).parent
FROZEN_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

Steps = Callable[[Pilot], Awaitable[None]]


async def _settle(pilot: Pilot) -> None:
    for _ in range(3):
        try:  # a screen may keep a long-lived worker (a directory tree): don't wait forever
            await asyncio.wait_for(pilot.app.workers.wait_for_complete(), 5)
        except (TimeoutError, WorkerCancelled):
            pass
        await pilot.pause(0.05)


async def _loaded(pilot: Pilot) -> MainScreen:
    for _ in range(500):
        screen = pilot.app.screen
        if isinstance(screen, MainScreen) and screen.loaded:
            await _settle(pilot)
            return screen
        await pilot.pause(0.02)
    raise RuntimeError("the job list never arrived")


def _keys(*keys: str) -> Steps:
    async def steps(pilot: Pilot) -> None:
        for key in keys:
            await pilot.press(key)
            await _settle(pilot)

    return steps


async def _select(pilot: Pilot, status: str) -> None:
    screen = await _loaded(pilot)
    table = screen.table
    for index, job_id in enumerate(table.visible_ids):
        if table.jobs[job_id].status.value == status:
            table.move_cursor(row=index)
            break
    await _settle(pilot)


async def _compare(pilot: Pilot) -> None:
    screen = await _loaded(pilot)
    table = screen.table
    service = pilot.app.service
    for job_id in [j for j in table.visible_ids if service.metrics(j)][:3]:
        table.move_cursor(row=table.get_row_index(job_id))
        await pilot.press("space")
    await pilot.press("m")
    await _settle(pilot)


async def _detail_charts(pilot: Pilot) -> None:
    await _select(pilot, "running")
    await pilot.press("enter")
    await _settle(pilot)
    await pilot.press("2")
    await _settle(pilot)
    await pilot.pause(0.3)
    await _settle(pilot)


SHOTS: list[tuple[str, tuple[int, int], Steps]] = [
    ("main", (120, 40), lambda p: _select(p, "running")),
    ("main-wide", (160, 44), lambda p: _select(p, "running")),
    ("detail-charts", (120, 40), _detail_charts),
    ("compare", (120, 40), _compare),
    ("small-80x24", (80, 24), lambda p: _select(p, "failed")),
    ("help", (120, 40), _keys("question_mark")),
    ("validate", (120, 40), _keys("v")),
    ("new-job", (120, 40), _keys("n")),
    ("push", (120, 40), lambda p: _push(p)),
    ("deployments", (150, 30), lambda p: _deployments(p)),
    ("deploy-dialog", (120, 40), lambda p: _deploy_dialog(p)),
    ("try", (150, 30), lambda p: _try(p)),
]


async def _deployments(pilot: Pilot) -> None:
    await _loaded(pilot)
    await pilot.press("e")
    for _ in range(250):
        if getattr(pilot.app.screen, "loaded", False) and hasattr(pilot.app.screen, "items"):
            break
        await pilot.pause(0.02)
    await _settle(pilot)


async def _deploy_dialog(pilot: Pilot) -> None:
    await _select(pilot, "succeeded")
    await pilot.press("D")
    await _settle(pilot)


async def _try(pilot: Pilot) -> None:
    await _deployments(pilot)
    screen = pilot.app.screen
    screen.query_one("#deployments").move_cursor(row=[d.fine_tuned for d in screen.items.values()].index(True))
    await pilot.press("t")
    await _settle(pilot)
    try_screen = pilot.app.screen
    try_screen.query_one("#try-prompt").value = "My invoice shows the wrong billing address"
    await pilot.press("enter")
    for _ in range(250):
        if try_screen.streams_done == 2:
            break
        await pilot.pause(0.02)
    await _settle(pilot)


async def _push(pilot: Pilot) -> None:
    await _select(pilot, "succeeded")
    await pilot.press("w")
    await _settle(pilot)


async def _shoot(name: str, size: tuple[int, int], steps: Steps, emu: EmbeddedEmulator, svc) -> Path:
    app = AoftApp(svc, Settings(), demo=True, clock=emulator_clock(emu))
    async with app.run_test(size=size) as pilot:
        await _loaded(pilot)
        await steps(pilot)
        svg = OUT / f"{name}.svg"
        app.save_screenshot(filename=svg.name, path=str(OUT))
    return svg


def _png(svg: Path) -> Path | None:
    converter = shutil.which("rsvg-convert")
    if converter is None:
        return None
    png = svg.with_suffix(".png")
    subprocess.run([converter, "-o", str(png), str(svg)], check=True)
    return png


def main() -> int:
    # The validate and new-job screens browse the working directory: give them sample data.
    samples = Path(__file__).parent.parent / "tests" / "validation" / "screen_data"
    if samples.is_dir():
        os.chdir(samples)
    with time_machine.travel(FROZEN_AT, tick=False):
        with EmbeddedEmulator(seed_jobs=DEMO_SEED_JOBS, speed=0.0, seed=DEMO_SEED) as emu:
            emu.advance(900)  # running jobs have curves worth looking at
            svc = FineTuningService(emu.endpoint, emu.api_key, "2025-04-01-preview", max_retries=0)
            try:
                wanted = set(sys.argv[1:])  # names to render (default: all)
                for name, size, steps in SHOTS:
                    if wanted and name not in wanted:
                        continue
                    try:
                        svg = asyncio.run(_shoot(name, size, steps, emu, svc))
                    except Exception as err:  # noqa: BLE001 - one broken screen must not stop the rest
                        print(f"{name}: skipped ({type(err).__name__}: {err})", file=sys.stderr)
                        continue
                    png = _png(svg)
                    print(f"{svg.relative_to(OUT.parent)}" + (f"  {png.relative_to(OUT.parent)}" if png else ""))
            finally:
                svc.close()
    if shutil.which("rsvg-convert") is None:
        print("PNG files need rsvg-convert (apt-get install librsvg2-bin)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
