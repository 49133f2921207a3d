"""Dataset validation for Azure OpenAI fine-tuning (pure domain code: no Textual, no I/O
beyond reading the dataset).

    from aoft_tui.domain.validation import validate_file, validate_bytes, ValidationReport

`validate_file(train, validation=..., model=..., method=..., n_epochs=..., prices=...)`
streams the file(s) in chunks (in parallel worker processes for large files) and returns a
`ValidationReport`; it raises `DatasetIOError` only when a file cannot be read at all.
"""

from aoft_tui.domain.validation.api import validate_bytes, validate_file
from aoft_tui.domain.validation.errors import DatasetIOError
from aoft_tui.domain.validation.report import SCHEMA, ValidationReport
from aoft_tui.domain.validation.rules.codes import CODES, ERROR, WARNING
from aoft_tui.domain.validation.rules.problems import Problem
from aoft_tui.domain.validation.stats import FileStats, TokenStats, auto_epochs

__all__ = [
    "CODES",
    "ERROR",
    "SCHEMA",
    "WARNING",
    "DatasetIOError",
    "FileStats",
    "Problem",
    "TokenStats",
    "ValidationReport",
    "auto_epochs",
    "validate_bytes",
    "validate_file",
]
