"""Run code in a fresh Python interpreter: what a command or a first import really loads,
and code that must not inherit the test process's threads or imports.

The `tests` package is importable there (the repository root is put on PYTHONPATH), so
code can use the test helpers as `from tests.ui.main_support import ...`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, *, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`python -c code` in a fresh interpreter of this venv; its output captured as text."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, env=env
    )


def modules_loaded_by(code: str, *packages: str, timeout: float = 120) -> list[str]:
    """Run `code` (say `"import aoft_tui.cli.push_cmd"`) in a fresh interpreter; return,
    sorted, the modules it left loaded that are one of `packages` or inside one
    (`"wandb"` counts `wandb.sdk`). Fails the test with the child's stderr if the code fails."""
    report = (
        "\nimport json as _json, sys as _sys\n"
        f"_wanted = {list(packages)!r}\n"
        "print(_json.dumps(sorted(m for m in list(_sys.modules)"
        " if any(m == p or m.startswith(p + '.') for p in _wanted))))\n"
    )
    out = run_python(code + report, timeout=timeout)
    assert out.returncode == 0, f"the code failed in a clean interpreter:\n{code}\n{out.stderr[-3000:]}"
    return json.loads(out.stdout.strip().splitlines()[-1])
