"""JobStarter against the emulator over real HTTP: upload, reuse, wait, create, and every
failure path ending with no stray file and at most one job."""

from __future__ import annotations

from pathlib import Path

import pytest

from aoft_tui.emulator.file_checks import FileVerdict
from aoft_tui.services.errors import BadRequestError, Cancelled, ConnectionFailed
from aoft_tui.services.job_form import JobForm, check_form
from aoft_tui.services.start_files import FileRejected
from aoft_tui.services.start_job import JobStarter, StartRequest
from aoft_tui.services.start_progress import Phase, StartProgress
from aoft_tui.services.upload_cache import UploadCache

MODEL = "gpt-4o-mini-2024-07-18"


def _request(train: Path, validation: Path | None = None, **form) -> StartRequest:
    check = check_form(JobForm(model=form.pop("model", MODEL), **form))
    assert check.options is not None, check.errors
    return StartRequest(training=train, validation=validation, options=check.options)


def _starter(service, request, seen: list[StartProgress] | None = None, **kw) -> JobStarter:
    sink = seen.append if seen is not None else None
    return JobStarter(service, request, on_progress=sink, poll_interval=0.05, **kw)


def _fine_tune_files(service) -> list:
    return service.list_files(purpose="fine-tune")


def test_uploads_waits_and_creates_one_job(service, data_dir: Path) -> None:
    seen: list[StartProgress] = []
    request = _request(
        data_dir / "train.jsonl", data_dir / "valid.jsonl", suffix="weather", n_epochs="2", seed="7"
    )
    job = _starter(service, request, seen).run()

    assert job.id.startswith("ftjob-")
    assert (job.model, job.suffix, job.seed) == (MODEL, "weather", 7)
    assert job.hyperparameters.get("n_epochs") == 2
    files = {f.id: f for f in _fine_tune_files(service)}
    assert set(files) == {job.training_file, job.validation_file}
    assert files[job.training_file].filename == "train.jsonl"
    assert [j.id for j in service.list_jobs()] == [job.id]

    phases = [p.phase for p in seen]
    for phase in (Phase.HASHING, Phase.UPLOADING, Phase.PROCESSING, Phase.CREATING, Phase.CREATED):
        assert phase in phases
    uploads = [p for p in seen if p.phase is Phase.UPLOADING and p.role == "training"]
    size = (data_dir / "train.jsonl").stat().st_size
    assert uploads[-1].done == uploads[-1].total == size
    assert any(p.file_status == "processed" for p in seen if p.phase is Phase.PROCESSING)


def test_a_second_submit_reuses_the_uploaded_files(service, data_dir: Path) -> None:
    first = _starter(service, _request(data_dir / "train.jsonl")).run()
    seen: list[StartProgress] = []
    second = _starter(service, _request(data_dir / "train.jsonl", suffix="again"), seen).run()

    assert second.id != first.id and second.training_file == first.training_file
    assert Phase.UPLOADING not in [p.phase for p in seen]
    assert [p.phase for p in seen if p.role == "training"][-1] is Phase.REUSED
    assert len(_fine_tune_files(service)) == 1


def test_changed_content_or_a_deleted_upload_is_uploaded_again(service, data_dir: Path) -> None:
    train = data_dir / "train.jsonl"
    first = _starter(service, _request(train)).run()
    service.delete_file(first.training_file)  # e.g. removed in the portal
    second = _starter(service, _request(train)).run()
    assert second.training_file != first.training_file
    assert UploadCache(service.endpoint).file_ids() == {second.training_file}

    train.write_text(train.read_text().replace("sunny", "rainy"))  # same name and size
    third = _starter(service, _request(train)).run()
    assert third.training_file not in (first.training_file, second.training_file)


