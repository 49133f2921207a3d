"""Evaluate a deployment beside its base: N examples of a chat file (by default the job's
validation file, downloaded), both answers scored against the reference, with totals,
tokens and cost. Runs in a worker, one example at a time; esc cancels a running evaluation
(what was done stays), a second esc leaves."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, DataTable, Input, Label, Static

from aoft_tui.services.quick_eval import EvalRun, ExampleResult, SideTotals
from aoft_tui.ui.screens.base import AoftScreen
from aoft_tui.ui.screens.deploy_support import form_problem
from aoft_tui.ui.widgets.key_bar import KeyBar
from aoft_tui.ui.widgets.table_fill import Heading, TableRow, append_row, fill_table

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


class EvalScreen(AoftScreen[None]):
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

    # what the workers report (posted from their threads, handled on the screen)
    @dataclass
    class DefaultFile(Message):
        note: str  # where finding the job's validation file stands
        path: Path | None = None  # downloaded: the file field takes it if still empty

    @dataclass
    class Scored(Message):
        run: EvalRun
        result: ExampleResult

    @dataclass
    class Finished(Message):
        run: EvalRun
        error: str | None = None  # stopped by this error (what was done stays)

    def __init__(self, deployment: str, model: str, base: str | None, base_model: str | None) -> None:
        super().__init__()
        self.deployment, self.model = deployment, model
        self.base, self.base_model = base, base_model
        self.run: EvalRun | None = None
        self.running = False
        self.finished = False  # the last run ended (done, cancelled or failed)
        self._cancel = threading.Event()
        self._rows: list[TableRow] = []  # the results so far, refilled as one (fill_table)

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
        yield DataTable(id="eval-results", cursor_type="row", zebra_stripes=True)
        yield Static("", id="eval-totals")
        yield KeyBar(id="keys")

    @property
    def headings(self) -> list[Heading]:
        columns = ["#", "Prompt", "Reference", "Fine-tuned", "Exact", "Sim."]
        if self.base:
            columns += ["Base", "Exact", "Sim."]
        return [Heading(label) for label in columns]

    def on_mount(self) -> None:
        fill_table(self.query_one(DataTable), self.headings, [])
        self.query_one("#eval-n", Input).focus()
        self._default_file()

    # --- the default file: the job's validation file ---------------------------------------
    @work(thread=True, group="eval-file", exit_on_error=False)
    def _default_file(self) -> None:
        from aoft_tui.ui.screens.deployment_actions import job_for_model, validation_file_path

        try:
            job = job_for_model(self.aoft.service, self.model)
            if job is None or not job.validation_file:
                note = (
                    "The job had no validation file: enter a chat JSONL file."
                    if job is not None
                    else "No job of this resource made this model: enter a chat JSONL file."
                )
                self.post_message(self.DefaultFile(note))
                return
            self.post_message(
                self.DefaultFile(f"Downloading {job.validation_file} (the validation file of {job.id})…")
            )
            path = validation_file_path(self.aoft.service, job.validation_file)
        except Exception as err:
            self.post_message(
                self.DefaultFile(f"Could not fetch the validation file: {err}. Enter a chat JSONL file.")
            )
            return
        ready = f"Ready: {job.validation_file}, the validation file of {job.id}. Enter or Run."
        self.post_message(self.DefaultFile(ready, path))

    def on_eval_screen_default_file(self, message: DefaultFile) -> None:
        field = self.query_one("#eval-file", Input)
        if message.path is not None and not field.value:
            field.value = str(message.path)
        self.query_one("#eval-progress", Static).update(message.note)

    # --- running ---------------------------------------------------------------------------
    @on(Button.Pressed, "#eval-go")
    @on(Input.Submitted)
    def action_run_eval(self) -> None:
        if self.running:
            return
        progress = self.query_one("#eval-progress", Static)
        path_text = self.query_one("#eval-file", Input).value.strip()
        n_text = self.query_one("#eval-n", Input).value.strip()
        problem = form_problem(path_text, "Enter a chat JSONL file to evaluate on.", n_text, "N")
        if problem is not None:
            progress.update(problem)
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
        self._rows.clear()
        fill_table(self.query_one(DataTable), self.headings, self._rows)
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
            chat = deploy_services(self.aoft)[1]
            for result in run_eval(chat.ask, run, examples, self._cancel.is_set):
                self.post_message(self.Scored(run, result))
        except Exception as err:
            error = str(err)
        self.post_message(self.Finished(run, error))

    def on_eval_screen_scored(self, message: Scored) -> None:
        run, result = message.run, message.result
        # the text columns share what the # and score columns leave of the screen's width
        texts = 2 + len(result.answers)
        width = max(12, (self.size.width - 6 - 14 * len(result.answers)) // texts - 2)
        row = [str(result.number), _short(result.prompt, width), _short(result.reference, width)]
        for answer in result.answers:
            row += [_short(answer.text, width), "✓" if answer.exact else "✗", f"{answer.similarity:.2f}"]
        # columns measured before the paint (ui.widgets.table_fill): an auto-width row added
        # alone was painted at the old widths on a busy machine
        self._rows.append((None, row))
        append_row(self.query_one(DataTable), self.headings, self._rows)
        self.query_one("#eval-progress", Static).update(f"{run.done}/{run.planned} examples… (esc cancels)")
        self.query_one("#eval-totals", Static).update(totals_text(run, self._prices))

    def on_eval_screen_finished(self, message: Finished) -> None:
        run, error = message.run, message.error
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
        return self.aoft.settings.prices

    def action_cancel_or_back(self) -> None:
        if self.running:
            self._cancel.set()
            self.query_one("#eval-progress", Static).update("Cancelling after the current call…")
            return
        self.app.pop_screen()
