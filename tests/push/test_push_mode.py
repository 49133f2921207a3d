"""Mode auto never looks anything up on the network: a key or a netrc entry means online."""

from __future__ import annotations

from pathlib import Path

import pytest

from aoft_tui.services.wandb_push.options import PushError, PushResult, logged_in, resolve_mode


@pytest.fixture(autouse=True)
def _no_keys(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("WANDB_API_KEY", raising=False)
    monkeypatch.delenv("WANDB_MODE", raising=False)
    monkeypatch.delenv("WANDB_BASE_URL", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NETRC", str(tmp_path / "netrc-missing"))


def test_auto_is_offline_without_credentials() -> None:
    assert not logged_in()
    assert resolve_mode("auto") == "offline"


def test_auto_is_online_with_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WANDB_API_KEY", "x" * 40)
    assert resolve_mode("auto") == "online"


def test_auto_is_online_with_netrc_for_the_wandb_host(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine api.wandb.ai\n  login user\n  password " + "k" * 40 + "\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    assert resolve_mode("auto") == "online"
    # a netrc for another host does not count
    monkeypatch.setenv("WANDB_BASE_URL", "https://wandb.example.com")
    assert resolve_mode("auto") == "offline"


def test_wandb_mode_offline_wins_in_auto(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WANDB_API_KEY", "x" * 40)
    monkeypatch.setenv("WANDB_MODE", "offline")
    assert resolve_mode("auto") == "offline"


def test_online_without_credentials_says_what_to_do() -> None:
    with pytest.raises(PushError, match="wandb login"):
        resolve_mode("online")
    with pytest.raises(PushError, match="Unknown mode"):
        resolve_mode("cloud")


def test_sync_command_quotes_and_orders_dirs() -> None:
    result = PushResult(
        job_id="ftjob-1",
        status="succeeded",
        mode="offline",
        project="P",
        entity=None,
        run_id="ftjob-1",
        sync_dirs=[Path("/w/offline-run-1-ftjob-1"), Path("/w/my runs/offline-run-2")],
    )
    assert (
        result.sync_command == "wandb sync --id ftjob-1 /w/offline-run-1-ftjob-1 '/w/my runs/offline-run-2'"
    )


def test_online_with_a_key_but_no_reachable_server_fails_in_bounded_time(
    monkeypatch: pytest.MonkeyPatch, emulator, service
) -> None:
    """Logged in but W&B unreachable: a clear error within the init timeout, no hang."""
    import time

    from aoft_tui.services.wandb_push import PushOptions, push_job, wandb_run

    monkeypatch.setattr(wandb_run, "ONLINE_INIT_TIMEOUT", 3.0)
    monkeypatch.setenv("WANDB_API_KEY", "k" * 40)
    monkeypatch.setenv("WANDB_BASE_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    from .push_support import finished_job

    job_id = finished_job(emulator, service, n_steps=20)
    started = time.monotonic()
    with pytest.raises(PushError, match="--mode offline"):
        push_job(service, job_id, PushOptions(mode="auto"))
    assert time.monotonic() - started < 30
    # …and the same job can still be pushed offline in this process (the failed online
    # init must not leave the run id "in use" in wandb's service)
    monkeypatch.delenv("WANDB_API_KEY")
    result = push_job(service, job_id, PushOptions(mode="offline"))
    assert result.mode == "offline" and result.steps_logged > 0
