"""The portal's per-ministry procedure lists (xlsx: Mã số, Tên, Cơ quan ban hành, Cơ quan thực hiện,
Lĩnh vực), used to cross-check the catalog's codes, titles and fields."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from pydantic import BaseModel, Field, ValidationError

from catalog.importers.records import record_error
from catalog.importers.report import FailedRecord, Mismatch
from catalog.schema import CODE_PATTERN, Procedure, Text, clean_text

KIND = "xlsx_list"
SOURCE_LABEL = "dichvucong.gov.vn procedure list (xlsx)"
_CODE_HEADER = "mã số"


class ListedProcedure(BaseModel):
    """One row of a procedure list."""

    code: str
    title: Text
    field: str | None = None
    issuer: str | None = None
    agency: str | None = None
    list_name: str


class ListFile(BaseModel):
    """The rows of a list file, and the rows that were rejected (a code without a title...)."""

    rows: list[ListedProcedure] = Field(default_factory=list)
    rejected: list[FailedRecord] = Field(default_factory=list)


class ListFileError(ValueError):
    """The file is not a procedure list this importer understands."""


def is_xlsx_list(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() == ".xlsx"


def _cell(cells: list[str], columns: dict[str, int], name: str) -> str | None:
    index = columns.get(name)
    return (cells[index] or None) if index is not None and index < len(cells) else None


def read_list(path: Path) -> ListFile:
    """Rows of a list file; the header row is found by its 'Mã số' cell."""
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise ListFileError(f"{path.name}: not a readable xlsx file ({exc.__class__.__name__})") from exc
    rows = workbook.active.iter_rows(values_only=True)
    columns: dict[str, int] | None = None
    listed = ListFile()
    for number, row in enumerate(rows, 1):
        cells = [clean_text(str(c)) if c is not None else "" for c in row]
        if columns is None:
            lowered = [c.lower() for c in cells]
            if _CODE_HEADER in lowered:
                columns = {name: i for i, name in enumerate(lowered)}
            continue
        code = cells[columns[_CODE_HEADER]] if columns[_CODE_HEADER] < len(cells) else ""
        if not CODE_PATTERN.match(code):
            continue

        try:
            listed.rows.append(
                ListedProcedure(
                    code=code,
                    title=_cell(cells, columns, "tên") or "",
                    field=_cell(cells, columns, "lĩnh vực"),
                    issuer=_cell(cells, columns, "cơ quan ban hành"),
                    agency=_cell(cells, columns, "cơ quan thực hiện"),
                    list_name=path.name,
                )
            )
        except ValidationError as exc:
            reason = str(record_error(exc))
            listed.rejected.append(FailedRecord(source=f"{path.name} row {number}", code=code, reason=reason))
    workbook.close()
    if columns is None:
        raise ListFileError(f"{path.name}: no 'Mã số' header row")
    return listed


def procedure_from_list(row: ListedProcedure, *, ministry: str | None, imported_on: date) -> Procedure:
    """A procedure known only from a list row: code, title, field and agency, nothing else."""
    return Procedure(
        code=row.code,
        title=row.title,
        field=row.field,
        performing_agency=row.agency,
        ministry=ministry,
        source=SOURCE_LABEL,
        imported_on=imported_on,
    )


def _same(a: str | None, b: str | None) -> bool:
    return clean_text(a or "").casefold().rstrip(". ") == clean_text(b or "").casefold().rstrip(". ")


def cross_check(procedures: dict[str, Procedure], listed: Iterable[ListedProcedure]) -> list[Mismatch]:
    """Differences between the catalog and the lists: codes missing on either side, titles, fields."""
    mismatches = []
    listed_codes = set()
    for row in listed:
        listed_codes.add(row.code)
        procedure = procedures.get(row.code)
        if procedure is None:
            mismatches.append(Mismatch(code=row.code, kind="listed_not_in_catalog", detail=row.list_name))
            continue
        if not _same(procedure.title, row.title):
            mismatches.append(Mismatch(code=row.code, kind="title_differs", detail=row.title))
        if not _same(procedure.field, row.field):
            mismatches.append(
                Mismatch(code=row.code, kind="field_differs", detail=f"{procedure.field} ≠ {row.field}")
            )
    for code, procedure in sorted(procedures.items()):
        if code not in listed_codes and procedure.ministry and procedure.source.startswith("dichvucong"):
            mismatches.append(Mismatch(code=code, kind="not_in_lists", detail=procedure.ministry))
    return mismatches
