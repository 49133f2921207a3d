"""W&B push benchmark: ours vs `WandbLogger.sync`, offline, the same emulator job, one run.

    python bench/push.py            # 5,000 and 50,000 examples, 2,000 steps each
    python bench/push.py --quick    # 500 examples, 200 steps (a smoke run)

Each push runs in its own subprocess (5 times per side, alternating; medians shown) (so peak RSS is that push's alone) against the same
job on an embedded emulator served by this process. A third side is the real command,
`aoft-tui push JOB --mode offline --json`, timed as a process from spawn to exit (its own
line under "ours"; CPU and peak RSS from the process's rusage). Printed: wall time of the push call
(imports included on both sides), its CPU time in the pushing process (steadier than wall
time on a busy machine), peak RSS of the pushing process, and ours/theirs ratios. Targets: time ≤ 1.0×;
peak RSS ≤ 1/3 of WandbLogger's at 50,000 examples.

WandbLogger needs pandas (its own dependency, not ours): `pip install pandas`, or put it
on PYTHONPATH for this script. It is patched as little as lets it run offline (measured
in issue 6): no `wandb.login()` requirement, no `wandb.Api()` look-ups (they need the
network), and `use_artifact` — refused offline — logs the dataset artifact instead.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
API_VERSION = "2025-04-01-preview"


# --- the child: one push, measured --------------------------------------------------------------
def child(args: argparse.Namespace) -> None:
    os.environ["WANDB_MODE"] = "offline"
    os.environ["WANDB_SILENT"] = "true"
    os.environ["WANDB_DIR"] = args.dir
    for var in ("WANDB_DATA_DIR", "WANDB_CACHE_DIR", "WANDB_CONFIG_DIR"):  # staged artifacts: temp too
        os.environ[var] = str(Path(args.dir) / var.lower())
    os.environ["AOFT_TUI_STATE_DIR"] = str(Path(args.dir) / "state")
    started = time.perf_counter()
    cpu_started = time.process_time()
    if args.child == "ours":
        from aoft_tui.services.finetuning import FineTuningService
        from aoft_tui.services.wandb_push import PushOptions, push_job

        service = FineTuningService(args.endpoint, args.key, API_VERSION)
        result = push_job(service, args.job, PushOptions(mode="offline", wandb_dir=Path(args.dir)))
        steps = result.steps_logged
    else:
        steps = _wandblogger(args)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": elapsed, "cpu_seconds": cpu, "peak_rss_mib": peak_kib / 1024, "steps": steps}))


def _wandblogger(args: argparse.Namespace) -> int:
    import wandb
    from openai import AzureOpenAI
    from wandb.integration.openai.fine_tuning import WandbLogger

    # The least patching that lets it run offline (each one a measured failure, issue 6).
    WandbLogger._ensure_logged_in = classmethod(lambda cls: None)  # wandb.login() is False offline
    WandbLogger._get_wandb_run = classmethod(lambda cls, path: None)  # wandb.Api(): network
    WandbLogger._get_wandb_artifact = classmethod(lambda cls, path: None)
    wandb.Run.use_artifact = lambda self, artifact, aliases=None, **_: self.log_artifact(artifact, aliases=aliases)

    client = AzureOpenAI(azure_endpoint=args.endpoint, api_key=args.key, api_version=API_VERSION)
    WandbLogger.sync(fine_tune_job_id=args.job, openai_client=client, dir=args.dir,
                     settings=wandb.Settings(console="off", silent=True))
    return _rows_written(Path(args.dir))


def _rows_written(base: Path) -> int:
    """History rows in the offline run it wrote (checks the baseline did the work)."""
    from aoft_tui.services.wandb_push.run_file import read_run

    [run_dir] = base.glob("wandb/offline-run-*")
    return len(read_run(run_dir).history)


# --- the parent: emulator, jobs, children ----------------------------------------------------------
def write_dataset(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu".split()
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            q = " ".join(rng.choice(words) for _ in range(rng.randint(8, 30)))
            a = " ".join(rng.choice(words) for _ in range(rng.randint(10, 60)))
            example = {"messages": [
                {"role": "system", "content": "You are a terse assistant."},
                {"role": "user", "content": f"Question {i}: {q}?"},
                {"role": "assistant", "content": a},
            ]}
            fh.write(json.dumps(example) + "\n")


def make_job(service, emu, work: Path, n_examples: int, steps: int) -> str:  # noqa: ANN001
    from aoft_tui.domain.models import JobSpec

    train = work / f"train-{n_examples}.jsonl"
    write_dataset(train, n_examples)
    info = service.upload_file(train)
    service.wait_for_file(info.id, poll_interval=0.05)
    # auto epochs: 2 at 5,000 examples (→ batch 5), 1 at 50,000 (→ batch 25): 2,000 steps
    epochs = 2 if n_examples * 2 <= 25_000 else 1
    batch = max(1, n_examples * epochs // steps)
    job = service.create_job(JobSpec(model="gpt-4.1-mini-2025-04-14", training_file=info.id,
                                     hyperparameters={"n_epochs": epochs, "batch_size": batch}))
    for _ in range(10_000):
        job = service.get_job(job.id)
        if job.status.is_terminal:
            break
        emu.advance(600)
    assert str(job.status) == "succeeded", job
    return job.id


def run_child(kind: str, endpoint: str, key: str, job_id: str, work: Path) -> dict[str, float]:
    out_dir = Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=work))
    cmd = [sys.executable, str(HERE), "--child", kind, "--endpoint", endpoint, "--key", key,
           "--job", job_id, "--dir", str(out_dir)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        raise SystemExit(f"{kind} push failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_command(endpoint: str, key: str, job_id: str, work: Path) -> dict[str, float]:
    """`aoft-tui push JOB --mode offline` as a user runs it: one process, timed from spawn to
    exit (interpreter start, imports and CLI included); CPU and peak RSS from its rusage."""
    out_dir = Path(tempfile.mkdtemp(prefix="cli-", dir=work))
    env = {**os.environ, "AZURE_OPENAI_ENDPOINT": endpoint, "AZURE_OPENAI_API_KEY": key,
           "WANDB_MODE": "offline", "WANDB_SILENT": "true", "WANDB_DIR": str(out_dir),
           "AOFT_TUI_STATE_DIR": str(out_dir / "state"), "AOFT_TUI_CONFIG_DIR": str(out_dir / "config")}
    for var in ("WANDB_DATA_DIR", "WANDB_CACHE_DIR", "WANDB_CONFIG_DIR"):
        env[var] = str(out_dir / var.lower())
    env.pop("WANDB_SERVICE", None)  # its own wandb service, as in a fresh shell
    script = Path(sys.executable).with_name("aoft-tui")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "aoft_tui"]
    cmd += ["push", job_id, "--mode", "offline", "--json"]
    with (out_dir / "stdout").open("w") as out, (out_dir / "stderr").open("w") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=out_dir, env=env, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"aoft-tui push failed ({proc.returncode}):\n{(out_dir / 'stderr').read_text()[-4000:]}")
    doc = json.loads((out_dir / "stdout").read_text())
    return {"seconds": elapsed, "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "peak_rss_mib": usage.ru_maxrss / 1024, "steps": doc["steps_logged"]}


def _median(samples: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(s[key] for s in samples) for key in samples[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", choices=["ours", "wandblogger"])
    parser.add_argument("--endpoint")
    parser.add_argument("--key")
    parser.add_argument("--job")
    parser.add_argument("--dir")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=5, help="runs per side; the median is shown")
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    try:
        subprocess.run([sys.executable, "-c", "import pandas"], check=True, capture_output=True)
    except subprocess.CalledProcessError:
        raise SystemExit("The WandbLogger baseline needs pandas: pip install pandas (or put it on PYTHONPATH).")

    from aoft_tui.emulator.embedded import EmbeddedEmulator
    from aoft_tui.services.finetuning import FineTuningService

    cases = [(500, 200)] if args.quick else [(5_000, 2_000), (50_000, 2_000)]
    with tempfile.TemporaryDirectory(prefix="bench-push-") as tmp, EmbeddedEmulator(seed_jobs=0, speed=0.0, seed=3) as emu:
        work = Path(tmp)
        service = FineTuningService(emu.endpoint, emu.api_key, API_VERSION)
        print(f"{'examples':>9} {'rows':>11} | {'WandbLogger s':>13} {'ours s':>7} {'ratio':>6} | "
              f"{'CPU s theirs':>12} {'ours':>5} {'ratio':>6} | {'WandbLogger MiB':>15} {'ours MiB':>8} {'ratio':>6}")
        for n_examples, steps in cases:
            job_id = make_job(service, emu, work, n_examples, steps)
            # alternate the sides so drift on a busy machine hits both alike
            runs: dict[str, list[dict[str, float]]] = {"wandblogger": [], "ours": [], "command": []}
            for _ in range(max(1, args.repeat)):
                for kind in runs:
                    if kind == "command":
                        runs[kind].append(run_command(emu.endpoint, emu.api_key, job_id, work))
                    else:
                        runs[kind].append(run_child(kind, emu.endpoint, emu.api_key, job_id, work))
            theirs, ours = _median(runs["wandblogger"]), _median(runs["ours"])
            command = _median(runs["command"])
            rows = f"{theirs['steps']:,}/{ours['steps']:,}"
            print(f"{n_examples:>9,} {rows:>11} | {theirs['seconds']:>13.2f} {ours['seconds']:>7.2f} "
                  f"{ours['seconds'] / theirs['seconds']:>5.2f}x | {theirs['cpu_seconds']:>12.2f} {ours['cpu_seconds']:>5.2f} "
                  f"{ours['cpu_seconds'] / theirs['cpu_seconds']:>5.2f}x | {theirs['peak_rss_mib']:>15.0f} "
                  f"{ours['peak_rss_mib']:>8.0f} {ours['peak_rss_mib'] / theirs['peak_rss_mib']:>5.2f}x", flush=True)
            print(f"{'':>9} {'`aoft-tui push` process':>23} {command['seconds']:>7.2f} "
                  f"{command['seconds'] / theirs['seconds']:>5.2f}x | {'':>12} {command['cpu_seconds']:>5.2f} "
                  f"{command['cpu_seconds'] / theirs['cpu_seconds']:>5.2f}x | {'':>15} "
                  f"{command['peak_rss_mib']:>8.0f} {command['peak_rss_mib'] / theirs['peak_rss_mib']:>5.2f}x "
                  f"({command['steps']:,.0f} rows)", flush=True)
        service.close()
    print("targets: time ratio <= 1.00x; RSS ratio <= 0.33x at 50,000 examples")


if __name__ == "__main__":
    main()
