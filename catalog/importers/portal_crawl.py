"""Importer for the dichvucong.gov.vn crawl: ``<dir>/<ministry>/<code>.json``, one procedure a file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from pydantic import ValidationError
from tqdm import tqdm

from catalog.importers.report import FailedRecord, ImportReport, RecordIssue, SourceReport
from catalog.parsing.channels import has_channel_table, parse_channel_rows
from catalog.parsing.documents import has_document_table, parse_documents
from catalog.parsing.legal_basis import has_legal_basis, parse_legal_basis
from catalog.parsing.results import parse_results
from catalog.parsing.subjects import parse_levels, split_subjects, target_groups
from catalog.schema import CODE_PATTERN, Procedure, clean_text, derive_fully_online

KIND = "portal_crawl"
SOURCE_LABEL = "dichvucong.gov.vn crawl"
REQUIRED_KEYS = frozenset({"ma_thu_tuc", "ten_thu_tuc", "cach_thuc_thuc_hien", "thanh_phan_ho_so"})
NOT_STATED = "Không có thông tin"


class RecordError(ValueError):
    """A record that cannot become a procedure; the message says why."""


def is_portal_crawl(path: Path) -> bool:
    """A directory of ministry folders holding ``<code>.json`` files."""
    return path.is_dir() and any(path.glob("*/*.json"))


def crawl_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*/*.json"))


def _text(record: dict, key: str) -> str | None:
    value = record.get(key)
    if not isinstance(value, str):
        return None
    value = clean_text(value)
    return None if not value or value == NOT_STATED else value


def procedure_from_record(
    record: object, *, ministry: str, imported_on: date, report: SourceReport, issues: list[RecordIssue]
) -> Procedure:
    """Build a procedure from one crawled record; counts parse figures into `report`.

    Raises `RecordError` when the record has no code or an unknown layout.
    """
    if not isinstance(record, dict):
        raise RecordError(f"unknown field layout: expected a JSON object, got {type(record).__name__}")
    missing = REQUIRED_KEYS - record.keys()
    if "ma_thu_tuc" in missing or not _text(record, "ma_thu_tuc"):
        raise RecordError("record has no procedure code (ma_thu_tuc)")
    if missing:
        raise RecordError(f"unknown field layout: missing {', '.join(sorted(missing))}")
    code = clean_text(record["ma_thu_tuc"])

    channel_text = record.get("cach_thuc_thuc_hien") or ""
    rows = parse_channel_rows(channel_text)
    has_table = has_channel_table(channel_text)
    report.figure("channels").count(present=has_table, parsed=bool(rows))
    timed = any(r.channel.time_limit for r in rows)
    # Target figure: of the tables that state a time for some channel, how many gave a time limit.
    report.figure("time_limit").count(
        present=any(r.time_stated for r in rows) or (has_table and not rows), parsed=timed
    )
    # Of all tables, including the ~5 % that state no time at all ("Không có thông tin").
    report.figure("time_limit_of_all_tables").count(present=has_table, parsed=timed)
    report.figure("time_limit_every_channel").count(
        present=has_table, parsed=bool(rows) and all(r.channel.time_limit for r in rows)
    )
    stated_fees = [r.channel.fee for r in rows if r.fee_stated]
    report.figure("fee").count(
        present=bool(stated_fees),
        parsed=bool(stated_fees) and all(f is not None and f.kind != "text" for f in stated_fees),
    )
    if has_table and not rows:
        issues.append(RecordIssue(code=code, field="channels", message="channel table has no readable row"))

    document_text = record.get("thanh_phan_ho_so") or ""
    documents = parse_documents(document_text)
    report.figure("documents").count(present=bool(clean_text(document_text)), parsed=bool(documents))
    if clean_text(document_text) and not documents:
        reason = "no row found" if has_document_table(document_text) else "unknown layout (no table header)"
        issues.append(RecordIssue(code=code, field="documents", message=reason))

    legal_text = record.get("can_cu_phap_ly") or ""
    legal_basis = parse_legal_basis(legal_text)
    report.figure("legal_basis").count(present=has_legal_basis(legal_text), parsed=bool(legal_basis))
    if has_legal_basis(legal_text) and not legal_basis:
        issues.append(RecordIssue(code=code, field="legal_basis", message="no document number found"))

    result_text = record.get("ket_qua_xu_ly") or ""
    results = parse_results(result_text)
    report.figure("results").count(present=bool(clean_text(result_text)), parsed=bool(results))

    subjects = split_subjects(record.get("doi_tuong_thuc_hien") or "")
    channels = [r.channel for r in rows]
    try:
        return Procedure(
            code=code,
            title=record["ten_thu_tuc"],
            field=_text(record, "linh_vuc"),
            levels=parse_levels(record.get("cap_thuc_hien") or ""),
            procedure_type=_text(record, "loai_thu_tuc"),
            target_groups=target_groups(subjects),
            subjects=subjects,
            competent_agency=_text(record, "co_quan_co_tham_quyen"),
            performing_agency=_text(record, "co_quan_thuc_hien"),
            decision_number=_text(record, "so_quyet_dinh"),
            ministry=ministry,
            channels=channels,
            documents=documents,
            legal_basis=legal_basis,
            results=results,
            fully_online=derive_fully_online(channels),
            source=SOURCE_LABEL,
            source_url=_text(record, "detail_url"),
            imported_on=imported_on,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        raise RecordError(f"invalid {'.'.join(map(str, first['loc']))}: {first['msg']}") from exc


def code_from_name(path: Path) -> str | None:
    """The procedure code a file is named after, when its name is one (for failure reports)."""
    return path.stem if CODE_PATTERN.match(path.stem) else None


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
        except RecordError as exc:
            source_name = f"{path.parent.name}/{path.name}"
            report.failed.append(FailedRecord(source=source_name, code=code_from_name(path), reason=str(exc)))
            continue
        source.imported += 1
        yield procedure
