"""The first job list over http.client (services.prefetch), against the emulator over real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap

import pytest

from aoft_tui.emulator.embedded import EmbeddedEmulator
from aoft_tui.services.api_mapping import job_from_api
from aoft_tui.services.errors import AuthError
from aoft_tui.services.finetuning import FineTuningService
from aoft_tui.services.prefetch import JobListPrefetch

API_VERSION = "2025-04-01-preview"
PAGE = 100  # jobs per request, as the service asks


def test_prefetched_jobs_are_the_ones_the_sdk_lists(seeded_emulator, seeded_service) -> None:
    raw = (
        JobListPrefetch(seeded_emulator.endpoint, seeded_emulator.api_key, API_VERSION, page=PAGE)
        .start()
        .take()
    )
    assert raw is not None
    assert [job_from_api(job) for job in raw] == seeded_service.list_jobs()


def test_it_follows_every_page_and_hands_the_list_over_once() -> None:
    with EmbeddedEmulator(seed_jobs=2 * PAGE + 37, speed=0.0, seed=3) as emu:
        prefetch = JobListPrefetch(emu.endpoint, emu.api_key, API_VERSION, page=PAGE).start()
        raw = prefetch.take()
        assert raw is not None and len(raw) == 2 * PAGE + 37
        assert len({job["id"] for job in raw}) == len(raw)  # no page read twice
        created = [job["created_at"] for job in raw]
        assert created == sorted(created, reverse=True)  # newest first, as the API lists
        assert prefetch.take() is None


def test_the_service_answers_its_first_list_from_the_prefetch(seeded_emulator) -> None:
    service = FineTuningService(seeded_emulator.endpoint, seeded_emulator.api_key, API_VERSION)
    service.prefetch_job_list()
    first = service.list_jobs()
    assert service.traffic.count("GET", "/fine_tuning/jobs") == 1  # counted like the SDK's requests
    second = service.list_jobs()  # the SDK from here on
    assert service.traffic.count("GET", "/fine_tuning/jobs") == 2
    assert first == second and len(first) == 8
    service.close()


def test_a_rejected_key_leaves_the_error_to_the_sdk_path(seeded_emulator) -> None:
    service = FineTuningService(seeded_emulator.endpoint, "wrong-key", API_VERSION, max_retries=0)
    service.prefetch_job_list()
    with pytest.raises(AuthError) as err:
        service.list_jobs()
    assert "wrong-key" not in str(err.value)
    service.close()


def test_nothing_listening_gives_none_at_once() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    prefetch = JobListPrefetch(f"http://127.0.0.1:{port}", "key", API_VERSION, page=PAGE, timeout=2.0).start()
    assert prefetch.take() is None


def test_a_configured_proxy_leaves_the_request_to_the_sdk(monkeypatch, seeded_emulator) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    prefetch = JobListPrefetch(seeded_emulator.endpoint, seeded_emulator.api_key, API_VERSION, page=PAGE)
    assert not prefetch.usable
    assert prefetch.start().take() is None


def test_the_first_list_does_not_load_the_openai_sdk(seeded_emulator) -> None:
    """The point of the prefetch: the SDK's ~0.4 s import is not on the first list's path."""
    code = textwrap.dedent(
        """
        import os, sys
        from aoft_tui.services.finetuning import FineTuningService
        service = FineTuningService(os.environ["EP"], os.environ["KEY"], "2025-04-01-preview")
        service.prefetch_job_list()
        jobs = service.list_jobs()
        print(len(jobs), "openai" in sys.modules)
        service.list_jobs()
        print("openai" in sys.modules)
        """
    )
    env = {**os.environ, "EP": seeded_emulator.endpoint, "KEY": seeded_emulator.api_key}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    first, second = out.stdout.splitlines()
    assert first == "8 False"  # the seeded emulator's 8 jobs, SDK not loaded
    assert second == "True"  # the next list goes through the SDK
