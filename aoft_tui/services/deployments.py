"""Deploy, list and delete model deployments through Azure Resource Manager.

Uses Microsoft's maintained management client (azure-mgmt-cognitiveservices, the
`aoft-tui[deploy]` extra) with azure-identity; no hand-written ARM or token code. The same
code talks to https://management.azure.com and, in tests and the demo, to the emulator's
stand-in (see control_plane.py for the endpoint and the loopback-http note).

Exactly once: a deployment is named, and `deploy()` first reads that name. An existing one
of the same model is reported (and, while still Creating, waited for), never created again;
one of another model is refused. The PUT itself is idempotent by name, so a deploy that was
interrupted is finished by running it again, or removed with `delete()`.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from aoft_tui.domain.deployments import FAILED, SUCCEEDED, Deployment
from aoft_tui.services.account_discovery import FoundAccount, match_account
from aoft_tui.services.control_plane import (
    ControlPlaneConfig,
    authentication_policy,
    control_plane_config,
    credential_for,
)
from aoft_tui.services.error_mapping import redact
from aoft_tui.services.errors import (
    AuthError,
    BadRequestError,
    ConnectionFailed,
    NotFoundError,
    OperationTimeout,
    ServerError,
    ServiceError,
)
from aoft_tui.services.settings import ConfigError

FINE_TUNED_VERSION = "1"
SKUS = ("Standard", "GlobalStandard", "Developer")
KEY_ONLY_ADVICE = (
    "Deployments are created through Azure Resource Manager, which does not accept API keys "
    "(AZURE_OPENAI_API_KEY works only for the resource's own endpoint). Sign in with Entra ID: "
    "`az login`, or set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET for a service "
    "principal, or export a token as AOFT_MANAGEMENT_TOKEN."
)


class DeployUnavailable(ConfigError):
    """The deploy extra is not installed, or the resource is not fully named."""


@dataclass(frozen=True)
class DeployOutcome:
    deployment: Deployment
    created: bool  # False: a deployment of that name and model was already there


class DeploymentService:
    def __init__(
        self,
        config: ControlPlaneConfig,
        *,
        api_key_configured: bool = False,
        poll_interval: float = 10.0,
        credential: Any = None,
    ) -> None:
        missing = config.missing()
        # a missing resource group or account is looked up from the endpoint; a subscription is not
        findable = bool(config.subscription_id and config.data_endpoint)
        if missing and not findable:
            raise DeployUnavailable(
                f"the Azure resource to deploy to is not named ({', '.join(missing)} not set). Set "
                "subscription_id (and resource_group and account_name, else they are found from the endpoint) "
                "in your profile, or AZURE_SUBSCRIPTION_ID, AZURE_RESOURCE_GROUP and AZURE_OPENAI_ACCOUNT "
                "(the resource's name), or the same names in the config file's [deploy] table."
            )
        try:
            from azure.mgmt.cognitiveservices import CognitiveServicesManagementClient
        except ImportError:
            raise DeployUnavailable(
                "deploying needs Azure's management libraries: pip install 'aoft-tui[deploy]'."
            ) from None
        self.config = config
        self.found: FoundAccount | None = None  # set when the account was found from the endpoint
        self.poll_interval = poll_interval
        self._key_only = api_key_configured and config.token is None
        self._secret = config.token.get_secret_value() if config.token else None
        credential = credential or credential_for(config)
        scopes = [f"{config.management_endpoint}/.default"]
        assert config.subscription_id, "checked above: not missing, or findable (which needs it)"
        self._client = CognitiveServicesManagementClient(
            credential,
            config.subscription_id,
            base_url=config.management_endpoint,
            credential_scopes=scopes,
            authentication_policy=authentication_policy(credential, scopes),
        )
        if missing:
            self._find_account()

    def _find_account(self) -> None:
        """Name the resource from the subscription's accounts whose endpoint is ours."""
        endpoint = self.config.data_endpoint or ""
        with self._errors():
            accounts = list(self._client.accounts.list())
        found = match_account(accounts, endpoint)
        if found is None:
            seen = ", ".join(sorted(a.name for a in accounts if a.name)[:8]) or "none"
            raise DeployUnavailable(
                f"no Cognitive Services account in subscription {self.config.subscription_id} serves {endpoint} "
                f"(accounts: {seen}). Set resource_group and account_name in your profile (or "
                "AZURE_RESOURCE_GROUP and AZURE_OPENAI_ACCOUNT), or check the subscription."
            )
        self.found = found
        self.config = replace(
            self.config,
            resource_group=self.config.resource_group or found.resource_group,
            account_name=self.config.account_name or found.account_name,
        )

    @property
    def _names(self) -> tuple[str, str]:
        """(resource group, account name): named in the config, or found by __init__."""
        group, account = self.config.resource_group, self.config.account_name
        assert group is not None and account is not None, "named, or found in __init__"
        return group, account

    @classmethod
    def from_environment(cls, *, api_key_configured: bool = False, **kwargs: Any) -> DeploymentService:
        return cls(control_plane_config(), api_key_configured=api_key_configured, **kwargs)

    def close(self) -> None:
        self._client.close()

    # --- reading ---------------------------------------------------------------------------
    def list(self) -> list[Deployment]:
        with self._errors():
            items = self._client.deployments.list(*self._names)
            return [deployment_from_arm(d) for d in items]

    def get(self, name: str) -> Deployment | None:
        from azure.core.exceptions import ResourceNotFoundError

        with self._errors(name):
            try:
                raw = self._client.deployments.get(*self._names, name)
            except ResourceNotFoundError:
                return None
            return deployment_from_arm(raw)

    # --- changing --------------------------------------------------------------------------
    def deploy(
        self,
        name: str,
        model: str,
        *,
        sku: str,
        capacity: int = 1,
        version: str = FINE_TUNED_VERSION,
        wait: bool = False,
        timeout: float = 3600.0,
        progress: Callable[[Deployment], None] | None = None,
    ) -> DeployOutcome:
        """Create deployment `name` of `model`, or report the one already there. With `wait`,
        return only when provisioning has Succeeded (a Failed state raises)."""
        existing = self.get(name)
        if existing is not None:
            if existing.model != model:
                raise BadRequestError(
                    f"A deployment named '{name}' already exists with model {existing.model}. Pick another "
                    f"--name, or remove it first with `aoft-tui undeploy {name}`."
                )
            if wait and existing.in_progress:
                existing = self.wait(name, timeout=timeout, progress=progress)
            return DeployOutcome(existing, created=False)
        from azure.mgmt.cognitiveservices.models import Deployment as ArmDeployment
        from azure.mgmt.cognitiveservices.models import (
            DeploymentModel,
            DeploymentProperties,
            Sku,
        )

        body = ArmDeployment(
            sku=Sku(name=sku, capacity=capacity),
            properties=DeploymentProperties(
                model=DeploymentModel(format="OpenAI", name=model, version=version)
            ),
        )
        with self._errors(name):
            # polling=False: the first answer (201, Creating) is the deployment; waiting is ours,
            # so an interrupted wait loses nothing and `wait()` can resume it from a new process.
            poller = self._client.deployments.begin_create_or_update(*self._names, name, body, polling=False)
            created = deployment_from_arm(poller.result())
        if progress is not None:
            progress(created)
        if wait and created.in_progress:
            created = self.wait(name, timeout=timeout, progress=progress)
        return DeployOutcome(created, created=True)

    def wait(
        self, name: str, *, timeout: float = 3600.0, progress: Callable[[Deployment], None] | None = None
    ) -> Deployment:
        """Poll `name` until provisioning ends; Failed or a deletion meanwhile raises."""
        deadline = time.monotonic() + timeout
        while True:
            current = self.get(name)
            if current is None:
                raise NotFoundError(
                    f"Deployment '{name}' disappeared while it was being created "
                    "(deleted meanwhile?). Run the deploy again to create it."
                )
            if progress is not None:
                progress(current)
            if current.state == SUCCEEDED:
                return current
            if current.state == FAILED:
                raise ServerError(
                    f"Deployment '{name}' failed to provision. Remove it with "
                    f"`aoft-tui undeploy {name}` and deploy again."
                )
            if time.monotonic() >= deadline:
                raise OperationTimeout(
                    f"Deployment '{name}' is still {current.state} after {timeout:.0f} s. "
                    f"It goes on in Azure: run the same deploy with --wait to wait again."
                )
            time.sleep(self.poll_interval)

    def delete(self, name: str) -> bool:
        """Delete `name`; False when there was none (nothing to do)."""
        if self.get(name) is None:
            return False
        with self._errors(name):
            self._client.deployments.begin_delete(
                *self._names,
                name,
                polling_interval=self.poll_interval,
            ).result()
        return True

    # --- errors ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def _errors(self, subject: str | None = None) -> Iterator[None]:
        from azure.core.exceptions import (
            ClientAuthenticationError,
            HttpResponseError,
            ServiceRequestError,
            ServiceResponseError,
        )

        where = self.config.management_endpoint
        try:
            yield
        except ClientAuthenticationError as exc:
            detail = _arm_message(exc)
            hint = (
                KEY_ONLY_ADVICE
                if self._key_only
                else (
                    "Sign in with `az login` (or set AOFT_MANAGEMENT_TOKEN) and check your role on the resource."
                )
            )
            raise AuthError(
                self._clean(f"{where} refused the sign-in: {detail.rstrip('.')}. {hint}")
            ) from None
        except HttpResponseError as exc:
            raise self._from_status(exc, subject) from None
        except (ServiceRequestError, ServiceResponseError) as exc:
            raise ConnectionFailed(
                self._clean(
                    f"Could not reach {where}: {exc}. Check the network, or AZURE_MANAGEMENT_ENDPOINT."
                )
            ) from None
        except ImportError as exc:  # azure-identity missing while the mgmt client is there
            raise DeployUnavailable(f"{exc}: pip install 'aoft-tui[deploy]'.") from None
        except ServiceError:
            raise
        except Exception as exc:
            # DefaultAzureCredential found no way to sign in: it raises its own error types
            if (
                type(exc).__name__ == "CredentialUnavailableError"
                or "credential" in type(exc).__name__.lower()
            ):
                hint = (
                    KEY_ONLY_ADVICE
                    if self._key_only
                    else "Sign in with `az login`, or set AOFT_MANAGEMENT_TOKEN."
                )
                raise AuthError(self._clean(f"No Azure sign-in is available for {where}. {hint}")) from None
            raise

    def _from_status(self, exc: Any, subject: str | None) -> ServiceError:
        status = getattr(exc, "status_code", None)
        code = getattr(getattr(exc, "error", None), "code", None) or ""
        message = self._clean(f"{code + ': ' if code else ''}{_arm_message(exc)}")
        c = self.config
        if status in (401, 403):
            hint = (
                KEY_ONLY_ADVICE
                if self._key_only
                else (
                    "Your Entra ID identity needs a role with Microsoft.CognitiveServices/accounts/deployments/write "
                    "(e.g. Cognitive Services Contributor) on the resource."
                )
            )
            return AuthError(f"{message} {hint}", status_code=status)
        if status == 404:
            return NotFoundError(
                f"{message} (subscription {c.subscription_id}, resource group {c.resource_group}, "
                f"account {c.account_name}). Check those names.",
                status_code=404,
            )
        if status == 429:
            return ServiceError(f"{message} Wait a minute and try again.", status_code=429)
        if status is not None and status >= 500:
            return ServerError(f"{message} Azure had a problem; try again shortly.", status_code=status)
        return BadRequestError(message, status_code=status)

    def _clean(self, text: str) -> str:
        return redact(text, self._secret)


def _arm_message(exc: Any) -> str:
    error = getattr(exc, "error", None)
    message = getattr(error, "message", None) or getattr(exc, "message", None) or str(exc)
    return str(message).splitlines()[0].strip()


def deployment_from_arm(raw: Any) -> Deployment:
    props = raw.properties
    model = props.model if props is not None else None
    system = getattr(raw, "system_data", None)
    return Deployment(
        name=raw.name or "",
        model=(model.name if model else "") or "",
        version=(model.version if model else "") or "",
        sku=(raw.sku.name if raw.sku else "") or "",
        capacity=int((raw.sku.capacity if raw.sku else 0) or 0),
        state=str((props.provisioning_state if props else None) or "Unknown"),
        created_at=getattr(system, "created_at", None),
    )
