# The checks CI runs, one command each. `make check` before you push.
PY ?= python

.PHONY: install check format lint types contracts test snapshots screenshots bench wheel release

install:            ## editable install with the test and tooling extras
	$(PY) -m pip install -e '.[test,dev]'

check: lint types contracts test   ## everything .ci/run checks after installing

format:             ## rewrite the code in the house format
	ruff format aoft_tui tests bench screenshots
	ruff check --fix aoft_tui tests bench screenshots

lint:
	ruff format --check aoft_tui tests bench screenshots
	ruff check aoft_tui tests bench screenshots

types:
	mypy

contracts:          ## the layering: domain/services/emulator never import the UI
	lint-imports

test:
	pytest

snapshots:          ## after a deliberate screen change: rewrite the SVG snapshots, then look at them
	pytest tests/snapshots --snapshot-update

screenshots:        ## README pictures (needs rsvg-convert)
	$(PY) -m screenshots.make

bench:              ## every benchmark, each prints ratios against a baseline measured in the same run
	$(PY) bench/paint.py
	$(PY) bench/paint_pty.py
	$(PY) bench/chart.py
	$(PY) bench/validate.py
	$(PY) bench/push.py
	$(PY) bench/emulator.py
	$(PY) bench/idle.py

wheel:              ## the release artefacts: an sdist and a wheel in dist/
	$(PY) -m build

release:            ## both wheels (with and without the C module) installed and run in a fresh venv
	bash .ci/check_release
