"""Importer for structured exports of the national TTHC database (``ChiTietTTHC_<code>.doc`` parsed
to JSON: ``metadata``, ``content``, ``tables``), as in nhdandz/ThuTucHanhChinh ``extracted_fixed``."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError
from tqdm import tqdm

from catalog.importers.records import (
    Cell,
    NullAsDefault,
    NullAsNoRows,
    RawRecord,
    RecordError,
    code_from_name,
    record_error,
)
from catalog.importers.report import FailedRecord, ImportReport, RecordIssue, SourceReport
from catalog.parsing.channels import CHANNEL_NAMES
from catalog.parsing.documents import document_name
from catalog.parsing.fees import parse_fee
from catalog.parsing.legal_basis import find_document_numbers
from catalog.parsing.subjects import parse_levels, split_subjects, target_groups
from catalog.parsing.time_limits import parse_time_column
from catalog.schema import (
    NOT_STATED,
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


class ChannelRow(RawRecord):
    hinh_thuc: Cell = ""
    thoi_han_giai_quyet: Cell = ""
    phi_le_phi: Cell = ""


class DocumentRow(RawRecord):
    ten_giay_to: Cell = ""
    so_luong: Cell = ""  # the export puts the form file name in this column
    ghi_chu: Cell = ""


class LegalRow(RawRecord):
    so_ky_hieu: Cell = ""
    trich_yeu: Cell = ""


class Tables(RawRecord):
    hinh_thuc_nop: Annotated[list[ChannelRow], NullAsNoRows] = Field(default_factory=list)
    thanh_phan_ho_so: Annotated[list[DocumentRow], NullAsNoRows] = Field(default_factory=list)
    can_cu_phap_ly: Annotated[list[LegalRow], NullAsNoRows] = Field(default_factory=list)


class Metadata(RawRecord):
    code: Cell = Field("", alias="mã_thủ_tục")
    title: Cell = Field("", alias="tên_thủ_tục")
    decision: Cell = Field("", alias="số_quyết_định")
    levels: Cell = Field("", alias="cấp_thực_hiện")
    procedure_type: Cell = Field("", alias="loại_thủ_tục")
    field: Cell = Field("", alias="lĩnh_vực")


class Content(RawRecord):
    subjects: Cell = Field("", alias="đối_tượng_thực_hiện")
    competent_agency: Cell = Field("", alias="cơ_quan_có_thẩm_quyền")
    performing_agency: Cell = Field("", alias="cơ_quan_thực_hiện")
    result: Cell = Field("", alias="kết_quả_thực_hiện")


class ExportRecord(RawRecord):
    """The parts of an export record the importer reads, with their types checked."""

    thu_tuc_id: Cell = ""
    metadata: Metadata
    content: Annotated[Content, NullAsDefault] = Content()
    tables: Annotated[Tables, NullAsDefault] = Tables()


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


def _text(value: str) -> str | None:
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


def _channels(rows: list[ChannelRow]) -> list[Channel]:
    channels = []
    for row in rows:
        kind = CHANNEL_NAMES.get(clean_text(row.hinh_thuc))
        if kind is None:
            continue
        channels.append(
            Channel(
                kind=kind, time_limit=parse_time_column(row.thoi_han_giai_quyet), fee=_fee(row.phi_le_phi)
            )
        )
    return channels


def _documents(rows: list[DocumentRow]) -> list[RequiredDocument]:
    documents = []
    for row in rows:
        name = document_name(row.ten_giay_to)
        if not name:
            continue
        counts = {m["kind"].lower(): int(m["count"]) for m in _COPIES.finditer(row.ghi_chu)}
        documents.append(
            RequiredDocument(
                name=name, originals=counts.get("chính"), copies=counts.get("sao"), form=_text(row.so_luong)
            )
        )
    return documents


def _first_number(text: str) -> str | None:
    spans = find_document_numbers(text)
    return text[spans[0][0] : spans[0][1]] if spans else None


def _legal_basis(rows: list[LegalRow], code: str, issues: list[RecordIssue]) -> list[LegalBasis]:
    """The documents cited, numbered from the title or else from the number cell, whose raw text
    may carry words ("Thông tư số 104/2024/TT-BQP"); a row with a number in neither is an issue."""
    found: list[LegalBasis] = []
    for row in rows:
        title = clean_text(row.trich_yeu)
        number = _first_number(title) or _first_number(clean_text(row.so_ky_hieu))
        if number is None:
            cell = clean_text(row.so_ky_hieu) or title
            issues.append(
                RecordIssue(code=code, field="legal_basis", message=f"no document number: {cell[:80]}")
            )
        elif all(item.number != number for item in found):
            found.append(LegalBasis(number=number, title=title or None))
    return found


def _ministry(decision: str | None) -> str | None:
    if not decision:
        return None
    issuer = decision.rsplit("-", 1)[-1]
    return _MINISTRY_BY_ISSUER.get(issuer)


def _fee_stated(cell: str) -> bool:
    return bool(clean_text(cell)) and clean_text(cell) != NOT_STATED


def procedure_from_export(
    record: object, *, imported_on: date, report: SourceReport, issues: list[RecordIssue]
) -> Procedure:
    """Build a procedure from one structured export record; counts parse figures into `report` and
    fields it could not read into `issues`; raises `RecordError` when it cannot."""
    if not isinstance(record, dict) or not isinstance(record.get("metadata"), dict):
        raise RecordError("unknown field layout: no 'metadata' object")
    try:
        raw = ExportRecord.model_validate(record)
    except ValidationError as exc:
        raise record_error(exc) from exc
    metadata, content, tables = raw.metadata, raw.content, raw.tables
    code = _text(metadata.code) or _text(raw.thu_tuc_id)
    if code is None:
        raise RecordError("record has no procedure code (mã_thủ_tục)")
    channels = _channels(tables.hinh_thuc_nop)
    documents = _documents(tables.thanh_phan_ho_so)
    legal_basis = _legal_basis(tables.can_cu_phap_ly, code, issues)
    rows = tables.hinh_thuc_nop
    report.figure("channels").count(present=bool(rows), parsed=bool(channels))
    report.figure("time_limit").count(
        present=any(re.search(r"\d", r.thoi_han_giai_quyet) for r in rows),  # not "Không quy định"
        parsed=any(c.time_limit for c in channels),
    )
    # A fee cell that states something counts as present whether or not it parses.
    stated_fees = [_fee(r.phi_le_phi) for r in rows if _fee_stated(r.phi_le_phi)]
    report.figure("fee").count(
        present=bool(stated_fees),
        parsed=bool(stated_fees) and all(f is not None and f.kind != "text" for f in stated_fees),
    )
    report.figure("documents").count(present=bool(tables.thanh_phan_ho_so), parsed=bool(documents))
    report.figure("legal_basis").count(present=bool(tables.can_cu_phap_ly), parsed=bool(legal_basis))
    decision = _text(metadata.decision)
    decision = re.sub(r"^Quyết định số\s*", "", decision) if decision else None
    subjects = split_subjects(content.subjects)
    result = _text(content.result)
    try:
        return Procedure(
            code=code,
            title=metadata.title,
            field=_text(metadata.field),
            levels=parse_levels(metadata.levels),
            procedure_type=_text(metadata.procedure_type),
            target_groups=target_groups(subjects),
            subjects=subjects,
            competent_agency=_text(content.competent_agency),
            performing_agency=_text(content.performing_agency),
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
        raise record_error(exc) from exc


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
            procedure = procedure_from_export(
                record, imported_on=imported_on, report=source, issues=report.issues
            )
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            reason = f"invalid JSON (truncated?): {exc}"
            report.failed.append(FailedRecord(source=path.name, code=code_from_name(path), reason=reason))
            continue
        except (RecordError, ValidationError) as exc:  # a value the model refuses fails this record only
            reason = str(record_error(exc) if isinstance(exc, ValidationError) else exc)
            report.failed.append(FailedRecord(source=path.name, code=code_from_name(path), reason=reason))
            continue
        source.imported += 1
        yield procedure
