"""What scanning one chunk takes (ScanConfig) and gives (ChunkResult): plain data, so
both pickle to and from a worker process."""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

from aoft_tui.domain.validation.runner.pending import PendingTexts

# (code, line relative to the chunk, location, message)
RawProblem = tuple[str, int | None, str | None, str]


@dataclass(frozen=True, slots=True)
class ScanConfig:
    fmt: str  # the file's format (detected or required by the method)
    method_given: bool  # a record of another format is then "wrong for the method", not "mixed"
    encoding: str  # tiktoken encoding name
    context: int  # training context of the model, in tokens
    cap: int = 20  # problems listed per code per chunk (the merge caps again)
    count_tokens: bool = True  # False: format checks only (the emulator's upload check)


@dataclass(slots=True)
class ChunkResult:
    lines: int = 0
    examples: int = 0  # non-blank lines
    messages: int = 0
    image_examples: int = 0
    problems: list[RawProblem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    token_lengths: list[int] = field(default_factory=list)  # per example that was counted
    assistant_tokens: int = 0
    trained_tokens: int = 0
    # A 64-bit hash per non-blank line (duplicates), and its line. Arrays: 8 bytes an
    # entry where a list of ints costs ~40, and they pickle as one block.
    digests: array = field(default_factory=lambda: array("Q"))
    digest_lines: array = field(default_factory=lambda: array("i"))
    # Examples checked but not yet counted: see scan.scan_chunk_deferred.
    pending: PendingTexts | None = None

    def add(self, cap: int, code: str, line: int | None, location: str | None, message: str) -> None:
        n = self.counts.get(code, 0)
        self.counts[code] = n + 1
        if n < cap:
            self.problems.append((code, line, location, message))

    def add_over_context(self, cfg: ScanConfig, lineno: int, n: int) -> None:
        self.add(
            cfg.cap,
            "over_context",
            lineno,
            None,
            f"The example has {n:,} tokens, over the model's training context of {cfg.context:,}: "
            "it will be truncated. Shorten or split it.",
        )
