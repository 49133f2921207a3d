"""`aoft-tui emulator`: run the local Azure OpenAI fine-tuning emulator in the foreground."""

from __future__ import annotations

import ipaddress
import secrets
import socket
from pathlib import Path

import click

API_VERSION = "2025-04-01-preview"


@click.command(name="emulator")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port (0 picks a free one).",
)
@click.option(
    "--api-key",
    envvar="AOFT_EMULATOR_API_KEY",
    show_envvar=True,
    default=None,
    help="The key clients must send (random when not given).",
)
@click.option(
    "--seed-jobs",
    default=0,
    show_default=True,
    type=click.IntRange(0, 100_000),
    help="Start with this many demo jobs (succeeded, running, failed, paused, …); "
    "ignored when --state-dir holds a saved state.",
)
@click.option(
    "--speed",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0),
    help="Simulated seconds per real second (60 = a minute per second; 0 freezes).",
)
@click.option("--seed", default=0, show_default=True, type=int, help="Seed: same seed, same ids and curves.")
@click.option(
    "--fault-rate",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Fraction of requests answered with a random 429/500/503/connection reset.",
)
@click.option(
    "--metrics-every",
    default=10,
    show_default=True,
    type=click.IntRange(1),
    help="A metrics event every N training steps.",
)
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Persist state here (JSON) and reload it on restart.",
)
@click.option(
    "--strict-spec",
    is_flag=True,
    default=False,
    help="Answer only in the Swagger spec's shapes, without the live service's habits "
    "(gateway error bodies, request ids, training tiers, checkpoint ids).",
)
def command(
    host: str,
    port: int,
    api_key: str | None,
    seed_jobs: int,
    speed: float,
    seed: int,
    fault_rate: float,
    metrics_every: int,
    state_dir: Path | None,
    strict_spec: bool = False,
) -> None:
    """Run a local emulator of the Azure OpenAI fine-tuning REST API (files, uploads, jobs,
    events, checkpoints, models) for demos, offline CI and your own scripts."""
    import uvicorn

    from aoft_tui.emulator.app import create_app
    from aoft_tui.emulator.clock import SimClock
    from aoft_tui.emulator.embedded import build_store, server_config
    from aoft_tui.emulator.faults import Faults
    from aoft_tui.emulator.persistence import StateFileError

    if not _is_loopback(host):
        click.echo(
            f"Warning: --host {host} serves the emulator to the network: anyone who can reach this "
            "machine can try the key-protected API and read the files uploaded to it. Use "
            "--host 127.0.0.1 unless you mean that.",
            err=True,
        )
    try:
        key = api_key or _saved_or_new_key(state_dir)
        store = build_store(
            SimClock(speed=speed),
            seed=seed,
            seed_jobs=seed_jobs,
            state_dir=state_dir,
            metrics_every=metrics_every,
        )
    except StateFileError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(
            f"cannot use the state dir {state_dir}: {exc.strerror or exc} "
            f"({exc.filename or state_dir}). Pick a folder you can write to."
        ) from None
    for warning in store.load_warnings:
        click.echo(f"Warning: {warning}", err=True)
    app = create_app(store, api_key=key, faults=Faults(rate=fault_rate, seed=seed), strict_spec=strict_spec)
    # IPPROTO_TCP so asyncio sets TCP_NODELAY on connections (no 40 ms delayed-ACK stalls)
    sock = socket.socket(
        socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP
    )
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {exc.strerror}. Pick another --port (0 = any free port)."
        ) from None
    bound_port = sock.getsockname()[1]
    endpoint = f"http://{host if ':' not in host else f'[{host}]'}:{bound_port}"
    click.echo(
        f"Azure OpenAI fine-tuning emulator on {endpoint}  ({len(store.jobs)} jobs, speed {speed:g}x)",
        err=True,
    )
    if state_dir is not None:
        click.echo(f"State: {state_dir}", err=True)
    click.echo("Point clients at it:", err=True)
    click.echo(
        f"export AZURE_OPENAI_ENDPOINT={endpoint} AZURE_OPENAI_API_KEY={key} OPENAI_API_VERSION={API_VERSION}"
    )
    _print_deploy_exports(endpoint, key)
    click.echo("Stop with Ctrl+C.", err=True)
    config = server_config(app)

    class SavingServer(uvicorn.Server):
        """Saves at shutdown: uvicorn re-raises SIGTERM/SIGINT after it, which ends the
        process before the `finally` below would run."""

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            await super().shutdown(sockets=sockets)
            store.save()

    try:
        SavingServer(config).run(sockets=[sock])
    finally:
        store.save()
        sock.close()


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name that may resolve to any interface


def _saved_or_new_key(state_dir: Path | None) -> str:
    """With a state dir the generated key survives restarts, so exported variables stay valid."""
    from aoft_tui.emulator.persistence import private_dir

    if state_dir is None:
        return secrets.token_hex(16)
    path = state_dir / "api-key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(16)
    private_dir(state_dir)
    path.touch(mode=0o600)
    path.write_text(key + "\n")
    return key


def _print_deploy_exports(endpoint: str, key: str) -> None:
    """For `aoft-tui deploy …`: the emulator's control plane takes its key as the bearer token."""
    from aoft_tui.emulator.control_plane_state import ACCOUNT_NAME, RESOURCE_GROUP, SUBSCRIPTION_ID

    click.echo(
        f"export AZURE_MANAGEMENT_ENDPOINT={endpoint} AOFT_MANAGEMENT_TOKEN={key} "
        f"AZURE_SUBSCRIPTION_ID={SUBSCRIPTION_ID} AZURE_RESOURCE_GROUP={RESOURCE_GROUP} "
        f"AZURE_OPENAI_ACCOUNT={ACCOUNT_NAME}"
    )
