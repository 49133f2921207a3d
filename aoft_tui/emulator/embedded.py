"""Run the emulator on a loopback port in a background thread of this process.

    with EmbeddedEmulator(seed_jobs=8, speed=60.0, seed=7) as emu:
        emu.endpoint      # "http://127.0.0.1:<port>" — give to AzureOpenAI(azure_endpoint=...)
        emu.api_key       # the key it accepts (random when not given)
        emu.advance(300)  # move the simulated clock 300 s forward (any speed, incl. 0)

`speed=0` freezes the simulated clock: it moves only through `advance()`, which is what
snapshot and Pilot tests use to be deterministic. Uploaded files still finish processing
after ~0.25 s of real time even with a frozen clock, so upload flows need no clock thread.

Test hooks:
- `emu.faults.schedule(kind, *, method="POST", path_contains="/fine_tuning/jobs", count=1)`
  with kind "429" | "500" | "503" | "reset_before" | "reset_after" | "stall" | "truncate"
  (see faults.py; `method=None` matches any method; `emu.faults.injected` lists what fired).
- `emu.add_job(model=..., n_steps=100_000, status="running", progress=0.5,
  seconds_per_step=1.0, n_epochs=3, validation=True, method="supervised")` → job id: a job
  with an explicit step count (chart benchmarks); "succeeded" and "pending" also work.
- `strict_spec=True`: only the Swagger spec's shapes (contract tests); by default the
  emulator also has the live service's habits (emulator/live.py).
- `emu.job_count()`, `emu.store` (the state, for white-box assertions; take `emu.store.lock`).
"""

from __future__ import annotations

import logging
import secrets
import socket
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn

from aoft_tui.emulator.app import create_app
from aoft_tui.emulator.clock import SimClock
from aoft_tui.emulator.faults import Faults
from aoft_tui.emulator.seeding import add_job, seed_jobs
from aoft_tui.emulator.store import Store
from aoft_tui.emulator.tokens import TokenIssuer


def server_config(app: Any, **overrides: Any) -> uvicorn.Config:
    """How the emulator is served, embedded or standalone: warnings only, no access log or
    lifespan, plain HTTP/1.1 (h11), no websockets, a one-second graceful shutdown."""
    settings: dict[str, Any] = {
        "log_level": "warning",
        "access_log": False,
        "lifespan": "off",
        "http": "h11",
        "ws": "none",
        "timeout_graceful_shutdown": 1,
    }
    return uvicorn.Config(app, **(settings | overrides))


class EmbeddedEmulator:
    def __init__(
        self,
        *,
        seed_jobs: int = 0,
        speed: float = 1.0,
        seed: int = 0,
        fault_rate: float = 0.0,
        state_dir: Path | None = None,
        api_key: str | None = None,
        metrics_every: int = 10,
        host: str = "127.0.0.1",
        port: int = 0,
        strict_spec: bool = False,
        start_epoch: float | None = None,
    ) -> None:
        # start_epoch: two emulators given the same one (and seed) are twins, second for second
        self.clock = SimClock(speed=speed, start_epoch=start_epoch)
        self.store = build_store(
            self.clock, seed=seed, seed_jobs=seed_jobs, state_dir=state_dir, metrics_every=metrics_every
        )
        self.faults = Faults(rate=fault_rate, seed=seed)
        self.api_key = api_key or secrets.token_hex(16)
        self.tokens = TokenIssuer()  # Entra-style bearer tokens (issue_token)
        self.strict_spec = strict_spec
        self._app = create_app(
            self.store, api_key=self.api_key, faults=self.faults, tokens=self.tokens, strict_spec=strict_spec
        )
        # proto=IPPROTO_TCP: asyncio sets TCP_NODELAY only on sockets that say they are TCP;
        # without it every keep-alive response waits ~40 ms for a delayed ACK (Nagle).
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, port))
        self.host, self.port = self._sock.getsockname()[:2]
        # log_config=None: uvicorn must not install stderr handlers inside a TUI (they would
        # draw over the screen); its loggers propagate to whatever the host app configured.
        config = server_config(self._app, log_config=None)
        # …and never fall back to Python's last-resort stderr handler either.
        uvicorn_log = logging.getLogger("uvicorn")
        if not any(isinstance(h, logging.NullHandler) for h in uvicorn_log.handlers):
            uvicorn_log.addHandler(logging.NullHandler())
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, name="aoft-emulator", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the embedded emulator did not start")
            time.sleep(0.005)

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def issue_token(self, lifetime: float = 3600.0) -> tuple[str, int]:
        """A bearer token this emulator accepts until it expires (Entra ID, emulated):
        (token, expires_on epoch seconds). See emulator/tokens.py."""
        return self.tokens.issue(lifetime)

    @property
    def tokens_accepted(self) -> int:
        """Requests let in by an issued token so far."""
        return self.tokens.accepted

    def advance(self, seconds: float) -> None:
        """Move the simulated clock forward; jobs progress accordingly (thread-safe)."""
        self.clock.advance(seconds)
        self.store.save()  # with a state dir: a restart resumes from the advanced time

    def now(self) -> float:
        return self.clock.now()

    def add_job(self, **kwargs: Any) -> str:
        """See seeding.add_job; returns the new job's id."""
        job = add_job(self.store, **kwargs)
        self.store.save()
        return job.id

    def job_count(self) -> int:
        with self.store.lock:
            return len(self.store.jobs)

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.should_exit = True
            self._thread.join(timeout=5)
        self.store.save()
        self._sock.close()

    def __enter__(self) -> EmbeddedEmulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def build_store(
    clock: SimClock, *, seed: int, seed_jobs: int, state_dir: Path | None, metrics_every: int
) -> Store:
    """A store reloaded from `state_dir` when it holds a state, else seeded with `seed_jobs`."""
    store = Store(
        clock,
        seed=seed,
        metrics_every=metrics_every,
        state_dir=Path(state_dir) if state_dir is not None else None,
    )
    if not store.load() and seed_jobs > 0:
        seed_jobs_into(store, seed_jobs, seed)
        store.save()
    return store


def seed_jobs_into(store: Store, n: int, seed: int) -> None:
    seed_jobs(store, n, seed)
