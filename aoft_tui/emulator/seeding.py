"""A realistic mix of jobs for demos and tests (`seed_jobs=N`), plus `add_job` for tests.

The mix is laid out on the simulated timeline so it is self-consistent: history jobs ran
one after another (succeeded, failed on bad data, failed mid-training, cancelled), then a
paused job, the running job (mid-training at start-up, so curves exist immediately), and
pending jobs queued behind it. Every job has real uploaded training files. Seeded paused
and running jobs are started directly (two jobs hold the slot at once, as on a resource
with quota for two); jobs created through the API queue one at a time.
"""

from __future__ import annotations

import random
from typing import Any

from aoft_tui.emulator import actions, timeline
from aoft_tui.emulator.job_create import build_job
from aoft_tui.emulator.records import JobRec
from aoft_tui.emulator.sample_data import broken_jsonl, chat_jsonl, dpo_jsonl
from aoft_tui.emulator.simulator import POSTPROCESS_SECONDS, VALIDATION_SECONDS, make_plan
from aoft_tui.emulator.store import Store

MODELS = ("gpt-4o-mini-2024-07-18", "gpt-4.1-2025-04-14", "gpt-4.1-nano-2025-04-14", "gpt-35-turbo-0125")
_CORE = (
    "running",
    "succeeded",
    "failed_data",
    "cancelled",
    "succeeded_dpo",
    "paused",
    "pending",
    "failed_internal",
)
# Beyond the core eight: mostly successes, as on a real resource.
_MORE = (
    "succeeded",
    "succeeded",
    "succeeded_dpo",
    "succeeded",
    "cancelled",
    "succeeded",
    "failed_internal",
    "succeeded",
    "failed_data",
    "succeeded",
)
_SUFFIXES = ("support-v1", "support-v2", "billing", "triage", None, "dpo-tone", None, "eval_ab")


def mix(n: int) -> list[str]:
    kinds = list(_CORE[:n])
    i = 0
    while len(kinds) < n:
        kinds.append(_MORE[i % len(_MORE)])
        i += 1
    return kinds


def seed_jobs(store: Store, n: int, seed: int = 0) -> list[JobRec]:
    """Add `n` jobs (a deterministic mix for `seed`) ending at the clock's now."""
    rng = random.Random(f"seed-jobs-{seed}")
    now = store.clock.now()
    kinds = mix(n)
    history = [k for k in kinds if k not in ("running", "paused", "pending")]
    rng.shuffle(history)
    specs = [_spec(rng, k, i) for i, k in enumerate(history)]
    current = [
        _spec(rng, k, len(specs) + i) for i, k in enumerate([k for k in ("paused", "running") if k in kinds])
    ]
    pendings = [_spec(rng, "pending", 100 + i) for i in range(kinds.count("pending"))]

    # Lay the timeline out backwards from now.
    t = now
    run = next((s for s in current if s["kind"] == "running"), None)
    if run:
        run["created"] = now - VALIDATION_SECONDS - run["fraction"] * run["train_s"]
        t = run["created"]
    paused = next((s for s in current if s["kind"] == "paused"), None)
    if paused:
        paused["created"] = t - rng.uniform(1800, 5400)
        t = paused["created"]
    for spec in reversed(specs):
        t -= rng.uniform(600, 7200)  # idle gap between jobs
        spec["created"] = t - _duration(spec)
        t = spec["created"]
    for i, spec in enumerate(pendings):
        spec["created"] = now - rng.uniform(60, 900) + i

    created: list[JobRec] = []
    for spec in sorted(specs + current + pendings, key=lambda s: s["created"]):
        created.append(_materialise(store, rng, spec))
    store.settle(now)
    return created


def _spec(rng: random.Random, kind: str, index: int) -> dict[str, Any]:
    dpo = kind == "succeeded_dpo" or (kind in ("running", "pending") and rng.random() < 0.2)
    models = [m for m in MODELS if not dpo or m != "gpt-35-turbo-0125"]
    model = models[index % len(models)] if kind != "running" else "gpt-4o-mini-2024-07-18"
    # the running job is bigger, so its curves have many points at start-up
    examples = rng.randint(250, 350) if kind == "running" else rng.randint(20, 60)
    epochs = rng.randint(2, 4)
    spec: dict[str, Any] = {
        "kind": kind,
        "model": model,
        "method": "dpo" if dpo else "supervised",
        "validation": kind == "running" or rng.random() < 0.5,
        "examples": examples,
        "epochs": epochs,
        "seconds_per_step": rng.uniform(2.0, 4.0) if kind == "running" else rng.uniform(4.0, 15.0),
        "suffix": _SUFFIXES[index % len(_SUFFIXES)],
        "fraction": rng.uniform(0.35, 0.6),
    }
    spec["train_s"] = spec["seconds_per_step"] * examples * epochs
    return spec


