"""aoft-tui: a terminal dashboard for Azure OpenAI fine-tuning jobs."""


def __getattr__(name: str) -> str:
    # Looked up when asked for, not at import: importlib.metadata costs ~15 ms of every start.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("aoft-tui")
        except PackageNotFoundError:  # running from a source tree that was never installed
            return "0.0.0+unknown"
    raise AttributeError(f"module 'aoft_tui' has no attribute {name!r}")
