"""`tthc events`: the life and business events and their procedures."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from catalog.store import Catalog
from cli.options import CatalogOption, fail, open_catalog
from models.artefacts import ArtefactsError, load_artefacts
from models.events import EventCatalog, EventKind, MemberSource, TaxonomyError, UnknownEventError
from service.settings import get_settings

app = typer.Typer(help="Life and business events (bundles of procedures).", invoke_without_command=True)


def _open(procedures: Catalog) -> EventCatalog:
    """Events from the built artefacts when present (e5-assisted assignment), else built here."""
    from models.events.artefacts import load_event_artefacts

    try:
        step_dir = load_artefacts(procedures, get_settings().artefacts_dir, steps=["events"]).step_dir(
            "events"
        )
        events, _ = load_event_artefacts(step_dir)
        if events.assignments.catalog_version == procedures.version:
            return events
    except (ArtefactsError, OSError, ValueError):
        pass
    try:
        return EventCatalog.build(procedures)
    except TaxonomyError as exc:
        fail(str(exc))


@app.callback()
def events(
    ctx: typer.Context,
    as_json: Annotated[
        bool, typer.Option("--json", help='Print [{"id","name","kind","codes":[...]}] on stdout.')
    ] = False,
    kind: Annotated[EventKind | None, typer.Option(help="Only `life` or `business` events.")] = None,
    catalog: CatalogOption = None,
) -> None:
    """List every event: `tthc events --json`, or a table without `--json`."""
    if ctx.invoked_subcommand is not None:
        ctx.obj = catalog
        return
    chosen = _open(open_catalog(catalog)).list(kind=kind)
    if as_json:
        rows = [{"id": e.id, "name": e.name_vi, "kind": e.kind.value, "codes": e.codes()} for e in chosen]
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    typer.echo(f"{'id':<32} {'kind':<9} {'codes':>5}  name")
    for event in chosen:
        typer.echo(f"{event.id:<32} {event.kind.value:<9} {len(event.codes()):>5}  {event.name_vi}")


@app.command("show")
def show(
    ctx: typer.Context,
    event_id: Annotated[str, typer.Argument(help="Event id, e.g. having-a-baby.")],
    catalog: CatalogOption = None,
) -> None:
    """One event: its steps and members, curated first, with situations and model confidence."""
    catalog_path = catalog or ctx.obj
    procedures = open_catalog(catalog_path)
    try:
        event = _open(procedures).get_or_raise(event_id=event_id)
    except UnknownEventError as exc:
        fail(f"{exc}; list them with `tthc events`")
    typer.echo(f"{event.name_vi} / {event.name_en} ({event.kind.value})")
    typer.echo(event.description)
    if event.legal_basis:
        typer.echo(f"Căn cứ: {event.legal_basis}")
    for index, step in enumerate(event.steps):
        typer.echo(f"\n{index + 1}. {step.name_vi}")
        members = sorted(
            (m for m in event.members if m.step == index),
            key=lambda m: (m.source is not MemberSource.CURATED, -m.confidence),
        )
        for member in members:
            title = procedures.get_or_raise(code=member.code).title
            if member.source is MemberSource.CURATED:
                note = f" — {member.situation}" if member.situation else ""
                typer.echo(f"   {member.code} [{member.role.value}] {title}{note}")
            else:
                typer.echo(f"   {member.code} [model {member.confidence:.2f}] {title}")
