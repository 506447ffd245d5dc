"""The structured export (nhdandz/ThuTucHanhChinh) on real records, and its merge with the crawl."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from catalog.importers.report import SourceReport
from catalog.importers.structured_export import procedure_from_export
from catalog.store import Catalog
from tests.conftest import RAW

EXPORT = RAW / "nhdandz__ThuTucHanhChinh" / "data" / "extracted_fixed"


def _load(code: str):
    record = json.loads((EXPORT / f"{code}.json").read_text(encoding="utf-8"))
    return procedure_from_export(
        record, imported_on=date(2026, 1, 1), report=SourceReport(kind="t", path="t")
    )


def test_structured_record(shared_dir: Path) -> None:
    procedure = _load("1.013124")
    assert [(c.kind.value, c.time_limit.working_days, c.fee.kind) for c in procedure.channels] == [
        ("in_person", 30.0, "free"),
        ("online", 30.0, "free"),
        ("post", 30.0, "free"),
    ]
    assert [(d.originals, d.copies) for d in procedure.documents] == [(1, 0), (1, 0)]
    assert procedure.documents[1].form == "5-PHLCII.doc"
    # so_ky_hieu says only "12"; the number is read from the title.
    assert [b.number for b in procedure.legal_basis] == ["12/2021/QĐ-TTg"]
    assert procedure.decision_number == "6225/QĐ-BQP"
    assert procedure.ministry == "bo-quoc-phong"


def test_crawl_wins_and_export_adds_new_codes(shared_dir: Path, catalog: Catalog) -> None:
    export_codes = {path.stem for path in EXPORT.glob("*.json")}
    from_export = {p.code for p in catalog if p.source == "national TTHC database export"}
    assert from_export and from_export <= export_codes
    assert all(catalog.get(code=code) is not None for code in export_codes)
    crawled = export_codes - from_export
    assert all(catalog.get(code=code).source.startswith("dichvucong") for code in crawled)
