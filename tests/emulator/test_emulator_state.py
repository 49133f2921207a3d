"""Seeded demo data, determinism, the simulated clock, the state dir and big jobs."""

from __future__ import annotations

import datetime as dt

import httpx2
import time_machine

from aoft_tui.emulator.embedded import EmbeddedEmulator

from .emulator_helpers import API_VERSION, all_events, chat_lines, create_job, processed_file, sdk

FROZEN = dt.datetime(2026, 5, 4, 12, 0, tzinfo=dt.UTC)


def _snapshot(emu) -> list:
    """Every job and its last events, as JSON (ids, timestamps, metrics)."""
    with httpx2.Client(
        base_url=f"{emu.endpoint}/openai",
        params={"api-version": API_VERSION},
        headers={"api-key": emu.api_key},
    ) as http:
        jobs = http.get("/fine_tuning/jobs", params={"limit": 100}).json()["data"]
        return [(j, http.get(f"/fine_tuning/jobs/{j['id']}/events").json()["data"]) for j in jobs]


def test_same_seed_same_world():
    with time_machine.travel(FROZEN, tick=False):
        with (
            EmbeddedEmulator(seed_jobs=12, speed=0, seed=7) as a,
            EmbeddedEmulator(seed_jobs=12, speed=0, seed=7) as b,
        ):
            first = _snapshot(a)
            assert first == _snapshot(b)
            a.advance(900)
            b.advance(900)
            later = _snapshot(a)
            assert later == _snapshot(b) and later != first
        with EmbeddedEmulator(seed_jobs=12, speed=0, seed=8) as c:
            assert [j["id"] for j, _ in _snapshot(c)] != [j["id"] for j, _ in first]


def test_seeded_mix_is_realistic(seeded_emulator):
    client = sdk(seeded_emulator)
    jobs = client.fine_tuning.jobs.list(limit=50).data
    assert {j.status for j in jobs} == {"succeeded", "running", "failed", "cancelled", "paused", "pending"}
    assert any(j.validation_file for j in jobs) and any(not j.validation_file for j in jobs)
    assert {j.method.type for j in jobs} == {"supervised", "dpo"}
    for job in jobs:
        assert client.files.retrieve(job.training_file).status in ("processed", "error")
        if job.status == "succeeded":
            assert client.files.content(job.result_files[0]).text.startswith("step,train_loss")
    rejected = next(j for j in jobs if j.status == "failed" and j.error.param == "training_file")
    assert client.files.retrieve(rejected.training_file).status_details == rejected.error.message
    running = next(j for j in jobs if j.status == "running")
    before = [e for e in all_events(client, running.id) if e.type == "metrics"]
    assert len(before) >= 5  # curves exist at start-up
    seeded_emulator.advance(600)
    after = [e for e in all_events(client, running.id) if e.type == "metrics"]
    assert len(after) > len(before)
    pending = next(j for j in jobs if j.status == "pending")
    assert client.fine_tuning.jobs.list_events(pending.id).data[-1].message.startswith("Job enqueued")


def test_clock_speed_moves_jobs_in_real_time():
    with EmbeddedEmulator(speed=3600, seed=1) as emu:  # an hour per second
        client = sdk(emu)
        job = create_job(client, processed_file(client))
        deadline = emu.now() + 4 * 3600
        while client.fine_tuning.jobs.retrieve(job.id).status != "succeeded":
            assert emu.now() < deadline


def test_state_dir_survives_a_restart(tmp_path):
    with EmbeddedEmulator(seed_jobs=3, speed=0, seed=2, state_dir=tmp_path) as first:
        client = sdk(first)
        train = processed_file(client)
        created = create_job(client, train, suffix="keep-me")
        first.advance(300)
        before = {j.id: j.status for j in client.fine_tuning.jobs.list().data}
        events_before = [e.id for e in all_events(client, created.id)]
    assert (tmp_path / "emulator-state.json").exists()
    with EmbeddedEmulator(speed=0, seed=2, state_dir=tmp_path) as second:
        client = sdk(second)
        assert {j.id: j.status for j in client.fine_tuning.jobs.list().data} == before
        assert client.files.content(train).content == chat_lines(20)  # contents live beside the JSON
        assert [e.id for e in all_events(client, created.id)][: len(events_before)] == events_before
        second.advance(3600)
        assert client.fine_tuning.jobs.retrieve(created.id).status == "succeeded"


def test_a_100k_step_job_is_cheap(emulator):
    job_id = emulator.add_job(n_steps=100_000, status="running", progress=0.5)
    client = sdk(emulator)
    page = client.fine_tuning.jobs.list_events(job_id, limit=5).data
    assert page[0].type == "metrics" and 49_000 <= page[0].data["step"] <= 51_000
    emulator.advance(10**6)
    done = client.fine_tuning.jobs.retrieve(job_id)
    assert done.status == "succeeded"
    rows = client.files.content(done.result_files[0]).text.count("\n")
    assert rows == 1 + 100_002  # header + every step (3 epochs × 33,334 steps)
