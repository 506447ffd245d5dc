"""`tthc suggest`: related procedures for open dossiers, JSON Lines in and out."""

from __future__ import annotations

import sys
from typing import Annotated, Any, TextIO

import typer
from pydantic import ValidationError

from catalog.store import UnknownProcedureError
from cli.batch import report_failures, run_jsonl
from cli.options import CatalogOption, configured_dossier_logs, fail, open_catalog
from models.events import TaxonomyError
from models.recommend import CaseProfile, RelatedSuggester, events_and_suggester
from service.settings import get_settings

LIMIT = 10


def _answer(suggester: RelatedSuggester, request: dict[str, Any], limit: int) -> dict[str, Any]:
    case_id = request.get("id")
    codes = request.get("codes")
    if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
        return {"id": case_id, "error": '"codes" must be a non-empty list of procedure codes'}
    try:
        profile = CaseProfile.model_validate(request.get("profile") or {})
    except ValidationError as exc:
        return {"id": case_id, "error": f"invalid profile: {exc.errors()[0]['msg']}"}
    try:
        suggestions = suggester.suggest(codes=codes, profile=profile, limit=limit)
    except UnknownProcedureError as exc:
        return {"id": case_id, "error": str(exc)}
    results = [
        {"code": s.code, "title": s.title, "reason": s.reason, "relation": s.relation.value}
        for s in suggestions
    ]
    return {"id": case_id, "results": results}


def run_batch(suggester: RelatedSuggester, lines: TextIO, out: TextIO, *, limit: int = LIMIT) -> int:
    """Answer every non-blank input line with one output line; returns how many lines failed."""
    return run_jsonl(
        lines, out, lambda request: _answer(suggester, request, limit), shape='{"id","codes","profile"}'
    )


def suggest(
    codes: Annotated[list[str] | None, typer.Argument(help="Procedure codes of the open dossier.")] = None,
    jsonl: Annotated[
        bool,
        typer.Option("--jsonl", help='Batch: {"id","codes","profile"} lines on stdin → JSON Lines.'),
    ] = False,
    situation: Annotated[str | None, typer.Option(help="Free-text situation (with CODES).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=50, help="Suggestions per case.")] = LIMIT,
    catalog: CatalogOption = None,
) -> None:
    """Related procedures: `tthc suggest 1.000656` or `tthc suggest --jsonl < cases.jsonl`."""
    if jsonl == bool(codes):
        fail("give either procedure CODES or --jsonl (e.g. tthc suggest 1.001193)")
    try:
        _, suggester, _ = events_and_suggester(
            open_catalog(catalog), get_settings().artefacts_dir, dossier_logs=configured_dossier_logs()
        )
    except TaxonomyError as exc:
        fail(str(exc))
    if jsonl:
        report_failures(run_batch(suggester, sys.stdin, sys.stdout, limit=limit))
        return
    try:
        suggestions = suggester.suggest(
            codes=codes or [], profile=CaseProfile(situation=situation), limit=limit
        )
    except UnknownProcedureError as exc:
        fail(str(exc))
    for rank, s in enumerate(suggestions, 1):
        typer.echo(f"{rank:>2}. {s.code} [{s.relation.value}] {s.title}\n    {s.reason}")
