"""Push the selected job to Weights & Biases (key w on the dashboard).

Asks for project, entity, mode, datasets and follow; runs the push in a thread worker
(wandb is imported there, and kept silent: nothing it prints reaches this screen);
shows progress; ends with the run URL, or the offline run folder and the exact
`wandb sync …` command, which `y` copies.
"""

from __future__ import annotations

import threading

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, ProgressBar, RadioButton, RadioSet, Static, Switch

from aoft_tui.services.finetuning import FineTuningService
from aoft_tui.services.settings import Settings
from aoft_tui.services.wandb_push.options import MODES, PushOptions, PushProgress, PushResult, logged_in
from aoft_tui.ui.screens.base import AoftModalScreen
from aoft_tui.ui.widgets.key_bar import KeyBar
from aoft_tui.ui.widgets.text_switch import TextSwitch


class PushScreen(AoftModalScreen[None]):
    CSS_PATH = "push_screen.tcss"

    BINDINGS = [
        Binding("escape", "close", "Close / stop", id="push.close"),
        Binding("ctrl+s", "push", "Push", id="push.start", show=False),
        Binding("y", "copy", "Copy command / URL", id="push.copy", show=False),
    ]

    class Progressed(Message):
        def __init__(self, progress: PushProgress) -> None:
            super().__init__()
            self.progress = progress

    class Failed(Message):
        def __init__(self, title: str, text: str) -> None:
            super().__init__()
            self.title = title
            self.text = text

    class Finished(Message):
        def __init__(self, result: PushResult) -> None:
            super().__init__()
            self.result = result

    def __init__(self, service: FineTuningService, job_id: str, settings: Settings) -> None:
        super().__init__()
        self.service = service
        self.job_id = job_id
        self.settings = settings
        self.cancel = threading.Event()
        self.running = False
        self.result: PushResult | None = None

    # --- layout ---------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        wb = self.settings.wandb
        with VerticalScroll(id="dialog"):
            yield Label(f"Push {self.job_id} to Weights & Biases", id="push-title")
            with Vertical(id="push-form"):
                with Horizontal(classes="field"):
                    yield Label("Project", classes="field-label")
                    yield Input(wb.project, placeholder="OpenAI-Fine-Tune", id="project")
                with Horizontal(classes="field"):
                    yield Label("Entity", classes="field-label")
                    yield Input(wb.entity or "", placeholder="your default entity", id="entity")
                with Horizontal(classes="field"):
                    yield Label("Mode", classes="field-label")
                    with RadioSet(id="mode"):
                        for mode in MODES:
                            yield RadioButton(
                                mode,
                                value=mode == (wb.mode if wb.mode in MODES else "auto"),
                                id=f"mode-{mode}",
                            )
                yield Static(self._mode_hint(), id="mode-hint", markup=False)
                with Horizontal(classes="field"):
                    yield Label("Datasets", classes="field-label")
                    yield TextSwitch(True, id="datasets")
                    yield Label("training/validation files as artifacts + tables", classes="switch-hint")
                with Horizontal(classes="field"):
                    yield Label("Follow", classes="field-label")
                    yield TextSwitch(False, id="follow")
                    yield Label("stream a running job until it ends", classes="switch-hint")
            yield Static("", id="push-summary", markup=False)
            yield ProgressBar(id="push-progress", show_eta=False)
            yield Static("", id="push-status", markup=False)
            yield Static("", id="push-notes", markup=False)
            yield Static("", id="push-result", markup=False)
            with Horizontal(id="push-buttons"):
                yield Button("Close (esc)", id="close")
                yield Button("Push (ctrl+s)", id="push", variant="primary")
        yield KeyBar()

    def on_mount(self) -> None:
        for quiet in ("#push-notes", "#push-status", "#push-result"):
            self.query_one(quiet).display = False  # shown once they have something to say
        self.query_one("#push-progress").display = False
        self.query_one("#push-summary").display = False
        self.query_one("#push", Button).focus()

    @staticmethod
    def _mode_hint() -> str:
        where = "online: a W&B key is set" if logged_in() else "offline: not logged in to W&B"
        return f"auto → {where}. Offline runs upload later with `wandb sync`."

    # --- actions --------------------------------------------------------------------------------
    @on(Button.Pressed, "#push")
    def _push_pressed(self) -> None:
        self.action_push()

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.action_close()

    def action_push(self) -> None:
        if self.running:
            return
        options = self._options()
        if options is None:
            return
        self.running = True
        self.result = None
        self.cancel.clear()
        # The form gives way to progress and the result (they must fit 80×24 together).
        self.query_one("#push-form").display = False
        summary = self.query_one("#push-summary", Static)
        summary.update(
            f"{options.entity or '(default entity)'}/{options.project} · mode {options.mode} · "
            f"datasets {'yes' if options.datasets else 'no'} · follow {'yes' if options.follow else 'no'}"
        )
        summary.display = True
        self.query_one("#push", Button).disabled = True
        self.query_one("#close", Button).label = "Stop (esc)"
        bar = self.query_one("#push-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self.query_one("#push-status", Static).remove_class("-error")
        self.query_one("#push-notes", Static).display = False
        self._set_status("Starting…")
        self.query_one("#push-result", Static).update("")
        self._run_push(options)

    def action_close(self) -> None:
        if self.running:
            self.cancel.set()
            self._set_status("Stopping after the current step… (what was written is kept)")
            return
        self.dismiss(None)

    def action_copy(self) -> None:
        text = self.result and (self.result.url or self.result.sync_command)
        if text:
            self.app.copy_to_clipboard(text)
            self.notify(text, title="Copied")

    def _options(self) -> PushOptions | None:
        project = self.query_one("#project", Input).value.strip()
        if not project:
            self._set_status("Project is required (e.g. OpenAI-Fine-Tune).")
            self.query_one("#project", Input).focus()
            return None
        pressed = self.query_one("#mode", RadioSet).pressed_button
        return PushOptions(
            project=project,
            entity=self.query_one("#entity", Input).value.strip() or None,
            mode=str(pressed.label) if pressed else "auto",
            datasets=self.query_one("#datasets", Switch).value,
            follow=self.query_one("#follow", Switch).value,
        )

    # --- the worker -----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="wandb-push")
    def _run_push(self, options: PushOptions) -> None:
        from aoft_tui.services.errors import ServiceError
        from aoft_tui.services.wandb_push import PushError, push_job

        def progressed(p: PushProgress) -> None:
            self.post_message(self.Progressed(p))

        try:
            result = push_job(
                self.service,
                self.job_id,
                options,
                progress=progressed,
                cancel=self.cancel,
            )
        except (ServiceError, PushError) as exc:
            self.post_message(self.Failed(getattr(exc, "title", "Push failed"), str(exc)))
        except Exception as exc:
            self.post_message(self.Failed("Push failed", f"{type(exc).__name__}: {exc}"))
        else:
            self.post_message(self.Finished(result))

    def on_push_screen_progressed(self, message: Progressed) -> None:
        self._on_progress(message.progress)

    def on_push_screen_failed(self, message: Failed) -> None:
        self._on_error(message.title, message.text)

    def on_push_screen_finished(self, message: Finished) -> None:
        self.show_result(message.result)

    def _on_progress(self, p: PushProgress) -> None:
        bar = self.query_one("#push-progress", ProgressBar)
        if p.total:
            bar.update(total=p.total, progress=p.done or 0)
        else:  # a stage with no count (following, writing tables): indeterminate
            bar.update(total=None)
        counts = f"  {p.done:,}/{p.total:,}" if p.done is not None and p.total else ""
        self._set_status(f"{p.message}{counts}")

    def _on_error(self, title: str, message: str) -> None:
        self._finish_running()
        self._set_status(f"{title}: {message}")
        self.query_one("#push-status", Static).add_class("-error")
        self.query_one("#push-result", Static).update("")
        self.query_one("#push-notes", Static).display = False

    def show_result(self, result: PushResult) -> None:
        """The end of a push: where the run is and how to upload it."""
        self._finish_running()
        self.result = result
        bar = self.query_one("#push-progress", ProgressBar)
        bar.update(total=1, progress=1)
        if result.incomplete:  # Azure refused part of it: never shown as done
            self._set_status(f"Incomplete ({result.steps_logged:,} new steps pushed): {result.incomplete}")
            self.query_one("#push-status", Static).add_class("-error")
        else:
            state = "complete" if result.complete else f"job {result.status}: push again to continue"
            self._set_status(f"Pushed {result.steps_logged:,} new steps ({state}).")
        notes = self.query_one("#push-notes", Static)
        notes.update("\n".join(f"note: {n}" for n in result.notes))
        notes.display = bool(result.notes)
        lines: list[str] = []
        if result.url:
            lines += ["Run:", result.url, "", "y copies the URL."]
        elif result.sync_command:
            lines += [
                "Offline run:",
                str(result.run_dir),
                "",
                "Upload it with:",
                result.sync_command,
                "",
                "y copies the command.",
            ]
        shown = self.query_one("#push-result", Static)
        shown.update("\n".join(lines))
        shown.display = bool(lines)

    def _finish_running(self) -> None:
        self.running = False
        self.query_one("#push", Button).disabled = False
        self.query_one("#push", Button).label = "Push again"
        self.query_one("#close", Button).label = "Close (esc)"

    def _set_status(self, text: str) -> None:
        status = self.query_one("#push-status", Static)
        status.update(text)
        status.display = bool(text)
