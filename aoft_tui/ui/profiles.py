"""Switching the app to another profile of config.toml (command palette, connect dialog).

The new settings and service are built first; only when that worked is the old service
replaced (and closed; the demo's emulator stopped) and the dashboard rebuilt on the new one — a profile that cannot be
used leaves the app where it was, with a notification saying why.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING

from aoft_tui.services.endpoint import endpoint_warnings
from aoft_tui.services.errors import ServiceError
from aoft_tui.services.finetuning import FineTuningService
from aoft_tui.services.settings import ConfigError, load_settings

if TYPE_CHECKING:
    from textual.screen import Screen

    from aoft_tui.ui.app import AoftApp

_dashboards = itertools.count(1)  # the screen modes of later dashboards, by number


def switch_to_profile(app: AoftApp, name: str) -> bool:
    try:
        settings = load_settings(profile=name)
        service = FineTuningService.from_settings(settings)
    except (ConfigError, ServiceError) as err:
        app.notify(str(err), title=f"Profile {name} not usable", severity="error", timeout=15)
        return False
    from aoft_tui.services.jobs_cache import JobsCache
    from aoft_tui.ui.screens.main_screen import MainScreen

    service.jobs_cache = JobsCache(service.endpoint)
    old = app.service
    app.service, app.settings, app.demo = service, settings, False
    app.reset_clock()
    while len(app.screen_stack) > 1:
        app.pop_screen()
    _replace_dashboard(app, MainScreen)
    old.close()
    _stop_demo_emulator(app)
    app.notify(f"Connected to {app.mode_label}.", title="Profile")
    for warning in endpoint_warnings(settings.endpoint or ""):
        app.notify(warning, title="Insecure endpoint", severity="warning", timeout=15)
    return True


def _replace_dashboard(app: AoftApp, dashboard: Callable[[], Screen]) -> None:
    """A new dashboard as the base screen, in a mode of its own; the old one (and its polling)
    goes. Textual cannot switch_screen() a base screen, nor remove its own first mode: the
    dashboard of that one is removed by hand (that mode is never shown again)."""
    old_mode, old_dashboard = app.current_mode, app.screen_stack[0]
    new_mode = f"dashboard-{next(_dashboards)}"
    app.add_mode(new_mode, dashboard)
    app.switch_mode(new_mode)
    if old_mode == app.DEFAULT_MODE:
        old_dashboard.remove()
    else:
        app.remove_mode(old_mode)


def _stop_demo_emulator(app: AoftApp) -> None:
    """The demo is left for good: its emulator stops (in a thread: it waits for its server)."""
    emulator, app.demo_emulator = app.demo_emulator, None
    stop = getattr(emulator, "stop", None)
    if callable(stop):
        app.run_worker(stop, thread=True, group="demo-emulator", exit_on_error=False)
