"""A job's checkpoints: step, metrics at that step, and the model id (y copies what Azure
deploys it by: the checkpoint id `ftchkpt-…` where the service gives one)."""

from __future__ import annotations

from textual.widgets import DataTable

from aoft_tui.domain import models as m
from aoft_tui.domain.formatting import DASH
from aoft_tui.domain.models import Checkpoint

# (column label, metric name) — the metrics Azure reports per checkpoint.
METRIC_COLUMNS: tuple[tuple[str, str], ...] = (
    ("train loss", m.TRAIN_LOSS),
    ("valid loss", m.VALID_LOSS),
    ("valid acc", m.VALID_ACCURACY),
)


def _metric(value: float | None) -> str:
    return DASH if value is None else f"{value:.4f}"


class CheckpointsTable(DataTable):
    """Newest checkpoint first, keyed by checkpoint id, so updates keep the cursor in place."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)
        self._checkpoints: dict[str, Checkpoint] = {}

    def on_mount(self) -> None:
        # Short columns first: at 80 columns the long model id must not push the metrics away.
        self.add_column("step", key="step")
        for label, name in METRIC_COLUMNS:
            self.add_column(label, key=name)
        self.add_column("model (y copies)", key="model")
        self.add_column("created (UTC)", key="created")

    def update_checkpoints(self, checkpoints: list[Checkpoint]) -> None:
        incoming = {c.id: c for c in checkpoints}
        if incoming == self._checkpoints:
            return
        selected = self.selected_checkpoint()
        self._checkpoints = incoming
        self.clear()
        for checkpoint in sorted(checkpoints, key=lambda c: c.step, reverse=True):
            self.add_row(
                str(checkpoint.step),
                *(_metric(checkpoint.metrics.get(name)) for _, name in METRIC_COLUMNS),
                checkpoint.fine_tuned_model_checkpoint,
                checkpoint.created_at.strftime("%Y-%m-%d %H:%M"),
                key=checkpoint.id,
            )
        if selected is not None and selected.id in incoming:
            self.move_cursor(row=self.get_row_index(selected.id))

    def selected_checkpoint(self) -> Checkpoint | None:
        if not self._checkpoints or self.row_count == 0:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return self._checkpoints.get(str(row_key.value))
