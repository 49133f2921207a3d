"""`aoft-tui push` as users run it: a process of its own (bench/push.py times it so).

After an offline run is finished the command leaves without wandb's atexit teardown of its
service process (0.3-1.1 s measured): the run must be whole on disk all the same. And a
push must not import pandas just because it is installed (wandb probes every summary value
for a DataFrame: 0.3 s of imports for a type we never log)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from .push_support import finished_job, read_run

FAKE_PANDAS = textwrap.dedent(
    """
    import os

    open(os.environ["PANDAS_IMPORTED_MARKER"], "w").close()


    class DataFrame:  # what wandb looks for
        pass
    """
)


def test_offline_push_in_its_own_process_writes_the_whole_run_without_importing_pandas(
    emulator, service, tmp_path: Path
) -> None:
    job_id = finished_job(emulator, service, n_steps=30)
    site = tmp_path / "site"
    (site / "pandas").mkdir(parents=True)
    (site / "pandas" / "__init__.py").write_text(FAKE_PANDAS)  # "installed": wandb finds it
    marker = tmp_path / "pandas-was-imported"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_OPENAI", "AOFT_TUI"))}
    env.update(
        AZURE_OPENAI_ENDPOINT=emulator.endpoint,
        AZURE_OPENAI_API_KEY=emulator.api_key,
        AOFT_TUI_STATE_DIR=str(tmp_path / "state"),
        AOFT_TUI_CONFIG_DIR=str(tmp_path / "config"),
        WANDB_DIR=str(tmp_path / "wandb"),
        PYTHONPATH=os.pathsep.join([str(site), env.get("PYTHONPATH", "")]),
        PANDAS_IMPORTED_MARKER=str(marker),
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from aoft_tui.cli import run; run()",
            "push",
            job_id,
            "--json",
            "--mode",
            "offline",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    doc = json.loads(proc.stdout)
    assert doc["complete"] is True and doc["steps_logged"] == 30
    run = read_run(Path(doc["run_dir"]))
    assert run.run_id == job_id and len(run.history) == 30
    assert run.summary, "the run's summary was written"
    assert not marker.exists(), "the push imported pandas"
