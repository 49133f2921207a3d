"""What a `start` is about to send, written down before it is sent (no Textual).

A process can die (kill -9, a closed laptop) after a request reached Azure and before its
answer came back. The next run of the same request must find what landed instead of
sending it again — a second upload orphans the first, a second create is a second bill.
So before each request that changes something, the intent is recorded in
`state_dir()/start-intents/<request key>.json`:

- the request key: the resource, each file's name, size and SHA-256, and the job options;
- the idempotency key, made once and reused by every later run of the same request;
- per file: the ids of same-named, same-sized files that existed before our upload (so a
  file that appears later is ours), and the id once we know it;
- for the create: the job ids that existed before, and that a create was sent.

Writes are atomic (tmp file, fsync, rename, fsync of the folder) and private (0600). A
lock held while a start runs keeps two processes from working on the same request at
once; the kernel drops it when its process dies, so a kill -9 never leaves it stuck.
The intent is cleared once the job exists and was reported, or when nothing is left to
resume (cancelled, rejected).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aoft_tui.services import settings as settings_mod
from aoft_tui.services.errors import ServiceError
from aoft_tui.services.upload_cache import LocalFile, resource_key

# POSIX: one start per request at a time (a platform check, which mypy follows: no Optional module)
if sys.platform != "win32":
    import fcntl

INTENTS_DIR = "start-intents"
_VERSION = 1


class StartInProgress(ServiceError):
    title = "Already starting"


def request_key(endpoint: str, files: dict[str, LocalFile], options: dict[str, Any]) -> str:
    """Same resource, same bytes under the same names, same options → same key."""
    identity = {
        "resource": resource_key(endpoint),
        "files": {role: [f.name, f.size, f.sha256] for role, f in sorted(files.items())},
        "options": options,
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode()).hexdigest()[:32]


def write_private_json(path: Path, data: dict) -> None:
    """Atomically replace `path` with `data`: readable only by us, never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # the rename itself survives a power cut
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


class StartIntent:
    """One request's record. `resumed` is True when an earlier run left it behind."""

    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        self.key = key
        self._lock_file: Any = None
        self.data: dict[str, Any] = self._load()
        self.resumed = bool(self.data)
        if not self.data:
            self.data = {
                "version": _VERSION,
                "request": key,
                "idempotency_key": f"aoft-tui-{uuid.uuid4()}",
                "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "files": {},
                "create": {},
            }

    # --- what earlier runs did -------------------------------------------------------------
    @property
    def idempotency_key(self) -> str:
        return str(self.data["idempotency_key"])

    @property
    def started_at(self) -> str:
        return str(self.data.get("started_at", ""))

    def upload(self, role: str) -> dict[str, Any] | None:
        entry = self.data["files"].get(role)
        return entry if isinstance(entry, dict) else None

    def upload_started(self, role: str, local: LocalFile, before_ids: set[str]) -> None:
        self.data["files"][role] = {
            "name": local.name,
            "size": local.size,
            "sha256": local.sha256,
            "before_ids": sorted(before_ids),
            "file_id": None,
        }
        self.save()

    def upload_landed(self, role: str, local: LocalFile, file_id: str) -> None:
        entry = self.upload(role) or {
            "name": local.name,
            "size": local.size,
            "sha256": local.sha256,
            "before_ids": [],
        }
        entry["file_id"] = file_id
        self.data["files"][role] = entry
        self.save()

    @property
    def create_sent(self) -> bool:
        return bool(self.data["create"].get("sent"))

    @property
    def jobs_before(self) -> set[str] | None:
        ids = self.data["create"].get("jobs_before")
        return set(ids) if isinstance(ids, list) else None

    def create_sending(self, jobs_before: set[str]) -> None:
        self.data["create"] = {"sent": True, "jobs_before": sorted(jobs_before)}
        self.save()

    # --- storage and lock ------------------------------------------------------------------
    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # none, or damaged: an unreadable intent is no evidence of anything
        ok = isinstance(data, dict) and data.get("version") == _VERSION and data.get("request") == self.key
        return data if ok and isinstance(data.get("idempotency_key"), str) else {}

    def save(self) -> None:
        write_private_json(self.path, self.data)

    def acquire(self) -> None:
        """Take the request's lock, or say which process holds it."""
        if sys.platform == "win32" or self._lock_file is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock = open(self.path.with_suffix(".lock"), "a+")  # noqa: SIM115 - held across calls
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "another process"
            lock.close()
            raise StartInProgress(
                f"Another `aoft-tui start` of the same files and options is running ({holder}). "
                "Wait for it to finish, or stop it and run this again: the new run picks up "
                "where it stopped, without uploading or creating anything twice."
            ) from None
        lock.seek(0)
        lock.truncate()
        lock.write(f"pid {os.getpid()}")
        lock.flush()
        self._lock_file = lock

    def release(self) -> None:
        lock, self._lock_file = self._lock_file, None
        if lock is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(lock, fcntl.LOCK_UN)
            lock.close()

    def clear(self) -> None:
        """Nothing is left to resume: forget the request (the lock is released too)."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        self.resumed = False
        self.release()


def open_intent(
    endpoint: str, files: dict[str, LocalFile], options: dict[str, Any], directory: Path | None = None
) -> StartIntent:
    key = request_key(endpoint, files, options)
    folder = directory or settings_mod.state_dir() / INTENTS_DIR
    return StartIntent(folder / f"{key}.json", key)
