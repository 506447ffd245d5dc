"""The import report: what each source gave, how much of each field parsed, what failed and why."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

REPORT_SUFFIX = ".import-report.json"


class ReportError(ValueError):
    """An import report that cannot be read."""


class FieldFigure(BaseModel):
    """How many records state a field (`present`) and how many of those parsed (`parsed`)."""

    present: int = 0
    parsed: int = 0

    @property
    def percent(self) -> float:
        """`parsed` as a share of `present`, in %, one decimal (100 when nothing is present)."""
        return round(100 * self.parsed / self.present, 1) if self.present else 100.0

    def count(self, *, present: bool, parsed: bool) -> None:
        if present:
            self.present += 1
            self.parsed += int(parsed)


class FailedRecord(BaseModel):
    """A record that was skipped, with the reason."""

    source: str
    code: str | None = None
    reason: str


class RecordIssue(BaseModel):
    """A record that was imported but one field of it could not be parsed."""

    code: str
    field: str
    message: str


class Mismatch(BaseModel):
    """A difference between the catalog and a cross-check list (xlsx)."""

    code: str
    kind: str
    detail: str = ""


class SourceReport(BaseModel):
    """One source: records read, imported, and per-field parse figures."""

    kind: str
    path: str
    records: int = 0
    imported: int = 0
    fields: dict[str, FieldFigure] = Field(default_factory=dict)

    def figure(self, name: str) -> FieldFigure:
        return self.fields.setdefault(name, FieldFigure())


class ImportReport(BaseModel):
    """Everything an import saw; saved beside the catalog so `tthc catalog stats` can show it."""

    sources: list[SourceReport] = Field(default_factory=list)
    failed: list[FailedRecord] = Field(default_factory=list)
    issues: list[RecordIssue] = Field(default_factory=list)
    mismatches: list[Mismatch] = Field(default_factory=list)
    merged: dict[str, int] = Field(default_factory=dict)
    procedures: int = 0


def report_path(catalog_path: Path) -> Path:
    """Where the import report of a catalog file lives (beside it)."""
    name = catalog_path.name.removesuffix(".gz").removesuffix(".jsonl")
    return catalog_path.with_name(name + REPORT_SUFFIX)


def save_report(report: ImportReport, catalog_path: Path) -> Path:
    path = report_path(catalog_path)
    path.write_text(report.model_dump_json(indent=1) + "\n", encoding="utf-8")
    return path


def load_report(catalog_path: Path) -> ImportReport | None:
    """The report saved beside a catalog, or None when there is none."""
    path = report_path(catalog_path)
    if not path.exists():
        return None
    try:
        return ImportReport.model_validate_json(path.read_bytes())
    except (OSError, ValidationError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else f"{exc.error_count()} errors"
        raise ReportError(
            f"{path}: unreadable import report ({reason}); re-run the import or delete it"
        ) from exc
