"""Load and fault run of the HTTP service on 127.0.0.1: search and dossier suggestions at 1, 10 and
50 concurrent clients, then the same client counts again with Redis killed halfway (and restarted).

The service runs as a real process (`tthc serve --workers N`) with a real `redis-server`
(append-only, fsync always) as its store. Clients are async httpx tasks in this process, each
sending its next request when the previous one answered (closed loop), for a bounded time.

* baseline, same run, same clients: GET /healthz, the framework's own floor on this machine;
* cold search: every query is distinct (random spans of catalog titles, half without diacritics),
  so neither the Redis answer cache nor the engine's own LRU can answer it (`X-Cache` hits are
  counted and printed: 0 expected);
* warm search: 40 queries repeated, answered from the Redis cache after their first request;
* suggestions: POST /v1/cases/suggestions for random catalog codes (each one records a dossier).

Fault runs, one per client count: cold search, suggestions and feedback mixed; Redis is killed
with SIGKILL at half time and restarted at three quarters. Every feedback answered 202 is counted
and compared, once Redis is back and the workers' buffers are flushed, with the length of the
Redis feedback stream and the KPI counter (count in = count out).

Rate limiting is switched off for the run (TTHC_RATE_LIMIT_PER_SECOND=0): the load client would
otherwise be throttled as one caller. The load client shares the machine's cores with the service,
and on this shared 2-core machine figures are noisy when other jobs run. Exit status 1 when any
answer was a 5xx or feedback was lost.

    .venv/bin/python benchmarks/load_service.py [--seconds 8] [--workers 1] [--clients 1,10,50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the redis-server helper lives with the tests, not in the package

from benchmarks.service_process import start_service  # noqa: E402
from catalog.store import load_catalog  # noqa: E402
from models.text.normalize import fold_diacritics  # noqa: E402
from service.store.base import Stream  # noqa: E402
from service.store.redis import COUNTERS_KEY, stream_key  # noqa: E402
from tests.service.redis_server import RedisServer, free_port  # noqa: E402

Request = Callable[[httpx.AsyncClient], Awaitable[tuple[str, httpx.Response]]]


@dataclass
class Run:
    """What one kind of request measured in one phase."""

    name: str
    clients: int
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    cache_hits: int = 0
    errors: int = 0
    seconds: float = 0.0

    def add(self, status: int, latency: float, cache: str | None) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.latencies.append(latency)
        self.cache_hits += cache == "hit"

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def line(self) -> str:
        lat = np.array(self.latencies) * 1000 if self.latencies else np.zeros(1)
        return (
            f"| {self.name:<28} | {self.clients:>3} | {len(self.latencies) / self.seconds:7.1f} | "
            f"{np.percentile(lat, 50):7.1f} | {np.percentile(lat, 99):7.1f} | {self.server_errors:>3} | "
            f"{self.errors:>3} | {self.cache_hits:>5}/{len(self.latencies):<5} | "
            f"{dict(sorted(self.statuses.items()))} |"
        )


HEADER = (
    "| phase                        | cl. |   req/s |  p50 ms |  p99 ms | 5xx | err |  cache hits"
    " | statuses |\n"
    "| --- | --: | --: | --: | --: | --: | --: | --: | --- |"
)


class QueryMaker:
    """Distinct queries as people type them: 2-6 consecutive words of a title, half unaccented."""

    def __init__(self, titles: list[str], seed: int = 7) -> None:
        self.words = [t.split() for t in titles if len(t.split()) >= 3]
        self.random = random.Random(seed)
        self.seen: set[str] = set()

    def __call__(self) -> str:
        while True:
            words = self.random.choice(self.words)
            size = self.random.randint(2, min(6, len(words)))
            start = self.random.randint(0, len(words) - size)
            query = " ".join(words[start : start + size]).lower()
            if self.random.random() < 0.5:
                query = fold_diacritics(query)
            if query not in self.seen:
                self.seen.add(query)
                return query


async def drive(
    client: httpx.AsyncClient,
    runs: dict[str, Run],
    clients: int,
    seconds: float,
    request: Request,
    during: Callable[[float], Awaitable[None]] | None = None,
) -> None:
    """`clients` closed-loop clients for `seconds`, each answer filed under the kind `request` names;
    `during(seconds)` runs alongside."""
    started = time.perf_counter()
    deadline = started + seconds

    async def one_client() -> None:
        while time.perf_counter() < deadline:
            sent = time.perf_counter()
            try:
                kind, response = await request(client)
            except httpx.HTTPError:
                next(iter(runs.values())).errors += 1
                continue
            runs[kind].add(response.status_code, time.perf_counter() - sent, response.headers.get("x-cache"))

    tasks = [asyncio.create_task(one_client()) for _ in range(clients)]
    if during is not None:
        tasks.append(asyncio.create_task(during(seconds)))
    await asyncio.gather(*tasks)
    for run in runs.values():
        run.seconds = time.perf_counter() - started


def start_on_redis(port: int, redis_url: str, workers: int) -> tuple[subprocess.Popen[bytes], float]:
    """`tthc serve` as users start it; seconds from launch until `/readyz` answers 200."""
    env = {
        **os.environ,
        "TTHC_REDIS_URL": redis_url,
        "TTHC_RATE_LIMIT_PER_SECOND": "0",
        "TTHC_REDIS_TIMEOUT_SECONDS": "0.2",
        "TTHC_REDIS_RETRY_SECONDS": "0.5",
        "TTHC_LOG_LEVEL": "warning",
    }
    return start_service(port, env, workers=workers)


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_rss_mb(pid: int, workers: int) -> list[float]:
    """Resident memory of each serving process: the process itself with one worker, else each
    worker uvicorn spawned (its supervisor and multiprocessing's resource tracker left out)."""
    if workers == 1:
        return [_rss_mb(pid)]
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    spawned = [int(c) for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]
    return [_rss_mb(child) for child in spawned]


async def wait_flushed(client: httpx.AsyncClient, workers: int, seconds: float = 30) -> bool:
    """Until every worker says Redis is reachable and nothing is buffered (each /readyz answer
    comes from one worker, so ask often enough to hear from all of them)."""
    deadline = time.monotonic() + seconds
    clean = 0
    while time.monotonic() < deadline:
        store = (await client.get("/readyz")).json()["store"]
        clean = clean + 1 if store["available"] and not store["buffered_events"] else 0
        if clean >= 4 * workers:
            return True
        await asyncio.sleep(0.1)
    return False


async def main(args: argparse.Namespace) -> int:
    catalog = load_catalog()
    codes = catalog.codes()
    make_query = QueryMaker([p.title for p in catalog])
    warm_queries = [make_query() for _ in range(40)]
    rng = random.Random(11)
    server_errors = 0

    with tempfile.TemporaryDirectory() as scratch:
        redis_server = RedisServer(Path(scratch) / "redis")
        redis_server.start()
        port = free_port()
        service, start_seconds = start_on_redis(port, redis_server.url, args.workers)
        try:
            rss = ", ".join(f"{mb:.0f}" for mb in worker_rss_mb(service.pid, args.workers))
            ready = httpx.get(f"http://127.0.0.1:{port}/readyz").json()
            print(
                f"service ready in {start_seconds:.1f} s ({args.workers} worker(s)); RSS per worker {rss} MB"
            )
            print(
                f"readyz: {ready['status']} {ready['degraded'] or ''}; load seconds {ready['load_seconds']}"
            )
            limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
            async with httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{port}", timeout=10, limits=limits
            ) as client:
                for q in warm_queries:  # fill the cache once
                    await client.get("/v1/search", params={"q": q})

                async def cold(c: httpx.AsyncClient) -> tuple[str, httpx.Response]:
                    return "search", await c.get("/v1/search", params={"q": make_query()})

                async def warm(c: httpx.AsyncClient) -> tuple[str, httpx.Response]:
                    return "search", await c.get("/v1/search", params={"q": rng.choice(warm_queries)})

                async def suggest(c: httpx.AsyncClient) -> tuple[str, httpx.Response]:
                    chosen = rng.sample(codes, rng.choice([1, 1, 2]))
                    return "suggestions", await c.post("/v1/cases/suggestions", json={"codes": chosen})

                async def health(c: httpx.AsyncClient) -> tuple[str, httpx.Response]:
                    return "healthz", await c.get("/healthz")

                print(HEADER)
                phases = [
                    ("baseline /healthz", "healthz", health),
                    ("search cold", "search", cold),
                    ("search warm", "search", warm),
                    ("suggestions", "suggestions", suggest),
                ]
                for clients in args.clients:
                    for name, kind, request in phases:
                        run = Run(name, clients)
                        await drive(client, {kind: run}, clients, args.seconds, request)
                        server_errors += run.server_errors
                        print(run.line(), flush=True)

                accepted = 0

                async def mixed(c: httpx.AsyncClient) -> tuple[str, httpx.Response]:
                    nonlocal accepted
                    roll = rng.random()
                    if roll < 0.5:
                        return await cold(c)
                    if roll < 0.8:
                        return await suggest(c)
                    body = {"suggestion": rng.choice(codes), "outcome": "accepted"}
                    response = await c.post("/v1/feedback", json=body)
                    accepted += response.status_code == 202
                    return "feedback", response

                readiness: list[str] = []

                async def fault(seconds: float) -> None:
                    await asyncio.sleep(seconds / 2)
                    await asyncio.to_thread(redis_server.kill)
                    await asyncio.sleep(seconds / 4)
                    readiness.append((await client.get("/readyz")).json()["status"])
                    await asyncio.to_thread(redis_server.start)

                for clients in args.clients:
                    runs = {
                        kind: Run(f"{kind} (Redis killed)", clients)
                        for kind in ("search", "suggestions", "feedback")
                    }
                    await drive(client, runs, clients, args.seconds * 2, mixed, during=fault)
                    for run in runs.values():
                        server_errors += run.server_errors
                        print(run.line(), flush=True)
                    if not await wait_flushed(client, args.workers):
                        print("buffered events not flushed within 30 s")

                redis = redis_server.client()
                stored = redis.xlen(stream_key(Stream.FEEDBACK))
                counted = int(redis.hget(COUNTERS_KEY, "feedback:accepted") or 0)
                print(f"/readyz while Redis was down: {readiness}")
                print(
                    f"feedback accepted (202): {accepted}; in the Redis stream after the restarts: {stored}; "
                    f"KPI counter feedback:accepted: {counted}"
                )
            rss = ", ".join(f"{mb:.0f}" for mb in worker_rss_mb(service.pid, args.workers))
            print(f"RSS per worker after the run: {rss} MB")
        finally:
            service.terminate()
            service.wait(timeout=30)
            redis_server.kill()
    lost = accepted != stored or accepted != counted
    print(f"5xx answers: {server_errors}; feedback lost or doubled: {lost}")
    return 1 if server_errors or lost else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each phase (fault runs: twice)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--clients", type=lambda s: [int(x) for x in s.split(",")], default=[1, 10, 50])
    sys.exit(asyncio.run(main(parser.parse_args())))
