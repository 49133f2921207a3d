"""Reading a JSONL file: encoding sniffing and byte ranges that start at line starts.

The file is never held whole: it is cut into ranges of about `CHUNK_BYTES`, each ending
just after a newline, which workers read one at a time (constant memory, parallel).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from aoft_tui.domain.validation.errors import DatasetIOError

UTF8_BOM = b"\xef\xbb\xbf"
CHUNK_BYTES = 1024 * 1024
SNIFF_BYTES = 64 * 1024
# The longest line (one example) worth reading. Azure documents no byte limit per example,
# but its largest possible one is 64 images of at most 10 MB each (Microsoft Learn, "Vision
# fine-tuning": image dataset requirements), as base64 data URIs (4/3 larger: ~13.3 MiB
# each, ~853 MiB in all), plus its text, which training truncates at the context anyway:
# 16 MiB allowed for that. A longer line cannot be a valid example, so it is refused by
# its length alone, never read into memory (a 1 GB line once took 3.9 GB to check).
MAX_IMAGE_DATA_URI_BYTES = 4 * -(-10 * 1024 * 1024 // 3)
MAX_LINE_BYTES = 64 * MAX_IMAGE_DATA_URI_BYTES + 16 * 1024 * 1024

_MAGIC = (
    (b"\x1f\x8b", "a gzip archive: decompress it first (gunzip)"),
    (b"PK\x03\x04", "a zip archive (or an Excel file): extract or export it as .jsonl"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF", "a PDF document"),
    (b"PAR1", "a Parquet file: convert it with pandas.read_parquet(...).to_json(lines=True)"),
    (b"SQLite format 3", "an SQLite database"),
)


def sniff(head: bytes) -> tuple[str, str] | None:
    """(code, message) when the file's first bytes show it is not UTF-8 text."""
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf16_file", (
            "The file is UTF-32 encoded: save it as UTF-8 (with or without BOM), "
            "e.g. iconv -f UTF-32 -t UTF-8."
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(head):
        return "utf16_file", (
            "The file is UTF-16 encoded (as Windows tools often save it): "
            "save it as UTF-8, e.g. iconv -f UTF-16 -t UTF-8 in.jsonl > out.jsonl."
        )
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return "binary_file", f"The file is {what}, not JSON Lines text."
    if b"\x00" in head:
        return "binary_file", (
            "The file contains NUL bytes, so it is binary, not JSON Lines text: "
            "export the data as UTF-8 JSONL, one JSON object per line."
        )
    return None


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without a BOM: ASCII text with a NUL in every other byte."""
    sample = head[:200]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    return (odd.count(0) > 0.4 * len(odd) and even.count(0) == 0) or (
        even.count(0) > 0.4 * len(even) and odd.count(0) == 0
    )


def open_dataset(path: Path) -> BinaryIO:
    """Open a dataset for reading, turning OS errors into a clear DatasetIOError."""
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise DatasetIOError(f"{path} is a directory: give the path of a .jsonl file.")
        if not stat.S_ISREG(mode):
            # Opening a FIFO would wait for a writer forever; a device never ends.
            raise DatasetIOError(
                f"{path} is {_kind_of(mode)}, not a regular file: the validator reads "
                "a file twice (and in parallel), so save the data to a .jsonl file first."
            )
        return open(path, "rb")
    except FileNotFoundError:
        raise DatasetIOError(f"{path}: no such file.") from None
    except PermissionError:
        raise DatasetIOError(f"{path}: permission denied (check the file's read permission).") from None
    except OSError as exc:
        raise DatasetIOError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    except ValueError:  # a NUL byte in the path: no file can have that name
        raise DatasetIOError(
            f"{str(path)!r}: a path cannot contain a NUL byte; check the argument."
        ) from None


def _kind_of(mode: int) -> str:
    kinds = (
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((what for test, what in kinds if test(mode)), "not a regular file")


def line_ranges(f: BinaryIO, size: int, chunk: int = CHUNK_BYTES) -> Iterator[tuple[int, int]]:
    """Byte ranges [start, end) covering the file, each ending just after a newline
    (or at the end of the file). A line longer than `chunk` makes a longer range."""
    start = 0
    while start < size:
        end = start + chunk
        if end >= size:
            yield start, size
            return
        f.seek(end)
        while True:
            block = f.read(64 * 1024)
            if not block:
                end = size
                break
            nl = block.find(b"\n")
            if nl >= 0:
                end += nl + 1
                break
            end += len(block)
        yield start, end
        start = end


def plan_ranges(
    f: BinaryIO, size: int, chunk: int = CHUNK_BYTES, max_line: int = MAX_LINE_BYTES
) -> tuple[list[tuple[int, int]], set[int]]:
    """`line_ranges`, with each line longer than `max_line` bytes (newline excluded) in a
    range of its own, whose index is in the returned set: those are never read whole."""
    ranges: list[tuple[int, int]] = []
    giants: set[int] = set()
    for start, end in line_ranges(f, size, chunk):
        if end - start <= max_line:  # no line in it can be too long: the common case
            ranges.append((start, end))
            continue
        # Only a range's last line can be longer than `chunk`: it starts after the last
        # newline before the chunk boundary.
        f.seek(start)
        cut = f.read(min(chunk, end - start)).rfind(b"\n")
        last = start + cut + 1 if cut >= 0 else start
        f.seek(max(last, end - 2))
        tail = f.read(end - max(last, end - 2))
        if end - last - (len(tail) - len(tail.rstrip(b"\r\n"))) <= max_line:
            ranges.append((start, end))
            continue
        if last > start:
            ranges.append((start, last))
        giants.add(len(ranges))
        ranges.append((last, end))
    return ranges, giants


def read_range(path: str, start: int, end: int) -> bytes:
    with open(path, "rb") as f:
        f.seek(start)
        return f.read(end - start)


def file_size(f: BinaryIO) -> int:
    return os.fstat(f.fileno()).st_size
