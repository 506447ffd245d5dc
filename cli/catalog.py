"""`tthc catalog ...`: import, inspect and export the procedure catalog."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from catalog.importers.report import ImportReport, ReportError, load_report, save_report
from catalog.importers.sources import UnknownSourceError, import_sources
from catalog.official import OfficialListError, read_official_online
from catalog.stats import catalog_stats, format_stats
from catalog.store import save_catalog
from cli.options import CatalogOption, fail, open_catalog
from service.settings import get_settings

app = typer.Typer(help="Import, inspect and export the procedure catalog.", no_args_is_help=True)
# How many failed records or unknown codes a message lists before "…".
SHOWN = 10


def _failures(report: ImportReport) -> str:
    lines = [f"  {f.source}: {f.reason}" for f in report.failed[:SHOWN]]
    if len(report.failed) > SHOWN:
        lines.append(f"  … and {len(report.failed) - SHOWN} more")
    return "\n".join(lines) if lines else "  (no source held a record)"


@app.command("import")
def import_(
    sources: Annotated[
        list[Path],
        typer.Argument(
            help="Portal crawl dir (<dir>/<ministry>/<code>.json), structured export dir, xlsx lists.",
            show_default=False,
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Catalog file to write (.jsonl.gz).")],
    official_online: Annotated[
        Path | None,
        typer.Option(
            "--official-online", help="CSV of officially fully-online codes (overrides the derived flag)."
        ),
    ] = None,
    imported_on: Annotated[
        str | None, typer.Option(help="Import date recorded on every procedure (YYYY-MM-DD, default today).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bars.")] = False,
) -> None:
    """Import sources into a catalog file, with a manifest and an import report beside it."""
    try:
        day = date.fromisoformat(imported_on) if imported_on else date.today()
    except ValueError:
        fail(f"--imported-on must be YYYY-MM-DD, got {imported_on!r}")
    try:
        official = read_official_online(official_online) if official_online else None
        result = import_sources(sources, imported_on=day, official_online=official, progress=not quiet)
    except (UnknownSourceError, OfficialListError) as exc:
        fail(str(exc))
    report = result.report
    if not result.procedures:
        fail("no procedure imported; nothing written\n" + _failures(report))
    unknown = [m.code for m in report.mismatches if m.kind == "official_not_in_catalog"]
    if unknown:
        shown = ", ".join(unknown[:SHOWN]) + (" …" if len(unknown) > SHOWN else "")
        typer.secho(f"warning: {len(unknown)} official codes are not in the catalog: {shown}", err=True)
    labels = [f"{s.kind}:{s.path}" for s in report.sources]
    manifest = save_catalog(result.procedures, out, sources=labels)
    report_file = save_report(report, out)
    typer.echo(
        f"wrote {manifest.procedures} procedures to {out} ({len(report.failed)} failed, "
        f"{len(report.issues)} field issues; report {report_file})",
        err=True,
    )


@app.command()
def stats(
    catalog: CatalogOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Counts of the catalog and the parse figures of the import that produced it."""
    path = catalog or get_settings().catalog_path
    loaded = open_catalog(path)
    try:
        report = load_report(Path(path))
    except ReportError as exc:
        fail(str(exc))
    figures = catalog_stats(loaded, report)
    if as_json:
        typer.echo(json.dumps(figures.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        typer.echo(format_stats(figures))


@app.command()
def show(code: str, catalog: CatalogOption = None) -> None:
    """Print one procedure as JSON."""
    found = open_catalog(catalog).get(code=code)
    if found is None:
        fail(f"no procedure with code {code!r} in the catalog")
    typer.echo(found.model_dump_json(indent=2, exclude_defaults=True))


@app.command()
def export(
    catalog: CatalogOption = None,
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help="One procedure per line (required: the only format).")
    ] = False,
) -> None:
    """Write every procedure to stdout, one JSON object per line, as the model serialises it."""
    if not jsonl:
        fail("give --jsonl (one procedure per line, the only export format)")
    out = sys.stdout
    for procedure in open_catalog(catalog):
        out.write(procedure.model_dump_json() + "\n")
