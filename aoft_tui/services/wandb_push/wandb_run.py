"""Everything that touches the wandb SDK, on one explicit run object (never `wandb.run`).

wandb is imported here only, inside the methods, so nothing the TUI loads at start pulls
it in; console capture is off and wandb is silent, so no output reaches a Textual screen.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from aoft_tui.services.wandb_push.dataset_table import COLUMNS, RUN_TABLE_MAX_ROWS, TableFileWriter, iter_rows
from aoft_tui.services.wandb_push.options import PushError, PushOptions, RunMode

# An online init that cannot reach W&B gives up after this long (never a hang).
ONLINE_INIT_TIMEOUT = 20.0


class WandbRun:
    """A W&B run for one job, opened in a given mode, written through explicit calls."""

    def __init__(self, run: Any, mode: str) -> None:
        self.run = run
        self.mode = mode

    @classmethod
    def open(cls, job_id: str, options: PushOptions, mode: RunMode) -> WandbRun:
        import wandb

        _silence(wandb)
        _no_pandas_probe()
        settings = wandb.Settings(
            console="off",
            silent=True,
            quiet=True,
            disable_git=True,
            disable_code=True,
            save_code=False,
            x_disable_stats=True,
            init_timeout=ONLINE_INIT_TIMEOUT,
        )
        # Resolved per push, not left to wandb: its process-wide settings keep the first
        # push's directory, and a later push (another WANDB_DIR, another cwd) must not
        # land there.
        base = options.wandb_dir or Path(os.environ.get("WANDB_DIR") or os.getcwd())
        base.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, Any] = {"dir": str(base)}
        try:
            run = wandb.init(
                project=options.project,
                entity=options.entity,
                id=job_id,
                name=job_id,
                job_type="fine-tune",
                mode=mode,
                resume="allow",
                reinit="create_new",
                settings=settings,
                **kwargs,
            )
        except Exception as exc:  # wandb raises many kinds; the user needs one sentence
            # A failed init leaves its run id "in use" in wandb's service process, which
            # would refuse the next push of this job (say, offline) in this process:
            # start a fresh service next time.
            with contextlib.suppress(Exception):
                wandb.teardown()
            hint = " Check the network, or push with --mode offline." if mode == "online" else ""
            raise PushError(f"W&B could not start the run: {exc}.{hint}") from exc
        # Charts plot against the training step (results.csv's `step` column).
        run.define_metric("step")
        run.define_metric("*", step_metric="step")
        return cls(run, mode)

    # --- where the run lives ----------------------------------------------------------------
    @property
    def run_dir(self) -> Path:
        return Path(self.run.settings.sync_dir)

    @property
    def url(self) -> str | None:
        return self.run.url if self.mode == "online" else None

    @property
    def resumed_last_step(self) -> int | None:
        """Online resume: the last step the server already has (None when fresh)."""
        if self.mode != "online" or not self.run.resumed:
            return None
        return self.run.starting_step - 1 if self.run.starting_step > 0 else None

    def server_steps(self) -> list[int] | None:
        """Online, resuming a run this machine has no record of (pushed from elsewhere):
        the training steps the server already holds. None when it cannot tell."""
        import wandb

        try:
            api = wandb.Api(timeout=20)
            remote = api.run(f"{self.run.entity}/{self.run.project}/{self.run.id}")
            rows = remote.scan_history(keys=["step"], page_size=1000)
            return [int(row["step"]) for row in rows if row.get("step") is not None]
        except Exception:
            return None

    # --- writing ----------------------------------------------------------------------------
    def update_config(self, values: dict[str, Any]) -> None:
        self.run.config.update(values, allow_val_change=True)

    def log_step(self, row: dict[str, Any], step: int) -> None:
        self.run.log(row, step=step)

    def update_summary(self, values: dict[str, Any]) -> None:
        self.run.summary.update(values)

    def summary_table(self, key: str, columns: list[str], rows: list[list[Any]]) -> str | None:
        """Put a Table in the run summary (no history step), cut to W&B's in-run limit.
        Returns a note when rows were left out of the in-run copy."""
        import wandb

        shown = rows[:RUN_TABLE_MAX_ROWS]
        self.run.summary[key] = wandb.Table(columns=_column_keys(columns), data=shown)
        if len(rows) > len(shown):
            note = f"{key}: the run shows the first {len(shown):,} of {len(rows):,} rows (W&B's in-run Table limit)"
            self.run.summary[f"{key}_note"] = note
            return note
        return None

    def log_dataset(
        self,
        *,
        prefix: str,
        artifact_type: str,
        file_id: str,
        raw_path: Path,
        work_dir: Path,
        on_rows: Callable[[int], None],
    ) -> tuple[str, int, str | None]:
        """Log `<prefix>-<file_id>`: the raw file plus a Table of every example (streamed to
        disk), and a preview Table in the run. Returns (artifact name, rows, note)."""
        import wandb

        name = artifact_name(prefix, file_id)
        table_path = work_dir / f"{name}.table.json"
        preview: list[list[Any]] = []
        with table_path.open("w", encoding="utf-8") as fh:
            writer = TableFileWriter(fh, COLUMNS)
            for row in iter_rows(raw_path):
                writer.add(row)
                if len(preview) < RUN_TABLE_MAX_ROWS:
                    preview.append(row)
                if writer.rows % 5000 == 0:
                    on_rows(writer.rows)
            writer.close()
        rows = writer.rows
        on_rows(rows)
        artifact = wandb.Artifact(name, type=artifact_type, metadata={"items": rows, "file_id": file_id})
        artifact.add_file(str(raw_path), name=file_id)
        artifact.add_file(str(table_path), name=f"{file_id}.table.json")
        self._publish(artifact, ["latest", file_id], as_input=True)
        note = None
        key = f"{prefix}_data"
        columns, shown = _without_empty_columns(COLUMNS, preview)
        self.run.summary[key] = wandb.Table(columns=_column_keys(columns), data=shown, allow_mixed_types=True)
        if rows > len(preview):
            note = (
                f"{key}: the run shows the first {len(preview):,} of {rows:,} examples "
                f"(W&B's in-run Table limit); artifact {name} holds all {rows:,}"
            )
            self.run.summary[f"{key}_note"] = note
        self.update_config({f"n_{prefix}": rows})
        return name, rows, note

    def log_model_metadata(
        self,
        *,
        job_id: str,
        metadata: dict[str, Any],
        tables: Iterable[tuple[str, list[str], list[list[Any]]]],
        work_dir: Path,
        name: str = "model-metadata",
    ) -> str:
        """`model-metadata` (type `model`): the job's metadata, plus the full event and
        checkpoint tables; aliases `latest` and the job id."""
        import wandb

        artifact = wandb.Artifact(name, type="model", metadata=metadata)
        with artifact.new_file("model_metadata.json", mode="w", encoding="utf-8") as fh:
            json.dump(metadata, fh, indent=2)
        for table_name, columns, rows in tables:
            path = work_dir / f"{job_id}-{table_name}.table.json"
            with path.open("w", encoding="utf-8") as fh:
                writer = TableFileWriter(fh, columns)
                for row in rows:
                    writer.add(row)
                writer.close()
            artifact.add_file(str(path), name=f"{table_name}.table.json")
        self._publish(artifact, ["latest", job_id], as_input=False)
        return name

    def _publish(self, artifact: Any, aliases: list[str], *, as_input: bool) -> None:
        # Datasets are inputs of the run online (as WandbLogger does); offline W&B refuses
        # use_artifact, so they are logged as outputs and `wandb sync` uploads them.
        if as_input and self.mode == "online":
            self.run.use_artifact(artifact, aliases=aliases)
        else:
            self.run.log_artifact(artifact, aliases=aliases)

    def finish(self, *, failed: bool = False) -> None:
        self.run.finish(exit_code=1 if failed else 0)


# Always shown in the run's table, even when empty, so every dataset looks alike.
_KEPT_COLUMNS = frozenset({"line", "format", "role: system", "role: user", "role: assistant"})


def _without_empty_columns(columns: list[str], rows: list[list[Any]]) -> tuple[list[str], list[list[Any]]]:
    """The in-run preview leaves out columns no example uses (e.g. `rejected` outside DPO):
    a tidier table, and less for W&B to type-check. The artifact keeps every column."""
    keep = [i for i, c in enumerate(columns) if c in _KEPT_COLUMNS or any(r[i] is not None for r in rows)]
    if len(keep) == len(columns):
        return columns, rows
    for n, row in enumerate(rows):  # in place: never two copies of the preview at once
        rows[n] = [row[i] for i in keep]
    return [columns[i] for i in keep], rows


def _silence(wandb: Any) -> None:
    """wandb's own messages (`wandb: …` hints, warnings) go to the log, never to stderr:
    in the dashboard stderr is the screen. Process-wide, as wandb's terminal is."""
    quiet = wandb.Settings(silent=True, quiet=True, show_info=False, show_warnings=False, show_errors=False)
    wandb.setup(settings=quiet)
    wandb.termsetup(quiet, logging.getLogger("aoft_tui.wandb"))


def _no_pandas_probe() -> None:
    """wandb asks of every value logged "is this a pandas DataFrame?", importing pandas to
    ask whenever it is installed: ~0.3 s of a push that never logs one (bench/push.py).
    With the flag off it compares type names instead — the same answer for our values.
    Left alone if pandas is already loaded (then the question is cheap and exact)."""
    import sys

    from wandb import util

    if "pandas" not in sys.modules and getattr(util, "pd_available", False):
        util.pd_available = False


def artifact_name(prefix: str, file_id: str) -> str:
    # W&B artifact names allow only letters, digits, _ - . (same rule as WandbLogger)
    return re.sub(r"[^a-zA-Z0-9_\-.]", "_", f"{prefix}-{file_id}")


def _column_keys(columns: Sequence[str]) -> list[str | int]:
    """Column names as wandb's Table types them: a list[str | int] (lists are invariant, so a
    list[str] is not one to mypy)."""
    return list(columns)
