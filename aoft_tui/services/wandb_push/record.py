"""What earlier pushes of a job already wrote, so a push never writes a step twice.

W&B offline runs do not resume: every offline `wandb.init` starts a new folder (same run
id, step 0). So we keep our own record per (entity, project, job) under the state dir,
and trust the run files over it: a push killed after logging step 800 but before saving
the record left those steps in its `.wandb` file, and reading the file back finds them.
"""

from __future__ import annotations

import bisect
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from aoft_tui.services.settings import state_dir


class StepSet:
    """Training steps already in the run, kept as sorted [first, last] ranges (a 100k-step
    job written in order is one range)."""

    def __init__(self, ranges: list[list[int]] | None = None) -> None:
        self.ranges: list[list[int]] = [list(r) for r in ranges or []]

    def __contains__(self, step: int) -> bool:
        i = bisect.bisect_right(self.ranges, [step, float("inf")]) - 1
        return i >= 0 and self.ranges[i][0] <= step <= self.ranges[i][1]

    def __len__(self) -> int:
        return sum(b - a + 1 for a, b in self.ranges)

    def add(self, step: int) -> None:
        if step in self:
            return
        i = bisect.bisect_right(self.ranges, [step, float("inf")])
        self.ranges.insert(i, [step, step])
        # merge with neighbours that now touch
        if i + 1 < len(self.ranges) and self.ranges[i + 1][0] == step + 1:
            self.ranges[i][1] = self.ranges.pop(i + 1)[1]
        if i > 0 and self.ranges[i - 1][1] == step - 1:
            self.ranges[i - 1][1] = self.ranges.pop(i)[1]


@dataclass
class PushRecord:
    run_id: str
    project: str
    entity: str | None
    # the run's last history index (W&B `_step`), and the training steps already written
    last_step: int | None = None
    steps: list[list[int]] = field(default_factory=list)
    artifacts: list[str] = field(default_factory=list)  # names already in the run
    offline_dirs: list[str] = field(default_factory=list)  # in push order
    complete: bool = False
    status: str | None = None
    # the results.csv whose every step is in the run; a record without it (from a push
    # before that was checked) is not trusted to be complete
    results_file: str | None = None

    @classmethod
    def path_for(cls, run_id: str, project: str, entity: str | None) -> Path:
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{entity or '-'}__{project}__{run_id}")
        return state_dir() / "wandb-push" / f"{safe}.json"

    @classmethod
    def load(cls, run_id: str, project: str, entity: str | None) -> PushRecord:
        path = cls.path_for(run_id, project, entity)
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
            return cls(**known)
        except (OSError, ValueError, TypeError):
            return cls(run_id=run_id, project=project, entity=entity)

    def save(self) -> None:
        path = self.path_for(self.run_id, self.project, self.entity)
        path.parent.mkdir(parents=True, exist_ok=True)
        # write-then-rename: a push killed mid-save never leaves a half record
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".push-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(self), fh, indent=2)
        os.replace(tmp, path)

    def add_offline_dir(self, run_dir: Path) -> None:
        if str(run_dir) not in self.offline_dirs:
            self.offline_dirs.append(str(run_dir))

    def reconcile_with_run_files(self) -> None:
        """Add to `last_step`, `steps` and `artifacts` what the earlier offline run files hold."""
        from aoft_tui.services.wandb_push.run_file import read_run

        steps = StepSet(self.steps)
        for directory in self.offline_dirs:
            run_dir = Path(directory)
            if not any(run_dir.glob("*.wandb")):
                continue
            try:
                written = read_run(run_dir)
            except (OSError, ValueError):
                continue
            if written.steps:
                top = max(written.steps)
                self.last_step = top if self.last_step is None else max(self.last_step, top)
            for row in written.history:
                if isinstance(row.get("step"), int):
                    steps.add(row["step"])
            for artifact in written.artifacts:
                if artifact.type != "run_table" and artifact.name not in self.artifacts:
                    self.artifacts.append(artifact.name)
        self.steps = steps.ranges

    def pending_sync_dirs(self) -> list[Path]:
        """Offline folders of this run not yet uploaded by `wandb sync`, oldest first."""
        out = []
        for directory in self.offline_dirs:
            run_dir = Path(directory)
            synced = any(p.name.endswith(".wandb.synced") for p in run_dir.glob("*.synced"))
            if run_dir.is_dir() and not synced:
                out.append(run_dir)
        return out
