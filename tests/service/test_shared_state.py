"""Workers and instances share state only through Redis: what one records or caches, the others see.

Two apps on one redis-server stand for two workers (or two instances behind a load balancer); the
slow test runs the real thing, `tthc serve --workers 2`, as a separate process.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.components import Components
from tests.service.conftest import make_settings
from tests.service.redis_server import RedisServer, free_port

TTHC = Path(sys.executable).parent / "tthc"


def test_two_apps_share_counters_events_and_cache_through_redis(
    redis_server: RedisServer, components: Components
) -> None:
    # A generous timeout: on a loaded machine a slow fsync must not make one app buffer its events.
    settings = make_settings(redis_url=redis_server.url, redis_timeout_seconds=2)
    with (
        TestClient(create_app(settings, components=components)) as first,
        TestClient(create_app(settings, components=components)) as second,
    ):
        for n in range(6):
            app = first if n % 2 else second
            body = {"suggestion": "1.001193", "outcome": "accepted", "feedback_id": f"shared-{n}"}
            assert app.post("/v1/feedback", json=body).status_code == 202
        # A retry reaching the other worker is still counted once.
        retry = {"suggestion": "1.001193", "outcome": "accepted", "feedback_id": "shared-0"}
        assert first.post("/v1/feedback", json=retry).status_code == 202
        assert first.get("/v1/kpi").json()["feedback"]["accepted"] == 6
        assert second.get("/v1/kpi").json()["feedback"]["accepted"] == 6

        params = {"q": "dang ky ket hon"}
        assert first.get("/v1/search", params=params).headers["x-cache"] == "miss"
        hit = second.get("/v1/search", params=params)
        assert hit.headers["x-cache"] == "hit"
        assert hit.json() == first.get("/v1/search", params=params).json()
    assert redis_server.client().xlen("{tthc}:events:feedback") == 6


def _wait_started(log: Path, process: subprocess.Popen[bytes], workers: int, seconds: float = 240) -> None:
    """Until every worker has logged the end of its start-up (the first one answers before the
    others have loaded their models)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "tthc serve exited during start-up"
        if log.read_text(errors="replace").count("Application startup complete") >= workers:
            return
        time.sleep(0.2)
    raise AssertionError(f"tthc serve workers not started in {seconds} s")


def _feedback_answered(metrics: str) -> int:
    prefix = 'tthc_http_requests_total{method="POST",route="/v1/feedback",status="202"} '
    return next(
        (int(float(line.removeprefix(prefix))) for line in metrics.splitlines() if line.startswith(prefix)), 0
    )


@pytest.mark.slow
def test_tthc_serve_workers_share_the_kpi_through_redis(redis_server: RedisServer, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "TTHC_REDIS_URL": redis_server.url,
        "TTHC_RATE_LIMIT_PER_SECOND": "0",
        "TTHC_REDIS_TIMEOUT_SECONDS": "2",
    }
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(TTHC), "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
    try:
        _wait_started(log, process, workers=2)
        workers = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        spawned = [w for w in workers if b"spawn_main" in Path(f"/proc/{w}/cmdline").read_bytes()]
        assert len(spawned) == 2
        sent = 60

        async def send_all() -> list[int]:
            # Many at once on fresh connections: a busy worker leaves the next accept to the other.
            limits = httpx.Limits(max_keepalive_connections=0)
            async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
                bodies = [
                    {
                        "suggestion": "1.001193",
                        "outcome": "declined",
                        "reason": "later",
                        "feedback_id": f"w-{n}",
                    }
                    for n in range(sent)
                ]
                answers = await asyncio.gather(*(client.post("/v1/feedback", json=b) for b in bodies))
            return [answer.status_code for answer in answers]

        assert asyncio.run(send_all()) == [202] * sent
        # A worker that found Redis slow (a timeout under load) holds its events for up to a retry
        # period before flushing them; after that every worker reports every event.
        agreeing, deadline, kpi = 0, time.monotonic() + 20, {}
        while agreeing < 10:
            assert time.monotonic() < deadline, f"workers still disagree: {kpi.get('feedback')}"
            with httpx.Client(base_url=base, timeout=10) as client:
                kpi = client.get("/v1/kpi").json()
            assert kpi["store_backend"] == "redis"
            complete = kpi["feedback"]["declined"] == kpi["feedback"]["decline_reasons"]["later"] == sent
            agreeing = agreeing + 1 if complete else 0
            time.sleep(0.05)
        # Each worker's /metrics counts what it answered itself: neither answered everything.
        served = set()
        for _ in range(30):
            with httpx.Client(base_url=base, timeout=10) as client:
                served.add(_feedback_answered(client.get("/metrics").text))
        assert max(served) < sent, served
    finally:
        process.terminate()
        process.wait(timeout=60)
    assert redis_server.client().xlen("{tthc}:events:feedback") == sent
