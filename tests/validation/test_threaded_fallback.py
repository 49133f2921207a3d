"""A threaded caller whose stderr is no real file (as inside a Textual app) still gets a
complete report for a large file: the validator scans in its own process then."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from aoft_tui.domain.validation.runner.engine import PARALLEL_MIN_BYTES

CASE = """
import io, json, sys, threading
from pathlib import Path
from aoft_tui.domain.validation import validate_file

class NoFile(io.StringIO):
    def fileno(self):
        return -1  # what a TUI's captured stderr gives

out = {}
def run():
    sys.stderr = NoFile()
    try:
        r = validate_file(Path(sys.argv[1]), workers=2)
        out["examples"] = r.stats.examples
    except BaseException as exc:
        out["error"] = repr(exc)
    finally:
        sys.stderr = sys.__stderr__
t = threading.Thread(target=run)
t.start()
t.join()
print(json.dumps(out))
"""


def test_a_threaded_caller_without_a_real_stderr_gets_a_full_report(tmp_path: Path) -> None:
    path = tmp_path / "large.jsonl"
    line = (
        json.dumps(
            {
                "messages": [
                    {"role": "user", "content": "q " * 60},
                    {"role": "assistant", "content": "a " * 60},
                ]
            }
        )
        + "\n"
    )
    n = PARALLEL_MIN_BYTES // len(line) + 100
    path.write_text(line * n)
    result = subprocess.run(
        [sys.executable, "-c", CASE, str(path)], capture_output=True, text=True, timeout=120, check=False
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"examples": n}, result.stderr
