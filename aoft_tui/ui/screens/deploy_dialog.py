"""Deploy a succeeded job's model: name (from its suffix), SKU with price and lifetime,
capacity; shows provisioning until it has Succeeded, then returns the deployment's name."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static
from textual.worker import get_current_worker

from aoft_tui.domain import catalog
from aoft_tui.domain.models import Job
from aoft_tui.ui.screens.base import AoftModalScreen
from aoft_tui.ui.screens.deploy_support import form_problem

SKUS = ("Standard", "GlobalStandard", "Developer")


class _DialogLeft(Exception):
    """The dialog was left while provisioning: its worker stops waiting."""


def sku_label(sku: str, prices: dict[str, float] | None = None) -> str:
    rate = catalog.hosting_price_per_hour(sku, prices)
    price = "no hosting fee" if not rate else f"${rate:.2f}/h hosting"
    life = (
        f"ends after {catalog.DEVELOPER_LIFETIME_HOURS} h"
        if sku == "Developer"
        else f"deleted after {catalog.IDLE_DELETION_DAYS} idle days"
    )
    return f"{sku} — {price}, {life}"


def default_name(job: Job) -> str:
    base = (job.suffix or job.id.removeprefix("ftjob-")[:12]).lower()
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in base)[:64] or "fine-tuned"


class DeployDialog(AoftModalScreen[str | None]):
    CSS_PATH = "deployments_screen.tcss"
    BINDINGS = [Binding("escape", "dismiss_none", "Close", id="deploy.close")]

    # what the deploy worker reports (posted from its thread, handled on the dialog)
    @dataclass
    class Provisioning(Message):
        note: str  # "name: Creating"

    @dataclass
    class Deployed(Message):
        name: str
        created: bool  # False: it already existed, nothing new was made
        error: str | None = None  # not deployed: the form is editable again

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job
        self.state = "editing"

    def compose(self) -> ComposeResult:
        prices = self.aoft.settings.prices
        with Vertical(id="deploy-dialog"):
            yield Label(f"Deploy {self.job.fine_tuned_model}", id="deploy-title")
            yield Label("Deployment name")
            yield Input(default_name(self.job), id="deploy-name")
            yield Label("Deployment type (SKU)")
            yield Select(
                [(sku_label(s, prices), s) for s in SKUS],
                value="Standard",
                allow_blank=False,
                id="deploy-sku",
            )
            yield Label("Capacity (thousands of tokens per minute)")
            yield Input("1", id="deploy-capacity", type="integer")
            yield Static("", id="deploy-progress")
            with Horizontal(id="deploy-buttons"):
                yield Button("Cancel", id="deploy-cancel")
                yield Button("Deploy", id="deploy-go", variant="primary")

    def action_dismiss_none(self) -> None:
        # leaving while provisioning loses nothing: the Deployments view shows it Creating
        self.dismiss(None if self.state != "provisioning" else self.query_one("#deploy-name", Input).value)

    @on(Button.Pressed, "#deploy-cancel")
    def _cancel(self) -> None:
        self.action_dismiss_none()

    @on(Button.Pressed, "#deploy-go")
    def _go(self) -> None:
        name = self.query_one("#deploy-name", Input).value.strip()
        capacity_text = self.query_one("#deploy-capacity", Input).value.strip()
        progress = self.query_one("#deploy-progress", Static)
        problem = form_problem(name, "Give the deployment a name.", capacity_text, "Capacity")
        if problem is not None:
            progress.update(problem)
            return
        self.state = "provisioning"
        self.query_one("#deploy-go", Button).disabled = True
        progress.update(f"Deploying {name}…")
        self._deploy(name, str(self.query_one("#deploy-sku", Select).value), int(capacity_text))

    @work(thread=True, exclusive=True, group="deploy", exit_on_error=False)
    def _deploy(self, name: str, sku: str, capacity: int) -> None:
        from aoft_tui.ui.screens.deploy_support import deploy_services

        worker = get_current_worker()

        def show(d: object) -> None:
            note = self.Provisioning(f"{name}: {getattr(d, 'state', '')}")
            if worker.is_cancelled or not self.post_message(note):
                raise _DialogLeft  # stops the polling: the Deployments view follows it now

        try:
            service = deploy_services(self.aoft)[0]
            outcome = service.deploy(
                name, self.job.fine_tuned_model or "", sku=sku, capacity=capacity, wait=True, progress=show
            )
        except _DialogLeft:
            return
        except Exception as err:
            self.post_message(self.Deployed(name, False, str(err)))
        else:
            self.post_message(self.Deployed(name, outcome.created))

    def on_deploy_dialog_provisioning(self, message: Provisioning) -> None:
        if not self.is_current:
            return  # left while provisioning: the Deployments view follows it
        self.query_one("#deploy-progress", Static).update(message.note)

    def on_deploy_dialog_deployed(self, message: Deployed) -> None:
        if not self.is_current:
            return  # left already (dismissing again would pop the screen below)
        if message.error is not None:
            self.state = "editing"
            self.query_one("#deploy-progress", Static).update(f"Not deployed: {message.error}")
            self.query_one("#deploy-go", Button).disabled = False
            return
        if not message.created:
            self.notify(f"{message.name} already existed; nothing new was created.", title="Already deployed")
        self.state = "done"
        self.dismiss(message.name)
