"""The shipped catalog: loads, holds facts only, matches its manifest, and equals a fresh import."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pytest

from catalog.importers.report import load_report
from catalog.importers.sources import import_sources
from catalog.schema import Procedure
from catalog.store import SHIPPED_CATALOG, Catalog, load_catalog
from tests.conftest import PORTAL_CRAWL, RAW

STRUCTURED = RAW / "nhdandz__ThuTucHanhChinh" / "data" / "extracted_fixed"
CRAWLER = Path(PORTAL_CRAWL).parent.parent


def test_shipped_catalog_loads_with_checksum() -> None:
    catalog = load_catalog()
    assert len(catalog) >= 2600
    assert catalog.manifest is not None and catalog.manifest.procedures == len(catalog)


def _shipped_text() -> str:
    with gzip.open(SHIPPED_CATALOG, "rt", encoding="utf-8") as lines:
        return lines.read()


def test_round_trip(catalog: Catalog) -> None:
    lines = _shipped_text().splitlines()
    reloaded = [Procedure.model_validate_json(p.model_dump_json()) for p in catalog]
    assert reloaded == list(catalog)
    assert [p.model_dump_json(exclude_defaults=True) for p in catalog] == lines


def test_facts_only(catalog: Catalog) -> None:
    text = _shipped_text()
    for prose_field in ("trinh_tu", "yeu_cau_dieu_kien", "raw_text", "Chọn cơ quan thực hiện"):
        assert prose_field not in text
    assert max(len(c.fee.text or "") for p in catalog for c in p.channels if c.fee) <= 160


def test_report_beside_catalog_has_the_crawl_figures() -> None:
    report = load_report(SHIPPED_CATALOG)
    assert report is not None and report.sources[0].kind == "portal_crawl"
    assert report.sources[0].records == 2642


@pytest.mark.slow
def test_shipped_catalog_equals_fresh_import(shared_dir: Path, catalog: Catalog) -> None:
    sources = [
        Path(PORTAL_CRAWL),
        STRUCTURED,
        *sorted(CRAWLER.glob("*.xlsx")),
        Path(PORTAL_CRAWL).parent / "excels",
    ]
    fresh = import_sources(sources, imported_on=date(2000, 1, 1), progress=False).procedures

    def comparable(p: Procedure) -> dict:
        return p.model_dump(exclude={"imported_on"})

    assert [comparable(p) for p in fresh] == [comparable(p) for p in catalog]
