"""Loading and saving a catalog file: the version follows the bytes, a stale manifest is refused,
duplicates and unreadable files are reported, and a save never leaves a half-written catalog."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog.store import Catalog, CatalogError, load_catalog, manifest_path, save_catalog
from cli.main import app

runner = CliRunner()


@pytest.fixture()
def small(catalog: Catalog, tmp_path: Path) -> Path:
    """Five real procedures saved as a catalog with its manifest."""
    path = tmp_path / "small.jsonl.gz"
    save_catalog(list(catalog)[:5], path, sources=["test"])
    return path


def _lines(path: Path) -> list[str]:
    return gzip.decompress(path.read_bytes()).decode().splitlines()


def _write_lines(path: Path, lines: list[str]) -> None:
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0))


def test_version_is_the_checksum_of_the_file(catalog: Catalog, small: Path) -> None:
    loaded = load_catalog(small)
    assert loaded.version == json.loads(manifest_path(small).read_text())["sha256"][:12]
    assert catalog.version == catalog.manifest.sha256[:12]
    # Built in memory: the version follows the content, not the order procedures came in.
    procedures = list(loaded)
    assert Catalog(procedures[::-1]).version == Catalog(procedures).version
    edited = [procedures[0].model_copy(update={"title": procedures[0].title + " (sửa)"}), *procedures[1:]]
    assert Catalog(edited).version != Catalog(procedures).version


def test_saved_files_are_readable_by_other_users(catalog: Catalog, tmp_path: Path) -> None:
    """The service may run as another user than the import; a replaced file keeps its mode."""
    path = tmp_path / "c.jsonl.gz"
    save_catalog(list(catalog)[:2], path, sources=["test"])
    assert path.stat().st_mode & 0o777 == 0o644 and manifest_path(path).stat().st_mode & 0o777 == 0o644
    path.chmod(0o640)
    save_catalog(list(catalog)[:3], path, sources=["test"])
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_catalog_edited_after_its_manifest_is_refused(small: Path) -> None:
    lines = _lines(small)
    _write_lines(small, lines[:-1])  # one procedure removed, manifest left as it was
    with pytest.raises(CatalogError, match="re-run the import or delete the manifest"):
        load_catalog(small)
    before = load_catalog(small, verify=False).version
    manifest_path(small).unlink()
    edited = load_catalog(small)
    assert len(edited) == 4 and edited.version == before
    _write_lines(small, [lines[0].replace('"title":"', '"title":"X ', 1), *lines[1:4]])
    assert load_catalog(small).version != edited.version  # same codes, other content


def test_manifest_count_must_match(small: Path) -> None:
    manifest = json.loads(manifest_path(small).read_text())
    manifest["procedures"] = 6
    manifest_path(small).write_text(json.dumps(manifest))
    with pytest.raises(CatalogError, match="counts 6 procedures, the catalog holds 5"):
        load_catalog(small)


def test_duplicate_codes_name_both_lines(small: Path) -> None:
    manifest_path(small).unlink()
    lines = _lines(small)
    _write_lines(small, [*lines, lines[1]])
    code = json.loads(lines[1])["code"]
    with pytest.raises(CatalogError, match=rf"code {code} on line 2 and line 6"):
        load_catalog(small)


def test_unreadable_files_fail_with_a_message(small: Path, tmp_path: Path) -> None:
    manifest = manifest_path(small)
    manifest.write_bytes(b"\xff\xfe{}")
    with pytest.raises(CatalogError, match="unreadable manifest"):
        load_catalog(small)
    manifest.unlink()
    small.write_bytes(gzip.compress(b'{"code": "1.000001", "title": "\xff"}\n'))
    with pytest.raises(CatalogError, match="not UTF-8"):
        load_catalog(small)
    result = runner.invoke(app, ["catalog", "stats", "--catalog", str(small)])
    assert result.exit_code == 2 and "not UTF-8" in result.stderr
    small.write_bytes(b"\x1f\x8b\x08garbage")
    with pytest.raises(CatalogError, match="cannot read catalog"):
        load_catalog(small)


def test_an_empty_catalog_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl.gz"
    empty.write_bytes(gzip.compress(b"\n"))
    with pytest.raises(CatalogError, match="catalog holds no procedure"):
        load_catalog(empty)
    for command in (["search", "khai sinh"], ["build"], ["catalog", "stats"]):
        result = runner.invoke(app, [*command, "--catalog", str(empty)])
        assert result.exit_code == 2 and "catalog holds no procedure" in result.stderr, command


def test_a_failed_save_leaves_the_previous_catalog(
    catalog: Catalog, small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (small.read_bytes(), manifest_path(small).read_bytes())

    def disk_full(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("catalog.store.os.replace", disk_full)
    with pytest.raises(OSError, match="No space"):
        save_catalog(list(catalog)[:3], small, sources=["test"])
    assert (small.read_bytes(), manifest_path(small).read_bytes()) == before
    assert sorted(p.name for p in small.parent.iterdir()) == [small.name, manifest_path(small).name]
    assert len(load_catalog(small)) == 5
