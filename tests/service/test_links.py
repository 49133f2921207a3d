"""A job's links: the Azure portal (resource page when its ARM id is configured, else the
Foundry portal) and its W&B run, read from the push's own record."""

from __future__ import annotations

from aoft_tui.services.links import FOUNDRY_PORTAL, job_links, wandb_app_host
from aoft_tui.services.settings import Settings, WandbSettings
from aoft_tui.services.wandb_push.record import PushRecord

JOB = "ftjob-0123456789abcdef"


def test_azure_link_is_the_resource_page_when_its_arm_id_is_known() -> None:
    settings = Settings(
        subscription_id="00000000-1111-2222-3333-444444444444", resource_group="rg ft", account_name="my-aoai"
    )
    links = job_links(JOB, settings)
    assert links.azure == (
        "https://portal.azure.com/#resource/subscriptions/00000000-1111-2222-3333-444444444444"
        "/resourceGroups/rg%20ft/providers/Microsoft.CognitiveServices/accounts/my-aoai/overview"
    )
    assert "Fine-tuning" in links.azure_note


def test_without_the_arm_id_the_link_is_foundry_and_says_why() -> None:
    links = job_links(JOB, Settings(account_name="my-aoai"))
    assert links.azure == FOUNDRY_PORTAL
    assert "no per-job link" in links.azure_note and "subscription_id" in links.azure_note


def test_no_wandb_link_before_a_push() -> None:
    links = job_links(JOB, Settings(wandb=WandbSettings(entity="team")))
    assert links.wandb is None and "not pushed" in links.wandb_note


def test_wandb_link_after_an_online_push(monkeypatch) -> None:
    monkeypatch.delenv("WANDB_BASE_URL", raising=False)
    record = PushRecord(
        run_id=JOB, project="ft-runs", entity="team", last_step=12, steps=[[1, 12]], complete=True
    )
    record.save()
    links = job_links(JOB, Settings(wandb=WandbSettings(project="ft-runs", entity="team")))
    assert links.wandb == f"https://wandb.ai/team/ft-runs/runs/{JOB}"


def test_an_offline_push_says_it_needs_a_sync(tmp_path) -> None:
    run_dir = tmp_path / "offline-run-1"
    run_dir.mkdir()
    PushRecord(run_id=JOB, project="ft-runs", entity=None, last_step=3, offline_dirs=[str(run_dir)]).save()
    links = job_links(JOB, Settings(wandb=WandbSettings(project="ft-runs")))
    assert links.wandb is None and "wandb sync" in links.wandb_note


def test_self_hosted_wandb_serves_the_app_on_its_own_host() -> None:
    assert wandb_app_host("https://api.wandb.ai") == "https://wandb.ai"
    assert wandb_app_host("https://wandb.example.com") == "https://wandb.example.com"
