"""The last job list seen per resource, so the dashboard can paint it at once on the next start.

One JSON file per endpoint under `state_dir()/jobs/` holding the jobs' raw API dicts (the
same mapping as a live list then reads them; never the API key). Written atomically, only
when the list changed, and bounded: the newest `MAX_JOBS` jobs, at most `MAX_ENDPOINTS`
files (the least recently written go). A missing, corrupt or foreign file reads as "no
cache" — it is a hint for the first paint, never a reason to fail.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from aoft_tui.domain.models import Job
from aoft_tui.services.api_mapping import job_from_api
from aoft_tui.services.settings import state_dir

FORMAT = 1
MAX_JOBS = 2000
MAX_ENDPOINTS = 16
MAX_FILE_BYTES = 16 * 1024 * 1024


class JobsCache:
    """Thread-safe: the poll worker stores, the UI thread loads."""

    def __init__(self, endpoint: str, directory: Path | None = None) -> None:
        self.endpoint = endpoint
        self.directory = directory if directory is not None else state_dir() / "jobs"
        digest = hashlib.sha256(endpoint.encode()).hexdigest()[:24]
        self.path = self.directory / f"{digest}.json"
        self._lock = threading.Lock()
        self._written: bytes | None = None  # what the file holds, as far as we know

    def load(self) -> list[Job] | None:
        """The cached jobs, newest first; None when there is no usable cache."""
        try:
            if self.path.stat().st_size > MAX_FILE_BYTES:
                return None
            data = json.loads(self.path.read_bytes())
            if data.get("format") != FORMAT or data.get("endpoint") != self.endpoint:
                return None
            return [job_from_api(raw) for raw in data["jobs"]]
        except Exception:
            return None

    def store(self, raw_jobs: Sequence[Mapping[str, Any]]) -> bool:
        """Remember `raw_jobs` (newest first); True when the file was (re)written."""
        payload = {"format": FORMAT, "endpoint": self.endpoint, "jobs": list(raw_jobs[:MAX_JOBS])}
        data = json.dumps(payload, separators=(",", ":"), default=str).encode()
        with self._lock:
            if self._written is None:
                try:
                    self._written = self.path.read_bytes()
                except OSError:
                    self._written = b""
            if data == self._written:
                return False
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                _write_atomically(self.path, data)
            except OSError:
                return False  # a read-only or full disk only costs the next start its head start
            self._written = data
        self._prune()
        return True

    def _prune(self) -> None:
        try:
            files = sorted(self.directory.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
            for stale in files[MAX_ENDPOINTS:]:
                stale.unlink(missing_ok=True)
        except OSError:
            pass


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
