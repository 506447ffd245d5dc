"""Importer for structured exports of the national TTHC database (``ChiTietTTHC_<code>.doc`` parsed
to JSON: ``metadata``, ``content``, ``tables``), as in nhdandz/ThuTucHanhChinh ``extracted_fixed``."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from pydantic import ValidationError
from tqdm import tqdm

from catalog.importers.portal_crawl import RecordError, code_from_name
from catalog.importers.report import FailedRecord, ImportReport, SourceReport
from catalog.parsing.channels import CHANNEL_NAMES
from catalog.parsing.fees import parse_fee
from catalog.parsing.legal_basis import find_document_numbers
from catalog.parsing.subjects import parse_levels, split_subjects, target_groups
from catalog.parsing.time_limits import parse_time_column
from catalog.schema import (
    Channel,
    Fee,
    LegalBasis,
    Procedure,
    RequiredDocument,
    ResultDocument,
    clean_text,
    derive_fully_online,
)

KIND = "structured_export"
SOURCE_LABEL = "national TTHC database export"
NOT_STATED = "Không có thông tin"

# The ministry a decision comes from, by the issuer code of its number ("6225/QĐ-BQP").
_MINISTRY_BY_ISSUER = {
    "BQP": "bo-quoc-phong",
    "BCA": "bo-cong-an",
    "BTC": "bo-tai-chinh",
    "BTP": "bo-tu-phap",
    "BXD": "bo-xay-dung",
    "NHNN": "ngan-hang-nha-nuoc",
    "BNNMT": "bo-nong-nghiep-mt",
}
_FEE_CELL = re.compile(r"(?:Lệ phí|Phí)\s*:\s*(?P<column>[^()\n]*?)\s*(?:\((?P<description>[^\n]*))?(?:\n|$)")
_COPIES = re.compile(r"Bản (?P<kind>chính|sao)\s*:\s*(?P<count>\d+)", re.IGNORECASE)


def is_structured_export(path: Path) -> bool:
    """A directory of ``<code>.json`` files with ``metadata`` and ``tables``."""
    if not path.is_dir():
        return False
    first = next(iter(sorted(path.glob("*.json"))), None)
    if first is None:
        return False
    try:
        record = json.loads(first.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return True
    return isinstance(record, dict) and "metadata" in record


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = clean_text(value)
    return None if not value or value in (NOT_STATED, "Không") else value


def _fee(cell: str) -> Fee | None:
    """'Phí : 2.000.000 Đồng (Thẩm định ...)' → the fee; the first of several lines is the main one."""
    match = _FEE_CELL.match(cell.strip())
    if match is None:
        return None
    column = clean_text(match["column"])
    if column in ("", "Đồng"):  # an empty amount: no fee stated
        return None
    return parse_fee(column, (match["description"] or "").rstrip(")"))


def _channels(rows: list[dict]) -> list[Channel]:
    channels = []
    for row in rows:
        kind = CHANNEL_NAMES.get(clean_text(row.get("hinh_thuc", "")))
        if kind is None:
            continue
        channels.append(
            Channel(
                kind=kind,
                time_limit=parse_time_column(row.get("thoi_han_giai_quyet", "")),
                fee=_fee(row.get("phi_le_phi", "")),
            )
        )
    return channels


def _documents(rows: list[dict]) -> list[RequiredDocument]:
    documents = []
    for row in rows:
        name = clean_text(row.get("ten_giay_to", ""))
        if not name:
            continue
        counts = {m["kind"].lower(): int(m["count"]) for m in _COPIES.finditer(row.get("ghi_chu", ""))}
        form = _text(row.get("so_luong"))  # the export puts the form file name in this column
        documents.append(
            RequiredDocument(name=name, originals=counts.get("chính"), copies=counts.get("sao"), form=form)
        )
    return documents


def _legal_basis(rows: list[dict]) -> list[LegalBasis]:
    found: list[LegalBasis] = []
    for row in rows:
        title = clean_text(row.get("trich_yeu", ""))
        spans = find_document_numbers(title)
        number = title[spans[0][0] : spans[0][1]] if spans else clean_text(row.get("so_ky_hieu", ""))
        if number and all(item.number != number for item in found):
            found.append(LegalBasis(number=number, title=title or None))
    return found


def _ministry(decision: str | None) -> str | None:
    if not decision:
        return None
    issuer = decision.rsplit("-", 1)[-1]
    return _MINISTRY_BY_ISSUER.get(issuer)


def procedure_from_export(record: object, *, imported_on: date, report: SourceReport) -> Procedure:
    """Build a procedure from one structured export record; raises `RecordError` when it cannot."""
    if not isinstance(record, dict) or not isinstance(record.get("metadata"), dict):
        raise RecordError("unknown field layout: no 'metadata' object")
    metadata, content = record["metadata"], record.get("content") or {}
    tables = record.get("tables") or {}
    code = _text(metadata.get("mã_thủ_tục")) or _text(record.get("thu_tuc_id"))
    if code is None:
        raise RecordError("record has no procedure code (mã_thủ_tục)")
    channels = _channels(tables.get("hinh_thuc_nop") or [])
    documents = _documents(tables.get("thanh_phan_ho_so") or [])
    legal_basis = _legal_basis(tables.get("can_cu_phap_ly") or [])
    rows = tables.get("hinh_thuc_nop") or []
    report.figure("channels").count(present=bool(rows), parsed=bool(channels))
    report.figure("time_limit").count(
        present=any(re.search(r"\d", r.get("thoi_han_giai_quyet", "")) for r in rows),  # not "Không quy định"
        parsed=any(c.time_limit for c in channels),
    )
    report.figure("fee").count(
        present=any(c.fee is not None for c in channels),
        parsed=any(c.fee is not None and c.fee.kind != "text" for c in channels),
    )
    report.figure("documents").count(present=bool(tables.get("thanh_phan_ho_so")), parsed=bool(documents))
    report.figure("legal_basis").count(present=bool(tables.get("can_cu_phap_ly")), parsed=bool(legal_basis))
    decision = _text(metadata.get("số_quyết_định"))
    decision = re.sub(r"^Quyết định số\s*", "", decision) if decision else None
    subjects = split_subjects(content.get("đối_tượng_thực_hiện") or "")
    result = _text(content.get("kết_quả_thực_hiện"))
    try:
        return Procedure(
            code=code,
            title=metadata.get("tên_thủ_tục") or "",
            field=_text(metadata.get("lĩnh_vực")),
            levels=parse_levels(metadata.get("cấp_thực_hiện") or ""),
            procedure_type=_text(metadata.get("loại_thủ_tục")),
            target_groups=target_groups(subjects),
            subjects=subjects,
            competent_agency=_text(content.get("cơ_quan_có_thẩm_quyền")),
            performing_agency=_text(content.get("cơ_quan_thực_hiện")),
            decision_number=decision,
            ministry=_ministry(decision),
            channels=channels,
            documents=documents,
            legal_basis=legal_basis,
            results=[ResultDocument(name=result)] if result else [],
            fully_online=derive_fully_online(channels),
            source=SOURCE_LABEL,
            imported_on=imported_on,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        raise RecordError(f"invalid {'.'.join(map(str, first['loc']))}: {first['msg']}") from exc


def import_structured_export(
    directory: Path, *, imported_on: date, report: ImportReport, progress: bool = True
) -> Iterator[Procedure]:
    """Yield the procedures of an export directory; bad records go to `report.failed`."""
    source = SourceReport(kind=KIND, path=str(directory))
    report.sources.append(source)
    files = sorted(directory.glob("*.json"))
    for path in tqdm(files, desc=f"structured export {directory.name}", disable=not progress):
        source.records += 1
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            procedure = procedure_from_export(record, imported_on=imported_on, report=source)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            reason = f"invalid JSON (truncated?): {exc}"
            report.failed.append(FailedRecord(source=path.name, code=code_from_name(path), reason=reason))
            continue
        except RecordError as exc:
            report.failed.append(FailedRecord(source=path.name, code=code_from_name(path), reason=str(exc)))
            continue
        source.imported += 1
        yield procedure
