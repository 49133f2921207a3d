"""What a training file must be: the per-record checks, the problem codes and their log.

Pure rules, no speed-ups: the runner (../runner) reads the file and calls these; these
never import the runner (an import-linter contract in pyproject.toml holds that).
"""
