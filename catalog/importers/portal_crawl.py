"""Importer for the dichvucong.gov.vn crawl: ``<dir>/<ministry>/<code>.json``, one procedure a file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from pydantic import ValidationError
from tqdm import tqdm

from catalog.importers.records import Cell, RawRecord, RecordError, code_from_name, record_error
from catalog.importers.report import FailedRecord, ImportReport, RecordIssue, SourceReport
from catalog.parsing.channels import has_channel_table, parse_channel_rows
from catalog.parsing.documents import has_document_table, parse_documents
from catalog.parsing.legal_basis import has_legal_basis, parse_legal_basis
from catalog.parsing.results import parse_results
from catalog.parsing.subjects import parse_levels, split_subjects, target_groups
from catalog.schema import NOT_STATED, Procedure, clean_text, derive_fully_online

KIND = "portal_crawl"
SOURCE_LABEL = "dichvucong.gov.vn crawl"
REQUIRED_KEYS = frozenset({"ma_thu_tuc", "ten_thu_tuc", "cach_thuc_thuc_hien", "thanh_phan_ho_so"})


class CrawlRecord(RawRecord):
    """The fields of a crawled page the importer reads, each a text cell."""

    ma_thu_tuc: Cell
    ten_thu_tuc: Cell
    cach_thuc_thuc_hien: Cell
    thanh_phan_ho_so: Cell
    can_cu_phap_ly: Cell = ""
    ket_qua_xu_ly: Cell = ""
    doi_tuong_thuc_hien: Cell = ""
    cap_thuc_hien: Cell = ""
    linh_vuc: Cell = ""
    loai_thu_tuc: Cell = ""
    co_quan_co_tham_quyen: Cell = ""
    co_quan_thuc_hien: Cell = ""
    so_quyet_dinh: Cell = ""
    detail_url: Cell = ""


def is_portal_crawl(path: Path) -> bool:
    """A directory of ministry folders holding ``<code>.json`` files."""
    return path.is_dir() and any(path.glob("*/*.json"))


def crawl_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*/*.json"))


def _text(value: str) -> str | None:
    value = clean_text(value)
    return None if not value or value == NOT_STATED else value


def procedure_from_record(
    record: object, *, ministry: str, imported_on: date, report: SourceReport, issues: list[RecordIssue]
) -> Procedure:
    """Build a procedure from one crawled record; counts parse figures into `report`.

    Raises `RecordError` when the record has no code, an unknown layout or a field of the wrong type.
    """
    if not isinstance(record, dict):
        raise RecordError(f"unknown field layout: expected a JSON object, got {type(record).__name__}")
    missing = REQUIRED_KEYS - record.keys()
    code_value = record.get("ma_thu_tuc")
    if "ma_thu_tuc" in missing or (isinstance(code_value, str) and not _text(code_value)):
        raise RecordError("record has no procedure code (ma_thu_tuc)")
    if missing:
        raise RecordError(f"unknown field layout: missing {', '.join(sorted(missing))}")
    try:
        raw = CrawlRecord.model_validate(record)
    except ValidationError as exc:
        raise record_error(exc) from exc
    code = clean_text(raw.ma_thu_tuc)

    channel_text = raw.cach_thuc_thuc_hien
    rows = parse_channel_rows(channel_text)
    has_table = has_channel_table(channel_text)
    report.figure("channels").count(present=has_table, parsed=bool(rows))
    timed = any(r.channel.time_limit for r in rows)
    time_present = any(r.time_stated for r in rows)
    # Target figure: of the tables that state a time for some channel, how many gave a time limit.
    report.figure("time_limit").count(present=time_present or (has_table and not rows), parsed=timed)
    # Of all tables, including the ~5 % that state no time at all ("Không có thông tin").
    report.figure("time_limit_of_all_tables").count(present=has_table, parsed=timed)
    report.figure("time_limit_every_channel").count(
        present=has_table, parsed=bool(rows) and all(r.channel.time_limit for r in rows)
    )
    if has_table and not timed:
        # Most of these tables say "Không có thông tin" for every channel; the issue lets one check.
        issues.append(RecordIssue(code=code, field="time_limit", message="no channel row gives a time limit"))
    stated_fees = [r.channel.fee for r in rows if r.fee_stated]
    fees_parsed = all(f is not None and f.kind != "text" for f in stated_fees)
    report.figure("fee").count(present=bool(stated_fees), parsed=bool(stated_fees) and fees_parsed)
    if stated_fees and not fees_parsed:
        issues.append(RecordIssue(code=code, field="fee", message="fee stated but no amount or 'free' read"))
    if has_table and not rows:
        issues.append(RecordIssue(code=code, field="channels", message="channel table has no readable row"))

    document_text = raw.thanh_phan_ho_so
    documents = parse_documents(document_text)
    report.figure("documents").count(present=bool(clean_text(document_text)), parsed=bool(documents))
    if clean_text(document_text) and not documents:
        reason = "no row found" if has_document_table(document_text) else "unknown layout (no table header)"
        issues.append(RecordIssue(code=code, field="documents", message=reason))

    legal_text = raw.can_cu_phap_ly
    legal_basis = parse_legal_basis(legal_text)
    report.figure("legal_basis").count(present=has_legal_basis(legal_text), parsed=bool(legal_basis))
    if has_legal_basis(legal_text) and not legal_basis:
        issues.append(RecordIssue(code=code, field="legal_basis", message="no document number found"))

    result_text = raw.ket_qua_xu_ly
    results = parse_results(result_text)
    report.figure("results").count(present=bool(clean_text(result_text)), parsed=bool(results))
    if clean_text(result_text) and not results:
        issues.append(RecordIssue(code=code, field="results", message="no result document found"))

    subjects = split_subjects(raw.doi_tuong_thuc_hien)
    channels = [r.channel for r in rows]
    try:
        return Procedure(
            code=code,
            title=raw.ten_thu_tuc,
            field=_text(raw.linh_vuc),
            levels=parse_levels(raw.cap_thuc_hien),
            procedure_type=_text(raw.loai_thu_tuc),
            target_groups=target_groups(subjects),
            subjects=subjects,
            competent_agency=_text(raw.co_quan_co_tham_quyen),
            performing_agency=_text(raw.co_quan_thuc_hien),
            decision_number=_text(raw.so_quyet_dinh),
            ministry=ministry,
            channels=channels,
            documents=documents,
            legal_basis=legal_basis,
            results=results,
            fully_online=derive_fully_online(channels),
            source=SOURCE_LABEL,
            source_url=_text(raw.detail_url),
            imported_on=imported_on,
        )
    except ValidationError as exc:
        raise record_error(exc) from exc


def _read(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise RecordError(f"not UTF-8 text: {exc.reason}") from exc
    except json.JSONDecodeError as exc:
        raise RecordError(f"invalid JSON (truncated?): {exc.msg} at line {exc.lineno}") from exc


def import_portal_crawl(
    directory: Path, *, imported_on: date, report: ImportReport, progress: bool = True
) -> Iterator[Procedure]:
    """Yield the procedures of a crawl directory; bad records go to `report.failed`, never raise."""
    source = SourceReport(kind=KIND, path=str(directory))
    report.sources.append(source)
    for path in tqdm(crawl_files(directory), desc=f"portal crawl {directory.name}", disable=not progress):
        source.records += 1
        try:
            procedure = procedure_from_record(
                _read(path),
                ministry=path.parent.name,
                imported_on=imported_on,
                report=source,
                issues=report.issues,
            )
        except (RecordError, ValidationError) as exc:  # a value the model refuses fails this record only
            reason = str(record_error(exc) if isinstance(exc, ValidationError) else exc)
            source_name = f"{path.parent.name}/{path.name}"
            report.failed.append(FailedRecord(source=source_name, code=code_from_name(path), reason=reason))
            continue
        source.imported += 1
        yield procedure
