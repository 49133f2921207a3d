"""Live-service habits of the emulator's checkpoints (sources: tests/fixtures/azure-real/SOURCE.md)."""

from __future__ import annotations

import re

from aoft_tui.emulator.embedded import EmbeddedEmulator

from .emulator_helpers import sdk

DEPLOY_ID = re.compile(r"^ftchkpt-[0-9a-f]{32}$")


def test_every_succeeded_job_lists_its_final_checkpoint_with_a_deployable_id():
    with EmbeddedEmulator(seed_jobs=40, speed=0.0, seed=0) as emu:
        client = sdk(emu)
        succeeded = [j for j in client.fine_tuning.jobs.list(limit=100).data if j.status == "succeeded"]
        assert len(succeeded) > 10
        for job in succeeded:
            points = client.fine_tuning.jobs.checkpoints.list(job.id).data
            newest = max(points, key=lambda c: c.step_number)
            assert newest.fine_tuned_model_checkpoint == job.fine_tuned_model, job.id
            assert all(DEPLOY_ID.match(c.id) for c in points)
    with open("tests/fixtures/azure-real/checkpoint_deploy_id.txt") as f:
        real = f.read().strip()
    assert DEPLOY_ID.match(real)


def test_strict_spec_keeps_the_spec_examples_checkpoint_prefix():
    with EmbeddedEmulator(seed_jobs=8, speed=0.0, seed=7, strict_spec=True) as emu:
        client = sdk(emu)
        job = next(j for j in client.fine_tuning.jobs.list().data if j.status == "succeeded")
        assert all(c.id.startswith("ftckpt-") for c in client.fine_tuning.jobs.checkpoints.list(job.id).data)
