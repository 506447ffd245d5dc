"""Dossier suggestions, start-up packages and policy suggestions over HTTP; each is recorded for the KPI."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient

from tests.service.test_api_basics import _is_problem


def _kpi(client: TestClient) -> dict[str, dict]:
    return {t["id"]: t for t in client.get("/v1/kpi").json()["targets"]}


def test_case_suggestions_have_reasons_and_are_counted_once_per_dossier(client: TestClient) -> None:
    before = _kpi(client)["dossiers_with_suggestions"]
    body = {
        "dossier_id": "HS-test-1",
        "codes": ["1.001193"],
        "profile": {"situation": "mẹ đang đóng BHXH bắt buộc", "unknown_key": 1},
    }
    answer = client.post("/v1/cases/suggestions", json=body).json()
    results = answer["results"]
    assert results and len(results) <= 10
    assert "1.001193" not in {r["code"] for r in results}
    assert all(
        r["reason"] and r["relation"] in {"prerequisite", "companion", "follow_up", "alternative"}
        for r in results
    )
    client.post("/v1/cases/suggestions", json=body)  # the same dossier asking again
    after = _kpi(client)["dossiers_with_suggestions"]
    assert after["denominator"] == before["denominator"] + 1
    assert after["numerator"] == before["numerator"] + 1
    # An anonymous request counts as its own dossier.
    client.post("/v1/cases/suggestions", json={"codes": ["1.001193"], "limit": 3})
    assert _kpi(client)["dossiers_with_suggestions"]["denominator"] == before["denominator"] + 2


def test_case_errors(client: TestClient) -> None:
    unknown = _is_problem(client.post("/v1/cases/suggestions", json={"codes": ["9.999999"]}), 404)
    assert "9.999999" in unknown["detail"]
    _is_problem(client.post("/v1/cases/suggestions", json={"codes": []}), 422)
    _is_problem(client.post("/v1/cases/suggestions", json={"codes": ["not a code"]}), 422)
    _is_problem(client.post("/v1/cases/suggestions", json={"codes": ["1.001193"] * 21}), 422)
    _is_problem(client.post("/v1/cases/suggestions", json={"codes": ["1.001193"], "limit": 0}), 422)


def test_startup_package_for_a_new_household_business(client: TestClient) -> None:
    before = _kpi(client)["new_businesses_with_package"]
    profile = {"legal_form": "ho_kinh_doanh", "activity": "quán ăn", "employees": 2, "trade": False}
    answer = client.post(
        "/v1/businesses/startup-package", json={"business_id": "0100000001", "profile": profile}
    )
    assert answer.status_code == 200, answer.text
    plan = answer.json()["plan"]
    assert plan["items"] and all(item["reason"] for item in plan["items"])
    assert all(item["month"] is None or 0 <= item["month"] <= 12 for item in plan["items"])
    after = _kpi(client)["new_businesses_with_package"]
    assert (after["numerator"], after["denominator"]) == (before["numerator"] + 1, before["denominator"] + 1)

    # A business registered years ago is not a new business: answered, not counted.
    old = {**profile, "registered_on": (date.today() - timedelta(days=3 * 365)).isoformat()}
    assert client.post("/v1/businesses/startup-package", json={"profile": old}).status_code == 200
    assert _kpi(client)["new_businesses_with_package"]["denominator"] == after["denominator"]


def test_policy_suggestions_show_criteria(client: TestClient) -> None:
    before = _kpi(client)["operating_businesses_with_policies"]["denominator"]
    profile = {
        "legal_form": "tnhh_1tv",
        "activity": "sản xuất phần mềm",
        "employees": 20,
        "registered_on": "2020-01-01",
    }
    answer = client.post("/v1/businesses/policy-suggestions", json={"profile": profile})
    assert answer.status_code == 200, answer.text
    policies = answer.json()["policies"]
    assert policies and all(p["criteria"] and p["legal_basis"] for p in policies)
    assert _kpi(client)["operating_businesses_with_policies"]["denominator"] == before + 1


def test_business_profile_errors_say_what_is_wrong(client: TestClient) -> None:
    bad = {"profile": {"legal_form": "llc", "activity": "quán ăn", "employees": -1}}
    body = _is_problem(client.post("/v1/businesses/startup-package", json=bad), 422)
    assert "legal_form" in body["detail"] and "employees" in body["detail"]
    future = {
        "legal_form": "dntn",
        "activity": "bán lẻ",
        "registered_on": (date.today() + timedelta(days=30)).isoformat(),
    }
    _is_problem(client.post("/v1/businesses/startup-package", json={"profile": future}), 422)
    _is_problem(client.post("/v1/businesses/policy-suggestions", json={}), 422)
