"""The new-job form's reinforcement section, its tags and tier fields, and prefilling the form
from a job (clone, continued fine-tuning). Kept apart from new_job_screen.py, which runs the
submit; these are the fields and what they hold."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, overload

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, Select, Static

if TYPE_CHECKING:
    from textual.css.query import QueryType

from aoft_tui.domain import catalog
from aoft_tui.domain.graders import describe_grader, parse_grader_text
from aoft_tui.services.job_form import REASONING_EFFORTS, RFT_HYPERPARAMETERS, TRAINING_TYPES, JobForm

# Input-backed fields of the form (id == JobForm field name).
FORM_TEXT_FIELDS = (
    "suffix",
    "n_epochs",
    "batch_size",
    "learning_rate_multiplier",
    "beta",
    "seed",
    "metadata",
    *RFT_HYPERPARAMETERS,
)
OTHER_MODEL = "__other__"
AUTO = ""

Row = Callable[[str, Widget, str], ComposeResult]


def extra_rows(row: Row) -> ComposeResult:
    """Tags for every method, then the section only a reinforcement job shows."""
    yield from row(
        "Metadata",
        Input(placeholder="optional: team=nlp, run=3 (filter with /)", id="metadata", compact=True),
        "metadata",
    )
    with Vertical(id="rft"):
        yield from row(
            "Grader file",
            Input(
                placeholder="grader.json: string_check, text_similarity, score_model, python or multi",
                id="grader",
                compact=True,
            ),
            "grader",
        )
        yield Static("", id="grader-info", markup=False)
        yield from row(
            "Reasoning",
            Select([(e, e) for e in REASONING_EFFORTS], id="reasoning_effort", prompt="auto", compact=True),
            "reasoning_effort",
        )
        yield from row(
            "Compute mult.",
            Input(placeholder="auto (> 0, ≤ 10)", id="compute_multiplier", compact=True),
            "compute_multiplier",
        )
        yield from row(
            "Eval interval",
            Input(placeholder="auto (steps between evals)", id="eval_interval", compact=True),
            "eval_interval",
        )
        yield from row(
            "Eval samples",
            Input(placeholder="auto (samples per eval)", id="eval_samples", compact=True),
            "eval_samples",
        )


def tier_options(model: str) -> tuple[list[tuple[str, str]], str]:
    """(options, the tier sent unless the user picks another): the model's tiers when the
    catalog knows it, its default named as such."""
    base = catalog.lookup(model)
    tiers = base.training_types if base is not None else TRAINING_TYPES
    default = catalog.default_training_type(model)
    return [
        (
            f"{t} (default for {base.family})"
            if base and t == default
            else f"{t} (default)"
            if t == default
            else t,
            t,
        )
        for t in tiers
    ], default


def read_grader(path_text: str, start_dir: Path) -> tuple[str, str, str | None]:
    """(text, source for messages, error) for the grader file typed in the form."""
    raw = path_text.strip()
    if not raw:
        return "", "grader", None
    path = Path(raw).expanduser()
    path = path if path.is_absolute() else start_dir / path
    try:
        return path.read_text(encoding="utf-8"), raw, None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return "", raw, f"Cannot read the grader file {raw}: {reason}. Give the path of a JSON grader file."


def grader_summary(text: str, source: str) -> str:
    grader, problems = parse_grader_text(text, source)
    return describe_grader(grader) if grader is not None and not problems else ""


def prefill_inputs(form: JobForm, fields: Iterable[str]) -> dict[str, str]:
    """The Input values a prefilled form sets (id → text)."""
    return {name: getattr(form, name) for name in fields if getattr(form, name)}


class NewJobFieldsMixin:
    """The form's prefill, tier and grader behaviour (NewJobScreen inherits it)."""

    prefill: JobForm | None
    prefill_note: str
    start_dir: Path
    _prefilled_grader: str
    _model_options: list[tuple[str, str]] = []
    _tier_set_here = ""  # the tier _refresh_tiers chose (not the user)

    if TYPE_CHECKING:
        # DOMNode.query_one (its overloads), as the screen that mixes this in has it
        @overload
        def query_one(self, selector: str) -> Widget: ...
        @overload
        def query_one(self, selector: type[QueryType]) -> QueryType: ...
        @overload
        def query_one(self, selector: str, expect_type: type[QueryType]) -> QueryType: ...
        def query_one(
            self, selector: str | type[QueryType], expect_type: type[QueryType] | None = None
        ) -> QueryType | Widget: ...

        def _model_value(self) -> str: ...
        def _show_outcome(self, message: str, *, error: bool = False) -> None: ...

    def _refresh_tiers(self, wanted: str | None = None) -> None:
        """Name the tier that will be sent for this model; keep the user's choice if it has it."""
        select = self.query_one("#training_type", Select)
        options, default = tier_options(self._model_value())
        current = select.value if isinstance(select.value, str) else ""
        # a tier this method put there follows the model; one the user picked stays if it can
        keep = wanted or (current if current != self._tier_set_here else "")
        select.set_options(options)
        select.value = keep if keep in {v for _, v in options} else default
        # redraw the label when the value stayed the same (the reactive of the select's own class:
        # mypy calls `Select.value`, a generic class's reactive, ambiguous)
        select.mutate_reactive(type(select).value)
        self._tier_set_here = "" if keep and select.value == keep else select.value

    def _choose_model(self, model: str) -> None:
        select = self.query_one("#model-select", Select)
        if model in {value for _, value in self._model_options}:
            select.value = model
            return
        # a fine-tuned model or a checkpoint: typed in, as "Other"
        if OTHER_MODEL not in {value for _, value in self._model_options}:
            self._model_options = [*self._model_options, ("Other… (type a model id)", OTHER_MODEL)]
            select.set_options(self._model_options)
        select.value = OTHER_MODEL
        text = self.query_one("#model-text", Input)
        text.value, text.display = model, True

    def _apply_prefill(self, form: JobForm) -> None:
        self._choose_model(form.model)
        self.query_one("#method", Select).value = form.method
        for name, text in prefill_inputs(form, FORM_TEXT_FIELDS).items():
            self.query_one(f"#{name}", Input).value = text
        if form.reasoning_effort in REASONING_EFFORTS:
            self.query_one("#reasoning_effort", Select).value = form.reasoning_effort
        self._show_method(form.method)
        self._refresh_tiers(form.training_type or None)
        self._refresh_grader_info()
        if self.prefill_note:
            self._show_outcome(self.prefill_note)

    def _grader_fields(self) -> tuple[dict[str, str], str | None]:
        """The grader for the form: the file typed, else the one a prefill brought."""
        text, source, error = read_grader(self.query_one("#grader", Input).value, self.start_dir)
        if not text and not error and self._prefilled_grader:
            text = self._prefilled_grader
            source = self.prefill.grader_source if self.prefill is not None else "grader"
        return {"grader": text, "grader_source": source}, error

    def _show_method(self, method: object) -> None:
        self.query_one("#beta", Input).disabled = method != catalog.DPO
        self.query_one("#rft").display = method == catalog.REINFORCEMENT

    def _refresh_grader_info(self) -> None:
        fields, error = self._grader_fields()
        summary = grader_summary(fields["grader"], fields["grader_source"]) if fields["grader"] else ""
        self.query_one("#grader-info", Static).update(f"Grader: {summary}" if summary else error or "")
