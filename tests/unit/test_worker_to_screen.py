"""House rule (issue #13): a worker thread reaches its screen one way only, a `Message`
declared inside the screen and posted with `post_message` (ui/screens/base.py), never
`app.call_from_thread`."""

from pathlib import Path

import aoft_tui.ui

UI = Path(aoft_tui.ui.__file__).parent


def test_the_ui_never_calls_from_thread() -> None:
    sources = sorted(UI.rglob("*.py"))
    assert len(sources) > 20  # the ui package was found, not an empty folder
    offenders = [
        f"{path.relative_to(UI.parents[1])}:{number}: {line.strip()}"
        for path in sources
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "call_from_thread" in line
    ]
    assert offenders == [], "post a Message declared in the screen instead:\n" + "\n".join(offenders)
