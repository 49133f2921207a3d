"""Found by the fault soak: when reading a finished job's results.csv failed for a moment
(503, 429, a reset — after the SDK's own retries), `metrics()` quietly fell back to the
metrics events (every 10th step). The job detail then called itself finished with a tenth
of the chart, and `aoft-tui export` wrote a partial metrics.csv and exited 0.

A passing failure must fail the call (the caller retries: the detail's next poll, a rerun
of export); only a results file that is really gone or unreadable falls back to events.
"""

from __future__ import annotations

import pytest

from aoft_tui.services.errors import ServiceError
from aoft_tui.services.export import export_job
from tests.push.push_support import finished_job

ATTEMPTS = 3  # the service's max_retries=2 (tests/conftest.py), plus the first try


def _fail_results_reads(emulator, service, job_id: str) -> None:
    results = service.get_job(job_id).result_files[0]
    emulator.faults.schedule(
        "503", method="GET", path_contains=f"/files/{results}/content", count=ATTEMPTS, retry_after=0.05
    )


def test_a_passing_failure_to_read_results_is_an_error_not_a_tenth_of_the_points(emulator, service):
    job_id = finished_job(emulator, service, n_steps=120)
    _fail_results_reads(emulator, service, job_id)
    with pytest.raises(ServiceError):
        service.metrics(job_id)
    points = service.metrics(job_id)  # the fault has passed: every step, from results.csv
    assert [p.step for p in points] == list(range(1, 121))


def test_export_never_writes_a_partial_metrics_file_as_a_success(emulator, service, tmp_path):
    job_id = finished_job(emulator, service, n_steps=120)
    _fail_results_reads(emulator, service, job_id)
    with pytest.raises(ServiceError):
        export_job(service, job_id, parent=tmp_path)
    assert not list(tmp_path.iterdir())  # nothing under the job's name
    done = export_job(service, job_id, parent=tmp_path)
    assert done.steps == 120
