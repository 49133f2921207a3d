"""Only the optional C speed-up of the validator; everything else is in pyproject.toml.

`optional=True`: without a C compiler the package installs anyway and the validator runs
the same loops in Python (aoft_tui/domain/validation/runner/native.py says which).
`AOFT_TUI_NO_NATIVE=1` leaves the extension out on purpose (a pure-Python wheel; .ci/run
checks that one works too)."""

import os

from setuptools import Extension, setup

_SKIP_NATIVE = os.environ.get("AOFT_TUI_NO_NATIVE", "") not in ("", "0")

setup(ext_modules=[] if _SKIP_NATIVE else [
    Extension("aoft_tui.domain.validation.runner._native",
              ["aoft_tui/domain/validation/runner/_native.c"], optional=True)])
