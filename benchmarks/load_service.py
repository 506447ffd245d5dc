"""Load and fault run of the HTTP service on 127.0.0.1: search and dossier suggestions at 1, 10 and
50 concurrent clients, then again at 10 clients with Redis killed halfway (and restarted).

The service runs as a real uvicorn process (`tthc serve`'s app, `--workers N`) with a real
`redis-server` (append-only, fsync always) as its store. Clients are bounded async httpx tasks,
each sending its next request when the previous one answered (closed loop).

* cold search: every query is distinct (random spans of catalog titles, half without diacritics),
  so neither the Redis answer cache nor the engine's own LRU can answer it (`X-Cache: miss`
  counted and printed);
* warm search: 40 queries repeated, answered from the Redis cache after their first request;
* suggestions: POST /v1/cases/suggestions for random catalog codes (each one records a dossier);
* baseline, same run, same clients: GET /healthz, the framework's own floor on this machine.

During the fault run the clients also send feedback; every 202 is counted and compared with the
Redis stream length after Redis is back (count in = count out). Rate limiting is switched off
for the run (TTHC_RATE_LIMIT_PER_SECOND=0): one load client would otherwise be throttled as one
caller. Figures on this shared 2-core machine are noisy when other jobs run.

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

from catalog.store import load_catalog  # noqa: E402
from models.text.normalize import fold_diacritics  # noqa: E402
from tests.service.redis_server import RedisServer, free_port  # noqa: E402


@dataclass
class Run:
    """What one phase measured."""

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

    def line(self) -> str:
        lat = np.array(self.latencies) * 1000 if self.latencies else np.zeros(1)
        fivexx = sum(n for s, n in self.statuses.items() if s >= 500)
        return (
            f"{self.name:<22} {self.clients:>3} clients  {len(self.latencies) / self.seconds:8.1f} req/s  "
            f"p50 {np.percentile(lat, 50):7.1f} ms  p99 {np.percentile(lat, 99):7.1f} ms  "
            f"5xx {fivexx}  conn.errors {self.errors}  cache hits {self.cache_hits}/{len(self.latencies)}  "
            f"statuses {dict(sorted(self.statuses.items()))}"
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
    run: Run,
    seconds: float,
    request: Callable[[httpx.AsyncClient], Awaitable[httpx.Response]],
    during: Callable[[float], Awaitable[None]] | None = None,
) -> None:
    """`run.clients` closed-loop clients for `seconds`; `during(elapsed)` runs alongside."""
    started = time.perf_counter()
    deadline = started + seconds

    async def one_client() -> None:
        while time.perf_counter() < deadline:
            sent = time.perf_counter()
            try:
                response = await request(client)
            except httpx.HTTPError:
                run.errors += 1
                continue
            run.add(response.status_code, time.perf_counter() - sent, response.headers.get("x-cache"))

    tasks = [asyncio.create_task(one_client()) for _ in range(run.clients)]
    if during is not None:
        tasks.append(asyncio.create_task(during(seconds)))
    await asyncio.gather(*tasks)
    run.seconds = time.perf_counter() - started


def start_service(port: int, redis_url: str, workers: int) -> tuple[subprocess.Popen[bytes], float]:
    env = {
        **os.environ,
        "TTHC_REDIS_URL": redis_url,
        "TTHC_RATE_LIMIT_PER_SECOND": "0",
        "TTHC_REDIS_TIMEOUT_SECONDS": "0.2",
        "TTHC_REDIS_RETRY_SECONDS": "0.5",
        "TTHC_LOG_LEVEL": "warning",
    }
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(REPO / ".venv/bin/tthc"), "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        cwd=REPO,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return process, time.perf_counter() - started
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise SystemExit("the service exited during start-up")
        time.sleep(0.2)
    process.kill()
    raise SystemExit("the service did not become ready in 300 s")


def rss_mb(pid: int) -> float:
    """Resident memory of the process and its children (the uvicorn workers), in MB."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for one in pids:
        for line in Path(f"/proc/{one}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


async def main(args: argparse.Namespace) -> None:
    catalog = load_catalog()
    codes = catalog.codes()
    make_query = QueryMaker([p.title for p in catalog])
    warm_queries = [make_query() for _ in range(40)]
    rng = random.Random(11)

    with tempfile.TemporaryDirectory() as scratch:
        redis_server = RedisServer(Path(scratch) / "redis")
        redis_server.start()
        port = free_port()
        service, start_seconds = start_service(port, redis_server.url, args.workers)
        try:
            rss = rss_mb(service.pid)
            print(f"service ready in {start_seconds:.1f} s ({args.workers} worker(s)); RSS {rss:.0f} MB")
            print("readyz:", httpx.get(f"http://127.0.0.1:{port}/readyz").json()["degraded"] or "ok")
            limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
            async with httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{port}", timeout=10, limits=limits
            ) as client:
                for q in warm_queries:  # fill the cache once
                    await client.get("/v1/search", params={"q": q})

                async def cold(c: httpx.AsyncClient) -> httpx.Response:
                    return await c.get("/v1/search", params={"q": make_query()})

                async def warm(c: httpx.AsyncClient) -> httpx.Response:
                    return await c.get("/v1/search", params={"q": rng.choice(warm_queries)})

                async def suggest(c: httpx.AsyncClient) -> httpx.Response:
                    chosen = rng.sample(codes, rng.choice([1, 1, 2]))
                    return await c.post("/v1/cases/suggestions", json={"codes": chosen})

                async def health(c: httpx.AsyncClient) -> httpx.Response:
                    return await c.get("/healthz")

                phases = [
                    ("baseline /healthz", health),
                    ("search cold", cold),
                    ("search warm", warm),
                    ("suggestions", suggest),
                ]
                for clients in args.clients:
                    for name, request in phases:
                        run = Run(name, clients)
                        await drive(client, run, args.seconds, request)
                        print(run.line(), flush=True)

                # Fault run: 10 clients, search + suggestions + feedback; Redis killed at half time.
                accepted = 0

                async def mixed(c: httpx.AsyncClient) -> httpx.Response:
                    nonlocal accepted
                    roll = rng.random()
                    if roll < 0.5:
                        return await cold(c)
                    if roll < 0.8:
                        return await suggest(c)
                    response = await c.post(
                        "/v1/feedback", json={"suggestion": rng.choice(codes), "outcome": "accepted"}
                    )
                    accepted += response.status_code == 202
                    return response

                readiness: list[str] = []

                async def fault(seconds: float) -> None:
                    await asyncio.sleep(seconds / 2)
                    await asyncio.to_thread(redis_server.kill)
                    await asyncio.sleep(seconds / 4)
                    readiness.append((await client.get("/readyz")).json()["status"])
                    await asyncio.to_thread(redis_server.start)

                run = Run("mixed, Redis killed", 10)
                await drive(client, run, args.seconds * 2, mixed, during=fault)
                print(run.line())
                deadline = time.monotonic() + 30
                while (await client.get("/readyz")).json()["store"][
                    "buffered_events"
                ] and time.monotonic() < deadline:
                    await asyncio.sleep(0.2)
                stored = redis_server.client().xlen("{tthc}:events:feedback")
                print(
                    f"readyz while Redis was down: {readiness}; "
                    f"feedback accepted (202) {accepted}, in the Redis stream after restart {stored}"
                )
            print(f"RSS after the run {rss_mb(service.pid):.0f} MB")
        finally:
            service.terminate()
            service.wait(timeout=30)
            redis_server.kill()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each phase")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--clients", type=lambda s: [int(x) for x in s.split(",")], default=[1, 10, 50])
    arguments = parser.parse_args()
    sys.exit(asyncio.run(main(arguments)))
