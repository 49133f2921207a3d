"""Issue #13: the app is typed. No `type: ignore` in the UI (a screen reaches the app as
`self.aoft`, a mixin its screen through a typed base); elsewhere an ignore names its error
code and says why (a missing or wrong third-party stub) beside it."""

import re
from pathlib import Path

PACKAGE = Path(__file__).parents[2] / "aoft_tui"
_IGNORE = re.compile(r"#\s*type:\s*ignore(?P<code>\[[a-z-]+(?:,\s*[a-z-]+)*\])?(?P<after>.*)")


def type_ignores(package: Path) -> list[tuple[str, int, str]]:
    """(path relative to the package's parent, line number, line) of every `type: ignore`."""
    found = []
    for path in sorted(package.rglob("*.py")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _IGNORE.search(line):
                found.append((str(path.relative_to(package.parent)), lineno, line.strip()))
    return found


def unexplained(package: Path) -> list[str]:
    """The ignores that break the rule: any in the UI, else one without a code, or without a
    reason on its line or the comment line just above it."""
    bad = []
    for rel, lineno, line in type_ignores(package):
        match = _IGNORE.search(line)
        assert match is not None
        above = (package.parent / rel).read_text(encoding="utf-8").splitlines()[lineno - 2].strip()
        has_reason = bool(match["after"].strip(" #")) or above.startswith("#")
        if rel.startswith("aoft_tui/ui/") or not match["code"] or not has_reason:
            bad.append(f"{rel}:{lineno}: {line}")
    return bad


def test_no_type_ignore_in_the_ui_and_every_other_one_coded_with_its_reason():
    assert unexplained(PACKAGE) == []


def test_the_rule_sees_an_uncoded_ignore_and_one_in_the_ui(tmp_path):
    services, ui = tmp_path / "aoft_tui" / "services", tmp_path / "aoft_tui" / "ui"
    services.mkdir(parents=True)
    ui.mkdir()
    (services / "a.py").write_text(
        "x = 1  # type: ignore\n# stub lacks y\ny = 2  # type: ignore[attr-defined]\n"
    )
    (ui / "b.py").write_text("z = 3  # type: ignore[misc]  # reason\n")
    assert unexplained(tmp_path / "aoft_tui") == [
        "aoft_tui/services/a.py:1: x = 1  # type: ignore",
        "aoft_tui/ui/b.py:1: z = 3  # type: ignore[misc]  # reason",
    ]
