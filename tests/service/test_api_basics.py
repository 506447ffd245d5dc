"""Procedures, feedback, errors, limits, keys, health and metrics over HTTP on the shipped catalog."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.app import create_app
from service.components import Components
from tests.service.conftest import make_settings

PROBLEM = "application/problem+json"


def _is_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["detail"] and body["detail_en"]
    return body


def test_procedure_detail(client: TestClient) -> None:
    body = client.get("/v1/procedures/1.001193").json()
    assert body["code"] == "1.001193"
    assert "khai sinh" in body["title"].lower()
    assert body["documents"] and body["channels"]


def test_unknown_procedure_is_a_problem_in_two_languages(client: TestClient) -> None:
    body = _is_problem(client.get("/v1/procedures/9.999999"), 404)
    assert "9.999999" in body["detail"] and "9.999999" in body["detail_en"]
    _is_problem(client.get("/v1/procedures/" + "1" * 40), 422)
    _is_problem(client.get("/no/such/path"), 404)


def test_health_and_readiness(client: TestClient) -> None:
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["procedures"] > 2000
    ready = client.get("/readyz").json()
    assert ready["store"]["backend"] == "memory" and ready["store"]["available"]
    assert ready["status"] == ("degraded" if ready["degraded"] else "ok")


def test_feedback_is_counted_once_per_feedback_id(client: TestClient) -> None:
    before = client.get("/v1/kpi").json()["feedback"]["declined"]
    payload = {
        "feedback_id": "test-retry-1",
        "suggestion": "1.001193",
        "outcome": "declined",
        "reason": "already_done",
    }
    for _ in range(3):
        response = client.post("/v1/feedback", json=payload)
        assert response.status_code == 202
        assert response.json() == {"feedback_id": "test-retry-1", "buffered": False}
    kpi = client.get("/v1/kpi").json()["feedback"]
    assert kpi["declined"] == before + 1
    assert kpi["decline_reasons"]["already_done"] >= 1


def test_bad_feedback(client: TestClient) -> None:
    _is_problem(client.post("/v1/feedback", json={"suggestion": "1.001193", "outcome": "maybe"}), 422)
    reason_without_decline = {"suggestion": "1.001193", "outcome": "accepted", "reason": "later"}
    _is_problem(client.post("/v1/feedback", json=reason_without_decline), 422)
    _is_problem(client.post("/v1/feedback", json={"suggestion": "9.999999", "outcome": "accepted"}), 404)
    _is_problem(
        client.post("/v1/feedback", content=b"{not json", headers={"content-type": "application/json"}), 422
    )


def test_request_body_limit(client: TestClient) -> None:
    big = {"suggestion": "1.001193", "outcome": "declined", "comment": "x" * 100_000}
    body = _is_problem(client.post("/v1/feedback", json=big), 413)
    assert "byte" in body["detail"]

    def chunks():
        yield b'{"suggestion": "1.001193", "outcome": "declined", "comment": "'
        for _ in range(100):
            yield b"x" * 1000
        yield b'"}'

    _is_problem(
        client.post("/v1/feedback", content=chunks(), headers={"content-type": "application/json"}), 413
    )


def test_api_key_guards_writes_only(components: Components) -> None:
    with TestClient(create_app(make_settings(api_keys=["secret-key"]), components=components)) as keyed:
        payload = {"suggestion": "1.001193", "outcome": "accepted"}
        _is_problem(keyed.post("/v1/feedback", json=payload), 401)
        _is_problem(keyed.post("/v1/feedback", json=payload, headers={"X-API-Key": "wrong"}), 401)
        assert (
            keyed.post("/v1/feedback", json=payload, headers={"X-API-Key": "secret-key"}).status_code == 202
        )
        assert keyed.get("/v1/procedures/1.001193").status_code == 200


def test_rate_limit_per_client(components: Components) -> None:
    settings = make_settings(
        rate_limit_per_second=1, rate_limit_burst=5, api_keys=["ihanoi"], rate_limit_partner_per_second=50
    )
    with TestClient(create_app(settings, components=components)) as limited:
        statuses = [limited.get("/v1/procedures/1.001193").status_code for _ in range(8)]
        assert statuses[:5] == [200] * 5 and 429 in statuses[5:]
        throttled = limited.get("/v1/procedures/1.001193")
        body = _is_problem(throttled, 429)
        assert int(throttled.headers["Retry-After"]) >= 1 and "giây" in body["detail"]
        # A made-up key is no way around the limit: it counts as the caller's address.
        for n in range(3):
            made_up = {"X-API-Key": f"made-up-{n}"}
            assert limited.get("/v1/procedures/1.001193", headers=made_up).status_code == 429
        # A partner key has its own, higher rate (one backend speaks for many people).
        partner = {"X-API-Key": "ihanoi"}
        answers = [limited.get("/v1/procedures/1.001193", headers=partner).status_code for _ in range(40)]
        assert answers == [200] * 40
        # Probes are never throttled.
        assert limited.get("/healthz").status_code == 200


def test_cors_is_off_by_default_and_configurable(client: TestClient, components: Components) -> None:
    origin = {"Origin": "https://ihanoi.example", "Access-Control-Request-Method": "GET"}
    assert "access-control-allow-origin" not in client.get("/healthz", headers=origin).headers
    with TestClient(
        create_app(make_settings(cors_origins=["https://ihanoi.example"]), components=components)
    ) as cors:
        response = cors.options("/v1/search", headers=origin)
        assert response.headers["access-control-allow-origin"] == "https://ihanoi.example"


def test_metrics_count_requests_by_route_template(client: TestClient) -> None:
    client.get("/v1/procedures/1.001193")
    client.get("/v1/procedures/9.999999")
    text = client.get("/metrics").text
    assert 'tthc_http_requests_total{method="GET",route="/v1/procedures/{code}",status="200"}' in text
    assert 'route="/v1/procedures/{code}",status="404"' in text
    assert "tthc_store_available 1.0" in text


def test_openapi_documents_every_endpoint_with_vietnamese_examples(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = set(schema["paths"])
    assert {"/v1/search", "/v1/procedures/{code}", "/v1/feedback", "/v1/kpi", "/healthz", "/readyz"} <= paths
    assert "khai sinh" in str(schema).lower()
