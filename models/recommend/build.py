"""Assemble a `RelatedSuggester` for a catalog from its parts (events, dossier logs, neighbours)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from catalog.store import Catalog
from models.events.catalog import EventCatalog
from models.recommend.cooccurrence import CooccurrenceModel, DossierLog
from models.recommend.suggester import RelatedSuggester


def build_related_suggester(
    catalog: Catalog,
    *,
    events: EventCatalog | None = None,
    dossier_logs: Iterable[DossierLog] | None = None,
    embedding_neighbours: Mapping[str, Sequence[tuple[str, float]]] | None = None,
) -> RelatedSuggester:
    """The suggester over `catalog`.

    Co-occurrence is learnt from `dossier_logs` when given; without them it is left out, so no
    suggestion claims that people filed two procedures together when nobody has seen it.
    `embedding_neighbours` are FAISS e5 neighbours per code, when the dense index is built.
    """
    events = events or EventCatalog.build(catalog)
    logs = list(dossier_logs or [])
    return RelatedSuggester.build(
        catalog,
        events,
        cooccurrence=CooccurrenceModel.fit(logs) if logs else None,
        embedding_neighbours=embedding_neighbours,
    )


def events_and_suggester(
    catalog: Catalog, artefacts_dir: Path | None, *, dossier_logs: Iterable[DossierLog] | None = None
) -> tuple[EventCatalog, RelatedSuggester, bool]:
    """Event catalog and suggester from the built `events` artefact step when it exists for this
    catalog version (e5-assisted assignment, FAISS neighbours); otherwise built in process from
    words, field and target group. The flag says whether the artefacts were used."""
    from models.artefacts import ArtefactsError, load_artefacts
    from models.events.artefacts import load_event_artefacts

    if artefacts_dir is not None:
        try:
            step_dir = load_artefacts(catalog, artefacts_dir, steps=["events"]).step_dir("events")
            events, neighbours = load_event_artefacts(step_dir)
        except (ArtefactsError, OSError, ValueError):
            pass
        else:
            if events.assignments.catalog_version == catalog.version:
                suggester = build_related_suggester(
                    catalog, events=events, dossier_logs=dossier_logs, embedding_neighbours=neighbours
                )
                return events, suggester, True
    events = EventCatalog.build(catalog)
    return events, build_related_suggester(catalog, events=events, dossier_logs=dossier_logs), False
