"""The validator's public entry points: `validate_file` and `validate_bytes`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aoft_tui.domain import catalog
from aoft_tui.domain.sizes import byte_size
from aoft_tui.domain.validation.errors import DatasetIOError
from aoft_tui.domain.validation.report import ValidationReport
from aoft_tui.domain.validation.rules.formats import (
    CHAT_FORMAT,
    FORMAT_LABELS,
    RFT_FORMAT,
    detect_format,
    expected_format,
)
from aoft_tui.domain.validation.rules.problems import DEFAULT_CAP_PER_CODE, ProblemLog
from aoft_tui.domain.validation.runner.chunk import ScanConfig
from aoft_tui.domain.validation.runner.engine import FileScan, default_workers, scan_source
from aoft_tui.domain.validation.runner.reader import MAX_LINE_BYTES, SNIFF_BYTES, UTF8_BOM, open_dataset
from aoft_tui.domain.validation.stats import (
    FILES_API_LIMIT,
    MIN_EXAMPLES,
    auto_epochs,
    billed_tokens,
    estimate_cost,
)

DEFAULT_CONTEXT = 65_536  # gpt-4o / gpt-4.1 family, when no model is given


def validate_file(
    train: Path,
    *,
    validation: Path | None = None,
    model: str | None = None,
    method: str | None = None,
    n_epochs: int | None = None,
    prices: dict[str, float] | None = None,
    workers: int | None = None,
    cap_per_code: int = DEFAULT_CAP_PER_CODE,
    progress: Callable[[int, int, int], None] | None = None,
    max_line_bytes: int = MAX_LINE_BYTES,
) -> ValidationReport:
    """Validate a training file (and optionally a validation file) for a fine-tuning job.

    Raises DatasetIOError when a file is missing or unreadable; every problem in the data
    itself is reported, never raised. `progress(bytes_done, bytes_total, lines_done)` is
    called after each chunk (of both files); an exception it raises stops the validation.
    A line over `max_line_bytes` is reported (line_too_long) without being read."""
    train = Path(train)
    head = _read_head(train)
    vhead = _read_head(Path(validation)) if validation is not None else None
    fmt = _decide_format(head, model, method)
    cfg = _config(fmt, model, method, cap_per_code)
    log = ProblemLog(cap_per_code)
    n_workers = workers if workers is not None else default_workers()
    train_progress = valid_progress = None
    if progress is not None:
        train_size = train.stat().st_size
        total = train_size + (Path(validation).stat().st_size if validation is not None else 0)
        train_lines = [0]

        def train_progress(done: int, lines: int) -> None:
            train_lines[0] = lines
            progress(done, total, lines)

        def valid_progress(done: int, lines: int) -> None:
            progress(train_size + done, total, train_lines[0] + lines)

    try:
        scan = scan_source(
            train,
            str(train),
            cfg,
            log,
            workers=n_workers,
            head=head,
            progress=train_progress,
            max_line_bytes=max_line_bytes,
        )
        vscan = None
        if validation is not None:
            vscan = scan_source(
                Path(validation),
                str(validation),
                cfg,
                log,
                workers=n_workers,
                head=vhead,
                progress=valid_progress,
                max_line_bytes=max_line_bytes,
            )
    except OSError as exc:  # the file vanished or became unreadable mid-scan
        raise DatasetIOError(f"{exc.filename or train}: cannot be read ({exc.strerror or exc}).") from None
    return _finish(scan, vscan, log, cfg, model, method, n_epochs, prices)


def validate_bytes(
    data: bytes,
    *,
    model: str | None = None,
    method: str | None = None,
    name: str = "upload.jsonl",
    n_epochs: int | None = None,
    prices: dict[str, float] | None = None,
    cap_per_code: int = DEFAULT_CAP_PER_CODE,
    count_tokens: bool = True,
) -> ValidationReport:
    """Validate an in-memory training file (an upload), in this process.

    count_tokens=False skips the tokenizer (format checks only; token statistics are 0)."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise DatasetIOError(f"{name}: expected the file's bytes, got {type(data).__name__}.")
    data = bytes(data)
    fmt = _decide_format(data[:SNIFF_BYTES], model, method)
    cfg = _config(fmt, model, method, cap_per_code, count_tokens)
    log = ProblemLog(cap_per_code)
    scan = scan_source(data, name, cfg, log)
    return _finish(scan, None, log, cfg, model, method, n_epochs, prices)


def _read_head(path: Path) -> bytes:
    with open_dataset(path) as f:
        try:
            return f.read(SNIFF_BYTES)
        except OSError as exc:
            raise DatasetIOError(f"{path}: cannot be read ({exc.strerror or exc}).") from None


def _decide_format(head: bytes, model: str | None, method: str | None) -> str:
    fmt = expected_format(method, model)
    if fmt is not None:
        return fmt
    detected = detect_format(_first_record(head))
    base = catalog.lookup(model)
    if detected == RFT_FORMAT and base is not None and catalog.REINFORCEMENT not in base.methods:
        # A chat file missing its assistant reply looks like reinforcement data; for a model
        # that cannot do reinforcement, "no assistant message" is the useful report.
        return CHAT_FORMAT
    return detected


