"""Problems found in a dataset, and a log that keeps the listing short.

A 100,000-line file with the same mistake on every line must not print 100,000 lines:
the log lists the first `cap` problems of each code and counts the rest.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from aoft_tui.domain.validation.rules.codes import ERROR, WARNING, severity_of

DEFAULT_CAP_PER_CODE = 20


@dataclass(frozen=True, slots=True)
class Problem:
    severity: str  # "error" | "warning"
    code: str
    line: int | None  # 1-based line in `file`; None for whole-file problems
    location: str | None  # where in the record, e.g. "messages[2].content"
    message: str  # what is wrong and how to fix it
    file: str

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def where(self) -> str:
        """`file:line location` as the CLI prints it."""
        place = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{place} {self.location}" if self.location else place


class ProblemLog:
    """Collects problems: every one counted, the first `cap` of each code kept."""

    def __init__(self, cap_per_code: int = DEFAULT_CAP_PER_CODE) -> None:
        self.cap = cap_per_code
        self.listed: list[Problem] = []
        self.counts: dict[str, int] = {}

    def add(
        self, code: str, message: str, *, file: str, line: int | None = None, location: str | None = None
    ) -> None:
        n = self.counts.get(code, 0)
        self.counts[code] = n + 1
        if n < self.cap:
            self.listed.append(Problem(severity_of(code), code, line, location, message, file))

    def add_problem(self, p: Problem, count: int = 1) -> None:
        """Merge a problem found elsewhere (a worker process)."""
        n = self.counts.get(p.code, 0)
        self.counts[p.code] = n + count
        if n < self.cap:
            self.listed.append(p)

    def add_uncounted(self, code: str, n: int) -> None:
        """Count `n` more problems of `code` that a worker found but did not list."""
        self.counts[code] = self.counts.get(code, 0) + n

    def count(self, severity: str) -> int:
        return sum(n for code, n in self.counts.items() if severity_of(code) == severity)

    @property
    def error_count(self) -> int:
        return self.count(ERROR)

    @property
    def warning_count(self) -> int:
        return self.count(WARNING)

    def sorted(self) -> list[Problem]:
        """Errors before warnings; within each, in the order found (file by file, by line)."""
        return sorted(self.listed, key=lambda p: p.severity != ERROR)
