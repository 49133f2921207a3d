"""The Deployments view: every model deployment with state, age, hosting cost, time left.

Refreshes every few seconds while one is still Creating (an interrupted deploy shows here
and can be finished or removed); `X` deletes after a confirmation, `enter` opens the
try screen, `S` the quick evaluation (score), `n` a new job continuing from the deployment's model.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from aoft_tui.domain import formatting as fmt
from aoft_tui.domain.deployments import Deployment
from aoft_tui.domain.models import Job
from aoft_tui.ui.screens.base import AoftScreen
from aoft_tui.ui.screens.confirm import confirm_then
from aoft_tui.ui.widgets.key_bar import KeyBar

REFRESH_WHILE_CREATING = 2.0
# Fixed widths: DataTable's auto widths sometimes painted before they had grown to the rows
# (every column as narrow as its heading: "bill", "gpt-4"); a wider name scrolls sideways.
NAME_WIDTH, MODEL_WIDTH = 22, 44
COLUMNS = (
    ("Name", NAME_WIDTH),
    ("Model", MODEL_WIDTH),
    ("SKU", 18),
    ("State", 10),
    ("Age", 7),
    ("Cost so far", 11),
    ("Left if idle", 12),
)


def _span(hours: float | None) -> str:
    if hours is None:
        return "-"
    if hours >= 48:
        return f"{hours / 24:.1f}d"
    return f"{hours:.1f}h" if hours >= 1 else f"{hours * 60:.0f}m"


class DeploymentsTable(DataTable[str]):
    """The list; `enter` on a deployment tries it (a RowSelected the screen handles)."""

    BINDINGS = [
        Binding(
            "enter",
            "select_cursor",
            "Try",
            key_display="⏎",
            id="deployments.try",
            tooltip="Chat with it beside its base model",
        )
    ]


class DeploymentsScreen(AoftScreen[None]):
    CSS_PATH = "deployments_screen.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="deployments.back"),
        Binding(
            "S",
            "evaluate_deployment",
            "Evaluate",
            id="deployments.evaluate",
            tooltip="Score it and its base on N examples of the validation file",
        ),
        Binding(
            "n",
            "continue_training",
            "Continue",
            id="deployments.continue",
            tooltip="A new fine-tuning job with this deployment's model as its base",
        ),
        Binding(
            "X,delete",
            "delete_deployment",
            "Delete",
            id="deployments.delete",
            tooltip="Delete the deployment",
        ),
        Binding("ctrl+r", "refresh", "Refresh", id="deployments.refresh"),
    ]

    # what the workers report (posted from their threads, handled on the screen)
    @dataclass
    class Loaded(Message):
        items: list[Deployment] | None  # None: the list failed (error says why)
        error: str | None = None

    @dataclass
    class JobLookedUp(Message):
        model: str
        job: Job | None
        error: str | None = None  # the look-up failed: continue without the job's settings

    @dataclass
    class Deleted(Message):
        name: str
        error: str | None = None  # not deleted

    def __init__(self, *, select: str | None = None) -> None:
        super().__init__()
        self.items: dict[str, Deployment] = {}
        self.loaded = False
        self._select = select

    def compose(self) -> ComposeResult:
        yield Label("Deployments", id="deployments-title")
        table = DeploymentsTable(id="deployments", cursor_type="row", zebra_stripes=True)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        yield table
        yield Static("", id="deployments-note")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.action_refresh()

    def action_refresh(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="deployments", exit_on_error=False)
    def _load(self) -> None:
        from aoft_tui.ui.screens.deploy_support import deploy_services

        try:
            service, _ = deploy_services(self.aoft)
            self.post_message(self.Loaded(service.list()))
        except Exception as err:
            self.post_message(self.Loaded(None, str(err)))

    def on_deployments_screen_loaded(self, message: Loaded) -> None:
        self.loaded = True
        note = self.query_one("#deployments-note", Static)
        if message.items is None:
            note.update(f"Could not list deployments: {message.error}")
            return
        now = self.aoft.now()
        prices = self.aoft.settings.prices
        table = self.query_one(DataTable)
        keep = self._select or (
            table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value if table.row_count else None
        )
        rows = {d.name: _cells(d, now, prices) for d in message.items}
        if list(rows) == [str(key.value) for key in table.rows]:
            # the same deployments: update cells in place (a clear would move the cursor under
            # the user's hands, every 2 s while one is Creating)
            for name, cells in rows.items():
                for column, value in zip(table.columns, cells, strict=True):
                    table.update_cell(name, column, value)
        else:
            table.clear()
            for name, cells in rows.items():
                table.add_row(*cells, key=name)
        self.items = {d.name: d for d in message.items}
        if keep in self.items:
            table.move_cursor(row=table.get_row_index(keep))
            self._select = None
        creating = [d.name for d in message.items if d.in_progress]
        note.update(
            ("Still provisioning: " + ", ".join(creating) + ". " if creating else "")
            + ("" if message.items else "No deployments yet: press D on a succeeded job. ")
            + "Azure deletes a fine-tuned deployment after 15 days without use (Developer: 24 h)."
        )
        if creating:
            self.set_timer(REFRESH_WHILE_CREATING, self.action_refresh)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()  # enter on a deployment: try it
        self.action_try_deployment()

    @property
    def selected(self) -> Deployment | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return self.items.get(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    def action_try_deployment(self) -> None:
        d = self.selected
        if d is None:
            return
        from aoft_tui.ui.screens.try_screen import TryScreen, base_for

        self.app.push_screen(TryScreen(d.name, base_for(d, list(self.items.values()))))

    def action_evaluate_deployment(self) -> None:
        d = self.selected
        if d is None:
            return
        from aoft_tui.ui.screens.eval_screen import EvalScreen
        from aoft_tui.ui.screens.try_screen import base_for

        base = base_for(d, list(self.items.values()))
        self.app.push_screen(EvalScreen(d.name, d.model, base, self.items[base].model if base else None))

    def action_continue_training(self) -> None:
        d = self.selected
        if d is not None:
            self._continue(d.model)

    @work(thread=True, group="deployments-continue", exit_on_error=False)
    def _continue(self, model: str) -> None:
        from aoft_tui.ui.screens.deployment_actions import job_for_model

        try:
            self.post_message(self.JobLookedUp(model, job_for_model(self.aoft.service, model)))
        except Exception as err:
            self.post_message(self.JobLookedUp(model, None, str(err)))

    def on_deployments_screen_job_looked_up(self, message: JobLookedUp) -> None:
        from aoft_tui.ui.screens.deployment_actions import open_continue_from

        if message.error is not None:
            self.notify(
                f"Could not look up the job that made {message.model}: {message.error}",
                title="Continuing without its settings",
                severity="warning",
            )
        open_continue_from(self, message.model, message.job)

    def action_delete_deployment(self) -> None:
        d = self.selected
        if d is None:
            return
        confirm_then(
            self.app,
            f"Delete deployment {d.name}?",
            f"{d.model} stops answering; the model itself stays and can be deployed again.",
            lambda: self._delete(d.name),
            confirm_label="Delete",
            danger=True,
        )

    @work(thread=True, group="deployments-delete", exit_on_error=False)
    def _delete(self, name: str) -> None:
        from aoft_tui.ui.screens.deploy_support import deploy_services

        try:
            deploy_services(self.aoft)[0].delete(name)
        except Exception as err:
            self.post_message(self.Deleted(name, str(err)))
        else:
            self.post_message(self.Deleted(name))

    def on_deployments_screen_deleted(self, message: Deleted) -> None:
        if message.error is not None:
            self.notify(message.error, title="Delete failed", severity="error")
            return
        self.notify(f"Deleted deployment {message.name}.", title="Deleted")
        self.action_refresh()


def _cells(d: Deployment, now, prices) -> tuple[str, ...]:
    cost = d.hosting_cost(now, prices)
    left = d.time_left(now)
    return (
        fmt.ellipsize_middle(d.name, NAME_WIDTH),
        fmt.ellipsize_middle(d.model, MODEL_WIDTH),  # the end (suffix, step) stays: never another name
        f"{d.sku}×{d.capacity}",
        d.state,
        _span(d.hours_hosted(now)),
        "-" if cost is None else f"${cost:,.2f}",
        "-" if left is None else _span(left.total_seconds() / 3600),
    )
