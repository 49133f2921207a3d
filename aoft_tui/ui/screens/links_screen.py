"""A job's links (`u` on the list): its Azure portal page and its W&B run.

Each is a hyperlink (OSC 8: a click opens it where the terminal supports that) and, for
every terminal, copyable: `y` or `enter` copies the highlighted one (OSC 52, works over SSH).
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from aoft_tui.services.links import JobLinks


def link_text(title: str, url: str | None, note: str) -> Text:
    text = Text(f"{title}\n", style="bold")
    if url:
        text.append(url, style=Style(link=url, underline=True))
        text.append("\n")
    text.append(note, style="dim")
    return text


class LinksScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    LinksScreen { align: center middle; }
    LinksScreen > #links-box { width: 90; max-width: 100%; height: auto; border: thick $primary;
                               background: $surface; padding: 0 1; }
    LinksScreen #links-title { text-style: bold; margin-bottom: 1; }
    LinksScreen OptionList { height: auto; max-height: 14; border: none; }
    LinksScreen #links-hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [
        Binding("escape,q", "dismiss_links", "Close", id="links.close"),
        Binding("y", "copy_link", "Copy link", id="links.copy", tooltip="Copy the highlighted link (OSC 52)"),
    ]

    def __init__(self, job_id: str, links: JobLinks) -> None:
        super().__init__()
        self.job_id = job_id
        self.links = links
        self.urls = [links.azure, links.wandb]

    def compose(self) -> ComposeResult:
        with Vertical(id="links-box"):
            yield Label(f"Links of {self.job_id}", id="links-title", markup=False)
            yield OptionList(
                Option(link_text("Azure", self.links.azure, self.links.azure_note), id="azure"),
                Option(
                    link_text("Weights & Biases", self.links.wandb, self.links.wandb_note),
                    id="wandb",
                    disabled=self.links.wandb is None,
                ),
                id="links",
            )
            yield Label(
                "y or enter copies · a click opens it (where the terminal can) · esc", id="links-hint"
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_copy_link()

    def action_copy_link(self) -> None:
        index = self.query_one(OptionList).highlighted
        url = self.urls[index] if index is not None else None
        if not url:
            self.notify("Nothing to copy for this entry.", title="No link", severity="warning")
            return
        self.app.copy_to_clipboard(url)
        self.notify(url, title="Copied link")

    def action_dismiss_links(self) -> None:
        self.dismiss(None)
