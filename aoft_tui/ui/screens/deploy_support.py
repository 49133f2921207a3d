"""The deploy screens' services, built once per app at first use (not on the start path)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aoft_tui.services.deployment_chat import DeploymentChat
    from aoft_tui.services.deployments import DeploymentService
    from aoft_tui.ui.app import AoftApp


def deploy_services(app: AoftApp) -> tuple[DeploymentService, DeploymentChat]:
    """(DeploymentService, DeploymentChat) for this app; raises ConfigError/ServiceError with
    a message to show when deploying is not set up."""
    if app.deploy_services is not None:
        return app.deploy_services
    from aoft_tui.services.control_plane import dashboard_config
    from aoft_tui.services.deployment_chat import DeploymentChat
    from aoft_tui.services.deployments import DeploymentService

    service = app.service
    # the jobs service's own resource and sign-in (in the demo its key is also the control
    # plane's bearer token)
    credentials = service.chat_credentials()
    key = credentials.api_key.get_secret_value() if credentials.api_key else None
    config = dashboard_config(
        demo=app.demo, endpoint=credentials.endpoint, api_key=key, settings=app.settings
    )
    deployments = DeploymentService(
        config, api_key_configured=bool(key), poll_interval=0.5 if app.demo else 10.0
    )
    chat = DeploymentChat.from_credentials(credentials)
    app.deploy_services = (deployments, chat)
    return deployments, chat


def form_problem(text: str, missing: str, count: str, count_label: str) -> str | None:
    """What is wrong with a deploy screen's form (a required text and a count of at least
    1: the deploy dialog's name and capacity, the evaluation's file and N), or None."""
    if not text:
        return missing
    if not count.isdigit() or int(count) < 1:
        return f"{count_label} must be a whole number of at least 1."
    return None
