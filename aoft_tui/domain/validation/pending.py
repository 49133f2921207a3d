"""Texts of checked examples that wait for the tokenizer, packed as UTF-8.

While the tokenizer loads (about 0.45 s for o200k_base, holding the GIL), a head-start
process checks the first chunks and keeps their texts here to be counted once it has
loaded. Packed into one bytes object they cost their UTF-8 size (a list of str objects
costs ~50 bytes more per text) and cross a pipe without a str being rebuilt: quicktok
counts UTF-8 bytes exactly as it counts the str they encode.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator
from itertools import accumulate

from aoft_tui.domain import tokens


class PendingTexts:
    """Per example: its line, its tokens known without encoding, and its prompt, trained
    and weight-0 texts (counted later, in the same order)."""

    __slots__ = ("lines", "fixed", "groups", "sizes", "blob", "_parts")

    def __init__(self) -> None:
        self.lines = array("l")
        self.fixed = array("l")
        self.groups = array("l")  # 3 per example: how many prompt, trained, weight-0 texts
        self.sizes = array("l")  # UTF-8 bytes of each text
        self.blob = b""
        self._parts: list[bytes] = []

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def nbytes(self) -> int:
        return len(self.blob) + sum(map(len, self._parts))

    def add(self, line: int, fixed: int, *groups: list[str]) -> None:
        self.lines.append(line)
        self.fixed.append(fixed)
        parts, sizes = self._parts, self.sizes
        for group in groups:
            self.groups.append(len(group))
            for text in group:
                try:
                    b = text.encode()
                except UnicodeEncodeError:  # lone surrogates: counted as tiktoken counts them
                    b = tokens.scrub_surrogates(text).encode()
                parts.append(b)
                sizes.append(len(b))

    def pack(self) -> PendingTexts:
        """Join the texts into one bytes object (before holding or sending them)."""
        if self._parts:
            self.blob += b"".join(self._parts)
            self._parts = []
        return self

    def __getstate__(self) -> tuple:
        self.pack()
        return self.lines, self.fixed, self.groups, self.sizes, self.blob

    def __setstate__(self, state: tuple) -> None:
        self.lines, self.fixed, self.groups, self.sizes, self.blob = state
        self._parts = []

    def counted(self, count: Callable[[bytes], int]) -> Iterator[tuple[int, int, int, int, int]]:
        """(line, fixed tokens, prompt, trained, weight-0 tokens) per example."""
        self.pack()
        blob = self.blob
        ends = list(accumulate(self.sizes))
        per_text = list(map(count, map(blob.__getitem__, map(slice, [0, *ends[:-1]], ends))))
        groups = self.groups
        k = 0
        for i, line in enumerate(self.lines):
            g = 3 * i
            p_end = k + groups[g]
            t_end = p_end + groups[g + 1]
            u_end = t_end + groups[g + 2]
            yield (line, self.fixed[i], sum(per_text[k:p_end]), sum(per_text[p_end:t_end]),
                   sum(per_text[t_end:u_end]))
            k = u_end
