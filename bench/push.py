"""W&B push benchmark, as users run it: `aoft-tui push JOB --mode offline` against
`WandbLogger.sync`, both as processes, the same emulator job, offline.

    python bench/push.py            # 5,000 multi-turn training + 500 validation examples, 1,000 steps
    python bench/push.py --quick    # 500 + 50 examples, 100 steps (a smoke run)

Each side is a fresh process (interpreter start and imports count: that is what a user
waits for), 5 times per side, alternating; medians shown. Ours is the installed console
script, unpatched, with WANDB_DIR and its state directory in a temp folder. The baseline
is `WandbLogger.sync` (wandb.integration.openai) in a child Python process, patched as little
as lets it run offline (measured in issue 6): no `wandb.login()` requirement, no
`wandb.Api()` look-ups (they need the network), and `use_artifact` — refused offline — a
no-op, so it does no more than it does online. Ours logs more: the same metrics, plus the
datasets as artifacts and tables, events, checkpoints and model metadata.

Printed: wall time of the process, its CPU time (user+sys, steadier than wall time on a
busy machine), peak RSS, and ours/theirs ratios. Target: time ≤ 1.0×.

WandbLogger needs pandas (its own dependency, not ours): `pip install pandas`, or put it
on PYTHONPATH for this script.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
API_VERSION = "2025-04-01-preview"


# --- the baseline child: WandbLogger.sync ---------------------------------------------------------
def wandblogger_child(args: argparse.Namespace) -> None:
    import wandb
    from openai import AzureOpenAI
    from wandb.integration.openai.fine_tuning import WandbLogger

    # The least patching that lets it run offline (each one a measured failure, issue 6).
    WandbLogger._ensure_logged_in = classmethod(lambda cls: None)  # wandb.login() is False offline
    WandbLogger._get_wandb_run = classmethod(lambda cls, path: None)  # wandb.Api(): network
    WandbLogger._get_wandb_artifact = classmethod(lambda cls, path: None)
    wandb.Run.use_artifact = lambda self, artifact, aliases=None, **_: None  # refused offline

    client = AzureOpenAI(azure_endpoint=args.endpoint, api_key=args.key, api_version=API_VERSION)
    WandbLogger.sync(
        fine_tune_job_id=args.job,
        openai_client=client,
        dir=args.dir,
        settings=wandb.Settings(console="off", silent=True),
    )


def _rows_written(base: Path) -> int:
    """History rows in the offline run a side wrote (checks it did the work)."""
    from aoft_tui.services.wandb_push.run_file import read_run

    [run_dir] = base.glob("wandb/offline-run-*")
    return len(read_run(run_dir).history)


# --- the parent: emulator, job, children ------------------------------------------------------------
def write_dataset(path: Path, n: int, seed: int = 7, turns: int = 3) -> None:
    """`n` multi-turn chats: a system message, then `turns` user/assistant exchanges."""
    rng = random.Random(seed)
    words = [
        "alpha",
        "beta",
        "gamma",
        "delta",
        "epsilon",
        "zeta",
        "eta",
        "theta",
        "iota",
        "kappa",
        "lambda",
        "mu",
    ]

    def text(low: int, high: int) -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(low, high)))

    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            messages = [{"role": "system", "content": "You are a terse assistant."}]
            for turn in range(rng.randint(1, turns)):
                messages.append({"role": "user", "content": f"Question {i}.{turn}: {text(8, 30)}?"})
                messages.append({"role": "assistant", "content": text(10, 60)})
            fh.write(json.dumps({"messages": messages}) + "\n")


def make_job(service, emu, work: Path, n_train: int, n_valid: int, steps: int) -> str:
    from aoft_tui.domain.models import JobSpec

    ids = []
    for name, n, seed in (("train", n_train, 7), ("valid", n_valid, 8)):
        path = work / f"{name}-{n}.jsonl"
        write_dataset(path, n, seed=seed)
        info = service.upload_file(path)
        service.wait_for_file(info.id, poll_interval=0.05)
        ids.append(info.id)
    epochs = 2
    batch = max(1, n_train * epochs // steps)  # 5,000 examples, 2 epochs, batch 10: 1,000 steps
    job = service.create_job(
        JobSpec(
            model="gpt-4.1-mini-2025-04-14",
            training_file=ids[0],
            validation_file=ids[1],
            hyperparameters={"n_epochs": epochs, "batch_size": batch},
        )
    )
    for _ in range(10_000):
        job = service.get_job(job.id)
        if job.status.is_terminal:
            break
        emu.advance(600)
    assert str(job.status) == "succeeded", job
    return job.id


def _timed(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run `cmd`; wall time, CPU time (user+sys) and peak RSS of that process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    stdout, stderr = proc.stdout.read(), proc.stderr.read()  # type: ignore[union-attr]
    proc.stdout.close(), proc.stderr.close()  # type: ignore[union-attr]
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{cmd[0]} failed:\n{stderr[-4000:]}{stdout[-2000:]}")
    return {
        "seconds": elapsed,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_mib": usage.ru_maxrss / 1024,
    }


def run_side(kind: str, endpoint: str, key: str, job_id: str, work: Path) -> dict[str, float]:
    out_dir = Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=work))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_OPENAI", "AOFT_TUI", "WANDB"))}
    env.update(
        WANDB_MODE="offline",
        WANDB_SILENT="true",
        WANDB_DIR=str(out_dir),
        AOFT_TUI_STATE_DIR=str(out_dir / "state"),
        AOFT_TUI_CONFIG_DIR=str(out_dir / "config"),
    )
    for var in ("WANDB_DATA_DIR", "WANDB_CACHE_DIR", "WANDB_CONFIG_DIR"):  # staged artifacts: temp too
        env[var] = str(out_dir / var.lower())
    if kind == "ours":
        command = shutil.which("aoft-tui") or str(Path(sys.executable).with_name("aoft-tui"))
        env.update(AZURE_OPENAI_ENDPOINT=endpoint, AZURE_OPENAI_API_KEY=key)
        measured = _timed([command, "push", job_id, "--mode", "offline"], env)
    else:
        measured = _timed(
            [
                sys.executable,
                str(HERE),
                "--child",
                "wandblogger",
                "--endpoint",
                endpoint,
                "--key",
                key,
                "--job",
                job_id,
                "--dir",
                str(out_dir),
            ],
            env,
        )
    measured["steps"] = _rows_written(out_dir)
    return measured


def _median(samples: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(s[key] for s in samples) for key in samples[0]}


def _spread(samples: list[dict[str, float]], key: str) -> str:
    values = [s[key] for s in samples]
    return f"{min(values):.2f}-{max(values):.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--child", choices=["wandblogger"])
    parser.add_argument("--endpoint")
    parser.add_argument("--key")
    parser.add_argument("--job")
    parser.add_argument("--dir")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=5, help="runs per side; the median is shown")
    args = parser.parse_args()
    if args.child:
        wandblogger_child(args)
        return
    try:
        subprocess.run([sys.executable, "-c", "import pandas"], check=True, capture_output=True)
    except subprocess.CalledProcessError:
        raise SystemExit(
            "The WandbLogger baseline needs pandas: pip install pandas (or put it on PYTHONPATH)."
        ) from None

    from aoft_tui.emulator.embedded import EmbeddedEmulator
    from aoft_tui.services.finetuning import FineTuningService

    n_train, n_valid, steps = (500, 50, 100) if args.quick else (5_000, 500, 1_000)
    with (
        tempfile.TemporaryDirectory(prefix="bench-push-") as tmp,
        EmbeddedEmulator(seed_jobs=0, speed=0.0, seed=3) as emu,
    ):
        work = Path(tmp)
        service = FineTuningService(emu.endpoint, emu.api_key, API_VERSION)
        job_id = make_job(service, emu, work, n_train, n_valid, steps)
        service.close()
        runs: dict[str, list[dict[str, float]]] = {"wandblogger": [], "ours": []}
        for _ in range(max(1, args.repeat)):  # alternating, so drift on a busy machine hits both alike
            for kind in runs:
                runs[kind].append(run_side(kind, emu.endpoint, emu.api_key, job_id, work))
    theirs, ours = _median(runs["wandblogger"]), _median(runs["ours"])
    print(
        f"job: {n_train:,} multi-turn training + {n_valid:,} validation examples, {steps:,} steps; "
        f"history rows WandbLogger {theirs['steps']:,.0f}, ours {ours['steps']:,.0f}; load {os.getloadavg()[0]:.1f}"
    )
    for key, label in (("seconds", "wall s"), ("cpu_seconds", "CPU s"), ("peak_rss_mib", "peak RSS MiB")):
        print(
            f"{label:>13}: WandbLogger {theirs[key]:8.2f} ({_spread(runs['wandblogger'], key)})  "
            f"ours {ours[key]:8.2f} ({_spread(runs['ours'], key)})  ratio {ours[key] / theirs[key]:5.2f}x"
        )
    print("target: wall time ratio <= 1.00x")


if __name__ == "__main__":
    main()
