"""`tthc catalog ...` through typer's CliRunner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from catalog.importers.report import load_report, report_path
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
    # An unknown code is bad input: exit 2, as in `tthc suggest`.
    for command in (["catalog", "show", "9.999999"], ["suggest", "9.999999"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, command
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
    result = runner.invoke(app, ["catalog", "export"])
    assert result.exit_code == 2 and "give --jsonl" in result.stderr and result.stdout == ""


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
    official.write_text("ma_thu_tuc\n6.003636\n9.999999\n", encoding="utf-8")
    out = tmp_path / "c.jsonl.gz"
    args = ["catalog", "import", str(tmp_path / "crawl"), "--out", str(out), "--quiet"]
    result = runner.invoke(app, [*args, "--official-online", str(official)])
    assert result.exit_code == 0, result.output
    flags = {p.code: (p.fully_online, p.fully_online_source) for p in load_catalog(out)}
    assert flags == {"6.003636": (True, "official"), "1.002613": (False, "official")}
    assert "1 official codes are not in the catalog: 9.999999" in result.stderr
    report = load_report(out)
    assert [(m.code, m.kind) for m in report.mismatches] == [("9.999999", "official_not_in_catalog")]
    result = runner.invoke(app, [*args, "--official-online", str(tmp_path / "missing.csv")])
    assert result.exit_code != 0 and "cannot read official list" in result.stderr


def test_import_of_only_unreadable_records_lists_them(shared_dir: Path, tmp_path: Path) -> None:
    crawl = tmp_path / "crawl" / "bo-xay-dung"
    crawl.mkdir(parents=True)
    text = (Path(PORTAL_CRAWL) / "bo-xay-dung" / "6.003636.json").read_text(encoding="utf-8")
    (crawl / "6.003636.json").write_text(text[:100], encoding="utf-8")
    out = tmp_path / "c.jsonl.gz"
    result = runner.invoke(app, ["catalog", "import", str(tmp_path / "crawl"), "--out", str(out), "--quiet"])
    assert result.exit_code == 2 and not out.exists()
    assert "no procedure imported" in result.stderr
    assert "bo-xay-dung/6.003636.json: invalid JSON" in result.stderr


def test_corrupt_import_report_fails_stats_with_a_message(shared_dir: Path, tmp_path: Path) -> None:
    crawl = tmp_path / "crawl" / "bo-xay-dung"
    crawl.mkdir(parents=True)
    shutil.copy(Path(PORTAL_CRAWL) / "bo-xay-dung" / "6.003636.json", crawl)
    out = tmp_path / "c.jsonl.gz"
    assert (
        runner.invoke(
            app, ["catalog", "import", str(tmp_path / "crawl"), "--out", str(out), "--quiet"]
        ).exit_code
        == 0
    )
    report_path(out).write_text('{"sources": 5', encoding="utf-8")
    result = runner.invoke(app, ["catalog", "stats", "--catalog", str(out)])
    assert result.exit_code == 2
    assert "unreadable import report" in result.stderr and "re-run the import or delete it" in result.stderr
