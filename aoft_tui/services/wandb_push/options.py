"""What a push is asked to do, what it reports while it runs, and what it returns."""

from __future__ import annotations

import netrc
import os
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

MODES = ("auto", "online", "offline")
RunMode = Literal["online", "offline"]  # what `auto` resolves to
DEFAULT_PROJECT = "OpenAI-Fine-Tune"
DEFAULT_HOST = "https://api.wandb.ai"


@dataclass(frozen=True)
class PushOptions:
    project: str = DEFAULT_PROJECT
    entity: str | None = None
    mode: str = "auto"  # auto | online | offline
    datasets: bool = True
    follow: bool = False
    # seconds between polls while following a running job
    poll_interval: float = 10.0
    # where wandb writes run folders (None: WANDB_DIR or the current directory)
    wandb_dir: Path | None = None


@dataclass(frozen=True)
class PushProgress:
    """One progress report: a stage, a human sentence, and counts when they are known."""

    stage: str  # connect | config | metrics | datasets | tables | model | finish | follow
    message: str
    done: int | None = None
    total: int | None = None


ProgressCallback = Callable[[PushProgress], None]


@dataclass
class PushResult:
    job_id: str
    status: str
    mode: str  # online | offline
    project: str
    entity: str | None
    run_id: str
    steps_logged: int = 0
    last_step: int | None = None
    complete: bool = False  # the job ended and everything about it is in the run
    # what the run still lacks because Azure refused part of it, and how to finish it
    incomplete: str | None = None
    url: str | None = None
    run_dir: Path | None = None
    sync_dirs: list[Path] = field(default_factory=list)
    artifacts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def sync_command(self) -> str | None:
        """The exact command that uploads every offline folder of this run, in order."""
        if self.mode != "offline" or not self.sync_dirs:
            return None
        dirs = " ".join(shlex.quote(str(d)) for d in self.sync_dirs)
        return f"wandb sync --id {shlex.quote(self.run_id)} {dirs}"

    def to_json(self) -> dict[str, object]:
        return {
            "job_id": self.job_id,
            "status": self.status,
            "mode": self.mode,
            "project": self.project,
            "entity": self.entity,
            "run_id": self.run_id,
            "url": self.url,
            "run_dir": str(self.run_dir) if self.run_dir else None,
            "sync_command": self.sync_command,
            "steps_logged": self.steps_logged,
            "last_step": self.last_step,
            "complete": self.complete,
            "incomplete": self.incomplete,
            "artifacts": self.artifacts,
            "notes": self.notes,
        }


class PushError(Exception):
    """A push cannot go on; the message says what to do."""

    title = "W&B push failed"


def wandb_host() -> str:
    return os.environ.get("WANDB_BASE_URL") or DEFAULT_HOST


def logged_in() -> bool:
    """A W&B key is at hand (WANDB_API_KEY, or netrc for the W&B host) — no network."""
    if os.environ.get("WANDB_API_KEY"):
        return True
    host = urlparse(wandb_host()).hostname or ""
    # NETRC, when set, is the only netrc file (as curl and wandb read it)
    given = os.environ.get("NETRC")
    candidates = [Path(given)] if given else [Path.home() / ".netrc", Path.home() / "_netrc"]
    for candidate in candidates:
        if not candidate.is_file():
            continue
        try:
            if netrc.netrc(str(candidate)).authenticators(host):
                return True
        except (netrc.NetrcParseError, OSError):
            continue
    return False


def resolve_mode(mode: str) -> RunMode:
    """auto → online when logged in (and WANDB_MODE does not say offline), else offline."""
    if mode not in MODES:
        raise PushError(f"Unknown mode {mode!r}: use one of {', '.join(MODES)}.")
    if mode == "online":
        if not logged_in():
            raise PushError(
                "Not logged in to W&B: run `wandb login` or set WANDB_API_KEY, "
                "or push with --mode offline and upload later with `wandb sync`."
            )
        return "online"
    if mode == "offline":
        return "offline"
    if os.environ.get("WANDB_MODE", "").lower() in ("offline", "dryrun", "disabled"):
        return "offline"
    return "online" if logged_in() else "offline"
