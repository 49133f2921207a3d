"""Try a deployment: ask a question, see its streamed answer beside the base model's."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from aoft_tui.domain import catalog
from aoft_tui.domain.deployments import Deployment
from aoft_tui.ui.widgets.key_bar import KeyBar


def base_for(deployment: Deployment, others: list[Deployment]) -> str | None:
    """A succeeded base-model deployment of the fine-tuned model's base, if there is one."""
    base = catalog.lookup(deployment.model)
    for other in others:
        if (
            not other.fine_tuned
            and other.state == "Succeeded"
            and base is not None
            and other.model == base.family
        ):
            return other.name
    return None


class TryScreen(Screen[None]):
    CSS_PATH = "deployments_screen.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="try.back")]

    def __init__(self, deployment: str, base: str | None) -> None:
        super().__init__()
        self.deployment = deployment
        self.base = base
        self.answers = {"ft": "", "base": ""}
        self.streams_done = 0

    def compose(self) -> ComposeResult:
        yield Label(f"Try {self.deployment}" + (f" beside {self.base}" if self.base else ""), id="try-title")
        with Horizontal(id="try-panes"):
            with VerticalScroll(classes="try-pane"):
                yield Label(f"{self.deployment} (fine-tuned)", classes="pane-title")
                yield Static("", id="answer-ft", markup=False)
            with VerticalScroll(classes="try-pane"):
                yield Label(self.base or "no base deployment", classes="pane-title")
                yield Static(
                    "" if self.base else "Deploy the base model to compare answers here.",
                    id="answer-base",
                    markup=False,
                )
        yield Input(placeholder="Ask something, enter to send", id="try-prompt")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#try-prompt")
    def _ask(self, event: Input.Submitted) -> None:
        question = event.value.strip()
        if not question:
            return
        self.streams_done = 0
        targets = [("ft", self.deployment)] + ([("base", self.base)] if self.base else [])
        for side, name in targets:
            self.answers[side] = ""
            self.query_one(f"#answer-{side}", Static).update("…")
            self._stream(side, name, question)

    @work(thread=True, group="try", exit_on_error=False)
    def _stream(self, side: str, deployment: str, question: str) -> None:
        from aoft_tui.ui.screens.deploy_support import deploy_services

        try:
            chat = deploy_services(self.app)[1]
            for piece in chat.stream(deployment, [{"role": "user", "content": question}]):
                self.answers[side] += piece
                self.app.call_from_thread(
                    self.query_one(f"#answer-{side}", Static).update, self.answers[side]
                )
        except Exception as err:
            self.app.call_from_thread(self.query_one(f"#answer-{side}", Static).update, f"Error: {err}")
        self.streams_done += 1
