"""aoft-tui: a terminal dashboard for Azure OpenAI fine-tuning jobs."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("aoft-tui")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
