"""[keymap] mistakes are said at start, and Quit and Help stay reachable."""

from __future__ import annotations

import pytest

from aoft_tui.ui.app import AoftApp
from aoft_tui.ui.keymap import checked_keymap, is_valid_key

from .main_support import loaded, make_app


@pytest.mark.parametrize(
    "key", ["x", "X", "f5", "ctrl+s", "shift+tab", "question_mark", "full_stop", "pagedown", "?"]
)
def test_valid_keys(key: str) -> None:
    assert is_valid_key(key)


@pytest.mark.parametrize("key", ["", "ctrl+", "hyperspace", "ctl+s", "ctrl+ä+q", "two words"])
def test_invalid_keys(key: str) -> None:
    assert not is_valid_key(key)


def test_each_mistake_is_named_and_left_out() -> None:
    usable, problems = checked_keymap(
        {"cancel_job": "q", "cancle_job": "x", "help": "ctrl+nope", "detail.log_scale": "O"}, AoftApp.BINDINGS
    )
    assert usable == {"detail.log_scale": "O"}
    text = "\n".join(problems)
    assert "cancel_job = 'q' takes 'q', which is 'quit'" in text and "Choose another key" in text
    assert "unknown binding id 'cancle_job' (did you mean 'cancel_job'?)" in text
    assert "help = 'ctrl+nope': 'ctrl+nope' is not a key" in text
    assert len(problems) == 3


def test_swapping_two_keys_is_not_a_clash() -> None:
    usable, problems = checked_keymap({"quit": "x", "cancel_job": "q"}, AoftApp.BINDINGS)
    assert problems == [] and usable == {"quit": "x", "cancel_job": "q"}


async def test_the_app_says_so_and_q_still_quits(seeded_emulator, seeded_service) -> None:
    app = make_app(seeded_service, seeded_emulator, keymap={"cancel_job": "q", "nope": "z"})
    assert len(app.keymap_problems) == 2
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        shown = [n.message for n in app._notifications]
        assert any("cancel_job = 'q'" in m for m in shown) and any(
            "unknown binding id 'nope'" in m for m in shown
        )
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0 and not app.is_running


def test_a_key_an_inherited_binding_holds_is_a_clash() -> None:
    """`g` is nav.top on every AoftScreen (base class): giving it to the detail's log scale
    would hide one of them."""
    usable, problems = checked_keymap({"detail.log_scale": "g"}, AoftApp.BINDINGS)
    assert usable == {}
    assert "'nav.top' on JobDetailScreen" in problems[0]
