"""First paint as a person sees it: the installed `aoft-tui` in a real terminal (a pty).

    python bench/paint_pty.py [--jobs 500] [--runs 7]

`bench/paint.py` times the app headless, with a hook that says when the table holds every
job. This one patches nothing: it starts the installed `aoft-tui` command on a 120x40
pseudo-terminal, feeds everything the command writes through a VT100 emulator (pyte), and
stops the clock when 10 job rows are visible on that screen. The baseline is a bare Textual
hello-world, started the same way, until "Hello, world" is visible. Both are fresh processes
(imports count: that is what a user waits for); the emulator with `--jobs` jobs is started
here first, as an Azure resource would already be running.

- cold: no job-list cache (a first start on this resource);
- warm: the list cached by an earlier run is present.

Prints medians and ratios (target <= 1.5x), of the wall time and of the CPU time the
command had used when the screen showed it (the machine may be shared: CPU is steadier).
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import statistics
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from pty_terminal import PtyRun

HELLO = textwrap.dedent(
    """
    from textual.app import App
    from textual.widgets import Static

    class Hello(App):
        def compose(self):
            yield Static("Hello, world")

    Hello().run()
    """
)
ROWS_VISIBLE = 10


# a job row: its short id, then its status symbol (the table shows ids without "ftjob-")
JOB_ROW = re.compile(r"^\s*[0-9a-f]{8}\s+[◌●‖⊘✔✖◐]")


def _job_rows_visible(display: list[str]) -> bool:
    return sum(bool(JOB_ROW.match(line)) for line in display) >= ROWS_VISIBLE


def _hello_visible(display: list[str]) -> bool:
    return any("Hello, world" in line for line in display)


def _time(argv: list[str], env: dict[str, str], test) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command) until the screen passes `test`."""
    with PtyRun(argv, env) as run:
        wall = run.wait_for(test)
        return wall, run.cpu_seconds()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    import aoft_tui
    from aoft_tui.emulator.embedded import EmbeddedEmulator

    command = shutil.which("aoft-tui") or str(Path(sys.executable).with_name("aoft-tui"))
    if not Path(command).exists():
        raise SystemExit("aoft-tui is not installed in this environment: pip install -e .")
    compileall.compile_dir(Path(aoft_tui.__file__).parent, quiet=1)  # as an installed wheel is
    with (
        EmbeddedEmulator(seed_jobs=args.jobs, speed=0.0, seed=1) as emu,
        tempfile.TemporaryDirectory() as tmp,
    ):
        hello = Path(tmp, "hello.py")
        hello.write_text(HELLO)
        base = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_OPENAI", "AOFT_TUI"))}
        base.update(AOFT_TUI_CONFIG_DIR=str(Path(tmp, "config")), TEXTUAL_ANIMATIONS="none")
        live = {**base, "AZURE_OPENAI_ENDPOINT": emu.endpoint, "AZURE_OPENAI_API_KEY": emu.api_key}
        warm = {**live, "AOFT_TUI_STATE_DIR": str(Path(tmp, "warm"))}

        def cold() -> dict[str, str]:
            return {**live, "AOFT_TUI_STATE_DIR": tempfile.mkdtemp(dir=tmp)}

        # warm the OS file cache; the first warm run writes the job cache the later ones read
        _time([sys.executable, str(hello)], base, _hello_visible)
        _time([command], cold(), _job_rows_visible)
        _time([command], warm, _job_rows_visible)
        runs: dict[str, list[tuple[float, float]]] = {"hello": [], "cold": [], "warm": []}
        for _ in range(args.runs):  # interleaved, so drift in the machine's speed hits all alike
            runs["hello"].append(_time([sys.executable, str(hello)], base, _hello_visible))
            runs["cold"].append(_time([command], cold(), _job_rows_visible))
            runs["warm"].append(_time([command], warm, _job_rows_visible))
    h = statistics.median(wall for wall, _ in runs["hello"])
    h_cpu = statistics.median(cpu for _, cpu in runs["hello"])
    print(
        f"pty 120x40, hello-world visible            : {h * 1000:7.1f} ms (median of {args.runs})"
        f"   cpu {h_cpu * 1000:6.1f} ms"
    )
    for kind in ("cold", "warm"):
        walls = [wall for wall, _ in runs[kind]]
        m = statistics.median(walls)
        cpu = statistics.median(cpu for _, cpu in runs[kind])
        spread = f"{min(walls) * 1000:.0f}-{max(walls) * 1000:.0f} ms"
        print(
            f"pty 120x40, {ROWS_VISIBLE} of {args.jobs} job rows visible, {kind}: {m * 1000:7.1f} ms  "
            f"{m / h:5.2f}x  ({spread})   cpu {cpu * 1000:6.1f} ms  {cpu / h_cpu:5.2f}x"
        )
    print("target <= 1.5x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
