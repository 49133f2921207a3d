"""Files through the real SDK: uploads (Files API and Uploads API), progress, cancel,
waiting for processing, downloads, deletes."""

from __future__ import annotations

import threading

import pytest

from aoft_tui.domain.models import FileStatus
from aoft_tui.services.errors import Cancelled, FileProcessingError, NotFoundError, OperationTimeout


def test_upload_streams_with_progress_and_file_gets_processed(service, write_dataset) -> None:
    path = write_dataset(3000)
    size = path.stat().st_size
    calls: list[tuple[int, int]] = []
    info = service.upload_file(path, progress=lambda sent, total: calls.append((sent, total)))
    assert info.filename == "train.jsonl" and info.purpose == "fine-tune" and info.bytes == size
    assert calls[-1] == (size, size)
    assert all(total == size for _, total in calls)
    sent = [s for s, _ in calls]
    assert sent == sorted(sent)
    # streamed from disk in small reads, never the whole file at once
    steps = [b - a for a, b in zip([0, *sent], sent, strict=False)]
    assert size > 5 * 65536 and max(steps) <= 65536
    statuses: list[FileStatus] = []
    done = service.wait_for_file(
        info.id, poll_interval=0.05, timeout=10, on_status=lambda f: statuses.append(f.status)
    )
    assert done.status is FileStatus.PROCESSED and statuses[-1] is FileStatus.PROCESSED
    assert service.get_file(info.id).status is FileStatus.PROCESSED
    assert info.id in {f.id for f in service.list_files(purpose="fine-tune")}


def test_large_file_goes_through_uploads_api_in_parts(
    emulator, make_service, write_dataset, tmp_path
) -> None:
    service = make_service(emulator, large_file_threshold=4096, part_size=8192)
    path = write_dataset(200)
    size = path.stat().st_size
    calls: list[tuple[int, int]] = []
    info = service.upload_file(path, progress=lambda sent, total: calls.append((sent, total)))
    parts = -(-size // 8192)
    assert service.traffic.count("POST", "/parts") == parts >= 3
    assert service.traffic.count("POST", "/complete") == 1
    assert service.traffic.count("POST", "/files") == 0
    assert calls[-1] == (size, size)
    service.wait_for_file(info.id, poll_interval=0.05, timeout=10)
    copy = service.download_file(info.id, tmp_path / "copy.jsonl")
    assert copy.read_bytes() == path.read_bytes()


def test_threshold_can_be_forced_per_call(service, write_dataset) -> None:
    service.upload_file(write_dataset(20), large_file_threshold=100)
    assert service.traffic.count("POST", "/uploads") == 1


def test_cancel_during_uploads_api_cancels_server_side(emulator, make_service, write_dataset) -> None:
    service = make_service(emulator, large_file_threshold=1024, part_size=4096)
    cancel = threading.Event()

    def progress(sent: int, total: int) -> None:
        if sent >= 4096:  # the first part is through
            cancel.set()

    before = {f.id for f in service.list_files()}
    with pytest.raises(Cancelled, match="cancelled"):
        service.upload_file(write_dataset(200), progress=progress, cancel=cancel)
    assert service.traffic.count("POST", "/cancel") == 1
    assert service.traffic.count("POST", "/complete") == 0
    assert {f.id for f in service.list_files()} == before


def test_cancel_during_files_api_upload_stores_nothing(service, write_dataset) -> None:
    cancel = threading.Event()
    before = {f.id for f in service.list_files()}
    with pytest.raises(Cancelled):
        service.upload_file(write_dataset(2000), progress=lambda s, t: cancel.set(), cancel=cancel)
    assert {f.id for f in service.list_files()} == before
    service.upload_file(write_dataset(20, "again.jsonl"))  # the client is still usable


def test_rejected_file_raises_with_azures_status_details(service, write_dataset) -> None:
    info = service.upload_file(write_dataset(7, "small.jsonl"))
    with pytest.raises(FileProcessingError) as err:
        service.wait_for_file(info.id, poll_interval=0.05, timeout=10)
    details = service.get_file(info.id).status_details
    assert details and str(err.value) == details
    assert "7 example(s)" in details


def test_wait_times_out(service, write_dataset) -> None:
    info = service.upload_file(write_dataset(20))
    with pytest.raises(OperationTimeout, match=info.id):
        service.wait_for_file(info.id, poll_interval=0.01, timeout=0.05)


def test_wait_can_be_cancelled(service, write_dataset) -> None:
    info = service.upload_file(write_dataset(20))
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        service.wait_for_file(info.id, cancel=cancel)


def test_download_results_file_is_decoded_csv(seeded_service, tmp_path) -> None:
    job = seeded_service.list_jobs(status="succeeded")[0]
    dest = seeded_service.download_file(job.result_files[0], tmp_path / "out" / "results.csv")
    text = dest.read_text()
    assert text.startswith("step,")
    assert not list((tmp_path / "out").glob("*.part"))


def test_delete_file_then_it_is_not_found(service, write_dataset) -> None:
    info = service.upload_file(write_dataset(20))
    service.delete_file(info.id)
    with pytest.raises(NotFoundError, match=info.id):
        service.get_file(info.id)


def test_missing_local_file_is_a_clear_error(service, tmp_path) -> None:
    from aoft_tui.services.errors import LocalFileError

    with pytest.raises(LocalFileError, match="nope.jsonl"):
        service.upload_file(tmp_path / "nope.jsonl")


def test_upload_retried_by_the_sdk_sends_the_whole_file_again(
    emulator, make_service, write_dataset, tmp_path
) -> None:
    service = make_service(emulator, max_retries=2)
    emulator.faults.schedule("503", method="POST", path_contains="/files", count=1, retry_after=0.05)
    path = write_dataset(500)
    info = service.upload_file(path)
    assert service.traffic.count("POST", "/files") == 2
    service.wait_for_file(info.id, poll_interval=0.05, timeout=10)
    assert service.download_file(info.id, tmp_path / "back.jsonl").read_bytes() == path.read_bytes()


def test_download_of_unknown_file_is_not_found(service, tmp_path) -> None:
    with pytest.raises(NotFoundError, match="file-missing"):
        service.download_file("file-missing", tmp_path / "x")
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("fault", ["truncate", "reset_after", "500"])
def test_an_upload_whose_answer_was_lost_stores_one_file(emulator, service, write_dataset, fault) -> None:
    """The service stored the file, then the answer was cut off (or a 500 came after the
    store): the SDK's retry used to store a second copy, an orphan nobody asked for."""
    path = write_dataset(12)
    # a 500 comes before the store (the upload is simply sent again); the others after it
    emulator.faults.schedule(fault, method="POST", path_contains="/files", count=1)
    uploaded = service.upload_file(path)
    stored = [f for f in service.list_files() if f.filename == "train.jsonl"]
    assert [f.id for f in stored] == [uploaded.id]
