"""Memory a poll frees goes back to the system (glibc kept it: the open dashboard crept)."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from aoft_tui.services.memory import release_freed_memory


def _resident_mib() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's (Linux)")
def test_pages_a_poll_freed_are_returned() -> None:
    survivors: list[bytes] = []

    def poll() -> None:
        # ~40 MB of answer-sized blocks in a worker thread, a few of which live on (as the
        # rows of a job list do): the freed pages between them stay with the allocator
        blocks = [bytes(1000) + bytes([i % 256]) for i in range(40_000)]
        survivors.extend(blocks[::64])

    worker = threading.Thread(target=poll)
    worker.start()
    worker.join()
    before = _resident_mib()
    assert release_freed_memory() is True
    assert before - _resident_mib() > 20, "the freed pages stayed with the process"
    assert len(survivors) == 625
