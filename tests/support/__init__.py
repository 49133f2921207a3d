"""Helpers shared by several test folders (and screenshots/make.py); fixtures are in conftest.py files."""
