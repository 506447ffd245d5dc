"""Search and events over HTTP on the shipped catalog."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.service.test_api_basics import _is_problem


def test_unaccented_everyday_query_finds_the_procedure(client: TestClient) -> None:
    response = client.get("/v1/search", params={"q": "dang ky khai sinh", "limit": 5})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "dang ky khai sinh"
    assert "1.001193" in [r["code"] for r in body["results"]]
    assert len(body["results"]) <= 5


def test_code_query_comes_first(client: TestClient) -> None:
    first = client.get("/v1/search", params={"q": "1.001193"}).json()["results"][0]
    assert first["code"] == "1.001193" and first["fully_online"] in {True, False}


def test_filters_keep_only_matching_procedures(client: TestClient) -> None:
    params = {"q": "cap lai the can cuoc", "level": "cấp tỉnh", "limit": 10}
    results = client.get("/v1/search", params=params).json()["results"]
    assert results and all("cấp tỉnh" in r["levels"] for r in results)
    online = client.get("/v1/search", params={"q": "khai sinh", "fully_online": "true"}).json()["results"]
    assert online and all(r["fully_online"] for r in online)
    field = client.get("/v1/search", params={"q": "khai sinh", "field": "Hộ tịch"}).json()["results"]
    assert field and all(r["field"] == "Hộ tịch" for r in field)


def test_second_identical_search_is_a_cache_hit(client: TestClient) -> None:
    params = {"q": "đăng ký kết hôn có yếu tố nước ngoài"}
    first = client.get("/v1/search", params=params)
    second = client.get("/v1/search", params=params)
    assert first.headers["x-cache"] == "miss" and second.headers["x-cache"] == "hit"
    assert first.json() == second.json()


def test_bad_queries_are_problems_not_crashes(client: TestClient) -> None:
    _is_problem(client.get("/v1/search", params={"q": ""}), 422)
    _is_problem(client.get("/v1/search"), 422)
    too_long = _is_problem(client.get("/v1/search", params={"q": "khai sinh " * 100}), 422)
    assert "tối đa" in too_long["detail"]
    control = _is_problem(client.get("/v1/search", params={"q": "khai\x00sinh"}), 422)
    assert "control" in control["detail_en"]
    _is_problem(client.get("/v1/search", params={"q": "khai sinh", "limit": 0}), 422)
    _is_problem(client.get("/v1/search", params={"q": "khai sinh", "level": "cấp vũ trụ"}), 422)
    assert client.get("/v1/search", params={"q": "   "}).status_code == 422
    assert client.get("/v1/search", params={"q": "!!!"}).status_code == 200


def test_events_list_and_detail(client: TestClient) -> None:
    events = client.get("/v1/events").json()
    kinds = {e["kind"] for e in events}
    assert kinds == {"life", "business"}
    business = client.get("/v1/events", params={"kind": "business"}).json()
    assert business and all(e["kind"] == "business" for e in business)
    birth = client.get("/v1/events", params={"code": "1.001193"}).json()
    assert birth and all("1.001193" in e["codes"] for e in birth)
    detail = client.get(f"/v1/events/{birth[0]['id']}").json()
    assert detail["steps"] and any(m["code"] == "1.001193" for m in detail["members"])
    missing = _is_problem(client.get("/v1/events/no-such-event"), 404)
    assert "/v1/events" in missing["detail"]
