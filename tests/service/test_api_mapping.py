"""API JSON ↔ domain objects, and the streaming/base64 helpers (pure, no server)."""

from __future__ import annotations

import base64
import io
import threading
from pathlib import Path

import pytest

from aoft_tui.domain.models import JobSpec, JobStatus
from aoft_tui.services.api_mapping import job_create_body, job_from_api, model_from_api
from aoft_tui.services.error_mapping import redact, retry_after_seconds
from aoft_tui.services.transfer import FileSlice, UploadCancelled, write_decoded


def test_dpo_job_takes_method_hyperparameters_and_keeps_raw() -> None:
    raw = {
        "id": "ftjob-1",
        "status": "running",
        "model": "gpt-4o-mini-2024-07-18",
        "created_at": 1700000000,
        "training_file": "file-t",
        "validation_file": None,
        "hyperparameters": {"n_epochs": 3},
        "method": {"type": "dpo", "dpo": {"hyperparameters": {"beta": 0.1, "n_epochs": 2}}},
        "error": {"code": None, "message": None},
        "trainingType": "globalstandard",
    }
    job = job_from_api(raw)
    assert job.method == "dpo"
    assert job.hyperparameters == {"beta": 0.1, "n_epochs": 2}
    assert job.validation_file is None and job.error is None
    assert job.raw["trainingType"] == "globalstandard"  # API names untouched


def test_job_without_method_uses_top_level_hyperparameters() -> None:
    job = job_from_api(
        {
            "id": "ftjob-2",
            "status": "weird",
            "model": "m",
            "created_at": 1,
            "training_file": "f",
            "hyperparameters": {"n_epochs": -1},
            "error": {"code": "invalidTrainingFile", "message": "bad"},
        }
    )
    assert job.method == "supervised"
    assert job.hyperparameters == {"n_epochs": -1}
    assert job.status is JobStatus.UNKNOWN
    assert job.error is not None and job.error.code == "invalidTrainingFile"


def test_create_body_shapes() -> None:
    spec = JobSpec(
        model="gpt-4.1-2025-04-14",
        training_file="file-t",
        validation_file="file-v",
        suffix="exp_1",
        method="dpo",
        seed=42,
        training_type="GlobalStandard",
        hyperparameters={"beta": 0.2, "n_epochs": None, "batch_size": "auto"},
    )
    assert job_create_body(spec) == {
        "model": "gpt-4.1-2025-04-14",
        "training_file": "file-t",
        "validation_file": "file-v",
        "suffix": "exp_1",
        "seed": 42,
        "trainingType": "GlobalStandard",
        "method": {"type": "dpo", "dpo": {"hyperparameters": {"beta": 0.2}}},
    }
    plain = job_create_body(JobSpec(model="m", training_file="f"))
    assert plain == {"model": "m", "training_file": "f", "trainingType": "GlobalStandard"}  # a tier always
    supervised = job_create_body(
        JobSpec(model="gpt-35-turbo-0125", training_file="f", hyperparameters={"n_epochs": 3})
    )
    assert supervised == {
        "model": "gpt-35-turbo-0125",
        "training_file": "f",
        "hyperparameters": {"n_epochs": 3},
        "trainingType": "Standard",
    }  # the model's only tier


def test_model_capabilities_and_deprecation() -> None:
    info = model_from_api(
        {
            "id": "gpt-4o",
            "capabilities": {"fine_tune": True},
            "lifecycle_status": "preview",
            "deprecation": {"fine_tune": 1767225600, "inference": 1798761600},
        }
    )
    assert info.fine_tune and info.lifecycle_status == "preview"
    assert info.deprecation_fine_tune is not None and info.deprecation_fine_tune.year == 2026


def test_retry_after_forms() -> None:
    assert retry_after_seconds({"Retry-After": "7"}) == 7
    assert retry_after_seconds({"retry-after-ms": "1500"}) == 1.5
    assert retry_after_seconds({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0  # in the past
    assert retry_after_seconds({}) is None
    assert retry_after_seconds({"retry-after": "soon"}) is None


def test_redact() -> None:
    assert redact("key abcd1234 leaked", "abcd1234") == "key *** leaked"
    assert redact("nothing", None, "") == "nothing"


def test_file_slice_window_progress_and_cancel() -> None:
    fh = io.BufferedReader(io.BytesIO(b"0123456789"))  # type: ignore[arg-type]
    seen: list[int] = []
    part = FileSlice(fh, 3, 4, on_read=seen.append)
    assert part.read(3) == b"345" and part.read() == b"6" and part.read() == b""
    assert seen == [3, 4]
    part.seek(0)
    assert part.read() == b"3456"
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(UploadCancelled):
        FileSlice(fh, 0, 10, cancel=cancel).read(1)


@pytest.mark.parametrize("payload", [b'{"a": 1}\n{"b": 2}\n', b"step,train_loss\n1,0.5\n"])
def test_write_decoded_plain_and_base64(tmp_path: Path, payload: bytes) -> None:
    plain = tmp_path / "plain.out"
    write_decoded(iter([payload[:5], payload[5:]]), plain)
    assert plain.read_bytes() == payload
    encoded = base64.encodebytes(payload * 500)
    decoded = tmp_path / "b64.out"
    write_decoded((encoded[i : i + 1000] for i in range(0, len(encoded), 1000)), decoded)
    assert decoded.read_bytes() == payload * 500
    assert not list(tmp_path.glob("*.part")) and not list(tmp_path.glob("*.decoded"))


def test_a_key_echoed_by_the_server_is_scrubbed() -> None:
    import httpx2
    import openai

    from aoft_tui.services.error_mapping import translate

    key = "0123456789abcdef0123456789abcdef"
    request = httpx2.Request("GET", "https://res.openai.azure.com/openai/fine_tuning/jobs")
    body = {"code": "invalid", "message": f"Key {key} is not valid for this API."}
    response = httpx2.Response(400, json={"error": body}, request=request)
    err = translate(
        openai.BadRequestError("bad", response=response, body=body),
        endpoint="https://res.openai.azure.com",
        secret=key,
    )
    assert key not in str(err) and "***" in str(err)
    assert "is not valid for this API" in str(err)


def test_training_tiers_are_sent_as_microsoft_learn_spells_them() -> None:
    import json
    from pathlib import Path

    real = json.loads(
        (Path(__file__).parents[1] / "fixtures/azure-real/create_job_training_type.json").read_text()
    )
    for tier, sample in (("globalstandard", "global"), ("developer", "developer")):
        body = job_create_body(JobSpec(model="gpt-4.1-mini", training_file="f", training_type=tier))
        assert body["trainingType"] == real[sample]["trainingType"]
    assert (
        job_create_body(JobSpec(model="m", training_file="f", training_type="standard"))["trainingType"]
        == "Standard"
    )
