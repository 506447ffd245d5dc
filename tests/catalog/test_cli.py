"""`tthc catalog ...` through typer's CliRunner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from catalog.schema import Procedure
from catalog.store import SHIPPED_CATALOG, Catalog, load_catalog
from cli.main import app
from tests.conftest import PORTAL_CRAWL

runner = CliRunner()


def test_every_command_has_help() -> None:
    for command in ("import", "stats", "show", "export"):
        result = runner.invoke(app, ["catalog", command, "--help"])
        assert result.exit_code == 0, result.output
        assert "--catalog" in result.output or command == "import"


def test_show_known_and_unknown_code(catalog: Catalog) -> None:
    result = runner.invoke(app, ["catalog", "show", "1.001193"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == catalog.get(code="1.001193").title
    result = runner.invoke(app, ["catalog", "show", "9.999999"])
    assert result.exit_code == 1
    assert "no procedure with code '9.999999'" in result.stderr


def test_missing_catalog_file_fails_with_message(tmp_path: Path) -> None:
    result = runner.invoke(app, ["catalog", "stats", "--catalog", str(tmp_path / "none.jsonl.gz")])
    assert result.exit_code != 0
    assert "catalog file not found" in result.stderr


def test_stats_json_reports_parse_targets() -> None:
    result = runner.invoke(app, ["catalog", "stats", "--json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert stats["procedures"] >= 2600
    crawl = next(v for k, v in stats["parse_figures"].items() if k.startswith("portal_crawl"))
    for name in ("imported", "time_limit", "fee", "documents", "legal_basis"):
        assert crawl[name]["meets_target"], (name, crawl[name])
    assert crawl["documents"]["present"] == 2639
    assert crawl["legal_basis"]["present"] == 2566


def test_export_round_trips_the_catalog(catalog: Catalog) -> None:
    result = runner.invoke(app, ["catalog", "export", "--jsonl"])
    assert result.exit_code == 0
    exported = [Procedure.model_validate_json(line) for line in result.stdout.splitlines()]
    assert exported == list(catalog)


def test_import_writes_catalog_manifest_and_report(shared_dir: Path, tmp_path: Path) -> None:
    crawl = tmp_path / "crawl" / "bo-xay-dung"
    crawl.mkdir(parents=True)
    for code in ("6.003636", "1.002613"):
        shutil.copy(Path(PORTAL_CRAWL) / "bo-xay-dung" / f"{code}.json", crawl)
    out = tmp_path / "out" / "procedures.jsonl.gz"
    result = runner.invoke(app, ["catalog", "import", str(tmp_path / "crawl"), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert load_catalog(out).codes() == ["1.002613", "6.003636"]
    stats = runner.invoke(app, ["catalog", "stats", "--catalog", str(out)])
    assert "documents" in stats.stdout and "2 / 2" in stats.stdout


def test_import_of_missing_source_fails_with_message(tmp_path: Path) -> None:
    out = tmp_path / "c.jsonl.gz"
    result = runner.invoke(app, ["catalog", "import", str(tmp_path / "nope"), "--out", str(out)])
    assert result.exit_code != 0
    assert "source not found" in result.stderr
    assert not out.exists()
    assert SHIPPED_CATALOG.exists()


def test_import_with_official_online_list(shared_dir: Path, tmp_path: Path) -> None:
    crawl = tmp_path / "crawl" / "bo-xay-dung"
    crawl.mkdir(parents=True)
    for code in ("6.003636", "1.002613"):
        shutil.copy(Path(PORTAL_CRAWL) / "bo-xay-dung" / f"{code}.json", crawl)
    official = tmp_path / "toan_trinh.csv"
    official.write_text("ma_thu_tuc\n6.003636\n", encoding="utf-8")
    out = tmp_path / "c.jsonl.gz"
    args = ["catalog", "import", str(tmp_path / "crawl"), "--out", str(out), "--quiet"]
    result = runner.invoke(app, [*args, "--official-online", str(official)])
    assert result.exit_code == 0, result.output
    flags = {p.code: (p.fully_online, p.fully_online_source) for p in load_catalog(out)}
    assert flags == {"6.003636": (True, "official"), "1.002613": (False, "official")}
    result = runner.invoke(app, [*args, "--official-online", str(tmp_path / "missing.csv")])
    assert result.exit_code != 0 and "cannot read official list" in result.stderr
