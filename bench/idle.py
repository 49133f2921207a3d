"""The dashboard left open: CPU and memory of the installed `aoft-tui` over minutes.

    python bench/idle.py [--minutes 10] [--follow-minutes M] [--baseline-minutes M] [--jobs 500]

Users leave the dashboard open for hours. This starts the installed command on a real
120x40 pty (as `bench/paint_pty.py` does) against an emulator with `--jobs` jobs, none of
them moving, waits until the list is on screen and
`--settle` seconds more (the SDK loads after the first paint), then samples the process's CPU time and
memory (PSS from /proc/PID/smaps_rollup) at the start and end of `--minutes`. Then it starts one job
that trains (and keeps training), so the list polls at its fast rate, and samples for
`--follow-minutes`. Private memory is also printed once a minute: growth that levels off
is an allocator or a bounded cache filling, growth that keeps its slope is a leak. Printed: the share of one core used, and memory at the start and end of each phase:
PSS, and the private pages alone (PSS also moves when other processes sharing the same
libraries start or end, which on a shared machine is noise, not growth).
The baseline is a bare Textual hello-world idling on the same pty for the same time.

Targets: <= 1% of a core idle, no memory growth (the end within 5% of the start).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from paint_pty import HELLO, _hello_visible, _job_rows_visible
from pty_terminal import PtyRun

CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def pss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def private_mib(pid: int) -> float:
    """Pages only this process holds: unlike PSS, it does not move when other processes
    sharing its libraries start or end (the machine is shared)."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("Private_Clean", "Private_Dirty"):
            fields[name] = int(rest.split()[0])
    return sum(fields.values()) / 1024


def sample(run: PtyRun, seconds: float) -> dict[str, float]:
    """Share of a core and PSS over `seconds`, the pty drained meanwhile (as a terminal does)."""
    pid = run.process.pid
    cpu0, t0, mem0, own0 = cpu_seconds(pid), time.perf_counter(), pss_mib(pid), private_mib(pid)
    curve = [own0]  # private MiB each minute: growth that levels off is a cache filling, not a leak
    while (left := seconds - (time.perf_counter() - t0)) > 0:
        run.drain(min(60.0, left))
        curve.append(private_mib(pid))
    return {
        "core_percent": 100 * (cpu_seconds(pid) - cpu0) / (time.perf_counter() - t0),
        "pss_start": mem0,
        "pss_end": pss_mib(pid),
        "private_start": own0,
        "private_end": private_mib(pid),
        "curve": curve,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="the idle phase")
    parser.add_argument(
        "--follow-minutes",
        type=float,
        default=None,
        help="the phase with a job training (default: --minutes)",
    )
    parser.add_argument(
        "--baseline-minutes", type=float, default=None, help="the hello-world's phase (default: --minutes)"
    )
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument(
        "--settle",
        type=float,
        default=30.0,
        help="seconds after the first paint before sampling (start-up's tail: the SDK loads)",
    )
    args = parser.parse_args()
    seconds = args.minutes * 60
    follow_seconds = 60 * (args.minutes if args.follow_minutes is None else args.follow_minutes)
    baseline_seconds = 60 * (args.minutes if args.baseline_minutes is None else args.baseline_minutes)

    from aoft_tui.emulator.embedded import EmbeddedEmulator

    command = shutil.which("aoft-tui") or str(Path(sys.executable).with_name("aoft-tui"))
    with (
        EmbeddedEmulator(seed_jobs=args.jobs, speed=1.0, seed=1) as emu,
        tempfile.TemporaryDirectory() as tmp,
    ):
        emu.advance(30 * 86400)  # every seeded job that can finish has finished
        base = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_OPENAI", "AOFT_TUI"))}
        base.update(
            AOFT_TUI_CONFIG_DIR=str(Path(tmp, "config")),
            AOFT_TUI_STATE_DIR=str(Path(tmp, "state")),
            TEXTUAL_ANIMATIONS="none",
        )
        hello = Path(tmp, "hello.py")
        hello.write_text(HELLO)
        with PtyRun([sys.executable, str(hello)], base) as run:
            run.wait_for(_hello_visible)
            baseline = sample(run, baseline_seconds)
        live = {**base, "AZURE_OPENAI_ENDPOINT": emu.endpoint, "AZURE_OPENAI_API_KEY": emu.api_key}
        with PtyRun([command], live) as run:
            run.wait_for(_job_rows_visible)
            run.drain(args.settle)
            idle = sample(run, seconds)
            emu.add_job(n_steps=1_000_000, status="running", progress=0.01)  # a job that keeps training
            following = sample(run, follow_seconds)
    print(
        f"{baseline_seconds / 60:g} / {args.minutes:g} / {follow_seconds / 60:g} min (hello / idle / following),"
        f" {args.jobs} jobs, pty 120x40"
    )
    for name, figures in (
        ("hello-world idle", baseline),
        ("aoft-tui, nothing moving", idle),
        ("aoft-tui, one job training", following),
    ):
        growth = 100 * (figures["pss_end"] / figures["pss_start"] - 1)
        own_growth = 100 * (figures["private_end"] / figures["private_start"] - 1)
        print(
            f"  {name:<28}: {figures['core_percent']:5.2f}% of a core  PSS {figures['pss_start']:.1f} -> "
            f"{figures['pss_end']:.1f} MiB ({growth:+.1f}%)  private {figures['private_start']:.1f} -> "
            f"{figures['private_end']:.1f} MiB ({own_growth:+.1f}%)"
        )
        print(f"  {'':<28}  private MiB each minute: {' '.join(f'{m:.1f}' for m in figures['curve'])}")
    print("targets: <= 1% of a core idle; no memory growth")
    return 0


if __name__ == "__main__":
    sys.exit(main())
