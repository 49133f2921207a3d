"""A soak at a 30% fault rate: the CLI (as processes) and the dashboard (with Pilot) end
with exactly what a fault-free run with the same seed ends with.

Two emulators, same seed, same scripted clock advances; one injects random faults
(429 with Retry-After, 500, 503, connection resets) into 30% of requests. Each side runs
the same script — `jobs --json`, `start`, `start --wait` and `watch` while the clock
moves, `push --mode offline --json`, `export`, `jobs --json` — then the dashboard opens
and reads the job table and a job's events and chart points. Compared between the sides:
the commands' final output, the emulator's jobs, events, checkpoints and files, the W&B
history steps read back from the offline run files, the exported files, and what the
dashboard shows. No point lost, none duplicated, no extra job or file.

CI runs rounds for ~36 s, then finishes the round and compares (~60–90 s); `pytest tests/reliability/test_fault_soak.py --soak-minutes 10 -s`
runs rounds until 10 minutes have passed and prints the figures.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from .soak_support import SoakSide, emulator_view, run_round, wandb_steps
from .soak_tui import dashboard_view

FAULT_RATE = 0.3
CI_MINUTES = 0.6  # a second round starts until then: ~60-90 s in all
SEED = 5


@pytest.fixture
def sides(tmp_path: Path):
    epoch = float(int(time.time()))
    clean = SoakSide(tmp_path, name="clean", seed=SEED, fault_rate=0.0, start_epoch=epoch)
    faulty = SoakSide(tmp_path, name="faulty", seed=SEED, fault_rate=FAULT_RATE, start_epoch=epoch)
    try:
        yield clean, faulty
    finally:
        clean.close()
        faulty.close()


async def test_a_faulty_soak_ends_exactly_like_a_fault_free_run(sides, request):
    clean, faulty = sides
    minutes = request.config.getoption("--soak-minutes") or CI_MINUTES
    started = time.monotonic()
    rounds = 0
    points = 0
    while True:
        rounds += 1
        expected = run_round(clean, rounds)
        got = run_round(faulty, rounds)
        assert got == expected, _first_difference(expected, got)
        if time.monotonic() - started > minutes * 60:
            break
    assert emulator_view(faulty) == emulator_view(clean)
    expected_steps, got_steps = wandb_steps(clean), wandb_steps(faulty)
    assert got_steps == expected_steps
    for run_id, steps in got_steps.items():
        assert len(steps) == len(set(steps)), f"{run_id}: a W&B step written twice"
        points += len(steps)
    expected_screen = await dashboard_view(clean)
    got_screen = await dashboard_view(faulty)
    assert got_screen["table"] == expected_screen["table"] and got_screen["rows"] == expected_screen["rows"]
    for job_id, shown in expected_screen["details"].items():
        for part in ("events", "metrics"):
            want, have = shown[part], got_screen["details"].get(job_id, {}).get(part)
            assert have == want, (
                f"{job_id} {part}: missing {[x for x in want if x not in have][:5]}, "
                f"extra {[x for x in have if x not in want][:5]}, {len(have)} vs {len(want)}"
            )
    points += sum(len(v["metrics"]) + len(v["events"]) for v in got_screen["details"].values())
    elapsed = (time.monotonic() - started) / 60
    survived = faulty.faults_injected()
    print(
        f"\nfault soak: rate {FAULT_RATE:.0%}, {elapsed:.1f} min, {rounds} round(s), "
        f"{faulty.requests():,} requests ({clean.requests():,} without faults), {survived:,} faults injected "
        f"and survived, {faulty.commands.runs} commands ({faulty.commands.reruns} rerun after a clear "
        f"error), {points:,} points compared (W&B steps, chart points, events)"
    )
    for line in sorted(set(faulty.commands.errors)):
        print(f"  rerun after: {line}")
    assert survived > 0 and faulty.requests() > clean.requests()


def _first_difference(expected: dict, got: dict) -> str:
    for key in expected:
        if expected[key] != got.get(key):
            return f"{key}: clean {str(expected[key])[:1500]}\n faulty {str(got.get(key))[:1500]}"
    return f"keys differ: {sorted(expected)} vs {sorted(got)}"
