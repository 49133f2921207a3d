"""A job's checkpoints: step, metrics at that step, and the model id (y copies what Azure
deploys it by: the checkpoint id `ftchkpt-…` where the service gives one).

A checkpoint's model name is ~80 characters and ends with what tells checkpoints apart
(`…:ckpt-step-10`). Cut at the column's edge it read as another checkpoint (`…ckpt-step-1`),
so the model column takes the width there is and a longer name loses its middle, never its
end; the line under the table shows the selected checkpoint's name whole.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from aoft_tui.domain import models as m
from aoft_tui.domain.formatting import DASH, ellipsize_middle
from aoft_tui.domain.models import Checkpoint

# (column label, metric name) — the metrics Azure reports per checkpoint.
METRIC_COLUMNS: tuple[tuple[str, str], ...] = (
    ("train loss", m.TRAIN_LOSS),
    ("valid loss", m.VALID_LOSS),
    ("valid acc", m.VALID_ACCURACY),
)
MODEL_LABEL = "model (y copies)"
_CREATED_WIDTH = len("2026-01-01 00:00")
# columns other than the model's: step, metrics, created — each with one cell of padding a side
_FIXED_WIDTH = sum(w + 2 for w in (6, *(len(label) for label, _ in METRIC_COLUMNS), _CREATED_WIDTH))
_SCROLLBAR = 2
MIN_MODEL_WIDTH = 24


def _metric(value: float | None) -> str:
    return DASH if value is None else f"{value:.4f}"


class CheckpointsTable(DataTable):
    """Newest checkpoint first, keyed by checkpoint id, so updates keep the cursor in place."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)
        self._checkpoints: dict[str, Checkpoint] = {}
        self.model_width = MIN_MODEL_WIDTH

    def on_mount(self) -> None:
        self._add_columns()

    def _add_columns(self) -> None:
        # Short columns first: at 80 columns the long model id must not push the metrics away.
        self.add_column("step", key="step", width=6)
        for label, name in METRIC_COLUMNS:
            self.add_column(label, key=name, width=len(label))
        self.add_column(MODEL_LABEL, key="model", width=self.model_width)
        self.add_column("created (UTC)", key="created", width=_CREATED_WIDTH)

    def on_resize(self) -> None:
        longest = max(
            (cell_len(c.fine_tuned_model_checkpoint) for c in self._checkpoints.values()), default=0
        )
        room = self.size.width - _FIXED_WIDTH - 2 - _SCROLLBAR
        width = max(MIN_MODEL_WIDTH, max(len(MODEL_LABEL), min(longest, room)))
        if width != self.model_width:
            self.model_width = width
            self._fill(force=True)

    def model_cell(self, checkpoint: Checkpoint) -> str:
        """The name as the column shows it: whole, or without its middle."""
        return ellipsize_middle(checkpoint.fine_tuned_model_checkpoint, self.model_width)

    def update_checkpoints(self, checkpoints: list[Checkpoint]) -> None:
        incoming = {c.id: c for c in checkpoints}
        if incoming == self._checkpoints:
            return
        self._checkpoints = incoming
        self._fill()
        self.on_resize()  # the longest name may have changed what the column needs

    def _fill(self, *, force: bool = False) -> None:
        selected = self.selected_checkpoint() if self.row_count else None
        if force:  # a new model width: columns are rebuilt with it
            self.clear(columns=True)
            self._add_columns()
        else:
            self.clear()
        for checkpoint in sorted(self._checkpoints.values(), key=lambda c: c.step, reverse=True):
            self.add_row(
                str(checkpoint.step),
                *(_metric(checkpoint.metrics.get(name)) for _, name in METRIC_COLUMNS),
                self.model_cell(checkpoint),
                checkpoint.created_at.strftime("%Y-%m-%d %H:%M"),
                key=checkpoint.id,
            )
        if selected is not None and selected.id in self._checkpoints:
            self.move_cursor(row=self.get_row_index(selected.id))

    def selected_checkpoint(self) -> Checkpoint | None:
        if not self._checkpoints or self.row_count == 0:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return self._checkpoints.get(str(row_key.value))


class CheckpointsPane(Vertical):
    """The table, and under it the selected checkpoint's model name in full (wrapped)."""

    DEFAULT_CSS = """
    CheckpointsPane { height: 1fr; }
    CheckpointsPane > CheckpointsTable { height: 1fr; }
    CheckpointsPane > #checkpoint-name { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        yield CheckpointsTable(id="checkpoints-table")
        yield Static("", id="checkpoint-name", markup=False)

    def update_checkpoints(self, checkpoints: list[Checkpoint]) -> None:
        self.query_one(CheckpointsTable).update_checkpoints(checkpoints)
        self._show_selected()

    def on_data_table_row_highlighted(self) -> None:
        self._show_selected()

    def _show_selected(self) -> None:
        checkpoint = self.query_one(CheckpointsTable).selected_checkpoint()
        name = self.query_one("#checkpoint-name", Static)
        text = f"selected: {checkpoint.fine_tuned_model_checkpoint}" if checkpoint else ""
        if str(name.content) != text:
            name.update(text)
