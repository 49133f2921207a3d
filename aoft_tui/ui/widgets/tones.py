"""The colours of the status tones (domain.formatting.status_tone), with and without NO_COLOR."""

from __future__ import annotations

# Tones from domain.formatting → ANSI colours, readable on 16-colour terminals too.
TONE_STYLE = {
    "active": "bold cyan",
    "paused": "bright_yellow",  # plain yellow is orange in the ANSI palette: red on 16 colours
    "ok": "green",
    "error": "bold red",
    "muted": "bright_black",
    "waiting": "blue",
}
# Under NO_COLOR the terminal (and Textual's monochrome filter) turns red into a dark grey that
# vanishes on the dark background: the tones keep only what needs no colour.
NO_COLOR_TONE_STYLE = {
    "active": "bold",
    "paused": "",
    "ok": "",
    "error": "bold underline",
    "muted": "",
    "waiting": "",
}


def tone_style(tone: str, *, no_color: bool) -> str:
    return (NO_COLOR_TONE_STYLE if no_color else TONE_STYLE)[tone]
