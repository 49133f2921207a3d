"""`aoft-tui` (no sub-command): open the dashboard.

With no endpoint configured, or with `--demo`, the embedded emulator runs in this process
on a loopback port and the app says so. On exit the emulator stops and Textual restores
the terminal; a bad config file or missing key is a one-line message, never a traceback.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime

from aoft_tui.services.settings import ConfigError, Settings, load_settings

# The demo: a dozen jobs, some moving; the simulated clock runs 20× real time, so curves
# visibly grow yet the running jobs last a few minutes.
DEMO_SEED_JOBS = 12
DEMO_SPEED = 20.0
DEMO_SEED = 2024


def emulator_clock(emu: object) -> Callable[[], datetime] | None:
    """The emulator's simulated "now" (it runs faster than the wall clock in the demo), so
    "created 5m ago" agrees with the jobs' own timestamps."""
    source = getattr(getattr(emu, "clock", None), "now", None) or getattr(emu, "now", None)
    if not callable(source):
        return None

    def now() -> datetime:
        value = source()
        return value if isinstance(value, datetime) else datetime.fromtimestamp(float(value), UTC)

    return now


def _say(message: str) -> None:
    # not click.echo: the console script opens the dashboard without importing click
    print(f"aoft-tui: {message}", file=sys.stderr, flush=True)


def _fail(message: str) -> None:
    _say(message)
    sys.exit(2)


def _load(profile: str | None = None) -> Settings:
    try:
        return load_settings(profile=profile)
    except ConfigError as err:  # an unreadable file or a value of the wrong shape, named
        _fail(str(err))
    raise AssertionError("unreachable")  # pragma: no cover


def run_tui(demo: bool, profile: str | None = None) -> None:
    # Start-up makes ~10^5 long-lived objects; the cyclic GC's passes over them cost ~25 ms
    # of the first paint. Off until the job list is on screen (AoftApp.started), then on.
    gc.disable()
    try:
        _run_tui(demo, profile)
    finally:
        gc.enable()


def _run_tui(demo: bool, profile: str | None = None) -> None:
    settings = _load(profile)
    use_demo = demo or settings.demo
    from aoft_tui.services.first_run import connect_offer_due

    # nothing configured anywhere and never asked (not for an explicit --demo): offer to connect
    offer_connect = settings.demo and not demo and connect_offer_due()
    from aoft_tui.services.errors import ServiceError
    from aoft_tui.services.finetuning import FineTuningService

    with ExitStack() as stack:
        clock = None
        demo_emulator = None  # the app stops it when a profile replaces the demo
        try:
            if use_demo:
                from aoft_tui.emulator.embedded import EmbeddedEmulator

                emu = stack.enter_context(
                    EmbeddedEmulator(seed_jobs=DEMO_SEED_JOBS, speed=DEMO_SPEED, seed=DEMO_SEED)
                )
                service = FineTuningService(emu.endpoint, emu.api_key, settings.api_version)
                clock = emulator_clock(emu)
                demo_emulator = emu
            else:
                service = FineTuningService.from_settings(settings)
                # The last list seen paints at once next time. Not in the demo: its emulator
                # is new each run (another port, regenerated jobs), so a cache would be stale.
                from aoft_tui.services.jobs_cache import JobsCache

                service.jobs_cache = JobsCache(service.endpoint)
        except ConfigError as err:
            _fail(str(err))
        except ServiceError as err:
            _fail(f"{err.title}: {err}")
        except OSError as err:
            _fail(f"could not start the local emulator: {err}")
        stack.callback(service.close)
        # the first list travels while Textual and the SDK load (services.prefetch)
        service.prefetch_job_list()

        from aoft_tui.ui.app import AoftApp

        app = AoftApp(
            service,
            settings,
            demo=use_demo,
            clock=clock,
            gc_paused=True,
            demo_emulator=demo_emulator,
            offer_connect=offer_connect,
        )
        for problem in app.keymap_problems:  # also in the app, but stderr outlives the screen
            _say(problem)
        app.run()
    if app.return_code:
        sys.exit(app.return_code)
