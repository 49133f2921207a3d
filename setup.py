"""Only the optional C speed-up of the validator; everything else is in pyproject.toml.

`optional=True`: without a C compiler the package installs anyway and the validator runs
the same loops in Python (aoft_tui/domain/validation/runner/native.py says which)."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("aoft_tui.domain.validation.runner._native",
                             ["aoft_tui/domain/validation/runner/_native.c"], optional=True)])
