"""Push one fine-tuning job to a W&B run: the service the CLI and the dashboard share.

Any job state: a finished job (succeeded, failed, cancelled) is written whole; a running
job is written as far as it got (or followed to its end with `follow`). Pushing again
continues the same run id and writes only steps the run does not have yet.
"""

from __future__ import annotations

import contextlib
import functools
import tempfile
import threading
from pathlib import Path

from aoft_tui.domain.models import Job, JobEvent, JobStatus, MetricPoint
from aoft_tui.services.errors import ServiceError
from aoft_tui.services.finetuning import FineTuningService
from aoft_tui.services.metrics_source import metrics_from_events
from aoft_tui.services.results_csv import ResultsFormatError, parse_results_csv
from aoft_tui.services.wandb_push.job_tables import (
    CHECKPOINT_COLUMNS,
    EVENT_COLUMNS,
    checkpoint_rows,
    event_rows,
    job_config,
    job_summary,
    metric_row,
)
from aoft_tui.services.wandb_push.options import (
    ProgressCallback,
    PushOptions,
    PushProgress,
    PushResult,
    resolve_mode,
)
from aoft_tui.services.wandb_push.record import PushRecord, StepSet
from aoft_tui.services.wandb_push.wandb_run import WandbRun, artifact_name

_DATASETS = (("train", "training_files", "training_file"), ("valid", "validation_files", "validation_file"))


