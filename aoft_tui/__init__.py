"""aoft-tui: a terminal dashboard for Azure OpenAI fine-tuning jobs."""


def __getattr__(name: str) -> str:
    # The version is looked up on first use: importlib.metadata costs ~20 ms and ~5 MB at
    # start-up, which every command (and `aoft-tui validate`'s speed) would pay.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("aoft-tui")
        except PackageNotFoundError:  # running from a source tree that was never installed
            found = "0.0.0+unknown"
        globals()["__version__"] = found
        return found
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
