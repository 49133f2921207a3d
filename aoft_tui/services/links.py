"""Where a job can be looked at outside the terminal: the Azure portal and its W&B run.

No per-job deep link into Azure AI Foundry / Azure OpenAI Studio is documented (Foundry's
URLs carry a workspace id and tenant the data-plane API never reveals), so the Azure link is
the resource's page in the Azure portal — `https://portal.azure.com/#resource` + the resource's
ARM id — when `subscription_id`, `resource_group` and `account_name` are configured (see the
README, `connect`), else the Foundry portal's start page, where the resource is picked and its
Fine-tuning page lists the job. `JobLinks.azure_note` says which one it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlparse

from aoft_tui.services.settings import Settings

FOUNDRY_PORTAL = "https://ai.azure.com/"
AZURE_PORTAL = "https://portal.azure.com/"


@dataclass(frozen=True, slots=True)
class JobLinks:
    azure: str
    azure_note: str  # what the Azure link opens, and what to do there
    wandb: str | None  # None: never pushed, or pushed offline / without a known entity
    wandb_note: str


def resource_id(settings: Settings) -> str | None:
    parts = (settings.subscription_id, settings.resource_group, settings.account_name)
    if not all(parts):
        return None
    sub, group, account = (quote(str(p), safe="") for p in parts)
    return f"/subscriptions/{sub}/resourceGroups/{group}/providers/Microsoft.CognitiveServices/accounts/{account}"


def wandb_app_host(api_host: str) -> str:
    """The W&B web app for an API host: api.wandb.ai → https://wandb.ai; a self-hosted
    server serves both from one host."""
    parsed = urlparse(api_host)
    host = parsed.netloc or parsed.path
    if host.startswith("api.wandb.ai"):
        host = "wandb.ai" + host.removeprefix("api.wandb.ai")
    return f"{parsed.scheme or 'https'}://{host}"


def job_links(job_id: str, settings: Settings) -> JobLinks:
    rid = resource_id(settings)
    if rid:
        azure = f"{AZURE_PORTAL}#resource{rid}/overview"
        azure_note = (
            "the resource in the Azure portal (Go to Azure AI Foundry portal → Fine-tuning lists the job)"
        )
    else:
        azure = FOUNDRY_PORTAL
        azure_note = (
            "Azure AI Foundry: pick the resource, then Fine-tuning lists the job (no per-job link exists; "
            "set subscription_id, resource_group and account_name for a link to the resource)"
        )
    wandb, wandb_note = _wandb_link(job_id, settings)
    return JobLinks(azure, azure_note, wandb, wandb_note)


def _wandb_link(job_id: str, settings: Settings) -> tuple[str | None, str]:
    from aoft_tui.services.wandb_push.options import wandb_host
    from aoft_tui.services.wandb_push.record import PushRecord

    project, entity = settings.wandb.project, settings.wandb.entity
    record = PushRecord.load(job_id, project, entity)  # the push's run id is the job id
    pushed = record.last_step is not None or record.complete or record.artifacts
    if not pushed:
        return None, "not pushed to W&B yet (w pushes it)"
    if record.pending_sync_dirs():
        return (
            None,
            f"pushed offline: `wandb sync` uploads it ({len(record.pending_sync_dirs())} run folder(s))",
        )
    if not entity:
        return None, "pushed; set [wandb] entity in config.toml for a link (the push printed the run's URL)"
    url = f"{wandb_app_host(wandb_host())}/{quote(entity)}/{quote(project)}/runs/{quote(job_id)}"
    return url, f"run {job_id} in {entity}/{project}"
