"""The state dir on disk: private, crash-safe writes, and a checked, repairing load.

Every write is write-to-temp, fsync, rename, fsync-the-folder: a kill -9 or power cut at any
instant leaves either the old or the new file, never half of one. Files are 0600 and
folders 0700: the state holds uploaded training data and the key-protected API's results.

Loading checks each record on its own. A record that cannot be used (a non-finite number,
a missing field, a wrong type) is moved to a quarantine file beside the state with a
warning naming it, so one bad record never stops the emulator or poisons every list; a
file that is not a state at all is refused with a one-line `StateFileError`.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

QUARANTINE_FILE = "emulator-state.quarantine.jsonl"


class StateFileError(Exception):
    """The state file cannot be loaded at all; the message says which file and what to do."""


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) owner-only; tighten it if it already exists and is ours."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o700)
    except OSError:
        pass  # not ours to change (e.g. a shared mount): the files inside are still 0600
    return path


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` (mode 0600) so that a crash leaves the old or the new file."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # an older .tmp left by a crash may have other bits
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems cannot fsync a folder; the rename is still atomic
    finally:
        os.close(fd)


def dumps_strict(value: Any) -> bytes:
    """JSON that any reader accepts: NaN/Infinity raise ValueError instead of being written."""
    return json.dumps(value, allow_nan=False).encode()


def read_state(path: Path) -> dict[str, Any]:
    """The saved state's top level, or a StateFileError saying what is wrong and what to do."""
    try:
        # NaN/Infinity parse here (older emulators wrote them) and are judged record by record
        state = json.loads(path.read_bytes())
    except OSError as exc:
        raise StateFileError(f"{path}: cannot read the emulator state ({exc.strerror}).") from None
    except (ValueError, RecursionError) as exc:
        raise StateFileError(
            f"{path}: not an emulator state file ({_short(exc)}); move it away to start "
            "fresh, or restore a backup."
        ) from None
    problem = _top_level_problem(state)
    if problem:
        raise StateFileError(
            f"{path}: not an emulator state file ({problem}); move it away to start fresh, "
            "or restore a backup."
        )
    return state


def _top_level_problem(state: Any) -> str | None:
    if not isinstance(state, dict):
        return "the top level is not an object"
    for key, kind in (
        ("clock", dict),
        ("rng", list),
        ("seq", int),
        ("idempotency", dict),
        ("files", list),
        ("jobs", list),
    ):
        if not isinstance(state.get(key), kind):
            return f"'{key}' is missing or not a {kind.__name__}"
    saved_at = state["clock"].get("saved_at")
    if not _finite(saved_at):
        return "'clock.saved_at' is not a finite number"
    return None


def load_records(
    state_dir: Path, items: list[Any], kind: str, build: Callable[[dict[str, Any]], Any], warnings: list[str]
) -> list[Any]:
    """`build` each record; a record it rejects (ValueError/TypeError/KeyError) is quarantined."""
    out = []
    for item in items:
        try:
            if not isinstance(item, dict):
                raise ValueError("not an object")
            out.append(build(item))
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
            name = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else "?"
            quarantine(state_dir, kind, item)
            warnings.append(
                f"emulator state: dropped {kind} {name} ({_short(exc)}); it is kept in "
                f"{state_dir / QUARANTINE_FILE}."
            )
    return out


def quarantine(state_dir: Path, kind: str, record: Any) -> None:
    line = json.dumps({"kind": kind, "record": record}, default=repr) + "\n"  # repr: NaN etc. stay readable
    fd = os.open(state_dir / QUARANTINE_FILE, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def check_finite(value: Any, where: str = "record") -> None:
    """Raise ValueError naming the first NaN/Infinity inside `value` (nested dicts and lists)."""
    stack = [(where, value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise ValueError(f"{path} is {item!r}, not a finite number")
        if isinstance(item, dict):
            stack.extend((f"{path}.{k}", v) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((f"{path}[{i}]", v) for i, v in enumerate(item))


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."
