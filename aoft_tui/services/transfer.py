"""Streaming helpers for uploads and downloads: progress, cancellation, base64 bodies.

The SDK's multipart encoder reads file objects in 64 KiB chunks, so handing it a
`FileSlice` streams the file (or one 64 MB part of it) without loading it into memory,
and every chunk read reports progress and checks for cancellation.
"""

from __future__ import annotations

import base64
import io
import os
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from aoft_tui.services.errors import Cancelled

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

_BASE64_ALPHABET = re.compile(rb"^[A-Za-z0-9+/=\s]*$")


class UploadCancelled(Exception):
    """Raised from inside a read so the HTTP client aborts the request body mid-stream."""


class FileSlice(io.RawIOBase):
    """A read-only window [start, start+length) of an open binary file.

    `on_read(position)` is called with the bytes read so far in this slice (it restarts
    at 0 when the SDK rewinds the body for a retry); `cancel` aborts the read.
    """

    def __init__(
        self,
        fh: io.BufferedReader,
        start: int,
        length: int,
        *,
        on_read: Callable[[int], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        super().__init__()
        self._fh = fh
        self._start = start
        self._length = length
        self._pos = 0
        self._on_read = on_read
        self._cancel = cancel

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: self._length}[whence]
        self._pos = max(0, min(self._length, base + offset))
        return self._pos

    def read(self, size: int = -1) -> bytes:
        if self._cancel is not None and self._cancel.is_set():
            raise UploadCancelled()
        remaining = self._length - self._pos
        if size is None or size < 0 or size > remaining:
            size = remaining
        if size <= 0:
            return b""
        self._fh.seek(self._start + self._pos)
        chunk = self._fh.read(size)
        self._pos += len(chunk)
        if self._on_read is not None:
            self._on_read(self._pos)
        return chunk

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        view = memoryview(buffer)
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)


class ProgressTracker:
    """Sums progress over parts and forwards (sent, total) to the caller's callback."""

    def __init__(self, total: int, callback: Callable[[int, int], None] | None) -> None:
        self.total = total
        self._callback = callback
        self._last: int | None = None

    def part_reader(self, part_offset: int) -> Callable[[int], None]:
        def on_read(position: int) -> None:
            self.report(part_offset + position)

        return on_read

    def report(self, sent: int) -> None:
        if self._callback is not None and sent != self._last:
            self._last = sent
            self._callback(min(sent, self.total), self.total)


def raise_if_cancelled(cancel: threading.Event | None, what: str) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled(f"{what} was cancelled.")


def write_decoded(chunks: Iterable[bytes], dest: Path) -> int:
    """Stream `chunks` to `dest`; when the whole body is base64, replace it by its decoding.

    Writes to a temporary sibling first (no half-written `dest` on failure). Returns the
    size of `dest`.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    maybe_base64 = True
    try:
        with tmp.open("wb") as out:
            for chunk in chunks:
                if maybe_base64 and not _BASE64_ALPHABET.match(chunk):
                    maybe_base64 = False
                out.write(chunk)
        if maybe_base64 and tmp.stat().st_size > 0 and _decode_file(tmp, dest):
            tmp.unlink()
        else:
            os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest.stat().st_size


def _decode_file(src: Path, dest: Path) -> bool:
    """Decode base64 `src` into `dest` in bounded memory; False (dest untouched) if invalid."""
    out_tmp = dest.with_name(dest.name + ".decoded")
    carry = b""
    try:
        with src.open("rb") as fin, out_tmp.open("wb") as fout:
            while block := fin.read(1 << 20):
                data = carry + b"".join(block.split())
                cut = len(data) - len(data) % 4
                fout.write(base64.b64decode(data[:cut], validate=True))
                carry = data[cut:]
            if carry:
                fout.write(base64.b64decode(carry, validate=True))
    except ValueError:
        out_tmp.unlink(missing_ok=True)
        return False
    os.replace(out_tmp, dest)
    return True
