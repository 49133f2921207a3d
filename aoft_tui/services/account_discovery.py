"""Find the Azure resource (resource group, account) behind an Azure OpenAI endpoint.

Deploying needs the resource in Azure Resource Manager's terms, which users rarely know by
heart; they do know the endpoint. The subscription's Cognitive Services accounts
(`accounts.list()`) each carry `properties.endpoint` (and, for AI Services / Foundry
resources, `properties.endpoints`, whose values include the `*.openai.azure.com` one) and
a `customSubDomainName`; the one whose host matches the endpoint's is the resource. Its
resource group is read from its ARM id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

# Hosts whose first label is the resource's custom subdomain.
_SUBDOMAIN_HOSTS = (".openai.azure.com", ".cognitiveservices.azure.com", ".services.ai.azure.com")


@dataclass(frozen=True)
class FoundAccount:
    resource_group: str
    account_name: str
    endpoint: str  # the account's endpoint that matched

    def note(self) -> str:
        return (
            f"Found account {self.account_name} in resource group {self.resource_group} from the "
            f"endpoint {self.endpoint} (set account_name and resource_group to skip the search)."
        )


def _host(url: str | None) -> str:
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


def _account_endpoints(account: Any) -> list[str]:
    props = getattr(account, "properties", None)
    urls = [getattr(props, "endpoint", None)]
    urls += list((getattr(props, "endpoints", None) or {}).values())
    return [u for u in urls if isinstance(u, str) and u]


def _subdomain(host: str) -> str | None:
    for suffix in _SUBDOMAIN_HOSTS:
        if host.endswith(suffix):
            return host[: -len(suffix)]
    return None


def _resource_group(account_id: str) -> str | None:
    parts = account_id.split("/")
    lowered = [p.lower() for p in parts]
    if "resourcegroups" in lowered:
        index = lowered.index("resourcegroups") + 1
        return parts[index] if index < len(parts) else None
    return None


def match_account(accounts: Iterable[Any], endpoint: str) -> FoundAccount | None:
    """The account serving `endpoint`: same host (and port), or the same custom subdomain."""
    wanted = _host(endpoint)
    wanted_subdomain = _subdomain(wanted)
    for account in accounts:
        group = _resource_group(getattr(account, "id", "") or "")
        if not group:
            continue
        for url in _account_endpoints(account):
            if _host(url) == wanted:
                return FoundAccount(group, account.name, url)
        custom = getattr(getattr(account, "properties", None), "custom_sub_domain_name", None)
        if wanted_subdomain and custom and custom.lower() == wanted_subdomain:
            return FoundAccount(group, account.name, endpoint)
    return None
