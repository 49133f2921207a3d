"""The Textual app: wiring only — screens, app-wide bindings, keymap, theme, command palette.

    AoftApp(service, settings, demo=True).run()

Screens reach the app typed, through `self.aoft` (ui.screens.base): `self.aoft.service`
(the one Azure seam) and `self.aoft.settings`. Every
Binding has an id, so `[keymap]` in config.toml can remap it (`App.set_keymap`).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlparse

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

from aoft_tui.services.finetuning import FineTuningService
from aoft_tui.services.settings import Settings
from aoft_tui.ui.commands import ActionCommands

if TYPE_CHECKING:
    from aoft_tui.services.deployment_chat import DeploymentChat
    from aoft_tui.services.deployments import DeploymentService

# the way out of the demo first: at 80 columns the end of the label may be cut
DEMO_LABEL = "demo — {key} → Connect · local emulator"
# If the job list never arrives (network down), start-up still ends after this long.
STARTUP_DEADLINE = 5.0


class AoftApp(App[None]):
    TITLE = "aoft-tui"
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses elsewhere find it too
    ENABLE_COMMAND_PALETTE = True
    # the palette searches what an action does too: "push" finds "W&B (w)"
    COMMANDS = {ActionCommands}

    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit", tooltip="Leave aoft-tui (the terminal is restored)"),
        Binding("question_mark,f1", "help", "Help", id="help", tooltip="Keys for this screen"),
        Binding(
            "ctrl+p,colon",
            "command_palette",
            "Commands",
            id="command_palette",
            show=False,
            tooltip="Search every action, by name or by what it does",
        ),
        Binding("L", "open_log", "Log", id="log", show=False, tooltip="This session's requests and errors"),
    ]

    def __init__(
        self,
        service: FineTuningService,
        settings: Settings,
        *,
        demo: bool = False,
        clock: Callable[[], datetime] | None = None,
        gc_paused: bool = False,
        demo_emulator: object | None = None,
        offer_connect: bool = False,
    ) -> None:
        super().__init__()
        self.service = service
        self.settings = settings
        self.demo = demo
        # the demo's embedded emulator (anything with stop()), stopped when a profile replaces
        # the demo (ui.profiles) rather than left serving until the app exits
        self.demo_emulator: object | None = demo_emulator
        # the first start (services.first_run): the connect dialog opens over the demo, once
        self.offer_connect = offer_connect
        # the deploy screens' control-plane and chat clients, made at their first use
        # (ui.screens.deploy_support), not on the start path
        self.deploy_services: tuple[DeploymentService, DeploymentChat] | None = None
        self._clock = clock or (lambda: datetime.now(UTC))
        # the command paused the cyclic GC for start-up (cli.tui_cmd); see started()
        self._gc_paused = gc_paused
        # [keymap] entries that are safe to apply, and why the others are left out (ui.keymap);
        # checked only when there is a keymap (it imports every screen module)
        self.keymap_problems: list[str] = []
        self._checked_keymap: dict[str, str] = {}
        # work held until the first frame is on the terminal (call_after_first_frame); None after
        self._after_first_frame: list[Callable[[], object]] | None = []
        if settings.keymap:
            from aoft_tui.ui.keymap import checked_keymap

            self._checked_keymap, self.keymap_problems = checked_keymap(settings.keymap, self.BINDINGS)

    def started(self) -> None:
        """The job list is on screen (or the first poll failed, or the deadline passed):
        start-up is over. Its objects — modules, styles, widgets — live as long as the app,
        so they are frozen out of the collector's passes and the GC is switched back on."""
        if self._gc_paused:
            self._gc_paused = False
            gc.freeze()
            gc.enable()
        # the first list's cache file, written off the first frame's path
        self.run_worker(self.service.flush_jobs_cache, thread=True, group="jobs-cache", exit_on_error=False)

    # --- what screens ask the app -----------------------------------------------------------
    def call_after_first_frame(self, callback: Callable[[], object]) -> None:
        """Run `callback` once the first frame is on the terminal (soon, after that). Textual runs
        `call_after_refresh` callbacks while its start-up batch still holds frames back: the
        preview's SDK import (~0.5 s of a GIL-holding thread) and the cache write would run
        before anything is on screen."""
        if self._after_first_frame is None:
            self.call_after_refresh(callback)
        else:
            self._after_first_frame.append(callback)

    def on_ready(self) -> None:
        # Ready reaches the app once start-up's batch is over and the screen is laid out: the
        # refresh after it writes the first frame (Textual holds idle callbacks until then).
        self.call_after_refresh(self._first_frame_written)

    def _first_frame_written(self) -> None:
        waiting, self._after_first_frame = self._after_first_frame or [], None
        for callback in waiting:
            self.call_later(callback)

    def reset_clock(self) -> None:
        """Back to the wall clock (a real resource after the demo's simulated one)."""
        self._clock = lambda: datetime.now(UTC)

    def now(self) -> datetime:
        """ "Now" for relative times (the emulator's clock in demo mode)."""
        return self._clock()

    @property
    def endpoint_label(self) -> str:
        """Where we are connected, without secrets (host only)."""
        try:
            endpoint = self.service.endpoint
        except Exception:
            return "Azure OpenAI"
        return urlparse(endpoint).netloc or endpoint

    @property
    def mode_label(self) -> str:
        """The header's "where am I": the profile and the live resource (or the demo)."""
        if self.demo:
            key = self._checked_keymap.get("command_palette", "ctrl+p").split(",")[0].strip()
            return DEMO_LABEL.format(key=key)
        profile = self.settings.profile
        return f"{profile} · {self.endpoint_label}" if profile else self.endpoint_label

    # --- profiles -----------------------------------------------------------------------------
    def switch_profile(self, name: str) -> None:
        """Connect to profile `name` of config.toml: a new service, a fresh job list."""
        from aoft_tui.ui.profiles import switch_to_profile

        switch_to_profile(self, name)

    def action_connect(self, first_run: bool = False) -> None:
        from aoft_tui.ui.screens.connect_dialog import ConnectScreen

        def connected(name: str | None) -> None:
            if name:
                self.switch_profile(name)

        self.push_screen(ConnectScreen(first_run=first_run), connected)

    # --- wiring -------------------------------------------------------------------------------
    def get_default_screen(self) -> Screen:
        # The dashboard is the base screen, not pushed over Textual's empty default one: that
        # one's compose, styles, layouts (laid out again behind the dashboard on each resize)
        # and a blank frame were ~10 ms of the first paint. (Not through MODES: a mode's base
        # screen is rendered inside start-up's batch, that frame dropped, the next one partial.)
        from aoft_tui.ui.screens.main_screen import MainScreen

        return MainScreen()

    def on_mount(self) -> None:
        if self._gc_paused:
            self.set_timer(STARTUP_DEADLINE, self.started)
        self.theme = "textual-dark"
        if self._checked_keymap:
            self.set_keymap(self._checked_keymap)
        for problem in self.keymap_problems:
            self.notify(problem, title="Keymap", severity="warning", timeout=20)
        if not self.demo and self.settings.endpoint:
            from aoft_tui.services.endpoint import endpoint_warnings

            for warning in endpoint_warnings(self.settings.endpoint):
                self.notify(warning, title="Insecure endpoint", severity="warning", timeout=20)
        if self.offer_connect:
            from aoft_tui.services.first_run import remember_connect_offered

            self.action_connect(first_run=True)
            remember_connect_offered()  # shown once, whatever the answer

    def action_open_log(self) -> None:
        from aoft_tui.ui.screens.log_screen import LogScreen

        if not isinstance(self.screen, LogScreen):
            self.push_screen(LogScreen())

    def action_help(self) -> None:
        from aoft_tui.ui.screens.help_screen import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action of the current screen (with its key) in the command palette."""
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if (
                not binding.id
                or binding.id in seen
                or active.node is self
                or binding.id.startswith("filter.")
            ):
                continue
            seen.add(binding.id)
            title = f"{binding.description} ({self.get_key_display(binding)})"
            yield SystemCommand(
                title,
                binding.tooltip or binding.description,
                partial(cast("App[Any] | Widget", active.node).run_action, binding.action),
            )
        yield SystemCommand("Help", "Keys for this screen (? or F1)", self.action_help)
        yield SystemCommand(
            "Connect to Azure…",
            "Add a profile (endpoint and sign-in) to config.toml and use it",
            self.action_connect,
        )
        for name in self.settings.profile_names:
            if name != self.settings.profile or self.demo:
                yield SystemCommand(
                    f"Switch profile: {name}",
                    f"Connect to [profiles.{name}] of config.toml",
                    partial(self.switch_profile, name),
                )
        yield from super().get_system_commands(screen)
