"""list_jobs follows pages safely when a cursor names a job deleted meanwhile: no loop, no
repeated page, no job lost (against both the live-mode and the strict-spec emulator)."""

from __future__ import annotations

import pytest

from aoft_tui.emulator.embedded import EmbeddedEmulator
from aoft_tui.services.finetuning import FineTuningService

PAGE = 100  # finetuning._PAGE


@pytest.mark.parametrize("strict_spec", [False, True], ids=["live", "strict-spec"])
def test_a_cursor_deleted_between_pages_neither_repeats_nor_loses_jobs(strict_spec: bool) -> None:
    with EmbeddedEmulator(seed_jobs=PAGE + 30, speed=0.0, seed=3, strict_spec=strict_spec) as emu:
        service = FineTuningService(
            emu.endpoint, emu.api_key, "2025-04-01-preview", max_retries=0, timeout=10
        )
        record = service.traffic.on_response
        pages = []
        deleted = []

        def delete_the_cursor_after_the_first_page(response) -> None:
            record(response)
            if "/fine_tuning/jobs" in response.request.url.path and not pages:
                pages.append(response.request.url)
                with emu.store.lock:  # the job the next request's `after` names
                    cursor = emu.store.jobs_newest_first()[PAGE - 1].id
                    del emu.store.jobs[cursor]
                    deleted.append(cursor)

        service.traffic.on_response = delete_the_cursor_after_the_first_page
        try:
            ids = [job.id for job in service.list_jobs()]
        finally:
            service.close()
        assert deleted and deleted[0] in ids  # listed on the first page, deleted after it
        assert len(ids) == len(set(ids)) == PAGE + 30
        with emu.store.lock:
            assert [i for i in ids if i != deleted[0]] == [job.id for job in emu.store.jobs_newest_first()]
        # first page, the unknown cursor, one step back
        assert service.traffic.count("GET", "/fine_tuning/jobs") == 3
