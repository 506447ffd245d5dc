"""Settings: every one is documented in the README, and environment values parse as documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from service.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_configuration_table_lists_every_setting() -> None:
    documented = set(re.findall(r"`(TTHC_[A-Z_]+)`", README.read_text(encoding="utf-8")))
    expected = {f"TTHC_{name.upper()}" for name in Settings.model_fields}
    assert expected - documented == set()
    assert documented - expected == {"TTHC_SHARED_DIR"}  # read by the tests only


def test_environment_values_parse_as_documented(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TTHC_API_KEYS", " ihanoi-1, ,counter-2 ")
    monkeypatch.setenv("TTHC_REDIS_CLUSTER", "true")
    monkeypatch.setenv("TTHC_DOSSIER_LOG", "/data/dossiers.jsonl")
    settings = Settings()
    assert settings.api_keys == ["ihanoi-1", "counter-2"] and settings.cors_origins == []
    assert settings.redis_cluster and settings.dossier_log == Path("/data/dossiers.jsonl")
    monkeypatch.setenv("TTHC_DOSSIER_LOG", "")
    assert Settings().dossier_log is None  # blank = unset
    monkeypatch.setenv("TTHC_PORT", "80000")
    with pytest.raises(ValidationError, match="port"):
        Settings()
    monkeypatch.setenv("TTHC_PORT", "8000")
    monkeypatch.setenv("TTHC_LOG_LEVEL", "bogus")
    with pytest.raises(ValidationError, match="log_level"):
        Settings()


def test_a_bad_environment_value_is_named_by_every_command(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from cli.main import app
    from service.settings import get_settings

    monkeypatch.setenv("TTHC_MAX_QUERY_CHARS", "many")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["search", "khai sinh"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "TTHC_MAX_QUERY_CHARS='many'" in result.output and "Traceback" not in result.output
