"""The keys this feature adds mean one thing on every screen (no other binding takes them)."""

from __future__ import annotations

from aoft_tui.ui.app import AoftApp
from aoft_tui.ui.keymap import binding_scopes

# key -> the binding ids allowed on it anywhere (one meaning: "delete the selected item", …)
NEW_KEYS = {
    "F": {"open_files"},
    "L": {"log"},
    "u": {"open_links"},
    "X": {"delete_job", "files.delete", "deployments.delete"},
    "D": {"deploy_job"},
    "H": {"deployments"},
    "S": {"deployments.evaluate"},
    "V": {"detail.toggle_valid"},
    # a new job: from scratch on the main screen, continuing from a model in the detail and
    # the Deployments view (and "no" in a confirmation, which holds the focus while shown)
    "n": {"new_job", "detail.continue_job", "deployments.continue", "confirm.no"},
    "e": {"export_job"},
    "E": {"bulk_export"},
    "N": {"clone_job"},
    "ctrl+f": {"follow_newest"},
    "a": {"compare.metric"},
    "s": {"sort"},
    "tilde": {"detail.smoothing", "compare.smooth"},
    # the training series: shown/hidden in the detail, train vs valid in compare
    "t": {"detail.toggle_train", "compare.split"},
    "i": {"detail.events_level"},
    "slash": {"filter", "log.filter", "detail.events_search"},
}


def test_each_new_key_has_one_meaning_on_every_screen() -> None:
    scopes = binding_scopes(AoftApp.BINDINGS)
    for key, allowed in NEW_KEYS.items():
        used = {binding_id for scope in scopes.values() for binding_id, keys in scope.items() if key in keys}
        assert used == allowed, f"{key!r} is bound to {sorted(used)}"
