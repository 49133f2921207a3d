"""The command palette's source of actions: it matches what an action does, not only its name.

Textual's system-commands provider matches the title alone, so "push" never found
"W&B (w)" (whose description is "Push the job to Weights & Biases"). Here a query is
matched against the title and against the description; a title match ranks higher.
"""

from __future__ import annotations

from textual.command import Hit, Hits
from textual.system_commands import SystemCommandsProvider

# A match found only in the description ranks below one in the title.
_DESCRIPTION_WEIGHT = 0.8


class ActionCommands(SystemCommandsProvider):
    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback, *_ in self.app.get_system_commands(self.screen):
            in_title = matcher.match(title)
            if in_title > 0:
                yield Hit(in_title, matcher.highlight(title), callback, help=help_text)
                continue
            in_help = matcher.match(help_text) if help_text else 0
            if in_help > 0:
                yield Hit(in_help * _DESCRIPTION_WEIGHT, title, callback, text=title, help=help_text)
