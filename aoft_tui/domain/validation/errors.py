"""The exceptions the validator raises: the file itself could not be read, or checked."""

from __future__ import annotations


class DatasetIOError(Exception):
    """A dataset file is missing, is a directory, or cannot be read (a usage / I/O problem,
    not a problem *in* the data). `str(err)` is a complete sentence for the user."""


class ValidationStopped(DatasetIOError):
    """A worker process of the validator died (killed, out of memory) before the file was
    fully checked. A DatasetIOError, so that every caller reports it as one."""
