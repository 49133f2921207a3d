"""The dashboard's remembered state — filter, sort, marked jobs, last selected job — per resource.

One small JSON file per endpoint under `state_dir()/ui/`, written atomically (a temp file
renamed over the old one), so a kill at any moment leaves the previous state or the new
one, never half of either. A corrupt or foreign file is ignored: `load()` then returns
the defaults and a notice saying which file was set aside and why.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from aoft_tui.services.settings import state_dir

FORMAT = 1
MAX_MARKED = 500
MAX_FILE_BYTES = 256 * 1024


@dataclass(slots=True)
class UiState:
    filter: str = ""
    sort_column: str = "created"
    sort_reverse: bool = True
    marked: list[str] = field(default_factory=list)
    selected: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> UiState:
        """Raises ValueError for anything but the shape `to_json` writes."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not a saved dashboard state of this version")
        state = cls()
        for name, kind in (("filter", str), ("sort_column", str), ("sort_reverse", bool)):
            if name in data:
                if not isinstance(data[name], kind):
                    raise ValueError(f"'{name}' should be a {kind.__name__}")
                setattr(state, name, data[name])
        marked = data.get("marked", [])
        if not isinstance(marked, list) or not all(isinstance(m, str) for m in marked):
            raise ValueError("'marked' should be a list of job ids")
        state.marked = marked[:MAX_MARKED]
        selected = data.get("selected")
        if selected is not None and not isinstance(selected, str):
            raise ValueError("'selected' should be a job id")
        state.selected = selected
        return state

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, **asdict(self), "marked": self.marked[:MAX_MARKED]}


class UiStateStore:
    """Load and save the state of one endpoint's dashboard."""

    def __init__(self, endpoint: str, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else state_dir() / "ui"
        digest = hashlib.sha256(endpoint.encode()).hexdigest()[:24]
        self.path = self.directory / f"{digest}.json"
        self._written: bytes | None = None

    def load(self) -> tuple[UiState, str | None]:
        """(the state, a notice when the file was unusable and is ignored)."""
        try:
            if self.path.stat().st_size > MAX_FILE_BYTES:
                return UiState(), f"{self.path} is too large to be a saved dashboard state; it is ignored."
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return UiState(), None
        except OSError as exc:
            return UiState(), f"Cannot read {self.path} ({exc.strerror or exc}); starting with the defaults."
        try:
            state = UiState.from_json(json.loads(raw))
        except (ValueError, UnicodeDecodeError) as exc:
            return UiState(), (
                f"{self.path} is damaged ({exc}); it is ignored and will be replaced "
                "with the current filter, sort and marks."
            )
        self._written = raw
        return state, None

    def save(self, state: UiState) -> bool:
        """Write `state` if it changed; True when written. A read-only disk costs only the memory."""
        data = json.dumps(state.to_json(), separators=(",", ":"), ensure_ascii=False).encode()
        if data == self._written:
            return False
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=f".{self.path.name}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return False
        self._written = data
        return True
