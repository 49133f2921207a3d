"""The new-job form: pick a model and files, check them, upload, create — key `n`.

    app.push_screen(NewJobScreen(service, start_dir=Path.cwd()), on_new_job_id)

Dismisses with the new job's id, or None when abandoned. The work (pre-flight, upload,
create) runs in thread workers through `services.start_job`; this screen only shows it.
The workers report back with messages declared in the class (`NewJobScreen.ModelsLoaded` …).
Escape on a form with something typed in asks before throwing it away (default: stay).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

from aoft_tui.domain import catalog
from aoft_tui.domain.models import ModelInfo
from aoft_tui.services.errors import ServiceError
from aoft_tui.services.finetuning import FineTuningService
from aoft_tui.services.job_form import JobForm, check_form
from aoft_tui.services.start_job import JobStarter, StartRequest
from aoft_tui.services.validation_run import ChildValidation
from aoft_tui.ui.screens.base import AoftScreen
from aoft_tui.ui.screens.new_job_dialogs import FilePickerScreen, PreflightReportScreen
from aoft_tui.ui.screens.new_job_rft import (
    FORM_TEXT_FIELDS,
    OTHER_MODEL,
    NewJobFieldsMixin,
    extra_rows,
    tier_options,
)
from aoft_tui.ui.screens.new_job_submit import NewJobSubmitMixin
from aoft_tui.ui.screens.new_job_widgets import SubmitProgress, model_choices, resolve_dataset
from aoft_tui.ui.widgets.key_bar import KeyBar

AUTO = ""
# Form fields backed by an Input (id == JobForm field name).
_TEXT_FIELDS = FORM_TEXT_FIELDS


class NewJobScreen(NewJobFieldsMixin, NewJobSubmitMixin, AoftScreen[str | None]):
    CSS_PATH = "new_job_screen.tcss"
    BINDINGS = [
        Binding("ctrl+s", "submit", "Start", id="new_job.submit"),
        Binding("ctrl+o", "browse", "Browse", id="new_job.browse"),
        Binding("ctrl+r", "report", "Report", id="new_job.report"),
        Binding("escape", "back", "Back/Cancel", id="new_job.back"),
        Binding("c", "cancel_upload", "Cancel upload", id="new_job.cancel_upload"),
        # Quitting mid-upload would strand a half-made file: ask for a cancel first.
        Binding(
            "q", "guarded_quit", "Quit", id="new_job.quit", tooltip="Leave aoft-tui (not while uploading)"
        ),
    ]

    AUTO_FOCUS = "#model-select"

    # What the model-list worker reports (the submit's messages: new_job_submit.py).
    @dataclass
    class ModelsLoaded(Message):
        models: list[ModelInfo]
        error: ServiceError | None

    def __init__(
        self,
        service: FineTuningService,
        *,
        start_dir: Path | None = None,
        prefill: JobForm | None = None,
        prefill_note: str = "",
    ) -> None:
        """`prefill`: a clone or continued fine-tune of a job (services.job_form.form_from_job)."""
        super().__init__()
        self.prefill, self.prefill_note = prefill, prefill_note
        self._prefilled_grader = prefill.grader if prefill is not None else ""
        self.service = service
        self.start_dir = (start_dir or Path.cwd()).resolve()
        self.starter: JobStarter | None = None
        self.busy = False  # a pre-flight or a submit is running
        self._report_lines: list[str] = []
        self._report_file: Path | None = None  # the file the first problem is in
        self._retry: JobStarter | None = None  # kept after an unsure create failure
        self.preflight_run: ChildValidation | None = None  # the pre-flight's child process

    # --- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Label("New fine-tuning job", id="title")
        with VerticalScroll(id="form"):
            yield from self._row(
                "Base model", Select([], id="model-select", prompt="Loading models…", compact=True), "model"
            )
            yield Input(
                placeholder="model id, or base.ft-… to continue a fine-tune", id="model-text", compact=True
            )
            yield Static("", id="model-info")
            yield from self._input_row("Training file", "training", "path to train.jsonl (ctrl+o browse)")
            yield from self._input_row("Validation", "validation", "optional path (ctrl+o browse)")
            yield from self._input_row("Suffix", "suffix", "optional: a-z A-Z 0-9 - _ (≤ 40)", max_length=60)
            yield from self._row(
                "Method",
                Select(
                    [(m, m) for m in catalog.METHODS],
                    id="method",
                    value=catalog.SUPERVISED,
                    allow_blank=False,
                    compact=True,
                ),
                "method",
            )
            yield from self._input_row("Epochs", "n_epochs", "auto (1–50)")
            yield from self._input_row("Batch size", "batch_size", "auto (1–256)")
            yield from self._input_row("LR multiplier", "learning_rate_multiplier", "auto (> 0, ≤ 10)")
            yield from self._input_row("Beta (DPO)", "beta", "auto (> 0, ≤ 2)", disabled=True)
            yield from self._input_row("Seed", "seed", "random")
            yield from self._row(
                "Training tier",
                Select(tier_options("")[0], id="training_type", allow_blank=False, compact=True),
                "training_type",
            )
            yield from extra_rows(self._row)
            with Horizontal(id="actions"):
                yield Button("Start (ctrl+s)", id="start", variant="primary", compact=True)
                yield Static("", id="estimate")
        yield SubmitProgress(id="progress")
        yield Static("", id="outcome", markup=False)
        yield KeyBar()

    def _row(self, label: str, widget: Widget, field: str) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label(label, classes="label")
            yield widget
        yield Static("", id=f"error-{field}", classes="field-error -empty", markup=False)

    def _input_row(self, label: str, field: str, placeholder: str, **options: Any) -> ComposeResult:
        """A row whose Input has the id of the JobForm field it fills."""
        yield from self._row(label, Input(placeholder=placeholder, id=field, compact=True, **options), field)

    def on_mount(self) -> None:
        self.query_one("#model-text").display = False
        self.query_one("#model-info").display = False
        self.query_one("#progress").display = False
        self.query_one("#rft").display = False
        self._refresh_tiers()
        if self.prefill is not None:
            self._apply_prefill(self.prefill)
        self._load_models()

    # --- models ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="new-job-models", exit_on_error=False)
    def _load_models(self) -> None:
        try:
            models = self.service.list_models()
        except ServiceError as exc:
            self.post_message(self.ModelsLoaded([], exc))
        else:
            self.post_message(self.ModelsLoaded(models, None))

    def on_new_job_screen_models_loaded(self, message: ModelsLoaded) -> None:
        models, error = message.models, message.error
        select = self.query_one("#model-select", Select)
        if error is not None:  # offer what the catalog knows, rather than nothing
            models = [ModelInfo(m.id, True, m.lifecycle_status) for m in catalog.BASE_MODELS]
        options = model_choices(models)
        options.append(("Other… (type a model id)", OTHER_MODEL))
        self._model_options = options
        select.set_options(options)
        select.prompt = "Choose a base model"
        if self.prefill is not None:  # the model list replaced the options: choose the model again
            self._choose_model(self.prefill.model)
        if error is not None:
            self.notify(f"{error}\nShowing the models aoft-tui knows.", title=error.title, severity="warning")

    @on(Select.Changed, "#model-select")
    def _model_changed(self, event: Select.Changed) -> None:
        other = event.value == OTHER_MODEL
        text = self.query_one("#model-text", Input)
        text.display = other
        if other:
            text.focus()
        self._refresh_model_info()
        self._refresh_tiers()
        self._recheck()

    def _model_value(self) -> str:
        value = self.query_one("#model-select", Select).value
        if value == OTHER_MODEL:
            return self.query_one("#model-text", Input).value.strip()
        return value if isinstance(value, str) else ""

    def _refresh_model_info(self) -> None:
        base = catalog.lookup(self._model_value())
        info = self.query_one("#model-info", Static)
        info.display = base is not None
        if base is None:
            return
        price = (
            f"${base.price_per_million:g}/1M training tokens" if base.price_per_million else "billed per hour"
        )
        info.update(
            f"{base.family}: {base.training_context:,} tokens per example · "
            f"{', '.join(base.methods)} · {price} · {base.lifecycle_status}"
        )

    # --- the form ---------------------------------------------------------------------------
    def form(self) -> JobForm:
        method = self.query_one("#method", Select).value
        tier = self.query_one("#training_type", Select).value
        effort = self.query_one("#reasoning_effort", Select).value
        values = {name: self.query_one(f"#{name}", Input).value for name in _TEXT_FIELDS}
        grader, _ = self._grader_fields()
        return JobForm(
            model=self._model_value(),
            method=method if isinstance(method, str) else catalog.SUPERVISED,
            training_type=tier if isinstance(tier, str) else AUTO,
            reasoning_effort=effort if isinstance(effort, str) else AUTO,
            **values,
            **grader,
        )

    def _paths(self) -> tuple[Path | None, Path | None, dict[str, str]]:
        errors: dict[str, str] = {}
        paths: list[Path | None] = []
        for name in ("training", "validation"):
            path, error = resolve_dataset(
                self.query_one(f"#{name}", Input).value,
                self.start_dir,
                required=name == "training",
                role=name,
            )
            paths.append(path)
            if error:
                errors[name] = error
        return paths[0], paths[1], errors

    @on(Input.Changed)
    def _on_typed(self, event: Input.Changed) -> None:
        if event.input.id == "model-text":
            self._refresh_model_info()
            self._refresh_tiers()
        if event.input.id == "grader":
            self._refresh_grader_info()
        self._recheck()

    @on(Select.Changed, "#method, #training_type, #reasoning_effort")
    def _on_chosen(self, event: Select.Changed) -> None:
        if event.select.id == "method":
            self._show_method(event.value)
        self._recheck()

    def _recheck(self, *, submitting: bool = False) -> bool:
        """Field messages for what has been typed (`model` and files only when submitting)."""
        errors = dict(check_form(self.form()).errors)
        _, grader_error = self._grader_fields()
        if grader_error and "grader" in errors:
            errors["grader"] = grader_error  # "cannot read" beats "needs a grader"
        if submitting:
            *_, path_errors = self._paths()
            errors.update(path_errors)
        else:
            errors.pop("model", None)
        for widget in self.query(".field-error").results(Static):
            field = (widget.id or "").removeprefix("error-")
            message = errors.get(field, "")
            widget.update(message)
            widget.set_class(not message, "-empty")
        return not errors

    def _focus_first_error(self) -> None:
        for widget in self.query(".field-error"):
            if not widget.has_class("-empty"):
                field = (widget.id or "").removeprefix("error-")
                target = "#model-select" if field == "model" else f"#{field}"
                self.query_one(target).focus()
                return

    # --- actions ------------------------------------------------------------------------------
    @on(Button.Pressed, "#start")
    def _start_pressed(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        if self.busy:
            return
        if not self._recheck(submitting=True):
            self._focus_first_error()
            self._show_outcome("Fix the highlighted fields, then start again.", error=True)
            return
        training, validation, _ = self._paths()
        options = check_form(self.form()).options
        assert training is not None and options is not None
        request = StartRequest(training=training, validation=validation, options=options)
        if self._retry is not None and self._retry.request == request:
            self._launch(self._retry)  # same submit, same key: never a second job
            return
        self._retry = None
        self._start_preflight(request)

    def action_browse(self) -> None:
        if self.busy:
            return
        focused = self.focused
        field = "validation" if focused is not None and focused.id == "validation" else "training"

        def chosen(path: Path | None) -> None:
            if path is not None:
                target = self.query_one(f"#{field}", Input)
                target.value = str(path)
                target.focus()

        self.app.push_screen(FilePickerScreen(f"Choose the {field} file", self.start_dir), chosen)

    def action_report(self) -> None:
        if self._report_lines:
            self.app.push_screen(
                PreflightReportScreen("Pre-flight report", self._report_lines), self._report_closed
            )
        else:
            self.notify("No pre-flight report yet: press ctrl+s to check the files.", severity="information")

    async def _report_closed(self, open_validator: bool | None) -> None:
        if not open_validator or self._report_file is None:
            return
        try:
            from aoft_tui.ui.screens.validate_screen import ValidateScreen
        except ImportError as exc:
            self.notify(f"The validator screen is not available ({exc}).", severity="warning")
            return
        screen = ValidateScreen(
            start_dir=self._report_file.parent,
            model=self._model_value() or None,
            prices=self.aoft.settings.prices,
        )
        await self.app.push_screen(screen)
        try:  # pre-fill and run it; if its form ever changes, the user just picks the file
            screen.query_one("#validate-path", Input).value = str(self._report_file)
            screen.action_run()
        except Exception:
            pass

    def action_back(self) -> None:
        if self.starter is not None and self.busy:
            self.action_cancel_upload()
        elif self.busy:  # the pre-flight: nothing is uploaded yet, so just stop it
            if self.preflight_run is not None:
                self.preflight_run.cancel()  # its child process and workers stop now
            self.workers.cancel_group(self, "new-job")
            self._set_busy(False)
            self._show_outcome("Pre-flight abandoned; nothing was uploaded.")
        elif self._filled_in():
            from aoft_tui.ui.screens.confirm import confirm_then

            confirm_then(
                self.app,
                "Discard this job form?",
                "What you typed in is thrown away.",
                lambda: self.dismiss(None),
                confirm_label="Discard",
                danger=True,
            )
        else:
            self.dismiss(None)

    def _filled_in(self) -> bool:
        """Anything typed in the form (a chosen model alone is not worth a question)."""
        fields = ("model-text", "training", "validation", *_TEXT_FIELDS)
        return any(self.query_one(f"#{field}", Input).value.strip() for field in fields)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_upload":
            return self.starter is not None and self.busy
        if action in ("submit", "browse"):
            return not self.busy
        return True
