"""Dataset validation screen (key v on the dashboard).

Pick a .jsonl file in the tree (or type its path), choose the model and method, and the
validator runs in a child process (services/validation_run.py: the CLI's fast path, with
progress; escape cancels it and its workers). The report: a summary with token statistics and cost,
a histogram of tokens per example, and the problem list; enter on a problem shows that
line of the file as pretty JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, DirectoryTree, Input, Label, ProgressBar, Select, Static
from textual_plotext import PlotextPlot

from aoft_tui.domain import catalog
from aoft_tui.domain.formatting import byte_size
from aoft_tui.domain.validation import DatasetIOError, ValidationReport
from aoft_tui.domain.validation.rules.formats import FORMAT_LABELS
from aoft_tui.domain.validation.stats import histogram
from aoft_tui.services.dataset_line import read_line
from aoft_tui.services.validation_run import ChildValidation, ValidationCancelled
from aoft_tui.ui.screens.base import AoftScreen, hidden_key
from aoft_tui.ui.screens.validate_preview import JsonlTree, LinePreviewScreen
from aoft_tui.ui.widgets.key_bar import KeyBar
from aoft_tui.ui.widgets.table_fill import Heading, fill_table

# The problems table; its widths are measured before the first paint (ui.widgets.table_fill)
PROBLEM_HEADINGS = (Heading("Severity"), Heading("Line"), Heading("Code"), Heading("Where"))
AUTO = "auto"


class ValidateScreen(AoftScreen[None]):
    CSS_PATH = "validate_screen.tcss"
    # Small terminals (80×24 over SSH) drop the histogram and narrow the file tree.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    BINDINGS = [
        Binding("escape", "close", "Close", id="validate.close", tooltip="Cancel the running validation, else close"),
        Binding("ctrl+r,f5", "run", "Validate", id="validate.run", tooltip="Validate the file in the path box"),
        Binding("ctrl+o", "focus_files", "Files", id="validate.files", tooltip="Pick a file in the tree"),
        hidden_key("ctrl+l", "focus_problems", "Problems", "validate.problems", "Go to the problem list (enter shows the line)"),
    ]  # fmt: skip

    class Said(Message):
        """The worker has a message for the summary line (an unreadable file)."""

        def __init__(self, text: str, *, error: bool = False, run: ChildValidation | None = None) -> None:
            super().__init__()
            self.text = text
            self.error = error
            self.run = run

    class Checked(Message):
        def __init__(
            self,
            path: Path,
            report: ValidationReport,
            bins: tuple[list[float], list[int], float],
            *,
            run: ChildValidation,
        ) -> None:
            super().__init__()
            self.path = path
            self.report = report
            self.bins = bins
            self.run = run

    class Progressed(Message):
        """The child validation has read `done` of `total` bytes (`lines` lines)."""

        def __init__(self, done: int, total: int, lines: int) -> None:
            super().__init__()
            self.done = done
            self.total = total
            self.lines = lines

    def __init__(
        self, *, start_dir: Path | None = None, model: str | None = None, prices: Mapping | None = None
    ) -> None:
        super().__init__()
        self.start_dir = start_dir if start_dir is not None else Path.cwd()
        self.model = model
        self.prices = dict(prices or {})  # config.toml [prices], for the cost estimate
        self.report: ValidationReport | None = None
        self.report_path: Path | None = None
        self.running: ChildValidation | None = None  # the validation in progress

    # --- layout ---------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Label("Validate a training file", id="validate-title")
        with Horizontal(id="validate-body"):
            with Vertical(id="validate-files"):
                yield Label(".jsonl files — enter picks", id="validate-files-label")
                yield JsonlTree(self.start_dir, id="validate-tree")
            with Vertical(id="validate-main"):
                with Vertical(id="validate-form"):
                    with Horizontal(classes="form-row"):
                        yield Input(placeholder="path/to/train.jsonl", id="validate-path")
                        yield Button("Validate", id="validate-run", variant="primary")
                    with Horizontal(classes="form-row"):
                        yield Select(
                            self._model_options(),
                            value=self._initial_model(),
                            allow_blank=True,
                            prompt="Model (any)",
                            id="validate-model",
                        )
                        yield Select(
                            [("Method: detect", AUTO)] + [(f"Method: {m}", m) for m in catalog.METHODS],
                            value=AUTO,
                            allow_blank=False,
                            id="validate-method",
                        )
                yield Static(
                    "Pick a file in the tree, or type a path and press enter.", id="validate-summary"
                )
                yield ProgressBar(id="validate-progress", show_eta=False, classes="-hidden")
                yield PlotextPlot(id="validate-histogram", classes="-hidden")
                yield DataTable(
                    id="validate-problems", cursor_type="row", zebra_stripes=True, classes="-hidden"
                )
                yield Static("", id="validate-detail", classes="-hidden")
        yield KeyBar()

    def _model_options(self) -> list[tuple[str, str]]:
        seen: dict[str, str] = {}
        for m in catalog.BASE_MODELS:
            seen.setdefault(m.family, m.family)
        return [(name, name) for name in seen]

    def _initial_model(self) -> str | object:
        base = catalog.lookup(self.model)
        return base.family if base else Select.NULL

    def on_mount(self) -> None:
        fill_table(self.query_one("#validate-problems", DataTable), PROBLEM_HEADINGS, [])
        self.query_one("#validate-path", Input).focus()

    # --- actions --------------------------------------------------------------------------------
    def action_close(self) -> None:
        if self.running is not None:  # escape first stops a running validation
            self._cancel_run()
            self._say("Validation cancelled.")
            return
        self.workers.cancel_group(self, "validate")
        self.dismiss(None)

    def _cancel_run(self) -> None:
        running, self.running = self.running, None
        if running is not None:
            running.cancel()  # the child and its workers stop now; the worker thread then ends
        self.workers.cancel_group(self, "validate")
        self.query_one("#validate-progress").add_class("-hidden")

    def on_unmount(self) -> None:
        if self.running is not None:
            self.running.cancel()

    def action_focus_files(self) -> None:
        self.query_one("#validate-tree").focus()

    def action_focus_problems(self) -> None:
        self.query_one("#validate-problems").focus()

    def action_run(self) -> None:
        value = self.query_one("#validate-path", Input).value.strip()
        if not value:
            self._say("Type the path of a .jsonl file, or pick one in the tree.", error=True)
            return
        path = Path(value).expanduser()
        model = self.query_one("#validate-model", Select).value
        method = self.query_one("#validate-method", Select).value
        self._cancel_run()  # a new request replaces one still running
        self._say(f"Validating {value}…")
        bar = self.query_one("#validate-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.remove_class("-hidden")
        self.running = ChildValidation(on_progress=self._progress_from_thread)
        self._validate(
            self.running,
            path,
            None if model is Select.NULL else str(model),
            None if method in (AUTO, Select.NULL) else str(method),
        )

    @on(Input.Submitted, "#validate-path")
    @on(Button.Pressed, "#validate-run")
    def _run_requested(self) -> None:
        self.action_run()

    @on(DirectoryTree.FileSelected, "#validate-tree")
    def _file_picked(self, event: DirectoryTree.FileSelected) -> None:
        self.query_one("#validate-path", Input).value = str(event.path)
        self.action_run()

    @on(Select.Changed)
    def _options_changed(self) -> None:
        if self.report_path is not None:  # re-check the same file for the new model / method
            self.action_run()

    @on(DataTable.RowHighlighted, "#validate-problems")
    def _problem_highlighted(self, event: DataTable.RowHighlighted) -> None:
        detail = self.query_one("#validate-detail", Static)
        if self.report is None or event.row_key.value is None:
            detail.add_class("-hidden")
            return
        p = self.report.problems[int(event.row_key.value)]
        where = p.file if p.line is None else f"line {p.line}"
        detail.update(
            Text.assemble(
                (where, "bold"),
                " ",
                p.location or "",
                " — ",
                p.message,
                ("  (enter: show the line)" if p.line else "", "dim"),
            )
        )
        detail.remove_class("-hidden")

    @on(DataTable.RowSelected, "#validate-problems")
    def _problem_selected(self, event: DataTable.RowSelected) -> None:
        if self.report is None or event.row_key.value is None:
            return
        problem = self.report.problems[int(event.row_key.value)]
        if problem.line is None:
            self.notify(problem.message, title=problem.code, timeout=8)
            return
        try:
            text, is_json = read_line(Path(problem.file), problem.line)
        except OSError as exc:
            self.notify(
                f"{problem.file}: {exc.strerror or exc}", title="Cannot read the line", severity="error"
            )
            return
        self.app.push_screen(LinePreviewScreen(problem, text, is_json=is_json))

    # --- work -----------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="validate", exit_on_error=False)
    def _validate(self, run: ChildValidation, path: Path, model: str | None, method: str | None) -> None:
        try:
            report = run.validate_file(path, model=model, method=method, prices=self.prices)
            bins = histogram(report.token_lengths)
        except ValidationCancelled:
            return  # action_close has said so
        except DatasetIOError as exc:
            self.post_message(self.Said(str(exc), error=True, run=run))
            return
        self.post_message(self.Checked(path, report, bins, run=run))

    def _progress_from_thread(self, done: int, total: int, lines: int) -> None:
        self.post_message(self.Progressed(done, total, lines))

    def on_validate_screen_progressed(self, message: Progressed) -> None:
        if not self.is_attached or self.running is None:
            return
        self.query_one("#validate-progress", ProgressBar).update(total=message.total, progress=message.done)
        path = self.query_one("#validate-path", Input).value.strip()
        self.query_one("#validate-summary", Static).update(
            f"Validating {path}… {byte_size(message.done)} of {byte_size(message.total)} · {message.lines:,} lines"
        )

    def _finished(self, run: ChildValidation | None) -> bool:
        """The run ended; False when it no longer matters (closed, cancelled or replaced)."""
        if not self.is_attached or run is not self.running:
            return False
        self.running = None
        self.query_one("#validate-progress").add_class("-hidden")
        return True

    def on_validate_screen_said(self, message: Said) -> None:
        if self._finished(message.run):
            self._say(message.text, error=message.error)

    def on_validate_screen_checked(self, message: Checked) -> None:
        if self._finished(message.run):
            self._show(message.path, message.report, message.bins)

    def _say(self, message: str, *, error: bool = False) -> None:
        if not self.is_attached:  # closed while the worker ran
            return
        summary = self.query_one("#validate-summary", Static)
        summary.update(message)
        summary.set_class(error, "-error")
        if error:
            self.report = None
            self.report_path = None
            self.query_one("#validate-histogram").add_class("-hidden")
            self.query_one("#validate-problems").add_class("-hidden")
            self.query_one("#validate-detail").add_class("-hidden")

    def _show(self, path: Path, report: ValidationReport, bins: tuple[list[float], list[int], float]) -> None:
        if not self.is_attached:  # closed while the worker ran
            return
        self.report = report
        self.report_path = path
        summary = self.query_one("#validate-summary", Static)
        summary.remove_class("-error")
        summary.update(summary_text(report))
        self._draw_histogram(report, bins)
        self._fill_problems(report)

    def _draw_histogram(self, report: ValidationReport, bins: tuple[list[float], list[int], float]) -> None:
        plot = self.query_one("#validate-histogram", PlotextPlot)
        centres, counts, width = bins
        plot.set_class(not centres, "-hidden")
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        if not centres:
            return
        plt.bar([round(c) for c in centres], counts, width=0.9, marker="sd")
        top = max(counts)
        step = max(1, -(-top // 4))
        plt.yticks(list(range(0, top + step, step)))
        lo, hi = round(centres[0] - width / 2), round(centres[-1] + width / 2)
        plt.xticks([round(lo + (hi - lo) * k / 4) for k in range(5)])
        plt.title(f"tokens per example ({report.stats.encoding})")
        plot.refresh()

    def _fill_problems(self, report: ValidationReport) -> None:
        table = self.query_one("#validate-problems", DataTable)
        table.set_class(not report.problems, "-hidden")
        self.query_one("#validate-detail").set_class(not report.problems, "-hidden")
        rows = []
        for i, p in enumerate(report.problems):
            severity = Text("✗ error", style="bold red") if p.is_error else Text("! warning", style="yellow")
            line = "—" if p.line is None else str(p.line)
            rows.append((str(i), (severity, Text(line, justify="right"), p.code, p.location or "")))
        fill_table(table, PROBLEM_HEADINGS, rows)


def summary_text(report: ValidationReport) -> Text:
    st = report.stats
    t = st.tokens
    out = Text()
    verdict = (
        f"✗ {report.error_count:,} error(s), {report.warning_count:,} warning(s)"
        if report.has_errors
        else f"✓ no errors, {report.warning_count:,} warning(s)"
        if report.warning_count
        else "✓ no problems found"
    )
    out.append(verdict, style="bold red" if report.has_errors else "bold green")
    out.append(
        f"  ·  {FORMAT_LABELS.get(st.format, st.format)} · {st.examples:,} examples · "
        f"{st.messages:,} messages\n"
    )
    if st.examples:
        out.append(
            f"Tokens/example min {t.min:,} · mean {t.mean:,.0f} · p50 {t.p50:,} · p95 {t.p95:,} · "
            f"max {t.max:,} · over {st.context_tokens:,}: {st.over_context:,} · dupes {st.duplicates:,}\n"
        )
    epochs = f"{st.epochs} epoch(s){' (auto)' if st.epochs_auto else ''}"
    cost = (
        f" ≈ ${st.est_cost_usd:,.2f}"
        if st.est_cost_usd is not None
        else " (pick a model for a cost estimate)"
        if report.model is None
        else " (no token price)"
    )
    out.append(f"Billed ≈ {st.billed_tokens or 0:,} tokens over {epochs}{cost}")
    return out
