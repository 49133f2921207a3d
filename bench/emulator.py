"""Emulator benchmarks (ratios measured in one run; not timed tests).

1. Keep-alive request latency: GET /openai/models on the emulator vs a bare Starlette
   "hello" app on the same uvicorn setup (the floor for any Python ASGI server here).
   Also the same emulator with a plain SOCK_STREAM socket (no TCP_NODELAY), to show the
   delayed-ACK stall the emulator avoids.
2. Start-up: EmbeddedEmulator(seed_jobs=500) vs seed_jobs=0. Target: < 1 s absolute.
3. Lazy simulation: a poll (GET job + newest 20 events) of a 100k-step running job after
   `advance(60)` vs the same poll on a 100-step job. Target: within 3×.

    python bench/emulator.py [--requests 300]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import threading
import time

import httpx2
import uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from aoft_tui.emulator.embedded import EmbeddedEmulator

API = {"api-version": "2025-04-01-preview"}


def _median_ms(client: httpx2.Client, url: str, n: int, **kw) -> float:
    client.get(url, **kw)  # warm the connection
    times = []
    for _ in range(n):
        t = time.perf_counter()
        client.get(url, **kw).raise_for_status()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def _bare_server(proto: int) -> tuple[uvicorn.Server, int]:
    async def hello(request):
        return JSONResponse({"hello": "world"})

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, proto)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        Starlette(routes=[Route("/", hello)]),
        log_level="warning",
        access_log=False,
        lifespan="off",
        http="h11",
        ws="none",
    )
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return server, sock.getsockname()[1]


def bench_latency(n: int) -> None:
    server, port = _bare_server(socket.IPPROTO_TCP)
    with EmbeddedEmulator(speed=0, seed=1) as emu, httpx2.Client() as client:
        bare = _median_ms(client, f"http://127.0.0.1:{port}/", n)
        emu_ms = _median_ms(
            client, f"{emu.endpoint}/openai/models", n, params=API, headers={"api-key": emu.api_key}
        )
    server.should_exit = True
    slow, slow_port = _bare_server(0)  # proto 0: asyncio does not set TCP_NODELAY
    with httpx2.Client() as client:
        nagle = _median_ms(client, f"http://127.0.0.1:{slow_port}/", min(n, 50))
    slow.should_exit = True
    print(
        f"1. keep-alive GET: emulator /models {emu_ms:.2f} ms, bare Starlette {bare:.2f} ms "
        f"→ {emu_ms / bare:.1f}× the floor; without TCP_NODELAY a bare app takes {nagle:.1f} ms "
        f"({nagle / bare:.0f}× slower)"
    )


def bench_startup() -> None:
    def start(n: int) -> float:
        t = time.perf_counter()
        EmbeddedEmulator(seed_jobs=n, speed=0, seed=3).stop()
        return time.perf_counter() - t

    start(0)
    empty, full = min(start(0) for _ in range(3)), min(start(500) for _ in range(3))
    print(
        f"2. start-up: seed_jobs=500 {full * 1000:.0f} ms vs empty {empty * 1000:.0f} ms "
        f"({full / empty:.1f}×; target < 1000 ms: {'ok' if full < 1 else 'MISSED'})"
    )


def bench_lazy(n: int) -> None:
    with (
        EmbeddedEmulator(speed=0, seed=1) as emu,
        httpx2.Client(
            base_url=f"{emu.endpoint}/openai", params=API, headers={"api-key": emu.api_key}
        ) as client,
    ):
        big = emu.add_job(n_steps=100_000, status="running", progress=0.5, seconds_per_step=0.1)
        small = emu.add_job(n_steps=100, status="running", progress=0.5, seconds_per_step=60)

        def poll(job_id: str) -> float:
            times = []
            for _ in range(n // 10):
                emu.advance(60)
                t = time.perf_counter()
                client.get(f"/fine_tuning/jobs/{job_id}").raise_for_status()
                client.get(f"/fine_tuning/jobs/{job_id}/events", params={"limit": 20}).raise_for_status()
                times.append(time.perf_counter() - t)
            return statistics.median(times) * 1000

        poll(big)
        big_ms, small_ms = poll(big), poll(small)
    print(
        f"3. poll after advance(60): 100k-step job {big_ms:.2f} ms vs 100-step job {small_ms:.2f} ms "
        f"({big_ms / small_ms:.1f}×; target ≤ 3×: {'ok' if big_ms <= 3 * small_ms else 'MISSED'})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    bench_latency(args.requests)
    bench_startup()
    bench_lazy(args.requests)


if __name__ == "__main__":
    main()