def _duration(spec: dict[str, Any]) -> float:
    kind = spec["kind"]
    if kind == "failed_data":
        return VALIDATION_SECONDS
    if kind in ("cancelled", "failed_internal"):
        return VALIDATION_SECONDS + spec["fraction"] * spec["train_s"]
    return VALIDATION_SECONDS + spec["train_s"] + POSTPROCESS_SECONDS


def _materialise(store: Store, rng: random.Random, spec: dict[str, Any]) -> JobRec:
    t = spec["created"]
    kind = spec["kind"]
    store.settle(t)
    maker = dpo_jsonl if spec["method"] == "dpo" else chat_jsonl
    content = broken_jsonl(rng) if kind == "failed_data" else maker(rng, spec["examples"])
    train = store.add_file(
        f"train-{spec['suffix'] or 'data'}.jsonl",
        "fine-tune",
        content,
        created_at=t - 600,
        processed=True,
        check=kind == "failed_data",
    )
    valid = None
    if spec["validation"]:
        valid = store.add_file(
            f"valid-{spec['suffix'] or 'data'}.jsonl",
            "fine-tune",
            maker(rng, max(10, spec["examples"] // 4)),
            created_at=t - 590,
            processed=True,
            check=False,
        )
    body: dict[str, Any] = {
        "model": spec["model"],
        "training_file": train.id,
        "hyperparameters": {"n_epochs": spec["epochs"], "batch_size": 1},
    }
    if spec["method"] == "dpo":
        body = {
            "model": spec["model"],
            "training_file": train.id,
            "method": {
                "type": "dpo",
                "dpo": {"hyperparameters": {"n_epochs": spec["epochs"], "batch_size": 1, "beta": 0.1}},
            },
        }
    if valid:
        body["validation_file"] = valid.id
    if spec["suffix"]:
        body["suffix"] = spec["suffix"]
    job = build_job(store, body, t)
    job.plan = make_plan(
        n_examples=train.n_examples,
        tokens_per_epoch=train.approx_tokens,
        has_validation=valid is not None,
        method=spec["method"],
        hyperparameters=job.requested_hp,
        seconds_per_step=spec["seconds_per_step"],
    )
    store.insert_job(job)
    if kind in ("running", "paused"):
        timeline.start_job(job, job.ready_at, store.event_id)  # seeded: bypass the queue
    if kind == "failed_internal":
        job.fail_at_step = max(1, int(spec["fraction"] * job.plan.total_steps))
    if kind == "cancelled":
        at = job.ready_at + spec["fraction"] * job.plan.train_seconds
        store.settle(at)
        actions.cancel(store, job, at)
    if kind == "paused":
        at = job.ready_at + spec["fraction"] * job.plan.train_seconds
        store.settle(at)
        actions.pause(store, job, at)
    return job


def add_job(
    store: Store,
    *,
    model: str = "gpt-4o-mini-2024-07-18",
    n_steps: int = 1000,
    status: str = "running",
    progress: float = 0.5,
    seconds_per_step: float = 1.0,
    n_epochs: int = 3,
    validation: bool = True,
    method: str = "supervised",
    suffix: str | None = None,
    examples: int = 20,
) -> JobRec:
    """Add one job with an explicit step count (e.g. 100_000 for chart benchmarks).

    status "running": started now - progress × training time, so `progress` of the steps
    are done; "succeeded": finished just now; "pending": queued behind the slot holder."""
    if status not in ("running", "succeeded", "pending"):
        raise ValueError("status must be running, succeeded or pending")
    rng = random.Random(f"add-job-{store.rng.random()}")
    with store.lock:
        now = store.clock.now()
        maker = dpo_jsonl if method == "dpo" else chat_jsonl
        train_s = n_steps * seconds_per_step
        done = {"running": progress * train_s, "succeeded": train_s + POSTPROCESS_SECONDS, "pending": 0.0}[
            status
        ]
        created = now - VALIDATION_SECONDS - done if status != "pending" else now
        train = store.add_file(
            "train.jsonl",
            "fine-tune",
            maker(rng, examples),
            created_at=created - 60,
            processed=True,
            check=False,
        )
        valid = (
            store.add_file(
                "valid.jsonl",
                "fine-tune",
                maker(rng, 10),
                created_at=created - 60,
                processed=True,
                check=False,
            )
            if validation
            else None
        )
        body: dict[str, Any] = {
            "model": model,
            "training_file": train.id,
            "suffix": suffix,
            "method": {"type": method, method: {"hyperparameters": {"n_epochs": n_epochs}}},
        }
        if valid:
            body["validation_file"] = valid.id
        job = build_job(store, body, created)
        job.plan = make_plan(
            n_examples=examples,
            tokens_per_epoch=train.approx_tokens,
            has_validation=bool(valid),
            method=method,
            hyperparameters=job.requested_hp,
            n_steps=n_steps,
            seconds_per_step=seconds_per_step,
        )
        store.insert_job(job)
        if status != "pending":
            timeline.start_job(job, job.ready_at, store.event_id)
        store.settle(now)
        return job
