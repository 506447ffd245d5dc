"""The structured export (nhdandz/ThuTucHanhChinh) on real records, and its merge with the crawl."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from catalog.importers.report import RecordIssue, SourceReport
from catalog.importers.structured_export import procedure_from_export
from catalog.schema import Procedure
from catalog.store import Catalog
from tests.conftest import RAW

EXPORT = RAW / "nhdandz__ThuTucHanhChinh" / "data" / "extracted_fixed"


def _load(code: str, issues: list[RecordIssue] | None = None) -> Procedure:
    record = json.loads((EXPORT / f"{code}.json").read_text(encoding="utf-8"))
    return procedure_from_export(
        record,
        imported_on=date(2026, 1, 1),
        report=SourceReport(kind="t", path="t"),
        issues=issues if issues is not None else [],
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


def test_legal_basis_number_is_read_from_the_number_cell(shared_dir: Path) -> None:
    # 1.013140: the number cell says "Thông tư số 104/2024/TT-BQP", the title has no number.
    numbers = [b.number for b in _load("1.013140").legal_basis]
    assert "104/2024/TT-BQP" in numbers and not any(n.startswith("Thông tư") for n in numbers)
    # 1.013519: "số 25/2018/QH14" beside the title "Luật tố cáo".
    assert ("25/2018/QH14", "Luật tố cáo") in [(b.number, b.title) for b in _load("1.013519").legal_basis]


def test_legal_basis_row_without_any_number_is_a_field_issue(shared_dir: Path) -> None:
    # 1.013577 cites "54" (Luật Hải quan 2014) and "BỘ LUẬT HÀNG HẢI VIỆT NAM" with no number at all.
    issues: list[RecordIssue] = []
    numbers = [b.number for b in _load("1.013577", issues).legal_basis]
    assert "54" not in numbers and "BỘ LUẬT HÀNG HẢI VIỆT NAM" not in numbers
    assert "23/2023/QH15" in numbers
    assert [(i.field, i.message) for i in issues] == [
        ("legal_basis", "no document number: 54"),
        ("legal_basis", "no document number: BỘ LUẬT HÀNG HẢI VIỆT NAM"),
    ]
