"""Remember which local files were already uploaded, per Azure resource (no Textual).

A file is known by its name, size and SHA-256: the same bytes under the same name on
the same resource are reused instead of uploaded again. The record lives in
`settings.state_dir()/uploads.json`; the caller checks the remembered file id still exists
and is processed on the resource before reusing it (files get deleted in the portal).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from aoft_tui.services import settings as settings_mod
from aoft_tui.services.errors import Cancelled

# POSIX: serialise read-modify-write between two aoft-tui processes (a platform check, which
# mypy follows: no Optional module)
if sys.platform != "win32":
    import fcntl

CACHE_FILE = "uploads.json"
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class LocalFile:
    """A local file's identity for reuse: name, size and content hash."""

    name: str
    size: int
    sha256: str

    @property
    def key(self) -> str:
        return f"{self.sha256}:{self.size}:{self.name}"


@dataclass(frozen=True, slots=True)
class CachedUpload:
    file_id: str
    name: str
    size: int
    sha256: str
    uploaded_at: str


def fingerprint(
    path: Path,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> LocalFile:
    """Hash a file in 1 MiB chunks, reporting (bytes_done, total) and honouring `cancel`."""
    size = path.stat().st_size
    digest = hashlib.sha256()
    done = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            if cancel is not None and cancel.is_set():
                raise Cancelled("Cancelled while reading the file; nothing was uploaded.")
            digest.update(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, size)
    return LocalFile(name=path.name, size=size, sha256=digest.hexdigest())


def resource_key(endpoint: str) -> str:
    """One cache per resource: the endpoint without scheme case or trailing slash noise."""
    return endpoint.strip().rstrip("/").lower()


class UploadCache:
    def __init__(self, endpoint: str, path: Path | None = None) -> None:
        self._resource = resource_key(endpoint)
        self._path = path or settings_mod.state_dir() / CACHE_FILE

    @property
    def path(self) -> Path:
        return self._path

    def get(self, local: LocalFile) -> CachedUpload | None:
        entry = self._read().get("resources", {}).get(self._resource, {}).get(local.key)
        if not isinstance(entry, dict):
            return None
        try:
            return CachedUpload(**entry)
        except TypeError:  # an entry from another version of the format: ignore it
            return None

    def remember(self, local: LocalFile, file_id: str) -> None:
        entry = CachedUpload(
            file_id=file_id,
            name=local.name,
            size=local.size,
            sha256=local.sha256,
            uploaded_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        with self._locked():
            data = self._read()
            data.setdefault("resources", {}).setdefault(self._resource, {})[local.key] = asdict(entry)
            self._write(data)

    def forget(self, file_id: str) -> None:
        """Drop every entry naming `file_id` (it was deleted, or failed processing)."""
        with self._locked():
            data = self._read()
            entries = data.get("resources", {}).get(self._resource, {})
            stale = [k for k, v in entries.items() if isinstance(v, dict) and v.get("file_id") == file_id]
            if not stale:
                return
            for key in stale:
                del entries[key]
            self._write(data)

    def remember_request(self, job_id: str, hyperparameters: dict) -> None:
        """What a job this app created asked for (the service reports only what it ran with),
        so a failed job can show requested beside effective settings."""
        with self._locked():
            data = self._read()
            data.setdefault("requests", {}).setdefault(self._resource, {})[job_id] = dict(hyperparameters)
            self._write(data)

    def requested(self, job_id: str) -> dict | None:
        entry = self._read().get("requests", {}).get(self._resource, {}).get(job_id)
        return dict(entry) if isinstance(entry, dict) else None

    def file_ids(self) -> set[str]:
        entries = self._read().get("resources", {}).get(self._resource, {})
        return {v["file_id"] for v in entries.values() if isinstance(v, dict) and "file_id" in v}

    # --- storage ---------------------------------------------------------------------------
    def _read(self) -> dict:
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {"version": 1, "resources": {}}  # missing or damaged: start afresh
        return data if isinstance(data, dict) else {"version": 1, "resources": {}}

    def _write(self, data: dict) -> None:
        # Write-then-rename, so a crash never leaves half a JSON file behind.
        self._path.parent.mkdir(parents=True, exist_ok=True)
        data["version"] = 1
        fd, tmp = tempfile.mkstemp(prefix=".uploads-", suffix=".json", dir=self._path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=1, sort_keys=True)
            os.replace(tmp, self._path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        if sys.platform == "win32":
            yield
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with open(self._path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
