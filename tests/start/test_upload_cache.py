"""The local record of uploaded files: per resource, by name + size + SHA-256, crash-safe."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest

from aoft_tui.services.errors import Cancelled
from aoft_tui.services.transfer_meter import TransferMeter, describe_transfer, format_eta
from aoft_tui.services.upload_cache import UploadCache, fingerprint


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_fingerprint_is_name_size_and_sha256(tmp_path: Path) -> None:
    data = b'{"messages": []}\n' * 100_000  # > one 1 MiB chunk
    seen: list[tuple[int, int]] = []
    local = fingerprint(_file(tmp_path, "train.jsonl", data), progress=lambda d, t: seen.append((d, t)))
    assert (local.name, local.size, local.sha256) == (
        "train.jsonl",
        len(data),
        hashlib.sha256(data).hexdigest(),
    )
    assert len(seen) == 2 and seen[-1] == (len(data), len(data))


def test_fingerprint_honours_cancel(tmp_path: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        fingerprint(_file(tmp_path, "a.jsonl", b"x" * 10), cancel=cancel)


def test_remember_get_forget_per_resource(tmp_path: Path) -> None:
    local = fingerprint(_file(tmp_path, "train.jsonl", b"abc"))
    a = UploadCache("https://a.openai.azure.com/")
    b = UploadCache("https://b.openai.azure.com")
    assert a.get(local) is None
    a.remember(local, "file-1")
    # Same resource spelled differently: same cache; other resource: nothing.
    assert UploadCache("HTTPS://A.openai.azure.com").get(local).file_id == "file-1"
    assert b.get(local) is None
    # Same name and size, other content: not reused.
    (tmp_path / "x").mkdir()
    other = fingerprint(_file(tmp_path / "x", "train.jsonl", b"abd"))
    assert a.get(other) is None
    a.forget("file-1")
    assert a.get(local) is None and a.file_ids() == set()


def test_cache_lives_in_the_state_dir_and_survives_damage(tmp_path: Path) -> None:
    cache = UploadCache("https://a")
    assert "state" in str(cache.path)  # the conftest's isolated AOFT_TUI_STATE_DIR
    cache.path.parent.mkdir(parents=True, exist_ok=True)
    cache.path.write_text("{not json")
    local = fingerprint(_file(tmp_path, "t.jsonl", b"1"))
    assert cache.get(local) is None
    cache.remember(local, "file-9")
    assert UploadCache("https://a").get(local).file_id == "file-9"


def test_transfer_meter_rate_and_eta() -> None:
    now = [0.0]
    meter = TransferMeter(1000, clock=lambda: now[0])
    assert meter.rate is None and meter.eta is None
    now[0] = 1.0
    meter.update(100)
    assert meter.rate == pytest.approx(100.0)
    assert meter.eta == pytest.approx(9.0)
    # Old samples leave the window: a stall shows as a falling rate.
    now[0] = 10.0
    meter.update(100)
    assert meter.rate == pytest.approx(0.0)
    assert meter.eta is None
    meter.update(1000)
    assert meter.eta == 0.0


def test_describe_transfer() -> None:
    text = describe_transfer(3 * 1024 * 1024, 10 * 1024 * 1024, 1024 * 1024, 7.2)
    assert text == "3.0 MiB / 10.0 MiB · 1.0 MiB/s · ETA 00:07"
    assert format_eta(3725) == "1:02:05" and format_eta(None) == "--:--"


def test_progress_is_throttled_but_keeps_steps_and_the_last_byte() -> None:
    from aoft_tui.services.start_job import throttled
    from aoft_tui.services.start_progress import Phase, StartProgress

    now = [0.0]
    seen: list[StartProgress] = []
    sink = throttled(seen.append, 0.1, clock=lambda: now[0])
    for done in range(0, 1001, 10):  # 101 reports within 50 ms
        now[0] += 0.0005
        sink(StartProgress(Phase.UPLOADING, "Uploading a", "training", done, 1000))
    sink(StartProgress(Phase.PROCESSING, "processing", "training", file_status="pending"))
    sink(StartProgress(Phase.PROCESSING, "processing", "training", file_status="pending"))
    sink(StartProgress(Phase.PROCESSING, "processing", "training", file_status="processed"))
    assert [(p.phase, p.done, p.file_status) for p in seen] == [
        (Phase.UPLOADING, 0, None),
        (Phase.UPLOADING, 1000, None),
        (Phase.PROCESSING, 0, "pending"),
        (Phase.PROCESSING, 0, "processed"),
    ]
    now[0] += 1.0
    sink(StartProgress(Phase.UPLOADING, "Uploading b", "validation", 5, 10))
    now[0] += 0.2
    sink(StartProgress(Phase.UPLOADING, "Uploading b", "validation", 6, 10))
    assert [p.done for p in seen[-2:]] == [5, 6]
