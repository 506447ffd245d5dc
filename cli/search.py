"""`tthc search`: find procedures from everyday words, one query or JSON Lines in batch."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from catalog.store import Catalog
from cli.batch import report_failures, run_jsonl
from cli.options import CatalogOption, fail, open_catalog
from models.artefacts import ArtefactsError
from models.search.engine import InvalidQueryError, SearchEngine, clean_query
from service.settings import get_settings

ArtefactsOption = Annotated[
    Path | None,
    typer.Option(
        "--artefacts",
        help="Artefacts directory. Default: $TTHC_ARTEFACTS_DIR or <repo>/artefacts.",
        show_default=False,
    ),
]


def open_engine(catalog: Catalog, artefacts: Path | None) -> SearchEngine:
    """The full engine on built artefacts; lexical-only (with a warning) when they are not built."""
    try:
        return SearchEngine.from_artefacts(catalog, artefacts or get_settings().artefacts_dir)
    except ArtefactsError as exc:
        message = f"warning: {exc}; searching with the lexical index only"
        typer.secho(message, err=True, fg=typer.colors.YELLOW)
        return SearchEngine(catalog)


def search(
    query: Annotated[
        str | None, typer.Argument(help="What to look for, in your own words, or a code.")
    ] = None,
    jsonl: Annotated[
        bool,
        typer.Option("--jsonl", help='Batch: {"id","query"} lines on stdin → results as JSON Lines.'),
    ] = False,
    limit: Annotated[int, typer.Option(min=1, max=200, help="Results per query.")] = 10,
    catalog: CatalogOption = None,
    artefacts: ArtefactsOption = None,
) -> None:
    """Search the catalog: `tthc search "làm lại CCCD bị mất"` or `tthc search --jsonl < queries.jsonl`."""
    if jsonl == (query is not None):
        fail('give either a QUERY or --jsonl (e.g. tthc search "đăng ký khai sinh")')
    if query is not None:
        try:
            clean_query(query)  # before loading anything: a bad query fails fast
        except InvalidQueryError as exc:
            fail(str(exc))
    engine = open_engine(open_catalog(catalog), artefacts)
    if jsonl:
        report_failures(run_batch(engine, sys.stdin, sys.stdout, limit=limit))
        return
    assert query is not None
    try:
        hits = engine.search(query, limit=limit)
    except InvalidQueryError as exc:
        fail(str(exc))
    if not hits:
        typer.echo("no procedure found")
        return
    width = shutil.get_terminal_size((120, 20)).columns
    title_width = max(30, width - 32)
    typer.echo(f"{'#':>2}  {'code':<8}  {'score':>6}  title")
    for rank, hit in enumerate(hits, 1):
        title = hit.title if len(hit.title) <= title_width else hit.title[: title_width - 1] + "…"
        typer.echo(f"{rank:>2}  {hit.code:<8}  {hit.score:>6.3f}  {title}")


def _answer(engine: SearchEngine, request: dict[str, Any], limit: int) -> dict[str, Any]:
    request_id = request.get("id")
    query = request.get("query")
    if not isinstance(query, str):
        return {"id": request_id, "error": '"query" must be a string'}
    try:
        hits = engine.search(query, limit=limit)
    except InvalidQueryError as exc:
        return {"id": request_id, "error": str(exc)}
    return {
        "id": request_id,
        "results": [{"code": h.code, "title": h.title, "score": round(h.score, 4)} for h in hits],
    }


def run_batch(engine: SearchEngine, lines: TextIO, out: TextIO, *, limit: int = 10) -> int:
    """Answer every non-blank input line with one output line; returns how many lines failed."""
    return run_jsonl(lines, out, lambda request: _answer(engine, request, limit), shape='{"id", "query"}')
