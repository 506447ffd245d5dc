"""Bad input never stops an import: each bad record is reported with its reason and skipped."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from catalog.importers.sources import UnknownSourceError, classify_source, import_sources
from tests.conftest import PORTAL_CRAWL, RAW

GOOD = ("bo-tu-phap", "1.000080")


@pytest.fixture()
def crawl_with_bad_records(shared_dir: Path, tmp_path: Path) -> Path:
    """A crawl folder holding one real record and three broken ones made from real records."""
    ministry = tmp_path / "crawl" / "bo-tu-phap"
    ministry.mkdir(parents=True)
    good = Path(PORTAL_CRAWL) / GOOD[0] / f"{GOOD[1]}.json"
    shutil.copy(good, ministry / good.name)
    text = (Path(PORTAL_CRAWL) / "bo-cong-an" / "1.000811.json").read_text(encoding="utf-8")
    (ministry / "1.000811.json").write_text(text[: len(text) // 2], encoding="utf-8")  # truncated
    record = json.loads(text)
    del record["ma_thu_tuc"]
    (ministry / "no-code.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    layout = {"ma_thu_tuc": "1.000812", "name": "a record of another export", "rows": []}
    (ministry / "1.000812.json").write_text(json.dumps(layout), encoding="utf-8")
    return tmp_path / "crawl"


def test_bad_records_are_reported_not_fatal(crawl_with_bad_records: Path) -> None:
    result = import_sources([crawl_with_bad_records], imported_on=date(2026, 1, 1), progress=False)
    assert [p.code for p in result.procedures] == [GOOD[1]]
    reasons = {f.source.split("/")[-1]: f.reason for f in result.report.failed}
    assert set(reasons) == {"1.000811.json", "no-code.json", "1.000812.json"}
    assert "invalid JSON" in reasons["1.000811.json"]
    assert "no procedure code" in reasons["no-code.json"]
    assert "unknown field layout" in reasons["1.000812.json"]
    failed_codes = {f.code for f in result.report.failed}
    assert {"1.000811", "1.000812"} <= failed_codes
    crawl = result.report.sources[0]
    assert (crawl.records, crawl.imported) == (4, 1)


def test_unknown_table_layout_is_a_field_issue(shared_dir: Path, tmp_path: Path) -> None:
    ministry = tmp_path / "crawl" / "bo-tu-phap"
    ministry.mkdir(parents=True)
    record = json.loads((Path(PORTAL_CRAWL) / GOOD[0] / f"{GOOD[1]}.json").read_text(encoding="utf-8"))
    record["thanh_phan_ho_so"] = "Hồ sơ gồm: đơn đề nghị và bản sao giấy tờ tùy thân"  # no table header
    (ministry / f"{GOOD[1]}.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    result = import_sources([tmp_path / "crawl"], imported_on=date(2026, 1, 1), progress=False)
    (procedure,) = result.procedures
    assert procedure.documents == [] and procedure.channels  # the rest of the record still imports
    (issue,) = [i for i in result.report.issues if i.field == "documents"]
    assert issue.code == GOOD[1] and "unknown layout" in issue.message
    figure = result.report.sources[0].fields["documents"]
    assert (figure.present, figure.parsed) == (1, 0)


def test_unknown_source_is_rejected_before_importing(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(UnknownSourceError, match="not a portal crawl"):
        classify_source(tmp_path)
    with pytest.raises(UnknownSourceError, match="not found"):
        classify_source(tmp_path / "missing")


@pytest.fixture()
def miscrawled(shared_dir: Path, tmp_path: Path) -> Path:
    """Two real records of the crawl that hold the same (wrong) detail page under two codes."""
    ministry = tmp_path / "crawl" / "bo-cong-an"
    ministry.mkdir(parents=True)
    for code in ("3.000285", "3.000332"):
        shutil.copy(Path(PORTAL_CRAWL) / "bo-cong-an" / f"{code}.json", ministry)
    return tmp_path / "crawl"


def test_miscrawled_records_are_replaced_by_their_list_row(miscrawled: Path) -> None:
    crawl_list = Path(PORTAL_CRAWL).parent.parent / "danh-sach-tthc-BoCongAn.xlsx"
    result = import_sources([miscrawled, crawl_list], imported_on=date(2026, 1, 1), progress=False)
    by_code = {p.code: p for p in result.procedures}
    assert by_code["3.000285"].title == "Khóa căn cước điện tử (thực hiện tại cấp xã)"
    assert by_code["3.000332"].field == "Lý lịch tư pháp"
    assert all(not p.channels and p.ministry == "bo-cong-an" for p in by_code.values())
    kinds = {m.kind for m in result.report.mismatches if m.code in by_code}
    assert kinds == {"miscrawled_replaced_by_list"}


def test_miscrawled_records_without_a_list_are_dropped(miscrawled: Path) -> None:
    result = import_sources([miscrawled], imported_on=date(2026, 1, 1), progress=False)
    assert result.procedures == []
    assert {f.code for f in result.report.failed} == {"3.000285", "3.000332"}
    assert all("mis-crawled" in f.reason for f in result.report.failed)


@pytest.mark.parametrize(
    ("field", "value"),
    [("thanh_phan_ho_so", ["a"]), ("can_cu_phap_ly", 5), ("cap_thuc_hien", 3), ("ten_thu_tuc", "   ")],
)
def test_wrongly_typed_crawl_field_is_reported_and_skipped(
    shared_dir: Path, tmp_path: Path, field: str, value: object
) -> None:
    ministry = tmp_path / "crawl" / "bo-tu-phap"
    ministry.mkdir(parents=True)
    shutil.copy(Path(PORTAL_CRAWL) / GOOD[0] / f"{GOOD[1]}.json", ministry)
    record = json.loads((Path(PORTAL_CRAWL) / "bo-cong-an" / "1.000811.json").read_text(encoding="utf-8"))
    record[field] = value
    (ministry / "1.000811.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    result = import_sources([tmp_path / "crawl"], imported_on=date(2026, 1, 1), progress=False)
    assert [p.code for p in result.procedures] == [GOOD[1]]
    (failed,) = result.report.failed
    wanted = "title" if field == "ten_thu_tuc" else field
    assert failed.code == "1.000811" and f"invalid {wanted}" in failed.reason


EXPORT = RAW / "nhdandz__ThuTucHanhChinh" / "data" / "extracted_fixed"


def _export_with(tmp_path: Path, change: Callable[[dict], None]) -> Path:
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(EXPORT / "1.013125.json", folder)
    record = json.loads((EXPORT / "1.013124.json").read_text(encoding="utf-8"))
    change(record)
    (folder / "1.013124.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda r: r.update(tables=[]), "invalid tables"),
        (lambda r: r.update(content="text"), "invalid content"),
        (lambda r: r["tables"]["hinh_thuc_nop"][0].update(phi_le_phi=12), "invalid tables.hinh_thuc_nop.0"),
        (lambda r: r["metadata"].update({"tên_thủ_tục": " "}), "invalid title"),
    ],
)
def test_wrongly_typed_export_field_is_reported_and_skipped(
    shared_dir: Path, tmp_path: Path, change: Callable[[dict], None], reason: str
) -> None:
    result = import_sources([_export_with(tmp_path, change)], imported_on=date(2026, 1, 1), progress=False)
    assert [p.code for p in result.procedures] == ["1.013125"]
    (failed,) = result.report.failed
    assert failed.code == "1.013124" and reason in failed.reason, failed.reason


def test_null_export_cell_means_not_stated(shared_dir: Path, tmp_path: Path) -> None:
    def no_fee(record: dict) -> None:
        record["tables"]["hinh_thuc_nop"][0]["phi_le_phi"] = None

    result = import_sources([_export_with(tmp_path, no_fee)], imported_on=date(2026, 1, 1), progress=False)
    by_code = {p.code: p for p in result.procedures}
    assert by_code["1.013124"].channels[0].fee is None
    assert by_code["1.013124"].channels[1].fee.kind == "free"
    assert result.report.failed == []


def test_list_row_without_a_title_is_reported_not_imported(miscrawled: Path, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["STT", "Mã số", "Tên", "Lĩnh vực"])
    sheet.append([1, "3.000285", "Khóa căn cước điện tử", "Căn cước"])
    sheet.append([2, "3.000332", "  ", "Lý lịch tư pháp"])
    listed = tmp_path / "list.xlsx"
    workbook.save(listed)
    result = import_sources([miscrawled, listed], imported_on=date(2026, 1, 1), progress=False)
    assert [p.code for p in result.procedures] == ["3.000285"]
    row = next(f for f in result.report.failed if f.source == "list.xlsx row 3")
    assert row.code == "3.000332" and "invalid title" in row.reason


def test_unread_fee_time_limit_and_results_are_field_issues(shared_dir: Path, tmp_path: Path) -> None:
    # Real records: a fee stated only as text, a channel table with no time, results without a name.
    records = {"bo-cong-an": ("3.000337", "1.000232"), "bo-tai-chinh": ("1.009539",)}
    for ministry, codes in records.items():
        (tmp_path / "crawl" / ministry).mkdir(parents=True)
        for code in codes:
            shutil.copy(Path(PORTAL_CRAWL) / ministry / f"{code}.json", tmp_path / "crawl" / ministry)
    result = import_sources([tmp_path / "crawl"], imported_on=date(2026, 1, 1), progress=False)
    assert len(result.procedures) == 3
    fields = {(i.code, i.field) for i in result.report.issues}
    assert {("3.000337", "fee"), ("1.000232", "time_limit"), ("1.009539", "results")} <= fields
    crawl = result.report.sources[0].fields
    assert crawl["fee"].parsed < crawl["fee"].present


def test_export_fee_that_does_not_parse_counts_as_present(shared_dir: Path, tmp_path: Path) -> None:
    # 1.013203 states its fee only by reference: "Lệ phí :   (Thông tư số 249/2016/TT-BTC ...)".
    (tmp_path / "export").mkdir()
    shutil.copy(EXPORT / "1.013203.json", tmp_path / "export")
    result = import_sources([tmp_path / "export"], imported_on=date(2026, 1, 1), progress=False)
    (procedure,) = result.procedures
    assert procedure.channels and all(c.fee is None for c in procedure.channels)
    fee = result.report.sources[0].fields["fee"]
    assert (fee.present, fee.parsed) == (1, 0)


def test_a_value_the_model_refuses_fails_that_record_only(shared_dir: Path, tmp_path: Path) -> None:
    """A results cell of bare punctuation parses to nothing (no empty result name), and any value
    the procedure model refuses is reported for its record instead of stopping the import."""
    ministry = tmp_path / "crawl" / "bo-tu-phap"
    ministry.mkdir(parents=True)
    record = json.loads((Path(PORTAL_CRAWL) / GOOD[0] / f"{GOOD[1]}.json").read_text(encoding="utf-8"))
    (ministry / f"{GOOD[1]}.json").write_text(
        json.dumps({**record, "ket_qua_xu_ly": "."}, ensure_ascii=False), encoding="utf-8"
    )
    refused = {**record, "ma_thu_tuc": "1.000081", "ten_thu_tuc": "\u00a0 "}  # a title of blanks only
    (ministry / "1.000081.json").write_text(json.dumps(refused, ensure_ascii=False), encoding="utf-8")
    result = import_sources([tmp_path / "crawl"], imported_on=date(2026, 1, 1), progress=False)
    (procedure,) = result.procedures
    assert procedure.code == GOOD[1] and procedure.results == []
    (failed,) = result.report.failed
    assert failed.code == "1.000081" and failed.reason.startswith("invalid ")
