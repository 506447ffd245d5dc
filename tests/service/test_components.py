"""Start-up: every feature is served without built artefacts (reported as degraded), and a
configured dossier log feeds the suggester or stops the start with the line to fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli.main import app as cli
from service.app import create_app
from service.components import ComponentsError, load_components
from tests.service.conftest import make_settings

BUSINESS_FOUNDED, FILED_NEXT = "2.001610", "1.001193"


def test_without_artefacts_every_feature_answers_and_readiness_says_how_to_repair(tmp_path: Path) -> None:
    log = tmp_path / "dossiers.jsonl"
    cases = [[BUSINESS_FOUNDED, FILED_NEXT]] * 8 + [[BUSINESS_FOUNDED]] * 2
    log.write_text("".join(json.dumps({"case_id": f"c{i}", "codes": c}) + "\n" for i, c in enumerate(cases)))
    settings = make_settings(artefacts_dir=tmp_path / "no-artefacts", dossier_log=log)
    components = load_components(settings)

    assert set(components.degraded) == {"search", "events"}
    assert all("tthc build" in reason for reason in components.degraded.values())
    with TestClient(create_app(settings, components=components)) as client:
        ready = client.get("/readyz").json()
        assert ready["status"] == "degraded" and set(ready["degraded"]) == {"search", "events"}
        hits = client.get("/v1/search", params={"q": "dang ky khai sinh"}).json()["results"]
        assert "khai sinh" in hits[0]["title"].lower()
        suggested = client.post(
            "/v1/cases/suggestions", json={"codes": [BUSINESS_FOUNDED], "limit": 10}
        ).json()["results"]
    by_code = {s["code"]: s for s in suggested}
    assert FILED_NEXT in by_code and "nhật ký hồ sơ" in by_code[FILED_NEXT]["reason"]


def test_an_unreadable_dossier_log_stops_the_start_with_the_line_to_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "dossiers.jsonl"
    log.write_text('{"case_id": "c1", "codes": ["1.001193"]}\n{"case_id": "c2", "codes": []}\n')
    with pytest.raises(ComponentsError, match=r"dossiers.jsonl:2: codes"):
        load_components(make_settings(dossier_log=log))

    from service.settings import get_settings

    monkeypatch.setenv("TTHC_DOSSIER_LOG", str(log))
    monkeypatch.setattr("uvicorn.run", lambda *_, **__: pytest.fail("the service started"))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["serve"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "TTHC_DOSSIER_LOG" in result.output and "dossiers.jsonl:2" in result.output