def test_a_rejected_file_shows_azures_details_verbatim_and_is_deleted(
    service, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    details = "The training file failed content checks: 3 examples were flagged (lines 2, 5, 9)."
    monkeypatch.setattr(
        "aoft_tui.emulator.store.check_training_file", lambda data, name: FileVerdict(details, None)
    )
    starter = _starter(service, _request(data_dir / "train.jsonl"))
    with pytest.raises(FileRejected) as caught:
        starter.run()

    assert caught.value.status_details == details
    assert details in str(caught.value) and "aoft-tui validate" in str(caught.value)
    assert _fine_tune_files(service) == [] and service.list_jobs() == []
    assert UploadCache(service.endpoint).file_ids() == set()


def test_a_400_from_create_makes_no_job_and_keeps_files_for_reuse(service, data_dir: Path) -> None:
    request = _request(data_dir / "train.jsonl", model="no-such-model-2099")
    with pytest.raises(BadRequestError) as caught:
        _starter(service, request).run()
    assert "No job was created" in str(caught.value)
    assert service.list_jobs() == []
    assert len(_fine_tune_files(service)) == 1  # processed, remembered, reused next time
    assert UploadCache(service.endpoint).file_ids() == {f.id for f in _fine_tune_files(service)}


def test_a_connection_reset_after_create_still_gives_exactly_one_job(
    emulator, service, data_dir: Path
) -> None:
    emulator.faults.schedule("reset_after", method="POST", path_contains="/fine_tuning/jobs", count=1)
    job = _starter(service, _request(data_dir / "train.jsonl")).run()
    assert [j.id for j in service.list_jobs()] == [job.id]
    assert any(kind == "reset_after" for kind, *_ in emulator.faults.injected)


def test_retrying_a_failed_submit_reuses_files_and_key(emulator, service, data_dir: Path) -> None:
    # The network is down for every attempt of the service's own retry loop.
    emulator.faults.schedule("reset_before", method="POST", path_contains="/fine_tuning/jobs", count=3)
    starter = _starter(service, _request(data_dir / "train.jsonl"))
    with pytest.raises(ConnectionFailed) as caught:
        starter.run()
    assert "Retrying is safe" in str(caught.value)
    assert service.list_jobs() == []

    key = starter.idempotency_key
    job = starter.run()  # the user presses retry: same submit, same files, same key
    assert starter.idempotency_key == key
    assert [j.id for j in service.list_jobs()] == [job.id]
    assert len(_fine_tune_files(service)) == 1


def test_a_retry_first_looks_for_a_job_that_landed(emulator, service, data_dir: Path) -> None:
    emulator.faults.schedule("reset_before", method="POST", path_contains="/fine_tuning/jobs", count=3)
    starter = _starter(service, _request(data_dir / "train.jsonl", suffix="once"))
    with pytest.raises(ConnectionFailed):
        starter.run()
    # Meanwhile the request did reach Azure after all (as seen from here: a new matching job).
    landed = service.create_job(starter.request.options.spec(starter.files["training"].id))
    assert starter.run().id == landed.id
    assert [j.id for j in service.list_jobs()] == [landed.id]


def test_cancel_during_upload_leaves_nothing(service, big_file: Path) -> None:
    starter: JobStarter

    def on_progress(p: StartProgress) -> None:
        if p.phase is Phase.UPLOADING and p.done > 0:
            starter.cancel()

    starter = JobStarter(service, _request(big_file), on_progress=on_progress, poll_interval=0.05)
    with pytest.raises(Cancelled):
        starter.run()
    assert _fine_tune_files(service) == [] and service.list_jobs() == []
    assert UploadCache(service.endpoint).file_ids() == set()


def test_cancel_after_an_upload_deletes_this_submits_files(service, data_dir: Path) -> None:
    """Training file uploaded and processed; cancel while the validation file waits."""
    seen: list[StartProgress] = []
    starter: JobStarter

    def on_progress(p: StartProgress) -> None:
        seen.append(p)
        if p.phase is Phase.PROCESSING and p.role == "validation":
            starter.cancel()

    request = _request(data_dir / "train.jsonl", data_dir / "valid.jsonl")
    starter = JobStarter(service, request, on_progress=on_progress, poll_interval=0.05)
    with pytest.raises(Cancelled):
        starter.run()
    assert _fine_tune_files(service) == [] and service.list_jobs() == []
    assert UploadCache(service.endpoint).file_ids() == set()
    assert seen[-1].phase is Phase.CANCELLED


def test_cancel_does_not_delete_a_reused_file(service, data_dir: Path) -> None:
    kept = _starter(service, _request(data_dir / "train.jsonl")).run().training_file
    starter: JobStarter

    def on_progress(p: StartProgress) -> None:
        if p.role == "validation" and p.phase is Phase.UPLOADING:
            starter.cancel()

    starter = JobStarter(
        service,
        _request(data_dir / "train.jsonl", data_dir / "valid.jsonl"),
        on_progress=on_progress,
        poll_interval=0.05,
    )
    with pytest.raises(Cancelled):
        starter.run()
    assert [f.id for f in _fine_tune_files(service)] == [kept]
    assert len(service.list_jobs()) == 1


def test_cancel_is_refused_once_the_create_is_under_way(service, data_dir: Path) -> None:
    answers: list[bool] = []
    starter: JobStarter

    def on_progress(p: StartProgress) -> None:
        if p.phase is Phase.CREATING:
            answers.append(starter.cancel())

    starter = JobStarter(
        service, _request(data_dir / "train.jsonl"), on_progress=on_progress, poll_interval=0.05
    )
    job = starter.run()
    assert answers == [False]
    assert [j.id for j in service.list_jobs()] == [job.id]


def test_big_files_go_through_the_uploads_api(service, big_file: Path) -> None:
    service.large_file_threshold = 256 * 1024
    service.part_size = 256 * 1024
    seen: list[StartProgress] = []
    job = _starter(service, _request(big_file), seen).run()
    files = _fine_tune_files(service)
    assert [f.id for f in files] == [job.training_file]
    assert files[0].bytes == big_file.stat().st_size
    ups = [p for p in seen if p.phase is Phase.UPLOADING]
    assert ups[-1].done == big_file.stat().st_size


def test_dpo_with_beta_and_a_training_tier(service, tmp_path: Path) -> None:
    from aoft_tui.services.start_job import preflight

    from .start_support import dpo_examples

    train = tmp_path / "prefs.jsonl"
    train.write_text(dpo_examples(15))
    request = _request(
        train,
        model="gpt-4.1-mini-2025-04-14",
        method="dpo",
        beta="0.2",
        n_epochs="2",
        training_type="developer",
    )
    assert not preflight(request).has_errors
    job = _starter(service, request).run()
    assert job.method == "dpo"
    assert job.hyperparameters.get("beta") == pytest.approx(0.2)
    assert job.hyperparameters.get("n_epochs") == 2


def test_a_wait_that_times_out_is_picked_up_by_the_next_submit(service, data_dir: Path) -> None:
    from aoft_tui.services.errors import OperationTimeout

    impatient = JobStarter(service, _request(data_dir / "train.jsonl"), poll_interval=0.05, file_timeout=0)
    with pytest.raises(OperationTimeout):
        impatient.run()
    assert len(_fine_tune_files(service)) == 1 and service.list_jobs() == []

    seen: list[StartProgress] = []
    job = _starter(service, _request(data_dir / "train.jsonl"), seen).run()
    assert Phase.UPLOADING not in [p.phase for p in seen]  # waited for the earlier upload instead
    assert [f.id for f in _fine_tune_files(service)] == [job.training_file]
