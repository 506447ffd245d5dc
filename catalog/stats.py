"""Figures about a catalog and the import that produced it, for `tthc catalog stats`."""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, Field

from catalog.importers.report import FieldFigure, ImportReport
from catalog.store import Catalog

# Parse targets on the portal crawl (issue 3): field → minimum share of records parsed, in %.
PARSE_TARGETS: dict[str, float] = {
    "imported": 99.0,
    "time_limit": 95.0,
    "fee": 95.0,
    "documents": 95.0,
    "legal_basis": 95.0,
}


class Figure(BaseModel):
    """`parsed` of `present` records, as a count and a percentage, with its target when it has one."""

    present: int
    parsed: int
    percent: float
    target_percent: float | None = None
    meets_target: bool | None = None


class CatalogStats(BaseModel):
    procedures: int
    version: str
    by_ministry: dict[str, int]
    by_source: dict[str, int]
    local: int
    local_with_online_channel: int
    fully_online: int
    fully_online_source: dict[str, int]
    with_channels: int
    with_documents: int
    with_legal_basis: int
    with_results: int
    parse_figures: dict[str, dict[str, Figure]] = Field(default_factory=dict)
    failed_records: int | None = None
    field_issues: int | None = None
    list_mismatches: dict[str, int] = Field(default_factory=dict)


def _figure(field: FieldFigure, target: float | None) -> Figure:
    percent = field.percent
    return Figure(
        present=field.present,
        parsed=field.parsed,
        percent=percent,
        target_percent=target,
        meets_target=None if target is None else percent >= target,
    )


def catalog_stats(catalog: Catalog, report: ImportReport | None) -> CatalogStats:
    """Counts from the catalog itself, plus the parse figures of its import report when there is one."""
    procedures = list(catalog)
    local = [p for p in procedures if p.is_local]
    stats = CatalogStats(
        procedures=len(procedures),
        version=catalog.version,
        by_ministry=dict(sorted(Counter(p.ministry or "unknown" for p in procedures).items())),
        by_source=dict(Counter(p.source for p in procedures)),
        local=len(local),
        local_with_online_channel=sum(p.has_online_channel for p in local),
        fully_online=sum(p.fully_online for p in procedures),
        fully_online_source=dict(Counter(p.fully_online_source for p in procedures)),
        with_channels=sum(bool(p.channels) for p in procedures),
        with_documents=sum(bool(p.documents) for p in procedures),
        with_legal_basis=sum(bool(p.legal_basis) for p in procedures),
        with_results=sum(bool(p.results) for p in procedures),
    )
    if report is None:
        return stats
    for source in report.sources:
        if not source.fields and source.kind != "portal_crawl":
            continue
        imported = FieldFigure(present=source.records, parsed=source.imported)
        figures = {"imported": _figure(imported, PARSE_TARGETS["imported"])}
        for name, field in source.fields.items():
            target = PARSE_TARGETS.get(name) if source.kind == "portal_crawl" else None
            figures[name] = _figure(field, target)
        stats.parse_figures[f"{source.kind}:{source.path}"] = figures
    stats.failed_records = len(report.failed)
    stats.field_issues = len(report.issues)
    stats.list_mismatches = dict(Counter(m.kind for m in report.mismatches))
    return stats


def format_stats(stats: CatalogStats) -> str:
    """A plain-text rendering of the figures for a terminal."""

    def share(part: int, whole: int) -> str:
        return f"{part:,} ({100 * part / whole:.1f} %)" if whole else f"{part:,}"

    total = stats.procedures
    lines = [
        f"catalog {stats.version}: {total:,} procedures",
        "  by ministry: " + ", ".join(f"{k} {v:,}" for k, v in stats.by_ministry.items()),
        f"  local (cấp tỉnh / cấp xã): {share(stats.local, total)}; "
        f"of those with an online channel: {share(stats.local_with_online_channel, stats.local)}",
        f"  fully online: {share(stats.fully_online, total)} "
        f"({', '.join(f'{k} {v:,}' for k, v in stats.fully_online_source.items())})",
        f"  with channels {share(stats.with_channels, total)}, "
        f"documents {share(stats.with_documents, total)}, "
        f"legal basis {share(stats.with_legal_basis, total)}, results {share(stats.with_results, total)}",
    ]
    if not stats.parse_figures:
        lines.append("  no import report beside this catalog: parse figures unavailable")
    for source, figures in stats.parse_figures.items():
        lines.append(f"parse figures, {source}:")
        for name, figure in figures.items():
            target = ""
            if figure.target_percent is not None:
                verdict = "ok" if figure.meets_target else "BELOW TARGET"
                target = f"  target ≥ {figure.target_percent:g} % {verdict}"
            lines.append(
                f"  {name:<26} {figure.parsed:>6,} / {figure.present:<6,} {figure.percent:5.1f} %{target}"
            )
    if stats.failed_records is not None:
        lines.append(f"failed records: {stats.failed_records}; field issues: {stats.field_issues}")
    if stats.list_mismatches:
        lines.append(
            "xlsx cross-check: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.list_mismatches.items()))
        )
    return "\n".join(lines)
