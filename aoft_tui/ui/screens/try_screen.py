"""Try a deployment: ask a question, see its streamed answer beside the base model's."""

from __future__ import annotations

import time
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Static

from aoft_tui.domain import catalog
from aoft_tui.domain.deployments import Deployment
from aoft_tui.ui.screens.base import AoftScreen
from aoft_tui.ui.widgets.key_bar import KeyBar

# A streamed answer is shown at most this often (and once at its end): a fast stream's
# pieces do not each become a message and a repaint.
SHOW_EVERY_SECONDS = 1 / 30


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


class TryScreen(AoftScreen[None]):
    CSS_PATH = "deployments_screen.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="try.back")]

    @dataclass
    class Streamed(Message):
        """A side's answer so far (posted from its stream's thread)."""

        question: int  # which question it answers: a late piece of an earlier one is dropped
        side: str
        answer: str
        done: bool = False
        error: str | None = None

    def __init__(self, deployment: str, base: str | None) -> None:
        super().__init__()
        self.deployment = deployment
        self.base = base
        self.answers = {"ft": "", "base": ""}
        self.streams_done = 0
        self.questions = 0

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
        self.questions += 1
        targets = [("ft", self.deployment)] + ([("base", self.base)] if self.base else [])
        for side, name in targets:
            self.answers[side] = ""
            self.query_one(f"#answer-{side}", Static).update("…")
            self._stream(self.questions, side, name, question)

    @work(thread=True, group="try", exit_on_error=False)
    def _stream(self, asked: int, side: str, deployment: str, question: str) -> None:
        from aoft_tui.ui.screens.deploy_support import deploy_services

        answer, shown_at, error = "", 0.0, None
        try:
            chat = deploy_services(self.aoft)[1]
            for piece in chat.stream(deployment, [{"role": "user", "content": question}]):
                answer += piece
                if time.monotonic() - shown_at >= SHOW_EVERY_SECONDS:
                    shown_at = time.monotonic()
                    self.post_message(self.Streamed(asked, side, answer))
        except Exception as err:
            error = str(err)
        self.post_message(self.Streamed(asked, side, answer, done=True, error=error))

    def on_try_screen_streamed(self, message: Streamed) -> None:
        if message.question != self.questions:
            return
        self.answers[message.side] = message.answer
        pane = self.query_one(f"#answer-{message.side}", Static)
        if message.error is not None:
            pane.update(f"Error: {message.error}")
        elif message.answer:
            pane.update(message.answer)
        if message.done:
            self.streams_done += 1
