"""What every aoft-tui screen shares: the typed app, its poller's pauses, its own toasts,
and the keys that work the same everywhere (j/k, g/G, ctrl+d/ctrl+u).

    class MyScreen(AoftScreen[None]): ...        # self.aoft.service, self.aoft.settings
    class MyDialog(AoftModalScreen[bool]): ...

Toasts are scoped: those a screen raised are taken down when it is left (popped, or
covered by another full screen), so they do not follow the user onto the next one.
A worker reaches its screen one way only: a `Message` declared inside the screen class
(as Textual's widgets do), posted from the thread with `post_message`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on
from textual.binding import Binding, BindingType
from textual.events import ScreenResume, ScreenSuspend, Unmount
from textual.notifications import Notification, Notify, SeverityLevel
from textual.screen import ModalScreen, Screen, ScreenResultType
from textual.widget import Widget

if TYPE_CHECKING:
    from aoft_tui.ui.app import AoftApp
    from aoft_tui.ui.poller import Poller

# A motion -> the actions that perform it, most specific first: a table moves its cursor,
# a log or a text pane scrolls.
_MOTIONS = {
    "down": ("cursor_down", "scroll_down"),
    "up": ("cursor_up", "scroll_up"),
    "top": ("first_row", "scroll_top", "scroll_home"),
    "bottom": ("last_row", "scroll_bottom", "scroll_end"),
    "page_down": ("page_down",),
    "page_up": ("page_up",),
}

# Vim / less keys wherever the arrows and paging work (a text field keeps its letters).
VIM_BINDINGS: list[BindingType] = [
    Binding("j", "motion('down')", "Down", id="nav.down", show=False),
    Binding("k", "motion('up')", "Up", id="nav.up", show=False),
    Binding("g", "motion('top')", "First", id="nav.top", show=False),
    Binding("G", "motion('bottom')", "Last", id="nav.bottom", show=False),
    Binding("ctrl+d", "motion('page_down')", "Page down", id="nav.page_down", show=False),
    Binding("ctrl+u", "motion('page_up')", "Page up", id="nav.page_up", show=False),
]


def hidden_key(keys: str, action: str, description: str, id: str, tooltip: str) -> Binding:
    """A key that works but stays out of the key bar; help (`?`) lists it with its tooltip."""
    return Binding(keys, action, description, id=id, show=False, tooltip=tooltip)


class _Shared:
    """Mixed into Screen and ModalScreen (below); not used on its own."""

    poller: Poller | None = None  # a screen that polls sets one; it pauses while covered
    _toasts: list[Notification]  # made on first use (_own_toasts)

    @property
    def aoft(self) -> AoftApp:
        """The app, typed (screens run only inside AoftApp; tests give a stand-in)."""
        return cast("AoftApp", cast(Widget, self).app)

    # --- toasts -------------------------------------------------------------------------------
    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """As `App.notify` (thread-safe too), remembered so that leaving the screen takes it down."""
        app = cast(Widget, self).app
        notification = Notification(
            message, title, severity, app.NOTIFICATION_TIMEOUT if timeout is None else timeout, markup=markup
        )
        self._own_toasts().append(notification)
        app.post_message(Notify(notification))

    def clear_own_toasts(self) -> None:
        app = cast(Widget, self).app
        toasts, self._toasts = self._own_toasts(), []
        if any(toast in app._notifications for toast in toasts):
            for toast in toasts:
                app._unnotify(toast, refresh=False)
            app._refresh_notifications()

    def _own_toasts(self) -> list[Notification]:
        if not hasattr(self, "_toasts"):
            self._toasts = []
        return self._toasts

    # --- j/k, g/G, ctrl+d/ctrl+u ---------------------------------------------------------------
    def action_motion(self, motion: str) -> None:
        """Run the motion on the focused widget, or the nearest enclosing one that has it."""
        node: Widget | None = cast(Screen, self).focused
        while node is not None and node is not self:
            for action in _MOTIONS[motion]:
                method = getattr(node, f"action_{action}", None)
                # a pane that cannot scroll passes the key on to the one around it
                if method is not None and (node.allow_vertical_scroll or not action.startswith("scroll")):
                    method()
                    return
            node = node.parent if isinstance(node.parent, Widget) else None


class AoftScreen(_Shared, Screen[ScreenResultType]):
    BINDINGS: ClassVar[list[BindingType]] = VIM_BINDINGS

    # Textual calls the handlers of every class in the MRO: these run besides a subclass's own.
    @on(ScreenSuspend)
    def _covered(self) -> None:
        if self.poller is not None:
            self.poller.pause()
        if not isinstance(self.app.screen, ModalScreen):  # a dialog on top keeps the toasts in view
            self.clear_own_toasts()

    @on(ScreenResume)
    def _shown_again(self) -> None:
        if self.poller is not None:
            self.poller.resume()

    @on(Unmount)
    def _left(self) -> None:
        self.clear_own_toasts()


class AoftModalScreen(_Shared, ModalScreen[ScreenResultType]):
    # A modal screen hides the app's bindings: help and quit are repeated here (same ids, so
    # a [keymap] entry moves them everywhere) so that they work, and show, on every screen.
    BINDINGS: ClassVar[list[BindingType]] = [
        *VIM_BINDINGS,
        Binding("q", "app.quit", "Quit", id="quit", tooltip="Leave aoft-tui (the terminal is restored)"),
        Binding("question_mark,f1", "app.help", "Help", id="help", tooltip="Keys for this screen"),
    ]

    @on(Unmount)
    def _left(self) -> None:
        self.clear_own_toasts()


if TYPE_CHECKING:
    # A screen's mixin: to mypy, the screen it is mixed into (the screen's own methods are
    # known there); at run time a plain class, so that it adds only its own methods.
    ScreenMixin = AoftScreen[Any]
else:
    ScreenMixin = object
