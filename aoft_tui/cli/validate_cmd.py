"""`aoft-tui validate`: check a training file before paying for an upload and a failed job.

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 usage or I/O problem.
`--json` prints one stable JSON document on stdout and nothing else.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from aoft_tui.cli import exit_promptly
from aoft_tui.domain import catalog
from aoft_tui.domain.sizes import byte_size
from aoft_tui.domain.validation import CODES, DatasetIOError, ValidationReport, validate_file
from aoft_tui.domain.validation.errors import ValidationStopped
from aoft_tui.domain.validation.rules.formats import FORMAT_LABELS
from aoft_tui.domain.validation.stats import FileStats

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


@click.command("validate")
@click.argument("train", type=click.Path(path_type=Path, dir_okay=True))
@click.option(
    "--validation",
    "validation",
    type=click.Path(path_type=Path),
    default=None,
    help="A validation file to check too (and for overlap with the training file).",
)
@click.option(
    "--model",
    "-m",
    default=None,
    help="Base model (e.g. gpt-4.1-mini): sets the tokenizer, context and price.",
)
@click.option(
    "--method",
    type=click.Choice(list(catalog.METHODS)),
    default=None,
    help="Training method; detected from the file when left out.",
)
@click.option(
    "--n-epochs",
    type=click.IntRange(1, 50),
    default=None,
    help="Epochs for the cost estimate (default: the service's auto rule).",
)
@click.option(
    "--max-per-code",
    type=click.IntRange(1, 10_000),
    default=20,
    show_default=True,
    help="How many problems of each kind to list (all are counted).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes for large files (default: one per core).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document instead of text.")
def command(
    train: Path,
    validation: Path | None,
    model: str | None,
    method: str | None,
    n_epochs: int | None,
    max_per_code: int,
    workers: int | None,
    as_json: bool,
) -> None:
    """Check TRAIN.jsonl (and --validation) for every Azure fine-tuning format rule.

    Reports each problem with its line and place in the record, token statistics exact
    to the model's tokenizer, duplicates, and the estimated training cost.
    """
    prices = _price_overrides()
    try:
        report = validate_file(
            train,
            validation=validation,
            model=model,
            method=method,
            n_epochs=n_epochs,
            prices=prices,
            workers=workers,
            cap_per_code=max_per_code,
        )
    except DatasetIOError as exc:
        if as_json:
            click.echo(
                json.dumps({"schema": "aoft-tui/validation-report/v1", "ok": False, "io_error": str(exc)})
            )
        what = "" if isinstance(exc, ValidationStopped) else "cannot read the dataset: "
        click.echo(f"Error: {what}{exc}", err=True)
        sys.exit(EXIT_USAGE)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(render(report))
    exit_promptly(EXIT_ERRORS if report.has_errors else EXIT_OK)


def _price_overrides() -> dict[str, float]:
    """The [prices] table of the user's settings (USD per 1M training tokens). A broken config
    file is only a warning here: checking a dataset does not need it, list prices do."""
    from aoft_tui.services.settings import ConfigError, load_settings

    try:
        return load_settings().prices
    except ConfigError as exc:
        click.echo(f"Warning: price overrides not loaded ({exc}); using list prices.", err=True)
        return {}


def render(report: ValidationReport) -> str:
    """The human report: summary, statistics, problems grouped by code, cost."""
    out: list[str] = []
    st = report.stats
    out.append(_file_line(st))
    out.extend(_stats_lines(st))
    if report.validation_stats is not None:
        vs = report.validation_stats
        out.append("")
        out.append(_file_line(vs))
        out.extend(_stats_lines(vs))
        out.append(f"  Shared with training   {vs.overlap_with_training:,}")
    out.append("")
    out.append(_cost_line(report))
    out.extend(_problem_lines(report))
    out.append("")
    out.append(_verdict(report))
    return "\n".join(out)


def _file_line(st: FileStats) -> str:
    label = FORMAT_LABELS.get(st.format, st.format)
    return (
        click.style(st.file, bold=True) + f"  {label} · {st.examples:,} examples · "
        f"{st.messages:,} messages · {byte_size(st.size_bytes)}"
    )


def _stats_lines(st: FileStats) -> list[str]:
    t = st.tokens
    if not st.examples:
        return []
    return [
        f"  Tokens per example     min {t.min:,} · mean {t.mean:,.1f} · p50 {t.p50:,} · "
        f"p95 {t.p95:,} · max {t.max:,}  ({st.encoding})",
        f"  Assistant tokens       {st.assistant_tokens:,} (trained on: {st.trained_tokens:,})",
        f"  Over {st.context_tokens:,}-token context  {st.over_context:,} · exact duplicates "
        f"{st.duplicates:,}" + (f" · with images {st.image_examples:,}" if st.image_examples else ""),
    ]


def _cost_line(report: ValidationReport) -> str:
    st = report.stats
    epochs = f"{st.epochs} epoch{'s' if st.epochs != 1 else ''}" + (" (auto)" if st.epochs_auto else "")
    billed = st.billed_tokens or 0
    # Each example is billed up to the context: per epoch that is the capped sum, not the total.
    per_epoch = billed // st.epochs if st.epochs else st.tokens.total
    capped = (
        f" (examples capped at the {st.context_tokens:,}-token context)"
        if per_epoch < st.tokens.total
        else ""
    )
    base = f"Cost      {epochs} × {per_epoch:,} tokens{capped} ≈ {billed:,} billed tokens"
    if st.est_cost_usd is not None and st.price_per_million is not None:
        model = report.model or "the model"
        return (
            base
            + f" × ${st.price_per_million:,.2f}/1M ({model}) ≈ "
            + click.style(f"${st.est_cost_usd:,.2f}", bold=True)
        )
    if st.format == "reinforcement" or report.method == catalog.REINFORCEMENT:
        return base + " (reinforcement fine-tuning is billed per training hour)"
    return base + " (pass --model for a cost estimate)"


def _problem_lines(report: ValidationReport) -> list[str]:
    out: list[str] = []
    for severity, colour in (("error", "red"), ("warning", "yellow")):
        codes = [c for c in report.counts if CODES[c][0] == severity]
        if not codes:
            continue
        total = sum(report.counts[c] for c in codes)
        out.append("")
        out.append(click.style(f"{severity.capitalize()}s ({total:,})", fg=colour, bold=True))
        listed_by_code: dict[str, list] = {}
        for p in report.problems:
            listed_by_code.setdefault(p.code, []).append(p)
        for code in sorted(codes, key=lambda c: _first_line(listed_by_code.get(c, []))):
            n = report.counts[code]
            out.append(f"  {click.style(code, fg=colour)} — {CODES[code][1]} ({n:,})")
            shown = listed_by_code.get(code, [])
            for p in shown:
                out.append(f"    {p.where()} — {p.message}")
            if n > len(shown):
                out.append(f"    … and {n - len(shown):,} more")
    return out


def _first_line(problems: list) -> tuple[int, int]:
    if not problems:
        return (2, 0)
    p = problems[0]
    return (0 if p.line is None else 1, p.line or 0)


def _verdict(report: ValidationReport) -> str:
    e, w = report.error_count, report.warning_count
    if e:
        return click.style(
            f"✗ {e:,} error(s), {w:,} warning(s): fix the errors before uploading.", fg="red", bold=True
        )
    if w:
        return click.style(f"✓ No errors ({w:,} warning(s) worth a look).", fg="green", bold=True)
    return click.style("✓ No problems found.", fg="green", bold=True)
