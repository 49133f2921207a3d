"""Fuzzing the command line and the config loader with hypothesis.

Random argv for every sub-command (its own option names, bad values, stray arguments,
hostile text) through click's CliRunner, with no resource configured: whatever the argv,
the command exits in time with 0, 1, 2, 3 or 130 and prints no traceback. Random
config.toml bytes and near-valid TOML (every known key, wrong types, profiles):
`load_settings` either loads or raises one ConfigError whose single line names the file;
the CLI turns it into one `Error: Configuration: …` line and exit 2.

CI runs a slice (~20 s); `AOFT_FUZZ_EXAMPLES=10000 pytest tests/reliability/test_cli_fuzz.py -s`
runs a long one (the case counts are printed with `-s`).
"""

from __future__ import annotations

import os
import signal

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aoft_tui.cli import _SUBCOMMANDS, main

EXAMPLES = int(os.environ.get("AOFT_FUZZ_EXAMPLES", "1500"))  # ~20 s here (the config test runs 3x)
# The CI slice draws the same cases every run (no flaky CI); a long run (AOFT_FUZZ_EXAMPLES) explores.
DERANDOMIZE = "AOFT_FUZZ_EXAMPLES" not in os.environ
CASE_TIMEOUT = 20.0  # seconds; a case that takes longer is a hang
EXIT_CODES = {0, 1, 2, 3, 130}
# `emulator` serves until stopped, by design; every other sub-command is fuzzed
COMMANDS = sorted(set(_SUBCOMMANDS) - {"emulator"})
HOSTILE = [
    "",
    "-",
    "--",
    "-1",
    "0",
    "1e400",
    "nan",
    "inf",
    "auto",
    # (no NUL: a real process's argv cannot hold one — execve ends each argument there)
    "é",
    "\u202e",
    "a" * 500,
    "../..",
    "/dev/null",
    "/nonexistent/x.jsonl",
    "ftjob-",
    "ftjob-abc",
    "file-x",
    "KEY=",
    "=v",
    "k=v",
    "%s",
    "{}",
]
_VALUES = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=30).filter(lambda t: "\x00" not in t),
    st.integers(-10, 10**6).map(str),
    st.floats(allow_nan=True).map(str),
)
_cases = {"argv": 0, "config": 0}


def _options(name: str) -> list[str]:
    command = main.get_command(None, name)  # type: ignore[arg-type]
    return sorted({opt for p in command.params for opt in getattr(p, "opts", []) if opt.startswith("-")})


@st.composite
def argvs(draw) -> list[str]:
    name = draw(st.sampled_from(COMMANDS))
    options = _options(name)
    argv = [name]
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.integers(0, 3))
        if kind == 0 and options:
            argv.append(draw(st.sampled_from(options)))
        elif kind == 1 and options:
            argv += [draw(st.sampled_from(options)), draw(_VALUES)]
        else:
            argv.append(draw(_VALUES))
    return argv


class _Hang(BaseException):
    """Raised by the alarm inside a case that took too long (BaseException: no command catches it)."""


def _invoke(argv: list[str]):
    """Run in the main thread (commands install signal handlers), under an alarm."""

    def hang(signum, frame):
        raise _Hang

    previous = signal.signal(signal.SIGALRM, hang)
    signal.setitimer(signal.ITIMER_REAL, CASE_TIMEOUT)
    try:
        return CliRunner().invoke(main, argv, input="", catch_exceptions=True)
    except _Hang:
        raise AssertionError(f"aoft-tui {argv!r} hung") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_no_argv_makes_a_traceback_or_a_hang(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # whatever a fuzzed export or push writes stays here

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=DERANDOMIZE,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(argvs())
    def case(argv: list[str]) -> None:
        _cases["argv"] += 1
        result = _invoke(argv)
        output = result.output + (result.stderr if result.stderr_bytes is not None else "")
        assert result.exit_code in EXIT_CODES, (argv, result.exit_code, output[-2000:], result.exception)
        assert not isinstance(result.exception, _Hang), f"aoft-tui {argv!r} hung"
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            argv,
            repr(result.exception),
        )
        assert "Traceback" not in output, (argv, output[-2000:])

    case()
    print(f"\nfuzzed the CLI with {_cases['argv']} argv")


KEYS = ["endpoint", "api_key", "api_version", "auth", "default_profile", "deployment", "x"]
_TOML_VALUES = st.one_of(
    st.text(max_size=20),
    st.integers(),
    st.booleans(),
    st.floats(allow_nan=True),
    st.lists(st.integers(), max_size=3),
    st.sampled_from(['"https://x.openai.azure.com"', '"v1"', '"key"', '"entra"']),
)


def _toml_value(value) -> str:
    import json

    if isinstance(value, str) and value.startswith('"'):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(str(value), repr(value))
    return json.dumps(value)  # strings, ints, lists: JSON spells them as TOML does


@st.composite
def configs(draw) -> bytes:
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return draw(st.binary(max_size=300))
    if kind == 1:
        return draw(st.text(max_size=300)).encode("utf-8", "surrogatepass")
    lines = [
        f"{draw(st.sampled_from(KEYS))} = {_toml_value(draw(_TOML_VALUES))}"
        for _ in range(draw(st.integers(0, 4)))
    ]
    for table in draw(
        st.lists(
            st.sampled_from(
                ["wandb", "profiles.prod", "profiles.dev", "keymap", "profiles", "profiles.prod.wandb", "ui"]
            ),
            max_size=3,
            unique=True,
        )
    ):
        lines.append(f"[{table}]")
        keys = KEYS + ["project", "entity", "mode"]
        lines += [
            f"{draw(st.sampled_from(keys))} = {_toml_value(draw(_TOML_VALUES))}"
            for _ in range(draw(st.integers(0, 3)))
        ]
    return "\n".join(lines).encode()


def test_no_config_file_makes_a_traceback(write_config, monkeypatch):
    from aoft_tui.services.settings import ConfigError, Settings, load_settings

    path = write_config("")

    @settings(
        max_examples=EXAMPLES * 3,
        deadline=None,
        database=None,
        derandomize=DERANDOMIZE,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(configs(), st.sampled_from([None, "prod", "dev", "nope", ""]))
    def case(content: bytes, profile: str | None) -> None:
        _cases["config"] += 1
        path.write_bytes(content)
        try:
            loaded = load_settings(profile=profile)
        except ConfigError as err:
            message = str(err)
            assert "\n" not in message.strip() and str(path) in message, (content, message)
        else:
            assert isinstance(loaded, Settings)
            # what a command does with it: never a traceback
        result = _invoke(["jobs", "--json", *(["--profile", profile] if profile else [])])
        assert result.exit_code in EXIT_CODES and "Traceback" not in result.output, (content, result.output)

    case()
    print(f"\nfuzzed the config loader with {_cases['config']} files")
