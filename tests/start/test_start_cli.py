"""`aoft-tui start` against the emulator: stdout is the job id (or JSON), progress on stderr,
exit codes for pre-flight errors, failed jobs and bad options."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result

from aoft_tui.emulator.file_checks import FileVerdict
from tests.start.start_support import STRING_CHECK, TEXT_SIMILARITY, run_start

MODEL = "gpt-4o-mini-2024-07-18"


@pytest.fixture
def ticking(env) -> Iterator[dict]:
    """Simulated time runs fast while the command waits; `fail` makes new jobs fail early."""
    stop = threading.Event()
    control = {"fail": False}

    def tick() -> None:
        while not stop.wait(0.02):
            if control["fail"]:
                with env.store.lock:
                    for job in env.store.jobs.values():
                        if job.fail_at_step is None and job.status not in ("failed", "succeeded"):
                            job.fail_at_step = 1
            env.advance(120)

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    yield control
    stop.set()
    thread.join()


def test_prints_the_job_id_on_stdout_and_progress_on_stderr(env, service, data_dir: Path) -> None:
    result = run_start(
        str(data_dir / "train.jsonl"),
        "--model",
        MODEL,
        "--validation",
        str(data_dir / "valid.jsonl"),
        "--suffix",
        "cli",
        "--epochs",
        "2",
    )
    assert result.exit_code == 0, result.stderr
    job_id = result.stdout.strip()
    assert job_id.startswith("ftjob-") and "\n" not in job_id
    job = service.get_job(job_id)
    assert (job.suffix, job.hyperparameters.get("n_epochs")) == ("cli", 2)
    assert "Uploading train.jsonl" in result.stderr and "Uploading valid.jsonl" in result.stderr
    assert "billed tokens" in result.stderr
    assert env.api_key not in result.stderr + result.stdout


def test_json_output_is_the_api_job(env, data_dir: Path) -> None:
    result = run_start(str(data_dir / "train.jsonl"), "-m", MODEL, "--json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["id"].startswith("ftjob-") and payload["model"] == MODEL
    assert payload["object"] == "fine_tuning.job"


def test_a_second_start_reuses_the_upload(env, service, data_dir: Path) -> None:
    train = str(data_dir / "train.jsonl")
    first, second = run_start(train, "-m", MODEL), run_start(train, "-m", MODEL)
    assert first.exit_code == second.exit_code == 0
    assert "Reusing" in second.stderr and "Uploading" not in second.stderr
    assert len(service.list_files(purpose="fine-tune")) == 1
    assert len(service.list_jobs()) == 2


def test_wait_follows_the_job_until_it_succeeds(ticking, service, data_dir: Path) -> None:
    result = run_start(str(data_dir / "train.jsonl"), "-m", MODEL, "--wait", "--interval", "0.05", "--json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["status"] == "succeeded" and payload["fine_tuned_model"]
    assert "Succeeded" in result.stderr and "running" in result.stderr
    assert service.get_job(payload["id"]).status == "succeeded"


def test_wait_exits_non_zero_when_the_job_fails(ticking, data_dir: Path) -> None:
    ticking["fail"] = True
    result = run_start(str(data_dir / "train.jsonl"), "-m", MODEL, "--wait", "--interval", "0.05")
    assert result.exit_code == 1
    assert result.stdout.strip().startswith("ftjob-")
    assert "failed" in result.stderr


def test_preflight_errors_exit_2_and_upload_nothing(env, service, data_dir: Path) -> None:
    result = run_start(str(data_dir / "broken.jsonl"), "-m", MODEL)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "broken.jsonl:13" in result.stderr and "assistant" in result.stderr
    assert "nothing was uploaded" in result.stderr
    assert service.list_files() == [] and service.list_jobs() == []


def test_warnings_need_yes(env, service, warn_file: Path) -> None:
    refused = run_start(str(warn_file), "-m", MODEL)
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    assert service.list_files() == []
    accepted = run_start(str(warn_file), "-m", MODEL, "--yes")
    assert accepted.exit_code == 0, accepted.stderr
    assert accepted.stdout.strip().startswith("ftjob-")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--epochs", "0"], "--epochs: Epochs must be from 1 to 50"),
        (["--suffix", "has space"], "--suffix:"),
        (["--beta", "0.1"], "--beta: Beta applies to DPO only"),
        (["--method", "dpo", "-m", "gpt-35-turbo-0125"], "does not support dpo"),
    ],
)
def test_bad_options_exit_2_with_the_option_named(
    env, data_dir: Path, args: list[str], fragment: str
) -> None:
    base = ["-m", MODEL] if "-m" not in args else []
    result = run_start(str(data_dir / "train.jsonl"), *base, *args)
    assert result.exit_code == 2
    assert fragment in result.stderr


def test_missing_file_is_a_clear_error(env, tmp_path: Path) -> None:
    result = run_start(str(tmp_path / "nope.jsonl"), "-m", MODEL)
    assert result.exit_code == 2
    assert "nope.jsonl" in result.stderr and "Traceback" not in result.stderr


def test_a_rejected_file_exits_1_with_azures_words(
    env, service, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    details = "The training file failed a server-side check (example 4)."
    monkeypatch.setattr(
        "aoft_tui.emulator.store.check_training_file", lambda data, name: FileVerdict(details, None)
    )
    result = run_start(str(data_dir / "train.jsonl"), "-m", MODEL)
    assert result.exit_code == 1
    assert details in result.stderr
    assert service.list_files() == [] and service.list_jobs() == []


def test_no_resource_configured_exits_2(data_dir: Path) -> None:
    result = run_start(str(data_dir / "train.jsonl"), "-m", MODEL)
    assert result.exit_code == 2
    assert "AZURE_OPENAI_ENDPOINT" in result.stderr


def test_ctrl_c_cancels_the_upload_and_deletes_it(
    env, service, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real process and a real SIGINT while Azure processes the upload."""
    import os
    import signal
    import subprocess
    import sys

    # The upload stays `running` on the emulator until the command is interrupted.
    monkeypatch.setattr("aoft_tui.emulator.records.FILE_DONE_AFTER", 1e12)
    monkeypatch.setattr("aoft_tui.emulator.records.FILE_DONE_AFTER_REAL", 1e12)
    proc = subprocess.Popen(
        [sys.executable, "-m", "aoft_tui", "start", str(data_dir / "train.jsonl"), "-m", MODEL],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if "processing" in line:
            proc.send_signal(signal.SIGINT)
            break
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, "".join(seen) + err
    assert out == ""
    assert "no job was created" in err and "Traceback" not in err
    assert service.list_files(purpose="fine-tune") == [] and service.list_jobs() == []


# --- reinforcement: --grader FILE.json and the RFT settings ----------------------------------
RFT_MODEL = "o4-mini-2025-04-16"
GRADER = {
    "type": "multi",
    "name": "both",
    "calculate_output": "0.7 * exact + 0.3 * close",
    "graders": {"exact": STRING_CHECK, "close": TEXT_SIMILARITY},
}


def _rft_examples(n: int, start: int = 0) -> str:
    return "".join(
        json.dumps(
            {
                "messages": [
                    {"role": "developer", "content": "Answer with one word."},
                    {"role": "user", "content": f"What is {i} + {i}?"},
                ],
                "answer": str(2 * i),
            }
        )
        + "\n"
        for i in range(start, start + n)
    )


@pytest.fixture
def rft_env(env, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("OPENAI_API_VERSION", "v1")  # reinforcement is on the v1 API
    (tmp_path / "rft_train.jsonl").write_text(_rft_examples(20))
    (tmp_path / "rft_valid.jsonl").write_text(_rft_examples(10, start=100))
    (tmp_path / "grader.json").write_text(json.dumps(GRADER, indent=2))
    return tmp_path


def _start_reinforcement(rft_env: Path, *args: str) -> Result:
    """`start rft_train.jsonl -m RFT_MODEL --method reinforcement ARGS…`"""
    return run_start(str(rft_env / "rft_train.jsonl"), "-m", RFT_MODEL, "--method", "reinforcement", *args)


def test_start_with_a_grader_file_creates_a_reinforcement_job_with_it(rft_env: Path, env) -> None:
    result = _start_reinforcement(
        rft_env,
        "--validation",
        str(rft_env / "rft_valid.jsonl"),
        "--grader",
        str(rft_env / "grader.json"),
        "--reasoning-effort",
        "low",
        "--eval-interval",
        "4",
        "--eval-samples",
        "2",
        "--compute-multiplier",
        "1.5",
        "--metadata",
        "team=nlp",
        "--metadata",
        "tags=a,b",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    job = json.loads(result.stdout)
    assert job["method"]["type"] == "reinforcement"
    assert job["method"]["reinforcement"]["grader"] == GRADER
    assert {
        k: job["method"]["reinforcement"]["hyperparameters"][k]
        for k in ("reasoning_effort", "eval_interval", "eval_samples", "compute_multiplier")
    } == {"reasoning_effort": "low", "eval_interval": 4, "eval_samples": 2, "compute_multiplier": 1.5}
    assert job["metadata"] == {"team": "nlp", "tags": "a,b"}
    assert 'Grader: multi "both": exact, close → 0.7 * exact + 0.3 * close' in result.stderr


def test_a_grader_that_breaks_the_schema_is_refused_before_upload(rft_env: Path, env, service) -> None:
    broken = json.loads(json.dumps(GRADER))
    del broken["graders"]["close"]["evaluation_metric"]
    broken["graders"]["exact"]["operation"] = "equals"
    (rft_env / "bad_grader.json").write_text(json.dumps(broken, indent=2))
    text = (rft_env / "bad_grader.json").read_text().splitlines()
    line = next(i for i, ln in enumerate(text, 1) if '"operation"' in ln)
    result = _start_reinforcement(
        rft_env,
        "--grader",
        str(rft_env / "bad_grader.json"),
    )
    assert result.exit_code == 2 and result.stdout == ""
    assert (
        f"Error: --grader: {rft_env / 'bad_grader.json'}:{line}: graders.exact.operation: 'equals' is not "
        "an operation. Fix: use one of eq, ne, like, ilike."
    ) in result.stderr
    assert (
        "graders.close.evaluation_metric: required for text_similarity but missing. Fix: add "
        '"evaluation_metric": "fuzzy_match"' in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert service.list_files() == [] and env.store.jobs == {}  # nothing was uploaded or created


def test_reinforcement_without_a_grader_or_with_an_unreadable_one_says_what_to_pass(rft_env: Path) -> None:
    missing = _start_reinforcement(rft_env)
    unreadable = _start_reinforcement(rft_env, "--grader", str(rft_env / "nope.json"))
    assert missing.exit_code == unreadable.exit_code == 2
    assert "Error: --grader: Reinforcement fine-tuning needs a grader" in missing.stderr
    assert (
        f"Error: --grader: cannot read {rft_env / 'nope.json'}: No such file or directory"
        in unreadable.stderr
    )
