"""The texts of a chunk's checked examples, as spans to count once a tokenizer is at hand.

Checking and counting are apart so that checking can start before the tokenizer has
loaded (the load holds the GIL): a head-start process checks the
first chunks meanwhile and keeps, per text, where it lies instead of the text itself.
- A plain chat text (fastpath.py) is a span of the chunk's own bytes: the content's UTF-8
  between its quotes, or its whole JSON literal when it has escapes (decoded when counted).
- Any other text (from the full checker, as str) is packed as UTF-8 into `blob`, and its
  span points past the chunk's end: spans index `chunk + blob`.
Counting reads the chunk again (from the page cache) and counts each span's bytes:
quicktok counts UTF-8 bytes exactly as it counts the str they encode.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from itertools import compress, islice, repeat
from operator import add

from aoft_tui.domain import tokens
from aoft_tui.domain.validation.errors import ValidationStopped
from aoft_tui.domain.validation.rules.checks import PROMPT, TRAINED, UNTRAINED
from aoft_tui.domain.validation.runner import native
from aoft_tui.domain.validation.runner.fastpath import decode_text


class Counted:
    """Token counts of a chunk's examples."""

    __slots__ = ("lines", "lengths", "assistant", "trained")

    def __init__(self, lines: array, lengths: list[int], assistant: int, trained: int) -> None:
        self.lines, self.lengths, self.assistant, self.trained = lines, lengths, assistant, trained


# What a PendingTexts pickles, in order (the rest is rebuilt on unpickling).
_PICKLED = ("lines", "fixed", "texts", "spans", "kinds", "escaped", "chunk_size", "blob")


class PendingTexts:
    """Per example: its line, its tokens known without encoding and its number of texts;
    per text: its span and its kind (PROMPT, TRAINED or UNTRAINED), in example order."""

    __slots__ = (
        "lines",
        "fixed",
        "texts",
        "spans",
        "kinds",
        "escaped",
        "chunk_size",
        "blob",
        "_parts",
        "_blob_size",
    )

    def __init__(self, chunk_size: int) -> None:
        # 4-byte items (the head start holds these for a whole load): a chunk and its blob
        # stay under 4 GB (forked.py spans no chunk of 2 GB or more).
        self.lines = array("i")
        self.fixed = array("i")
        self.texts = array("i")  # per example: how many texts
        self.spans = array("I")  # 2 per text: start, end in chunk + blob
        self.kinds = array("b")
        self.escaped = array("i")  # texts whose span is a JSON literal, by index
        self.chunk_size = chunk_size
        self.blob = b""
        self._parts: list[bytes] = []
        self._blob_size = 0

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def nbytes(self) -> int:
        """What holding these costs, roughly."""
        arrays = (self.lines, self.fixed, self.texts, self.spans, self.kinds, self.escaped)
        return self._blob_size + sum(len(a) * a.itemsize for a in arrays)

    def add(self, line: int, fixed: int, prompt: list[str], trained: list[str], untrained: list[str]) -> None:
        """An example with its texts as str (from the full checker)."""
        self.lines.append(line)
        self.fixed.append(fixed)
        self.texts.append(len(prompt) + len(trained) + len(untrained))
        parts, spans, kinds = self._parts, self.spans, self.kinds
        at = self.chunk_size + self._blob_size
        for kind, group in ((PROMPT, prompt), (TRAINED, trained), (UNTRAINED, untrained)):
            for text in group:
                try:
                    b = text.encode()
                except UnicodeEncodeError:  # lone surrogates: counted as tiktoken counts them
                    b = tokens.scrub_surrogates(text).encode()
                parts.append(b)
                spans.append(at)
                at += len(b)
                spans.append(at)
                kinds.append(kind)
        self._blob_size = at - self.chunk_size

    def pack(self) -> PendingTexts:
        """Join the packed texts into one bytes object (before holding or sending them)."""
        if self._parts:
            self.blob += b"".join(self._parts)
            self._parts = []
        return self

    def __getstate__(self) -> tuple:
        self.pack()
        return tuple(getattr(self, name) for name in _PICKLED)

    def __setstate__(self, state: tuple) -> None:
        for name, value in zip(_PICKLED, state, strict=True):
            setattr(self, name, value)
        self._parts = []
        self._blob_size = len(self.blob)

    def count(self, count: Callable[[bytes | str], int], chunk: bytes) -> Counted:
        """Count the spans in `chunk` (the bytes they were taken from). C-level loops
        throughout: a Python loop per text or example would cost a fifth of the counting."""
        if len(chunk) != self.chunk_size:
            raise ValidationStopped("the file changed while it was being validated")
        self.pack()
        if native.count_spans is not None:
            lengths, assistant, trained = native.count_spans(
                chunk,
                self.blob,
                self.spans,
                self.escaped,
                self.texts,
                self.fixed,
                self.kinds,
                count,
                decode_text,
            )
            return Counted(self.lines, lengths, assistant, trained)
        buf = chunk + self.blob if self.blob else chunk
        spans = self.spans
        texts: list[bytes | str] = list(
            map(buf.__getitem__, map(slice, islice(spans, 0, None, 2), islice(spans, 1, None, 2)))
        )
        for i in self.escaped:
            texts[i] = decode_text(texts[i])
        per_text = list(map(count, texts))
        del texts
        it = iter(per_text)
        lengths = list(map(add, self.fixed, map(sum, map(islice, repeat(it), self.texts))))
        kinds = self.kinds
        return Counted(
            self.lines,
            lengths,
            sum(compress(per_text, kinds)),
            sum(compress(per_text, map(TRAINED.__eq__, kinds))),
        )
