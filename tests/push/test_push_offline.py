"""Push finished jobs of the seeded emulator offline and inspect the run files.

One module-scoped emulator and one push per job (wandb init costs ~0.5 s); the pushes
happen in one process, one after another, which is also the "two jobs in one process
never mix runs" check.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from aoft_tui.domain.models import Job, JobSpec
from aoft_tui.services.finetuning import FineTuningService
from aoft_tui.services.wandb_push import PushOptions, PushResult, push_job
from aoft_tui.services.wandb_push.dataset_table import COLUMNS
from aoft_tui.services.wandb_push.run_file import OfflineRun

from .push_support import artifact_file, artifact_table, read_run, summary_table

DATA = Path(__file__).parent / "data"
API_VERSION = "2025-04-01-preview"


@dataclass
class Pushed:
    job: Job
    result: PushResult
    run: OfflineRun
    metrics: list  # what the service reports for the job
    checkpoints: list


@pytest.fixture(scope="module")
def pushed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Pushed]]:
    from aoft_tui.emulator.embedded import EmbeddedEmulator

    base = tmp_path_factory.mktemp("push-offline")
    with (
        pytest.MonkeyPatch.context() as mp,
        EmbeddedEmulator(seed_jobs=8, speed=0.0, seed=7) as seeded,
        EmbeddedEmulator(seed_jobs=0, speed=0.0, seed=1) as empty,
    ):
        mp.setenv("AOFT_TUI_STATE_DIR", str(base / "state"))
        # module scope runs before the per-test isolation: keep wandb's files here too
        for var, sub in (
            ("WANDB_DATA_DIR", "wandb-data"),
            ("WANDB_CACHE_DIR", "wandb-cache"),
            ("WANDB_CONFIG_DIR", "wandb-config"),
            ("WANDB_DIR", "wandb"),
        ):
            mp.setenv(var, str(base / sub))
        services = [
            FineTuningService(e.endpoint, e.api_key, API_VERSION, timeout=10) for e in (seeded, empty)
        ]
        svc, svc_empty = services
        jobs = svc.list_jobs()

        def first(status: str, method: str = "supervised", **match: object) -> Job:
            return next(
                j
                for j in jobs
                if j.status == status
                and j.method == method
                and all(getattr(j, k) == v for k, v in match.items())
            )

        chosen = {
            "succeeded": (svc, first("succeeded")),
            "dpo": (svc, first("succeeded", "dpo")),
            "failed_internal": (svc, next(j for j in jobs if j.error and j.error.code == "internal_error")),
            "failed_data": (
                svc,
                next(j for j in jobs if j.error and j.error.code == "invalid_training_file"),
            ),
            "cancelled": (svc, first("cancelled")),
            "mixed": (svc_empty, _mixed_formats_job(svc_empty, empty)),
        }
        out = {}
        for name, (service, job) in chosen.items():
            result = push_job(service, job.id, PushOptions(mode="auto", wandb_dir=base / "wandb"))
            out[name] = Pushed(
                service.get_job(job.id),
                result,
                read_run(result.run_dir),
                service.metrics(job.id),
                service.checkpoints(job.id),
            )
        out["_keys"] = (seeded.api_key, empty.api_key)  # type: ignore[assignment]
        out["_base"] = base  # type: ignore[assignment]
        yield out
        for s in services:
            s.close()


def _mixed_formats_job(service: FineTuningService, emu) -> Job:
    info = service.wait_for_file(service.upload_file(DATA / "mixed_formats.jsonl").id, poll_interval=0.05)
    job = service.create_job(
        JobSpec(model="gpt-4o-mini-2024-07-18", training_file=info.id, validation_file=info.id)
    )
    while not (job := service.get_job(job.id)).status.is_terminal:
        emu.advance(300)
    assert job.status == "succeeded", job
    return job


def test_succeeded_job_matches_wandblogger_layout(pushed: dict[str, Pushed]) -> None:
    p = pushed["succeeded"]
    run, job = p.run, p.job
    assert p.result.mode == "offline" and p.result.complete
    assert run.run_id == job.id
    # one history row per training step; keys are results.csv's column names
    assert [row["step"] for row in run.history] == [m.step for m in p.metrics]
    assert [row["_step"] for row in run.history] == [m.step for m in p.metrics]  # as WandbLogger
    assert run.history[0]["train_loss"] == pytest.approx(p.metrics[0].values["train_loss"])
    assert set(p.metrics[-1].values) <= set(run.history[-1])
    # config: the job's own JSON fields as structured values
    assert run.config["id"] == job.id and run.config["model"] == job.model
    assert isinstance(run.config["hyperparameters"], dict) and isinstance(run.config["method"], dict)
    assert run.config["method"]["type"] == "supervised"
    assert not any("(" in str(v) and "=" in str(v) for v in run.config.values()), "a Python repr leaked"
    # summary
    assert run.summary["status"] == "succeeded"
    assert run.summary["fine_tuned_model"] == job.fine_tuned_model
    # artifacts
    meta = run.artifact("model-metadata")
    assert meta.type == "model" and set(meta.aliases) >= {"latest", job.id}
    train = run.artifact(f"train-{job.training_file}")
    assert train.type == "training_files" and set(train.aliases) >= {"latest", job.training_file}


def test_dataset_artifact_holds_raw_file_and_full_table(pushed: dict[str, Pushed]) -> None:
    p = pushed["succeeded"]
    fid = p.job.training_file
    raw = artifact_file(p.run, f"train-{fid}", fid)
    table = artifact_table(p.run, f"train-{fid}", f"{fid}.table.json")
    lines = [ln for ln in raw.decode().splitlines() if ln.strip()]
    assert len(table.data) == len(lines) > 0
    assert table.columns == COLUMNS
    assert p.run.config["n_train"] == len(lines)
    preview, nrows = summary_table(p.run, p.result.run_dir, "train_data")
    assert nrows == len(lines) and preview.data[0][:5] == table.data[0][:5]


def test_events_and_checkpoints_tables(pushed: dict[str, Pushed]) -> None:
    p = pushed["succeeded"]
    events, n_events = summary_table(p.run, p.result.run_dir, "events")
    assert n_events > 0 and events.columns[:4] == ["created_at", "level", "type", "message"]
    assert any("Step" in row[3] for row in events.data)
    checkpoints, n_ckpt = summary_table(p.run, p.result.run_dir, "checkpoints")
    assert n_ckpt >= 1
    ids = [c.id for c in _checkpoints(p)]
    assert [row[2] for row in checkpoints.data] == ids
    assert all(p.job.id.removeprefix("ftjob-") in row[3] for row in checkpoints.data)
    assert all(isinstance(row[4], float) for row in checkpoints.data)  # train_loss column
    full = artifact_table(p.run, "model-metadata", "checkpoints.table.json")
    assert len(full.data) == n_ckpt


def _checkpoints(p: Pushed) -> list:
    return sorted(p.checkpoints, key=lambda c: c.step)


@pytest.mark.parametrize(
    "name, code", [("failed_internal", "internal_error"), ("failed_data", "invalid_training_file")]
)
def test_failed_jobs_are_logged_with_their_error(pushed: dict[str, Pushed], name: str, code: str) -> None:
    p = pushed[name]
    assert p.result.complete and p.run.summary["status"] == "failed"
    assert p.run.summary["error"]["code"] == code and p.run.summary["error"]["message"]
    assert p.run.exit_code == 1  # shows as failed in W&B too
    assert [row["step"] for row in p.run.history] == [m.step for m in p.metrics]
    assert p.run.artifact("model-metadata").type == "model"


def test_cancelled_job(pushed: dict[str, Pushed]) -> None:
    p = pushed["cancelled"]
    assert p.run.summary["status"] == "cancelled" and p.result.complete
    assert [row["step"] for row in p.run.history] == [m.step for m in p.metrics]


def test_dpo_job_table_has_preferred_and_rejected(pushed: dict[str, Pushed]) -> None:
    p = pushed["dpo"]
    assert p.run.config["method"]["type"] == "dpo"
    fid = p.job.training_file
    table = artifact_table(p.run, f"train-{fid}", f"{fid}.table.json")
    col = {c: i for i, c in enumerate(table.columns)}
    assert {row[col["format"]] for row in table.data} == {"dpo"}
    assert all(row[col["role: assistant"]] and row[col["rejected"]] for row in table.data)
    assert len(p.run.history) == len(p.metrics) > 0


def test_multi_turn_tool_and_vision_examples_each_get_a_row(pushed: dict[str, Pushed]) -> None:
    p = pushed["mixed"]
    fid = p.job.training_file
    table = artifact_table(p.run, f"train-{fid}", f"{fid}.table.json")
    col = {c: i for i, c in enumerate(table.columns)}
    assert len(table.data) == 12
    multi, tools, vision = table.data[0], table.data[1], table.data[2]
    assert multi[col["role: user"]] == "And times 3?" and multi[col["history"]].startswith(
        "user: What is 2+2?"
    )
    assert tools[col["format"]] == "chat+tools" and tools[col["tools"]] == "get_weather"
    assert "get_weather" in tools[col["tool_calls"]]
    assert vision[col["images"]] == "https://example.com/cat.png"
    # the validation file is the same file here: its own artifact, its own table
    assert p.run.artifact(f"valid-{p.job.validation_file}").type == "validation_files"


def test_pushes_in_one_process_never_mix_runs(pushed: dict[str, Pushed]) -> None:
    runs = {name: p for name, p in pushed.items() if not name.startswith("_")}
    dirs = {p.result.run_dir for p in runs.values()}
    assert len(dirs) == len(runs)
    for p in runs.values():
        assert p.run.run_id == p.job.id == p.run.config["id"]
        assert p.run.summary["status"] == str(p.job.status)
        assert len(p.run.history) == len(p.metrics)


def test_api_keys_never_reach_the_run_files(pushed: dict[str, Pushed]) -> None:
    keys = [k.encode() for k in pushed["_keys"]]  # type: ignore[union-attr]
    base: Path = pushed["_base"]  # type: ignore[assignment]
    files = [f for f in base.rglob("*") if f.is_file()]
    assert any(f.suffix == ".wandb" for f in files)
    leaked = [str(f) for f in files if any(k in f.read_bytes() for k in keys)]
    assert leaked == []
    # the staged artifact files (what `wandb sync` uploads) were among those searched
    staged = Path(pushed["succeeded"].run.artifact("model-metadata").manifest.contents[0].local_path)
    assert base in staged.parents


def test_pushing_a_complete_job_again_writes_nothing(
    pushed: dict[str, Pushed], monkeypatch: pytest.MonkeyPatch
) -> None:
    base: Path = pushed["_base"]  # type: ignore[assignment]
    monkeypatch.setenv("AOFT_TUI_STATE_DIR", str(base / "state"))
    p = pushed["succeeded"]

    class NoCalls:
        def get_job(self, job_id: str) -> Job:
            return p.job

        def __getattr__(self, name: str):  # any other call would be a re-push
            raise AssertionError(f"unexpected service call {name}")

    again = push_job(NoCalls(), p.job.id, PushOptions(mode="offline", wandb_dir=base / "wandb"))  # type: ignore[arg-type]
    assert again.steps_logged == 0 and again.complete
    assert again.sync_command == f"wandb sync --id {p.job.id} {p.result.run_dir}"
