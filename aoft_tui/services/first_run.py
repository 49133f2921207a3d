"""The first start: nothing configured yet, so the demo opens with the connect dialog on top.

Offered once. "Nothing configured" is the absence of config.toml (any file there, even
half-written, means someone has started configuring) and of the marker this module leaves
in the state dir when the dialog has been shown. Environment variables are checked by the
caller (`Settings.demo`: no endpoint from anywhere).
"""

from __future__ import annotations

from aoft_tui.services.settings import config_file, state_dir

# A file in the state dir: the connect dialog has been offered on a first start.
OFFERED_MARKER = "connect-offered"


def connect_offer_due() -> bool:
    """No config file and the dialog never offered: this is the first start."""
    return not config_file().exists() and not (state_dir() / OFFERED_MARKER).exists()


def remember_connect_offered() -> None:
    """Leave the marker (a state dir that cannot be written only means the offer comes again)."""
    try:
        directory = state_dir()
        directory.mkdir(parents=True, exist_ok=True)
        (directory / OFFERED_MARKER).write_text("the connect dialog was offered on the first start\n")
    except OSError:
        pass
