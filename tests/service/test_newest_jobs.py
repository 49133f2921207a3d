"""The idle poll's first-page list (FineTuningService.list_newest_jobs): while no job moves,
one request tells what can change — new jobs come first — and the answer equals the whole
list's."""

from __future__ import annotations

import pytest

from aoft_tui.emulator.embedded import EmbeddedEmulator
from tests.conftest import _service_for

N_JOBS = 230  # three pages of 100


@pytest.fixture
def ended():
    """An emulator whose jobs have all ended, and a service that has listed them once."""
    with EmbeddedEmulator(seed_jobs=0, speed=0.0, seed=3) as emu:
        for _ in range(N_JOBS):
            emu.add_job(status="succeeded", n_steps=10, examples=2)
        emu.advance(3600)  # past their post-processing: every job has ended
        service = _service_for(emu)
        assert len(service.list_jobs()) == N_JOBS
        try:
            yield emu, service
        finally:
            service.close()


def _list_requests(service) -> int:
    return sum(1 for r in service.request_log.entries() if r.method == "GET" and r.path.endswith("/jobs"))


def test_one_request_answers_what_the_whole_list_does(ended) -> None:
    _, service = ended
    before = _list_requests(service)
    newest = service.list_newest_jobs()
    assert _list_requests(service) - before == 1  # the whole list takes three
    assert newest is not None
    assert [j.id for j in newest] == [j.id for j in service.list_jobs()]


def test_a_new_job_is_first_and_a_deleted_one_gone(ended) -> None:
    emu, service = ended
    first_ids = [j.id for j in service.list_jobs()]
    service.delete_job(first_ids[3])
    new_id = emu.add_job(status="succeeded", n_steps=10, examples=2)
    emu.advance(3600)
    newest = service.list_newest_jobs()
    assert newest is not None
    ids = [j.id for j in newest]
    assert ids[0] == new_id and first_ids[3] not in ids
    assert ids == [j.id for j in service.list_jobs()]


def test_a_moving_job_needs_the_whole_list(ended) -> None:
    emu, service = ended
    emu.add_job(status="pending", n_steps=10, examples=2)
    service.list_jobs()
    assert service.list_newest_jobs() is None


def test_nothing_listed_yet_needs_the_whole_list(emulator) -> None:
    service = _service_for(emulator)
    try:
        assert service.list_newest_jobs() is None
    finally:
        service.close()


def test_a_whole_page_of_new_jobs_needs_the_whole_list(ended) -> None:
    emu, service = ended
    for _ in range(100):
        emu.add_job(status="succeeded", n_steps=10, examples=2)
    emu.advance(3600)
    assert service.list_newest_jobs() is None  # what follows the page is unknown
    assert len(service.list_jobs()) == N_JOBS + 100


async def test_the_idle_dashboard_asks_one_page_and_the_whole_list_every_fourth_poll(ended) -> None:
    from tests.ui.main_support import loaded, make_app, settle

    emu, service = ended
    app = make_app(service, emu)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await settle(pilot)
        requests = []
        for _ in range(4):
            before = _list_requests(service)
            screen._poll_jobs()  # the poller's idle poll, without waiting 15 s
            await settle(pilot)
            requests.append(_list_requests(service) - before)
        assert requests == [1, 1, 1, 3]  # three pages of 230 jobs, once a minute at the idle rate
        assert len(screen.table.jobs) == N_JOBS
