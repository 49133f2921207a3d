"""`[keymap]` of config.toml, checked before it is applied.

Textual applies a keymap silently: an unknown binding id is ignored, an invalid key never
fires, and a key given to a screen's action hides an app-wide one (`cancel_job = "q"` hides
Quit). Here every entry is checked against the bindings aoft-tui defines; an entry that is
wrong is left out and named in a problem message (shown at start on stderr and in the app).
Quit and Help stay reachable whatever the keymap says.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
import unicodedata
from collections.abc import Iterable, Mapping

from textual.binding import Binding
from textual.keys import Keys

# The actions a person must always reach: nothing else may take their keys.
PROTECTED_IDS = ("quit", "help")
_MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}
_KEY_NAMES = {key.value for key in Keys} | {
    "space",
    "tab",
    "enter",
    "backspace",
    "delete",
    "insert",
    "up",
    "down",
    "left",
    "right",
    "home",
    "end",
    "pageup",
    "pagedown",
}
_UI_PACKAGES = ("aoft_tui.ui.screens", "aoft_tui.ui.widgets")


def is_valid_key(key: str) -> bool:
    """A key Textual can deliver: `x`, `X`, `f5`, `ctrl+s`, `question_mark`, `shift+tab`…"""
    parts = key.split("+")
    *modifiers, base = parts
    if not base or any(m not in _MODIFIERS for m in modifiers):
        return False
    if len(base) == 1 and base.isprintable() and not base.isspace():
        return True
    if base in _KEY_NAMES or f"ctrl+{base}" in _KEY_NAMES:
        return True
    try:  # Textual names printable characters by their Unicode name: question_mark, full_stop
        return len(unicodedata.lookup(base.replace("_", " "))) == 1
    except KeyError:
        return False


def binding_scopes(app_bindings: Iterable[object]) -> dict[str, dict[str, tuple[str, ...]]]:
    """Binding id -> default keys, for the app and for each screen/widget class (with the
    app's bindings, which are active on every screen)."""
    app = _ids(app_bindings)
    scopes = {"app": app}
    for module_name in _ui_modules():
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            own = vars(value).get("BINDINGS") if isinstance(value, type) else None
            if own and value.__module__ == module_name:
                # with the bindings it inherits (the base screens' j/k, g/G …), as Textual merges them
                inherited = [b for cls in reversed(value.__mro__[1:]) for b in vars(cls).get("BINDINGS", ())]
                scopes[f"{value.__name__}"] = {**app, **_ids(inherited), **_ids(own)}
    return scopes


def checked_keymap(
    keymap: Mapping[str, str], app_bindings: Iterable[object]
) -> tuple[dict[str, str], list[str]]:
    """(the entries safe to apply, one message per entry left out)."""
    scopes = binding_scopes(app_bindings)
    known = {binding_id for scope in scopes.values() for binding_id in scope}
    problems: list[str] = []
    usable: dict[str, str] = {}
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            close = difflib.get_close_matches(binding_id, sorted(known), n=1)
            hint = (
                f" (did you mean {close[0]!r}?)"
                if close
                else " (the ids are listed in the README, section 'The dashboard')"
            )
            problems.append(f"keymap: unknown binding id {binding_id!r}{hint}; entry ignored.")
            continue
        parts = [k.strip() for k in keys.split(",")]
        bad = [k for k in parts if not is_valid_key(k)]
        if bad:
            problems.append(
                f"keymap: {binding_id} = {keys!r}: {', '.join(map(repr, bad))} is not a key "
                '(examples: "x", "ctrl+s", "f5", "question_mark"); entry ignored.'
            )
            continue
        usable[binding_id] = ",".join(parts)
    for binding_id in list(usable):
        clash = _clash(binding_id, usable, scopes)
        if clash:
            del usable[binding_id]
            problems.append(clash)
    return usable, problems


def _clash(
    binding_id: str, keymap: Mapping[str, str], scopes: Mapping[str, Mapping[str, tuple[str, ...]]]
) -> str | None:
    keys = set(keymap[binding_id].split(","))
    for scope_name, scope in scopes.items():
        if binding_id not in scope:
            continue
        for other, default in scope.items():
            if other == binding_id:
                continue
            other_keys = set(keymap[other].split(",")) if other in keymap else set(default)
            shared = keys & other_keys
            if shared:
                key = sorted(shared)[0]
                where = "" if other in scopes["app"] else f" on {scope_name}"
                kept = "it" if other in PROTECTED_IDS else "the first"
                return (
                    f"keymap: {binding_id} = {keymap[binding_id]!r} takes {key!r}, which is {other!r}{where}; "
                    f"two actions on one key hide one of them, so {kept} keeps it and this entry is ignored. "
                    "Choose another key."
                )
    return None


def _ids(bindings: Iterable[object]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for binding in bindings:
        if isinstance(binding, Binding) and binding.id:
            out[binding.id] = tuple(k.strip() for k in binding.key.split(","))
    return out


def _ui_modules() -> list[str]:
    names = []
    for package_name in _UI_PACKAGES:
        package = importlib.import_module(package_name)
        names += [f"{package_name}.{info.name}" for info in pkgutil.iter_modules(package.__path__)]
    return names
