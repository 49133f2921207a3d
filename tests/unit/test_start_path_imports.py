"""What `aoft-tui` (the dashboard) imports before its first frame, in a clean interpreter.

Every module on that path is paid for by every start (bench/paint_pty.py); the ones here
were made lazy and must not come back. The real console script runs (`aoft_tui.cli.run`,
as [project.scripts] names it) up to `App.run`, where the loaded modules are recorded
instead of opening the terminal.
"""

from __future__ import annotations

import json
import textwrap

import pytest

from aoft_tui.cli import dashboard_options
from tests.support.clean_interpreter import run_python

START_PATH = textwrap.dedent(
    """
    import json, os, sys, tempfile
    import textual.app

    def record_and_leave(self, *args, **kwargs):
        print("LOADED " + json.dumps(sorted(sys.modules)))

    textual.app.App.run = record_and_leave
    home = tempfile.mkdtemp()
    os.environ.update(
        AOFT_TUI_CONFIG_DIR=os.path.join(home, "config"), AOFT_TUI_STATE_DIR=os.path.join(home, "state"),
        AZURE_OPENAI_ENDPOINT="http://127.0.0.1:9", AZURE_OPENAI_API_KEY="k" * 32,
    )
    sys.argv = ["aoft-tui", *ARGS]
    from aoft_tui.cli import run
    run()
    """
)


def _start_path_modules(*args: str) -> set[str]:
    out = run_python(START_PATH.replace("ARGS", repr(list(args))))
    assert out.returncode == 0, out.stderr[-3000:]
    lines = [line for line in out.stdout.splitlines() if line.startswith("LOADED ")]
    assert lines, f"the dashboard never started:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}"
    return set(json.loads(lines[-1].removeprefix("LOADED ")))


def _loaded(modules: set[str], *packages: str) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in packages))


def test_without_a_config_file_the_toml_parser_is_not_loaded() -> None:
    """Settings from the environment only (as in CI or a first run): tomllib is ~1.5 ms."""
    assert _loaded(_start_path_modules(), "tomllib") == []


def test_the_dashboard_starts_without_click() -> None:
    """click (and gettext, which it pulls in) was ~7 ms of every start; the dashboard's own
    options are read without it, sub-commands and --help still go through click."""
    modules = _start_path_modules()
    assert "aoft_tui.ui.app" in modules  # the dashboard did start
    assert _loaded(modules, "click", "gettext", "aoft_tui.cli.common") == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], {"demo": False, "profile": None}),
        (["--demo"], {"demo": True, "profile": None}),
        (["--profile", "prod"], {"demo": False, "profile": "prod"}),
        (["--profile=prod", "--demo"], {"demo": True, "profile": "prod"}),
        # anything else is the click group's: sub-commands, help, mistakes (with its message)
        (["jobs"], None),
        (["--help"], None),
        (["--version"], None),
        (["--profile"], None),
        (["--profile", "--demo"], None),
        (["--profile="], None),
        (["--demo", "--demo"], None),
        (["--profile", "a", "--profile", "b"], None),
        (["--dmeo"], None),
        (["--", "--demo"], None),
    ],
)
def test_the_dashboard_options_read_without_click(args, expected) -> None:
    assert dashboard_options(args) == expected


def test_a_mistyped_option_still_gets_clicks_message() -> None:
    out = run_python("import sys; sys.argv = ['aoft-tui', '--profile']\nfrom aoft_tui.cli import run\nrun()")
    assert out.returncode == 2 and "Option '--profile' requires an argument" in out.stderr
    assert "Traceback" not in out.stderr
