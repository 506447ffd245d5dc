"""The whole app on a real redis-server that is killed and restarted mid-run: answers keep coming,
readiness says degraded, and every accepted feedback reaches the Redis stream exactly once."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from service.app import create_app
from service.components import Components
from tests.service.conftest import make_settings
from tests.service.redis_server import RedisServer


def _wait(condition, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)


def test_feedback_in_equals_feedback_out_across_a_redis_restart(
    redis_server: RedisServer, components: Components
) -> None:
    settings = make_settings(redis_url=redis_server.url, redis_timeout_seconds=0.2, redis_retry_seconds=0.2)
    accepted = 0
    with TestClient(create_app(settings, components=components)) as client:
        assert client.get("/readyz").json()["store"] == {
            "backend": "redis",
            "available": True,
            "buffered_events": 0,
            "detail": "connected",
        }

        def send_feedback(n: int) -> None:
            nonlocal accepted
            body = {"suggestion": "1.001193", "outcome": "accepted", "dossier_id": f"HS-{n}"}
            response = client.post("/v1/feedback", json=body)
            assert response.status_code == 202, response.text
            accepted += 1

        for n in range(20):
            send_feedback(n)
        assert client.get("/v1/search", params={"q": "khai sinh"}).status_code == 200

        redis_server.kill()
        for n in range(20, 50):
            send_feedback(n)
            if n % 5 == 0:
                started = time.perf_counter()
                search = client.get("/v1/search", params={"q": f"cap lai giay phep {n}"})
                assert search.status_code == 200 and time.perf_counter() - started < 2
                assert client.post("/v1/cases/suggestions", json={"codes": ["1.001193"]}).status_code == 200
        ready = client.get("/readyz").json()
        assert ready["status"] == "degraded" and "store" in ready["degraded"]
        assert ready["store"]["available"] is False and ready["store"]["buffered_events"] > 0
        assert client.get("/v1/kpi").json()["feedback"]["accepted"] == accepted
        assert "tthc_store_available 0.0" in client.get("/metrics").text

        redis_server.start()
        _wait(lambda: client.get("/readyz").json()["store"]["buffered_events"] == 0)
        assert client.get("/readyz").json()["store"]["available"] is True
        for n in range(50, 60):
            send_feedback(n)
        assert client.get("/v1/kpi").json()["feedback"]["accepted"] == accepted

    redis = redis_server.client()
    assert accepted == 60
    assert redis.xlen("{tthc}:events:feedback") == accepted
    assert int(redis.hget("{tthc}:kpi", "feedback:accepted")) == accepted
    dossiers = {fields[b"dossier_id"] for _, fields in redis.xrange("{tthc}:events:feedback")}
    assert len(dossiers) == accepted
