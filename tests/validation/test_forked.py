"""The CLI's forked scan: a head start while the tokenizer loads, then workers; the same
report as a serial scan, and a worker's failure surfaces as the serial scan's would.

The forked scan is used only in a process without other threads (the CLI), and earlier
tests leave threads behind, so each case runs in a fresh interpreter."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from tests.support.clean_interpreter import run_python

from .validation_helpers import chat, jsonl, write


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # ~10 chunks; problems near chunk seams, an example over the context, duplicates.
    recs = [chat(f"q{i} " + "word " * 200, f"a{i} " + "réponse " * 100) for i in range(6000)]
    recs[17] = {"messages": [{"role": "user", "content": None}, {"role": "assistant", "content": "x"}]}
    recs[4321] = chat("<|endoftext|>", reply="weird " * 900)
    recs[5000] = {
        "messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a", "weight": 0}]
    }
    return write(tmp_path_factory.mktemp("forked") / "big.jsonl", jsonl(recs) + jsonl(recs[:3]))


def _in_fresh_interpreter(case: str, path: Path, timeout: float = 300) -> dict:
    code = f"import tests.validation.test_forked as t; t.{case}({str(path)!r})"
    out = run_python(code, timeout=timeout)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_head_start_and_workers_give_the_serial_report(big_file: Path) -> None:
    got = _in_fresh_interpreter("case_head_start", big_file)
    assert got["parallel"] == got["serial"]
    assert 2 <= got["head_start_chunks"] < got["chunks"] - 2  # it did some, and stopped at its cap
    serial = got["serial"]
    assert serial["problem_counts"]["duplicate_example"]["count"] == 3
    assert {p["line"] for p in serial["problems"]} >= {18, 4322, 5001}


def test_a_chunk_too_big_to_span_is_scanned_whole(big_file: Path) -> None:
    got = _in_fresh_interpreter("case_chunk_too_big_to_span", big_file)
    assert got["parallel"] == got["serial"]


def test_a_failing_worker_is_reported_not_hung(big_file: Path) -> None:
    assert "Permission denied" in _in_fresh_interpreter("case_failing_read", big_file)["error"]


def test_a_head_start_that_dies_is_reported_not_waited_for(big_file: Path) -> None:
    got = _in_fresh_interpreter("case_head_start_dies", big_file, timeout=60)
    assert got["error"].startswith(f"{big_file}: the validation stopped: a validator worker process died")
    assert got["error"].endswith("with --workers 1 it runs in one process.")


def _slow_tokenizer_load(seconds: float) -> None:
    """Unload the tokenizer and make loading it take `seconds`, so that the head start
    checks chunks meanwhile; and scan even a small file with workers."""
    import aoft_tui.domain.validation.runner.engine as engine
    from aoft_tui.domain import tokens

    loaded = tokens.get_encoding("o200k_base")
    tokens._ENCODINGS.clear()
    tokens.quicktok.get_encoding = lambda name: time.sleep(seconds) or loaded
    engine.PARALLEL_MIN_BYTES = 1


def case_head_start(path: str) -> None:
    import aoft_tui.domain.validation.runner.engine as engine
    import aoft_tui.domain.validation.runner.forked as forked
    from aoft_tui.domain.validation import validate_file

    serial = validate_file(Path(path), model="gpt-4o-mini", workers=1).to_json()
    _slow_tokenizer_load(0.5)
    # Spans cost ~70 KB a chunk here: the head start stops at its cap after a few.
    forked.HEAD_START_MAX_BYTES = 150_000
    head_start = forked.multiprocessing.Value("i", 0)  # chunks the head start checked
    real_head_start = forked._head_start

    def counting_head_start(conn: object, job: object, *args: object) -> None:
        real_put = job.held.put

        def put(item: object) -> None:
            if item is not None:
                head_start.value += 1
            real_put(item)

        job.held.put = put
        real_head_start(conn, job, *args)

    forked._head_start = counting_head_start
    assert threading.active_count() == 1
    parallel = validate_file(Path(path), model="gpt-4o-mini", workers=2).to_json()
    print(
        json.dumps(
            {
                "serial": serial,
                "parallel": parallel,
                "head_start_chunks": head_start.value,
                "chunks": Path(path).stat().st_size // engine.CHUNK_BYTES,
            }
        )
    )


def case_failing_read(path: str) -> None:
    import aoft_tui.domain.validation.runner.engine as engine
    import aoft_tui.domain.validation.runner.forked as forked
    from aoft_tui.domain.validation import DatasetIOError, validate_file

    engine.PARALLEL_MIN_BYTES = 1
    real_read = forked.read_range

    def read_range(path: str, start: int, end: int) -> bytes:
        if start > 5_000_000:  # the file becomes unreadable halfway (in whichever process)
            raise PermissionError(13, "Permission denied", path)
        return real_read(path, start, end)

    forked.read_range = read_range
    try:
        validate_file(Path(path), workers=2)
    except DatasetIOError as exc:
        print(json.dumps({"error": str(exc)}))
    else:
        print(json.dumps({"error": None}))


def case_head_start_dies(path: str) -> None:
    """The head start exits abruptly after one chunk, before handing anything over."""
    import os

    import aoft_tui.domain.validation.runner.forked as forked
    from aoft_tui.domain.validation import DatasetIOError, validate_file

    _slow_tokenizer_load(0.5)

    def dying_head_start(conn: object, job: object, *args: object) -> None:
        job.scan(job.claims.take(), defer=True)
        os._exit(3)

    forked._head_start = dying_head_start
    try:
        validate_file(Path(path), model="gpt-4o-mini", workers=2)
    except DatasetIOError as exc:  # ValidationStopped: every caller reports it
        print(json.dumps({"error": str(exc)}))
    else:
        print(json.dumps({"error": None}))


def case_chunk_too_big_to_span(path: str) -> None:
    """Spans are 4-byte offsets: a chunk of 2 GB (one giant line) is left to a worker."""
    import aoft_tui.domain.validation.runner.forked as forked
    from aoft_tui.domain.validation import validate_file

    serial = validate_file(Path(path), model="gpt-4o-mini", workers=1).to_json()
    _slow_tokenizer_load(0.3)
    forked.MAX_SPANNED_CHUNK = 1  # every chunk is "too big"
    parallel = validate_file(Path(path), model="gpt-4o-mini", workers=2).to_json()
    print(json.dumps({"serial": serial, "parallel": parallel}))
