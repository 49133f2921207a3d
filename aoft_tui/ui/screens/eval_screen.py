"""Evaluate a deployment beside its base: N examples of a chat file (by default the job's
validation file, downloaded), both answers scored against the reference, with totals,
tokens and cost. Runs in a worker, one example at a time; esc cancels a running evaluation
(what was done stays), a second esc leaves."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input, Label, Static

from aoft_tui.services.quick_eval import EvalRun, ExampleResult, SideTotals
from aoft_tui.ui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from aoft_tui.ui.app import AoftApp

DEFAULT_N = 20
SHOWN_CHARS = 40


def money(usd: float) -> str:
    """Dollars, with enough digits that a few small calls do not read as $0.00."""
    return f"${usd:,.2f}" if usd >= 1 else f"${usd:.6f}"


def _short(text: str, width: int = SHOWN_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def totals_text(run: EvalRun, prices: dict[str, float] | None) -> str:
    lines = []
    for side in run.sides:
        cost = side.cost(prices)
        lines.append(
            f"{side.deployment}: exact match {side.exact}/{side.examples}, "
            f"similarity {side.mean_similarity:.2f}, tokens {side.prompt_tokens:,} in / "
            f"{side.completion_tokens:,} out, cost "
            + ("n/a (no price for its model)" if cost is None else money(cost))
        )
    return "\n".join(lines)


class EvalScreen(Screen[None]):
    CSS_PATH = "deployments_screen.tcss"
    BINDINGS = [
        Binding(
            "escape",
            "cancel_or_back",
            "Cancel/Back",
            id="eval.back",
            tooltip="Stop a running evaluation (what was done stays); again to leave",
        ),
        Binding("ctrl+r", "run_eval", "Run", id="eval.run"),
    ]

    def __init__(self, deployment: str, model: str, base: str | None, base_model: str | None) -> None:
        super().__init__()
        self.deployment, self.model = deployment, model
        self.base, self.base_model = base, base_model
        self.run: EvalRun | None = None
        self.running = False
        self.finished = False  # the last run ended (done, cancelled or failed)
        self._cancel = threading.Event()

    def compose(self) -> ComposeResult:
        yield Label(
            f"Evaluate {self.deployment}"
            + (f" beside {self.base}" if self.base else " (no base deployment)"),
            id="eval-title",
        )
        with Horizontal(id="eval-form"):
            yield Input(placeholder="chat JSONL file (default: the job's validation file)", id="eval-file")
            yield Input(str(DEFAULT_N), id="eval-n", type="integer")
            yield Button("Run", id="eval-go", variant="primary")
        yield Static("", id="eval-progress")
        table: DataTable[str] = DataTable(id="eval-results", cursor_type="row", zebra_stripes=True)
        columns = ["#", "Prompt", "Reference", "Fine-tuned", "Exact", "Sim."]
        if self.base:
            columns += ["Base", "Exact", "Sim."]
        table.add_columns(*columns)
        yield table
        yield Static("", id="eval-totals")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.query_one("#eval-n", Input).focus()
        self._default_file()

    # --- the default file: the job's validation file ---------------------------------------
    @work(thread=True, group="eval-file", exit_on_error=False)
    def _default_file(self) -> None:
        from aoft_tui.ui.screens.deployment_actions import job_for_model, validation_file_path

        progress = self.query_one("#eval-progress", Static)
        try:
            job = job_for_model(cast("AoftApp", self.app).service, self.model)
            if job is None or not job.validation_file:
                note = (
                    "The job had no validation file: enter a chat JSONL file."
                    if job is not None
                    else "No job of this resource made this model: enter a chat JSONL file."
                )
                self.app.call_from_thread(progress.update, note)
                return
            self.app.call_from_thread(
                progress.update, f"Downloading {job.validation_file} (the validation file of {job.id})…"
            )
            path = validation_file_path(cast("AoftApp", self.app).service, job.validation_file)
        except Exception as err:
            self.app.call_from_thread(
                progress.update, f"Could not fetch the validation file: {err}. Enter a chat JSONL file."
            )
            return

        def fill() -> None:
            field = self.query_one("#eval-file", Input)
            if not field.value:
                field.value = str(path)
            progress.update(f"Ready: {job.validation_file}, the validation file of {job.id}. Enter or Run.")

        self.app.call_from_thread(fill)

    # --- running ---------------------------------------------------------------------------
    @on(Button.Pressed, "#eval-go")
    @on(Input.Submitted)
    def action_run_eval(self) -> None:
        if self.running:
            return
        progress = self.query_one("#eval-progress", Static)
        path_text = self.query_one("#eval-file", Input).value.strip()
        n_text = self.query_one("#eval-n", Input).value.strip()
        if not path_text:
            progress.update("Enter a chat JSONL file to evaluate on.")
            return
        if not n_text.isdigit() or int(n_text) < 1:
            progress.update("N must be a whole number of at least 1.")
            return
        from aoft_tui.services.deployment_chat import eval_examples

        try:
            examples = eval_examples(Path(path_text).expanduser(), int(n_text))
        except Exception as err:
            progress.update(str(err))
            return
        sides = [SideTotals(self.deployment, self.model)]
        if self.base:
            sides.append(SideTotals(self.base, self.base_model))
        self.run = EvalRun(sides, planned=len(examples))
        self.query_one(DataTable).clear()
        self.query_one("#eval-totals", Static).update("")
        self._cancel.clear()
        self.running, self.finished = True, False
        self.query_one("#eval-go", Button).disabled = True
        progress.update(f"0/{len(examples)} examples… (esc cancels)")
        self._evaluate(self.run, examples)

    @work(thread=True, exclusive=True, group="eval", exit_on_error=False)
    def _evaluate(self, run: EvalRun, examples: list) -> None:
        from aoft_tui.services.quick_eval import run_eval
        from aoft_tui.ui.screens.deploy_support import deploy_services

        error = None
        try:
            chat = deploy_services(self.app)[1]
            for result in run_eval(chat.ask, run, examples, self._cancel.is_set):
                self.app.call_from_thread(self._show, run, result)
        except Exception as err:
            error = str(err)
        self.app.call_from_thread(self._finish, run, error)

    def _show(self, run: EvalRun, result: ExampleResult) -> None:
        # the text columns share what the # and score columns leave of the screen's width
        texts = 2 + len(result.answers)
        width = max(12, (self.size.width - 6 - 14 * len(result.answers)) // texts - 2)
        row = [str(result.number), _short(result.prompt, width), _short(result.reference, width)]
        for answer in result.answers:
            row += [_short(answer.text, width), "✓" if answer.exact else "✗", f"{answer.similarity:.2f}"]
        self.query_one(DataTable).add_row(*row)
        self.query_one("#eval-progress", Static).update(f"{run.done}/{run.planned} examples… (esc cancels)")
        self.query_one("#eval-totals", Static).update(totals_text(run, self._prices))

    def _finish(self, run: EvalRun, error: str | None) -> None:
        self.running, self.finished = False, True
        self.query_one("#eval-go", Button).disabled = False
        if error is not None:
            state = f"Stopped by an error after {run.done} of {run.planned} examples: {error}"
        elif run.cancelled:
            state = f"Cancelled after {run.done} of {run.planned} examples (totals below cover those)."
        else:
            state = f"Done: {run.done} examples."
        self.query_one("#eval-progress", Static).update(state)
        self.query_one("#eval-totals", Static).update(totals_text(run, self._prices))

    @property
    def _prices(self) -> dict[str, float] | None:
        return getattr(getattr(self.app, "settings", None), "prices", None)

    def action_cancel_or_back(self) -> None:
        if self.running:
            self._cancel.set()
            self.query_one("#eval-progress", Static).update("Cancelling after the current call…")
            return
        self.app.pop_screen()
