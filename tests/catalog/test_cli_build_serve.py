"""`tthc build` and `tthc serve` refuse what cannot work with a message, before any long work."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog.store import Catalog, save_catalog
from cli.main import app
from service.settings import get_settings

runner = CliRunner()


@pytest.fixture()
def settings_cleared() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_build_with_a_catalog_lacking_taxonomy_codes_fails_before_building(
    catalog: Catalog, tmp_path: Path
) -> None:
    small = tmp_path / "small.jsonl.gz"
    save_catalog(list(catalog)[:5], small, sources=["test"])
    artefacts = tmp_path / "artefacts"
    result = runner.invoke(app, ["build", "--catalog", str(small), "--artefacts", str(artefacts)])
    assert result.exit_code == 2
    assert re.search(r"taxonomy names \d+ procedures missing from catalog", result.stderr)
    assert " more; fix models/events/data/taxonomy.yaml" in result.stderr  # the list is capped
    assert len(re.findall(r"\d\.\d{6}", result.stderr)) == 10
    assert "Traceback" not in result.output and not artefacts.exists()


def test_events_step_without_the_dense_index_fails_with_the_command_to_run(
    catalog: Catalog, tmp_path: Path
) -> None:
    artefacts = tmp_path / "artefacts"
    result = runner.invoke(app, ["build", "--step", "events", "--artefacts", str(artefacts)])
    assert result.exit_code == 2
    assert f"not built for catalog {catalog.version}" in result.stderr
    assert "tthc build --step dense --step events" in result.stderr


def test_serve_checks_the_catalog_before_starting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings_cleared: None
) -> None:
    monkeypatch.setenv("TTHC_CATALOG_PATH", str(tmp_path / "missing.jsonl.gz"))
    monkeypatch.setattr("uvicorn.run", lambda *_, **__: pytest.fail("the service started"))
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "catalog file not found" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize("port", ["0", "99999"])
def test_serve_rejects_a_port_out_of_range(port: str) -> None:
    result = runner.invoke(app, ["serve", "--port", port])
    assert result.exit_code == 2
    assert "--port" in result.output
