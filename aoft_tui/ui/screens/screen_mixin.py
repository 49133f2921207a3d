"""The base of the main screen's mixins: what they call on the screen they are mixed into."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.notifications import SeverityLevel


class ScreenMixin:
    if TYPE_CHECKING:
        # provided by the screen the mixin is mixed into (`_Shared.notify` in base.py)
        def notify(
            self,
            message: str,
            *,
            title: str = "",
            severity: SeverityLevel = "information",
            timeout: float | None = None,
            markup: bool = True,
        ) -> None: ...