def _first_record(head: bytes) -> dict[str, Any] | None:
    """The first line of the head that parses as a JSON object (for format detection)."""
    if head.startswith(UTF8_BOM):
        head = head[len(UTF8_BOM) :]
    for raw in head.split(b"\n")[:50]:
        raw = raw.strip()
        if not raw:
            continue
        try:
            value = json.loads(raw.decode("utf-8"))
        except (ValueError, RecursionError):
            continue
        if isinstance(value, dict):
            return value
    return None


def _config(
    fmt: str, model: str | None, method: str | None, cap: int, count_tokens: bool = True
) -> ScanConfig:
    base = catalog.lookup(model)
    context = base.training_context if base else DEFAULT_CONTEXT
    forced = expected_format(method, model) is not None
    return ScanConfig(
        fmt=fmt,
        method_given=forced,
        encoding=catalog.encoding_for(model),
        context=context,
        cap=cap,
        count_tokens=count_tokens,
    )


def _images_may_be_dropped(log: ProblemLog, name: str, with_images: int, examples: int) -> None:
    # Microsoft Learn, "Vision fine-tuning": images of people, faces or CAPTCHAs are excluded
    # from training; Microsoft Q&A 2225236: unreachable URLs too, and "Number of skipped
    # multimodal examples exceed the maximum allowed 200 limit" fails the job.
    log.add(
        "images_may_be_dropped",
        f"{with_images:,} of {examples:,} examples ({100 * with_images / max(examples, 1):.1f}%) hold "
        "images. The service screens every image before training and drops, without an error, "
        "each example whose image shows people, faces or CAPTCHAs or whose URL it cannot "
        "download; more than 200 dropped examples fail the job. Check those images, and use "
        "public https URLs or data URIs.",
        file=name,
    )


def _finish(
    scan: FileScan,
    vscan: FileScan | None,
    log: ProblemLog,
    cfg: ScanConfig,
    model: str | None,
    method: str | None,
    n_epochs: int | None,
    prices: dict[str, float] | None,
) -> ValidationReport:
    st = scan.stats
    name = st.file
    _model_problems(log, name, model, method, cfg.fmt)
    if scan.readable and 0 < st.examples < MIN_EXAMPLES:
        log.add(
            "too_few_examples",
            f"The file has {st.examples} example(s); Azure requires at least {MIN_EXAMPLES} "
            "(and a few hundred teach a skill far better). Add more examples.",
            file=name,
        )
    if st.size_bytes > FILES_API_LIMIT:
        log.add(
            "needs_uploads_api",
            f"The file is {byte_size(st.size_bytes)}, over the Files API's 512 MiB: "
            "it must be sent with the Uploads API in parts (aoft-tui start does this).",
            file=name,
        )
    if st.image_examples > 50_000:
        log.add(
            "too_many_image_examples",
            f"{st.image_examples:,} examples contain images; Azure allows at most 50,000 per "
            "training file. Split the data or drop some image examples.",
            file=name,
        )
    if st.image_examples:
        _images_may_be_dropped(log, name, st.image_examples, st.examples)
    if vscan is not None:
        _overlap(scan, vscan, log)

    counted = len(scan.lengths)
    st.epochs_auto = n_epochs is None
    st.epochs = n_epochs if n_epochs is not None else auto_epochs(counted)
    st.billed_tokens = billed_tokens(scan.lengths, cfg.context, st.epochs)
    if method != catalog.REINFORCEMENT and cfg.fmt != "reinforcement":
        st.price_per_million = catalog.price_per_million(model, prices)
    st.est_cost_usd = estimate_cost(st.billed_tokens, st.price_per_million)

    order = {name: 0}
    if vscan is not None:
        order[vscan.stats.file] = 1
    problems = sorted(
        log.listed,
        key=lambda p: (p.severity != "error", order.get(p.file, 2), p.line is not None, p.line or 0),
    )
    return ValidationReport(
        stats=st,
        problems=problems,
        counts=dict(log.counts),
        model=model,
        method=method,
        validation_stats=vscan.stats if vscan else None,
        token_lengths=scan.lengths,
    )


def _model_problems(log: ProblemLog, name: str, model: str | None, method: str | None, fmt: str) -> None:
    if not model:
        return
    base = catalog.lookup(model)
    if base is None:
        log.add(
            "unknown_model",
            f"{model!r} is not a fine-tunable base model we know: token counts use "
            f"{catalog.encoding_for(model)} and a {DEFAULT_CONTEXT:,}-token context; no cost "
            "estimate. Check the model name (aoft-tui lists the known ones).",
            file=name,
        )
        return
    wanted = method or {"dpo": catalog.DPO, "reinforcement": catalog.REINFORCEMENT}.get(
        fmt, catalog.SUPERVISED
    )
    if wanted not in base.methods:
        log.add(
            "method_not_supported",
            f"{base.id} cannot be fine-tuned with {wanted} (it supports "
            f"{', '.join(base.methods)}); this {FORMAT_LABELS[fmt]} file needs another model.",
            file=name,
        )


def _overlap(scan: FileScan, vscan: FileScan, log: ProblemLog) -> None:
    train = scan.digests
    for digest, line in vscan.digests.items():
        first = train.get(digest)
        if first is not None:
            vscan.stats.overlap_with_training += 1
            log.add(
                "train_valid_overlap",
                f"The same example is line {first} of the training file: validation loss on "
                "it measures memorisation; remove it from one of the files.",
                file=vscan.stats.file,
                line=line,
            )
