"""`tthc eval ...`: measure the models on evaluation files (search here; others add their commands)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import startup as startup_commands
from cli.options import CatalogOption, configured_dossier_logs, fail, open_catalog
from models.artefacts import ArtefactsError
from models.search.evaluation import EvalFileError, evaluate, format_table, load_eval_queries
from service.settings import get_settings

app = typer.Typer(
    help="Measure search, suggestions and start-up plans on evaluation files.", no_args_is_help=True
)
app.command("startup")(startup_commands.eval_startup)


@app.command("search")
def search_command(
    file: Annotated[Path, typer.Argument(help='JSON Lines: {"id","query","relevant":[codes],"style"}.')],
    catalog: CatalogOption = None,
    artefacts: Annotated[
        Path | None,
        typer.Option("--artefacts", help="Artefacts directory (built when missing).", show_default=False),
    ] = None,
) -> None:
    """Recall@1/5/10 and MRR@10, overall and per style: SQLite FTS5, folded BM25, dense e5 and ours."""
    from models.search.baselines import search_systems

    try:
        queries = load_eval_queries(file)
    except EvalFileError as exc:
        fail(str(exc))
    if not queries:
        fail(f"no rows in {file}")
    procedures = open_catalog(catalog)
    try:
        systems = search_systems(procedures, artefacts or get_settings().artefacts_dir)
    except ArtefactsError as exc:
        fail(str(exc))
    reports = [evaluate(name, queries, run) for name, run in systems.items()]
    typer.echo(
        f"{file.name}: {len(queries)} queries, catalog {procedures.version} ({len(procedures)} procedures)"
    )
    typer.echo(format_table(reports))


@app.command("suggest")
def suggest_command(
    file: Annotated[
        Path, typer.Argument(help='JSON Lines: {"id","given":[codes],"profile":{...},"expected":[codes]}.')
    ],
    catalog: CatalogOption = None,
    k: Annotated[int, typer.Option(min=1, max=50, help="Suggestions per case.")] = 10,
    per_case: Annotated[bool, typer.Option("--per-case", help="Also print each case's misses.")] = False,
) -> None:
    """Recall@k of `expected`, share of cases with ≥ 1 correct, share of self/excluded suggestions."""
    from pydantic import ValidationError

    from catalog.store import UnknownProcedureError
    from models.recommend import events_and_suggester
    from models.recommend.evaluation import evaluate_suggestions, load_cases

    try:
        cases = load_cases(file)
    except (OSError, ValidationError, ValueError) as exc:
        fail(f"{file}: cannot read cases ({exc})")
    if not cases:
        fail(f"no rows in {file}")
    procedures = open_catalog(catalog)
    try:
        _, suggester, from_artefacts = events_and_suggester(
            procedures, get_settings().artefacts_dir, dossier_logs=configured_dossier_logs()
        )
        report = evaluate_suggestions(suggester, cases, k=k)
    except UnknownProcedureError as exc:
        fail(f"{file}: {exc}")
    signals = "e5 + FAISS artefacts" if from_artefacts else "in-process features (no events artefact built)"
    typer.echo(f"{file.name}: {report.cases} cases, catalog {procedures.version}, {signals}")
    typer.echo(f"recall@{k}            {report.recall_at_k:.3f}")
    typer.echo(f"cases with ≥1 correct {report.hit_rate:.3f}")
    typer.echo(f"self/excluded share   {report.forbidden_share:.3f}")
    if per_case:
        for case in report.per_case:
            typer.echo(f"  {case.id}: found {case.found} missed {case.missed} forbidden {case.forbidden}")
