"""Write SVG + PNG pictures of the dashboard's main screens into screenshots/.

    python -m screenshots.make            # from the repository root; rsvg-convert (librsvg2-bin) for the PNGs

Deterministic: the demo emulator (fixed seed, clock frozen and moved by `advance`), a
frozen wall clock, no animations — so re-running it only changes the pictures when the
screens change. The set-up is the dashboard snapshot tests' own (tests/support/demo.py,
tests/ui/main_support.py), with the demo's seed and more simulated time.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
os.environ["WANDB_MODE"] = "offline"

from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from aoft_tui.cli.tui_cmd import DEMO_SEED, DEMO_SEED_JOBS
from aoft_tui.emulator.embedded import EmbeddedEmulator

try:  # the tests' own set-up: importable when run as a module from the repository root
    from tests.deploy.screen_support import select_fine_tuned_deployment
    from tests.snapshots.screen_steps import (
        compare_three_with_metrics,
        deployments,
        evaluate_beside_the_base,
        try_side_by_side,
    )
    from tests.support.demo import frozen_demo
    from tests.ui.main_support import loaded, make_app
except ModuleNotFoundError as missing:
    if missing.name != "tests":
        raise
    sys.exit("Run it from the repository root as: python -m screenshots.make")

OUT = Path(__file__).parent

Steps = Callable[[Pilot], Awaitable[None]]


async def _settle(pilot: Pilot) -> None:
    """main_support.settle, but bounded: the validate and new-job screens keep a directory
    tree's worker running, which that one would wait for forever."""
    for _ in range(3):
        # a screen may keep a long-lived worker (a directory tree): don't wait forever
        with contextlib.suppress(TimeoutError, WorkerCancelled):
            await asyncio.wait_for(pilot.app.workers.wait_for_complete(), 5)
        await pilot.pause(0.05)


async def _settle_when(pilot: Pilot, ready: Callable[[], object]) -> None:
    """Wait until `ready()` holds (5 s at most, then go on regardless), then settle."""
    for _ in range(250):
        if ready():
            break
        await pilot.pause(0.02)
    await _settle(pilot)


def _keys(*keys: str) -> Steps:
    async def steps(pilot: Pilot) -> None:
        for key in keys:
            await pilot.press(key)
            await _settle(pilot)

    return steps


async def _select(pilot: Pilot, status: str) -> None:
    screen = await loaded(pilot)
    table = screen.table
    for index, job_id in enumerate(table.visible_ids):
        if table.jobs[job_id].status.value == status:
            table.move_cursor(row=index)
            break
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
    ("compare", (120, 40), compare_three_with_metrics),
    ("small-80x24", (80, 24), lambda p: _select(p, "failed")),
    ("help", (120, 40), _keys("question_mark")),
    ("validate", (120, 40), _keys("v")),
    ("new-job", (120, 40), _keys("n")),
    ("push", (120, 40), lambda p: _push(p)),
    ("deployments", (150, 30), deployments),
    ("deploy-dialog", (120, 40), lambda p: _deploy_dialog(p)),
    ("try", (150, 30), lambda p: _try(p)),
    ("evaluate", (150, 30), lambda p: _evaluate(p)),
]


async def _deploy_dialog(pilot: Pilot) -> None:
    await _select(pilot, "succeeded")
    await pilot.press("D")
    await _settle(pilot)


async def _on_fine_tuned_deployment(pilot: Pilot) -> None:
    await deployments(pilot)
    select_fine_tuned_deployment(pilot.app.screen)


async def _try(pilot: Pilot) -> None:
    await _on_fine_tuned_deployment(pilot)
    await try_side_by_side(pilot, "My invoice shows the wrong billing address")


async def _evaluate(pilot: Pilot) -> None:
    await _on_fine_tuned_deployment(pilot)
    # relative to the sample-data directory main() works in: the same text on every machine
    await evaluate_beside_the_base(pilot, "../../fixtures/eval/support-valid.jsonl")


async def _push(pilot: Pilot) -> None:
    await _select(pilot, "succeeded")
    await pilot.press("w")
    await _settle(pilot)


async def _shoot(name: str, size: tuple[int, int], steps: Steps, emu: EmbeddedEmulator, svc) -> Path:
    app = make_app(svc, emu)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
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
    # The demo's jobs, further on than the snapshots' (running jobs have curves worth looking at).
    with frozen_demo(seed_jobs=DEMO_SEED_JOBS, seed=DEMO_SEED, advance=900) as (emu, svc):
        wanted = set(sys.argv[1:])  # names to render (default: all)
        for name, size, steps in SHOTS:
            if wanted and name not in wanted:
                continue
            try:
                svg = asyncio.run(_shoot(name, size, steps, emu, svc))
            except Exception as err:
                print(f"{name}: skipped ({type(err).__name__}: {err})", file=sys.stderr)
                continue
            png = _png(svg)
            print(f"{svg.relative_to(OUT.parent)}" + (f"  {png.relative_to(OUT.parent)}" if png else ""))
    if shutil.which("rsvg-convert") is None:
        print("PNG files need rsvg-convert (apt-get install librsvg2-bin)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
