"""The job detail screen's keys, and which of them belong to one tab (the screen enables
those only while that tab is showing)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from aoft_tui.ui.screens.base import hidden_key

CHART_ACTIONS = {"toggle_kind", "toggle_smoothing", "smoothing", "toggle_log"}
EVENT_ACTIONS = {"search_events", "cycle_event_level"}

# Actions shared with the main screen use the same binding ids, so one `[keymap]` entry
# in config.toml remaps them on both screens.
# The key bar shows the first keys at 80 columns, so the most used come first; one
# meaning per key across screens (`a` is accuracy on the compare screen, so the
# validation series is `e`, for eval).
DETAIL_BINDINGS: list[BindingType] = [
    Binding("escape,backspace", "back", "Back", id="detail.back", tooltip="Back to the job list"),
    Binding("1", "show_tab('overview')", "Tabs", id="detail.tab_overview", key_display="1-4", tooltip="Tabs: 1 Overview, 2 Charts, 3 Events, 4 Checkpoints"),
    Binding("2", "show_tab('charts')", "Charts", id="detail.tab_charts", show=False),
    Binding("3", "show_tab('events')", "Events", id="detail.tab_events", show=False),
    Binding("4", "show_tab('checkpoints')", "Checkpoints", id="detail.tab_checkpoints", show=False),
    hidden_key("t", "toggle_kind('train')", "Train", "detail.toggle_train", "Charts: show or hide training loss / accuracy"),
    hidden_key("V", "toggle_kind('valid')", "Valid", "detail.toggle_valid", "Charts: show or hide validation (eval) loss / accuracy"),
    hidden_key("f", "toggle_kind('full')", "Full valid", "detail.toggle_full", "Charts: show or hide full-validation loss / accuracy"),
    hidden_key("tilde", "toggle_smoothing", "Smooth", "detail.smoothing", "Charts: EMA smoothing on or off"),
    hidden_key("plus,equals_sign", "smoothing(1)", "Smooth more", "detail.smoothing_more", "Charts: more smoothing"),
    hidden_key("minus", "smoothing(-1)", "Smooth less", "detail.smoothing_less", "Charts: less smoothing"),
    hidden_key("l", "toggle_log", "Log scale", "detail.log_scale", "Charts: logarithmic loss axis"),
    Binding("c", "cancel_job", "Cancel", id="cancel_job", tooltip="Cancel this job"),
    Binding("p", "pause_job", "Pause", id="pause_job", tooltip="Pause this running job"),
    Binding("r", "resume_job", "Resume", id="resume_job", tooltip="Resume this paused job"),
    Binding("y", "copy", "Copy", id="copy_id", tooltip="Copy the job id, or what the selected checkpoint deploys by (OSC 52)"),
    hidden_key("Y", "copy_model", "Copy model", "copy_model", "Copy the fine-tuned model"),
    Binding("ctrl+r", "refresh", "Refresh", id="refresh", tooltip="Fetch everything now"),
    hidden_key("e", "export_job", "Export", "export_job", "Export metrics, events and results to ./aoft-export/"),
    hidden_key("n", "continue_job", "Continue", "detail.continue_job", "New job from this job's fine-tuned model, or from the selected checkpoint"),
    hidden_key("N", "clone_job", "Clone", "clone_job", "New job prefilled from this one (same model and settings)"),
    hidden_key("slash", "search_events", "Search", "detail.events_search", "Events: show only events containing a text"),
    hidden_key("i", "cycle_event_level", "Level", "detail.events_level", "Events: all levels → warnings and errors → errors only"),
]  # fmt: skip
