"""What the validator loads before it reads a line: only what validation needs.

Start-up is part of every `aoft-tui validate` run (issue #13: 8x the cookbook loop). The
job models (domain.models: eight frozen dataclasses, ~100 M instructions to build, about
a tenth of the fixed cost besides the tokenizer) came in with the shared byte-size
formatter (domain.formatting), though the validator only formats sizes."""

from __future__ import annotations


def test_the_validator_does_not_load_the_job_models(modules_loaded_by):
    code = "import aoft_tui.domain.validation\nimport aoft_tui.domain.validation.runner.forked"
    assert modules_loaded_by(code, "aoft_tui.domain.models", "aoft_tui.domain.formatting") == []


def test_the_validate_command_does_not_load_the_job_models(modules_loaded_by):
    assert modules_loaded_by("import aoft_tui.cli.validate_cmd", "aoft_tui.domain.models") == []


def test_byte_size_is_the_same_function_from_formatting():
    """Callers elsewhere (the overview, the upload progress) keep formatting.byte_size."""
    from aoft_tui.domain import formatting, sizes

    assert formatting.byte_size is sizes.byte_size
    assert sizes.byte_size(1536) == "1.5 KiB" and sizes.byte_size(None) == formatting.DASH
