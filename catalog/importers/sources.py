"""Import several sources into one catalog: portal crawl first (it wins on shared codes), structured
exports add the codes the crawl lacks, xlsx lists cross-check codes, titles and fields and stand in
for mis-crawled records."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from catalog.importers.portal_crawl import SOURCE_LABEL as CRAWL_LABEL
from catalog.importers.portal_crawl import import_portal_crawl, is_portal_crawl
from catalog.importers.report import FailedRecord, ImportReport, Mismatch, SourceReport
from catalog.importers.structured_export import import_structured_export, is_structured_export
from catalog.importers.xlsx_lists import KIND as XLSX_KIND
from catalog.importers.xlsx_lists import (
    ListedProcedure,
    ListFileError,
    cross_check,
    is_xlsx_list,
    procedure_from_list,
    read_list,
)
from catalog.official import apply_official_online
from catalog.schema import Procedure


class UnknownSourceError(ValueError):
    """A path that is none of the known source kinds."""


class ImportResult(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    procedures: list[Procedure]
    report: ImportReport


def classify_source(path: Path) -> str:
    """'portal_crawl', 'structured_export' or 'xlsx_list'; `UnknownSourceError` otherwise."""
    if not path.exists():
        raise UnknownSourceError(f"source not found: {path}")
    if is_xlsx_list(path):
        return XLSX_KIND
    if is_portal_crawl(path):
        return "portal_crawl"
    if is_structured_export(path):
        return "structured_export"
    if path.is_dir() and any(path.glob("*.xlsx")):
        return XLSX_KIND
    raise UnknownSourceError(
        f"{path}: not a portal crawl (<dir>/<ministry>/<code>.json), a structured export (<dir>/<code>.json)"
        " or an xlsx list"
    )


def _read_lists(
    paths: list[Path], report: ImportReport, by_code: dict[str, Procedure]
) -> list[ListedProcedure]:
    listed: list[ListedProcedure] = []
    for path in paths:
        for file in [path] if path.is_file() else sorted(path.glob("*.xlsx")):
            source = SourceReport(kind=XLSX_KIND, path=file.name)
            report.sources.append(source)
            try:
                read = read_list(file)
            except ListFileError as exc:
                report.failed.append(FailedRecord(source=file.name, reason=str(exc)))
                continue
            report.failed.extend(read.rejected)
            source.records = len(read.rows) + len(read.rejected)
            source.imported = sum(row.code in by_code for row in read.rows)
            listed.extend(read.rows)
    return listed


def _replace_miscrawled(
    by_code: dict[str, Procedure], listed: list[ListedProcedure], report: ImportReport, *, imported_on: date
) -> int:
    """Crawled records that share one detail page under several codes hold another procedure's page
    (the crawler followed a wrong link). They are replaced by their list row when a list has the code,
    and dropped otherwise."""
    by_url: dict[str, list[str]] = defaultdict(list)
    for procedure in by_code.values():
        if procedure.source == CRAWL_LABEL and procedure.source_url:
            by_url[procedure.source_url].append(procedure.code)
    rows = {row.code: row for row in listed}
    replaced = 0
    for codes in (codes for codes in by_url.values() if len(codes) > 1):
        for code in codes:
            crawled = by_code.pop(code)
            detail = f"same page as {len(codes) - 1} other codes: {crawled.title[:60]}"
            if code in rows:
                by_code[code] = procedure_from_list(
                    rows[code], ministry=crawled.ministry, imported_on=imported_on
                )
                report.mismatches.append(
                    Mismatch(code=code, kind="miscrawled_replaced_by_list", detail=detail)
                )
                replaced += 1
            else:
                report.failed.append(
                    FailedRecord(source="portal_crawl", code=code, reason=f"mis-crawled: {detail}")
                )
    return replaced


def import_sources(
    paths: list[Path],
    *,
    imported_on: date,
    official_online: set[str] | None = None,
    progress: bool = True,
) -> ImportResult:
    """Import and merge the sources; classification errors raise `UnknownSourceError` before any work."""
    kinds = [(path, classify_source(path)) for path in paths]
    report = ImportReport()
    by_code: dict[str, Procedure] = {}
    merged = {"from_portal_crawl": 0, "from_structured_export": 0, "duplicates_skipped": 0}
    order = {"portal_crawl": 0, "structured_export": 1}
    for path, kind in sorted(((p, k) for p, k in kinds if k != XLSX_KIND), key=lambda item: order[item[1]]):
        importer = import_portal_crawl if kind == "portal_crawl" else import_structured_export
        for procedure in importer(path, imported_on=imported_on, report=report, progress=progress):
            if procedure.code in by_code:
                merged["duplicates_skipped"] += 1
                continue
            by_code[procedure.code] = procedure
            merged[f"from_{kind}"] += 1
    listed = _read_lists([path for path, kind in kinds if kind == XLSX_KIND], report, by_code)
    merged["miscrawled_replaced_by_list"] = _replace_miscrawled(
        by_code, listed, report, imported_on=imported_on
    )
    if listed:
        report.mismatches.extend(cross_check(by_code, listed))
    procedures = sorted(by_code.values(), key=lambda p: p.code)
    if official_online is not None:
        procedures = apply_official_online(procedures, official_online)
        report.mismatches.extend(
            Mismatch(code=code, kind="official_not_in_catalog")
            for code in sorted(official_online - by_code.keys())
        )
    merged["procedures"] = len(procedures)
    report.merged = merged
    report.procedures = len(procedures)
    return ImportResult(procedures=procedures, report=report)
