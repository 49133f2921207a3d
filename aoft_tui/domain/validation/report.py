"""The validation report and its stable JSON schema (`aoft-tui validate --json`)."""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Any

from aoft_tui.domain.validation.rules.codes import ERROR, WARNING, severity_of, title_of
from aoft_tui.domain.validation.rules.problems import Problem
from aoft_tui.domain.validation.stats import FileStats

SCHEMA = "aoft-tui/validation-report/v1"


@dataclass(slots=True)
class ValidationReport:
    stats: FileStats  # the training file (with epochs, billed tokens and cost)
    problems: list[Problem]  # listed problems (capped per code), errors first
    counts: dict[str, int]  # every problem counted, by code
    model: str | None = None
    method: str | None = None
    validation_stats: FileStats | None = None
    # Tokens per counted training example (for the screen's histogram; not in JSON).
    token_lengths: array = field(default_factory=lambda: array("l"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def error_count(self) -> int:
        return sum(n for c, n in self.counts.items() if severity_of(c) == ERROR)

    @property
    def warning_count(self) -> int:
        return sum(n for c, n in self.counts.items() if severity_of(c) == WARNING)

    @property
    def has_errors(self) -> bool:
        return self.error_count > 0

    @property
    def ok(self) -> bool:
        return not self.has_errors

    def first_error(self) -> Problem | None:
        """The first blocking problem in file order (whole-file problems first)."""
        errors = self.errors
        if not errors:
            return None
        return min(errors, key=lambda p: (p.line is not None, p.line or 0))

    def to_json(self) -> dict[str, Any]:
        """One stable document: keys are only ever added, never renamed or removed."""
        return {
            "schema": SCHEMA,
            "ok": self.ok,
            "model": self.model,
            "method": self.method,
            "summary": {
                "errors": self.error_count,
                "warnings": self.warning_count,
                "listed": len(self.problems),
            },
            "stats": self.stats.to_json(),
            "validation_stats": self.validation_stats.to_json() if self.validation_stats else None,
            "problem_counts": {
                code: {"severity": severity_of(code), "count": n, "title": title_of(code)}
                for code, n in sorted(self.counts.items())
            },
            "problems": [p.to_json() for p in self.problems],
        }