def push_job(
    service: FineTuningService,
    job_id: str,
    options: PushOptions | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> PushResult:
    """Push `job_id` to W&B and return where it went. Raises ServiceError (Azure) or
    PushError (W&B); an exception from `progress` aborts the push (the next push resumes)."""
    options = options or PushOptions()
    report = progress or (lambda _p: None)
    job = service.get_job(job_id)
    mode = resolve_mode(options.mode)
    record = PushRecord.load(job.id, options.project, options.entity)
    if mode == "offline":
        record.reconcile_with_run_files()
    result = PushResult(
        job_id=job.id,
        status=str(job.status),
        mode=mode,
        project=options.project,
        entity=options.entity,
        run_id=job.id,
        last_step=max((r[1] for r in record.steps), default=None),
    )
    if _nothing_new(record, job, options):
        result.complete = True
        result.artifacts = list(record.artifacts)
        result.sync_dirs = record.pending_sync_dirs()
        result.run_dir = Path(record.offline_dirs[-1]) if record.offline_dirs else None
        result.notes.append("Already pushed completely; nothing new to write.")
        report(PushProgress("finish", result.notes[-1]))
        return result

    report(PushProgress("connect", f"Opening W&B run {job.id} ({mode})…"))
    wb = WandbRun.open(job.id, options, mode)
    try:
        if mode == "offline":
            record.add_offline_dir(wb.run_dir)
            record.save()  # so a push killed from here on is found and completed next time
        elif wb.resumed_last_step is not None:
            _adopt_server_history(wb, record, result)
        pusher = _Pusher(service, job, options, wb, record, result, report, cancel)
        with tempfile.TemporaryDirectory(prefix="aoft-push-") as work:
            try:
                pusher.run(Path(work))
            except _Stopped:
                result.notes.append("Stopped before the end; push again to continue.")
            failed = result.complete and pusher.job.status in (JobStatus.FAILED, JobStatus.CANCELLED)
            report(PushProgress("finish", "Finishing the W&B run…"))
            wb.finish(failed=failed)
    except BaseException:
        # Flush what was written and remember it; the next push continues from there.
        with contextlib.suppress(Exception):
            wb.finish(failed=True)
            record.save()
        raise
    record.save()
    result.url = wb.url
    result.run_dir = wb.run_dir if mode == "offline" else None
    result.sync_dirs = record.pending_sync_dirs() if mode == "offline" else []
    result.artifacts = list(record.artifacts)
    report(PushProgress("finish", _done_message(result)))
    return result


def _adopt_server_history(wb: WandbRun, record: PushRecord, result: PushResult) -> None:
    """Online resume: the server's run may hold steps this machine never wrote."""
    last = wb.resumed_last_step
    assert last is not None
    record.last_step = max(record.last_step if record.last_step is not None else -1, last)
    if record.steps:
        return
    steps = StepSet()
    server = wb.server_steps()
    if server is None:
        # Unknown: take every step up to the run's last index as written (never a
        # duplicate; a gap there stays a gap) and say so.
        steps.ranges.append([0, last])
        result.notes.append(
            f"Could not read the run's history from W&B; steps up to {last} were assumed written."
        )
    for step in server or []:
        steps.add(step)
    record.steps = steps.ranges


def _nothing_new(record: PushRecord, job: Job, options: PushOptions) -> bool:
    if not (record.complete and job.status.is_terminal and record.status == str(job.status)):
        return False
    if job.result_files and record.results_file != job.result_files[0]:
        return False  # not known to hold every step of results.csv: check again
    wanted = {artifact_name(p, f) for p, _t, attr in _DATASETS if (f := getattr(job, attr))}
    return not options.datasets or wanted <= set(record.artifacts)


class _Stopped(Exception):
    """The user asked to stop (esc in the dialog, Ctrl-C on the command line)."""


class _Pusher:
    def __init__(self, service, job, options, wb, record, result, report, cancel) -> None:
        self.service: FineTuningService = service
        self.job: Job = job
        self.options: PushOptions = options
        self.wb: WandbRun = wb
        self.record: PushRecord = record
        self.result: PushResult = result
        self.report: ProgressCallback = report
        self.cancel = cancel or threading.Event()
        self.pending: dict[int, dict[str, float]] = {}
        self.written = StepSet(record.steps)
        record.steps = self.written.ranges  # the same list: the record follows every write
        self.events: list[JobEvent] | None = None

    def run(self, work: Path) -> None:
        self.report(PushProgress("config", "Writing the job's config…"))
        self.wb.update_config(job_config(self.job))
        if self.options.datasets:
            self._datasets(work)
        if self.job.status.is_terminal:
            self._write_final(work)
        elif self.options.follow:
            self._follow(work)
        else:
            self._write(self.service.metrics(self.job.id), final=False)
            self.result.notes.append(
                f"The job is {self.job.status}: push again later (or follow it) to complete the run."
            )
        self._finalize(work)

    # --- metrics ----------------------------------------------------------------------------
    def _write(self, points: list[MetricPoint], *, final: bool) -> None:
        """Write each training step the run lacks, once, in step order.

        While a job runs, metrics events may cover only some steps (e.g. every 10th) and
        results.csv fills the rest when it ends; W&B history is append-only, so a step
        that arrives late goes in the next history row, and charts use `step` (the
        training step) as their x axis. Until the job ends the newest step is held back:
        results.csv may complete its row (full_valid_*)."""
        for point in points:
            if point.step not in self.written:
                self.pending.setdefault(point.step, {}).update(point.values)
        ready = sorted(self.pending)
        if not final and ready:
            ready = ready[:-1]
        total = len(ready)
        for done, step in enumerate(ready, start=1):
            self._check_cancel()
            values = self.pending.pop(step)
            last = self.record.last_step if self.record.last_step is not None else -1
            # same history index as the training step when possible (as WandbLogger)
            index = step if step > last else last + 1
            self.wb.log_step(metric_row(MetricPoint(step, values)), step=index)
            self.record.last_step = index
            self.written.add(step)
            self.result.steps_logged += 1
            if done % 200 == 0 or done == total:
                self.report(PushProgress("metrics", f"Logged step {step:,}", done, total))
        self.result.last_step = max((r[1] for r in self.written.ranges), default=None)

    def _write_final(self, work: Path) -> None:
        """Write an ended job's every step, from its results.csv.

        Metrics events cover only some steps (every 10th), so when results.csv cannot be
        read the push writes no metrics and says it is incomplete: writing the events as
        the whole job would make every later push think nothing is left to write."""
        points = self._final_points(work)
        if points is None:
            return
        self._write(points, final=True)
        missing = [p.step for p in points if p.step not in self.written]
        if missing:  # never call a run complete that lacks a step of the results file
            self.result.incomplete = (
                f"{len(missing):,} steps of results.csv (first: {missing[0]}) are not in the run; "
                "push again to complete it."
            )
        elif self.job.result_files:
            self.record.results_file = self.job.result_files[0]

    def _final_points(self, work: Path) -> list[MetricPoint] | None:
        if not self.job.result_files:
            if self.job.status == JobStatus.SUCCEEDED:
                self.result.incomplete = (
                    "Azure has not published the job's results.csv yet, so its metrics are not in "
                    "the run; push again later to complete it."
                )
                return None
            # ended before training (e.g. its file failed validation): the events are all there is
            return self.service.metrics(self.job.id, job=self.job)
        file_id = self.job.result_files[0]
        self.report(PushProgress("metrics", f"Downloading results.csv ({file_id})…"))
        try:
            path = self.service.download_file(file_id, work / f"{file_id}.csv")
            return parse_results_csv(path.read_bytes())
        except (ServiceError, ResultsFormatError) as exc:
            title = getattr(exc, "title", "Not a results file")
            self.result.incomplete = (
                f"results.csv ({file_id}) could not be downloaded ({title}: {exc}), so the job's metrics "
                "are not in the run yet; push again to complete it."
            )
            self.report(PushProgress("metrics", self.result.incomplete))
            return None

    def _check_cancel(self) -> None:
        if self.cancel.is_set():
            raise _Stopped

    def _follow(self, work: Path) -> None:
        last_event_id: str | None = None
        seen: list[JobEvent] = []
        while True:
            new = self.service.events_since(self.job.id, last_event_id)
            if new:
                last_event_id = new[-1].id
                seen.extend(new)
            self.job = self.service.get_job(self.job.id)
            if self.job.status.is_terminal:
                break
            self._write(metrics_from_events(new), final=False)
            self.report(
                PushProgress("follow", f"Following: {self.job.status}, {len(self.written):,} steps written")
            )
            if self.cancel.wait(self.options.poll_interval):
                self.result.notes.append("Follow stopped before the job ended; push again to continue.")
                break
        self.events = seen
        if self.job.status.is_terminal:
            self.report(PushProgress("metrics", f"Job {self.job.status}: completing from results…"))
            self._write_final(work)

    # --- datasets, tables, model ------------------------------------------------------------
    def _datasets(self, work: Path) -> None:
        for prefix, artifact_type, attr in _DATASETS:
            file_id = getattr(self.job, attr)
            if not file_id or artifact_name(prefix, file_id) in self.record.artifacts:
                continue
            self._check_cancel()
            self.report(PushProgress("datasets", f"Downloading {file_id}…"))
            try:
                raw = self.service.download_file(file_id, work / file_id)
            except ServiceError as exc:  # e.g. the file was deleted: the rest still goes
                skipped = (
                    f"{file_id} could not be downloaded ({exc.title}: {exc}); no {prefix} dataset in the run."
                )
                self.result.notes.append(skipped)
                self.report(PushProgress("datasets", skipped))
                continue
            name, rows, note = self.wb.log_dataset(
                prefix=prefix,
                artifact_type=artifact_type,
                file_id=file_id,
                raw_path=raw,
                work_dir=work,
                on_rows=functools.partial(self._report_rows, file_id),
            )
            self.record.artifacts.append(name)
            if note:
                self.result.notes.append(note)
                self.report(PushProgress("datasets", note))

    def _report_rows(self, file_id: str, rows: int) -> None:
        self.report(PushProgress("datasets", f"{file_id}: {rows:,} examples"))

    def _finalize(self, work: Path) -> None:
        job = self.job
        self.wb.update_config(job_config(job))  # status/fine_tuned_model may have changed
        self.wb.update_summary(job_summary(job))
        self.result.status = str(job.status)
        # Events and checkpoints so far, in any state: summary Tables are replaced, not
        # appended, so pushing again never duplicates them.
        self.report(PushProgress("tables", "Writing events and checkpoints…"))
        events = self.events if self.events is not None else self.service.events_since(job.id, None)
        tables = [
            ("events", EVENT_COLUMNS, event_rows(events)),
            ("checkpoints", CHECKPOINT_COLUMNS, checkpoint_rows(self.service.checkpoints(job.id))),
        ]
        for key, columns, rows in tables:
            note = self.wb.summary_table(key, columns, rows)
            if note:
                self.result.notes.append(note + "; artifact model-metadata holds all")
        if not job.status.is_terminal:
            return
        if "model-metadata" not in self.record.artifacts or self.record.status != str(job.status):
            self.report(PushProgress("model", "Logging model-metadata…"))
            self.wb.log_model_metadata(job_id=job.id, metadata=job_config(job), tables=tables, work_dir=work)
            if "model-metadata" not in self.record.artifacts:
                self.record.artifacts.append("model-metadata")
        self.record.status = str(job.status)
        # complete only when nothing is missing; otherwise the next push writes what is
        self.record.complete = self.result.complete = not self.result.incomplete


def _done_message(result: PushResult) -> str:
    where = result.url or (f"offline run {result.run_dir}" if result.run_dir else "W&B")
    if result.incomplete:
        state = "INCOMPLETE: " + result.incomplete
    else:
        state = "complete" if result.complete else f"job {result.status}, push again later to continue"
    return f"Pushed {result.steps_logged:,} new steps to {where} ({state})."
