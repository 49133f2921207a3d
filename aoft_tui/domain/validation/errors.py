"""The one exception the validator raises: the file itself could not be read."""

from __future__ import annotations


class DatasetIOError(Exception):
    """A dataset file is missing, is a directory, or cannot be read (a usage / I/O problem,
    not a problem *in* the data). `str(err)` is a complete sentence for the user."""
