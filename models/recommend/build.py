"""Assemble a `RelatedSuggester` for a catalog from its parts (events, dossier logs, neighbours)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from catalog.store import Catalog
from models.events.catalog import EventCatalog
from models.recommend.cooccurrence import CooccurrenceModel, DossierLog, synthetic_dossier_logs
from models.recommend.suggester import RelatedSuggester


def build_related_suggester(
    catalog: Catalog,
    *,
    events: EventCatalog | None = None,
    dossier_logs: Iterable[DossierLog] | None = None,
    embedding_neighbours: Mapping[str, Sequence[tuple[str, float]]] | None = None,
) -> RelatedSuggester:
    """The suggester over `catalog`.

    Without real `dossier_logs`, co-occurrence is learnt from synthetic logs (and its reasons say
    so). `embedding_neighbours` are FAISS e5 neighbours per code, when the dense index is built.
    """
    events = events or EventCatalog.build(catalog)
    logs = (
        list(dossier_logs)
        if dossier_logs is not None
        else synthetic_dossier_logs(events.list(), noise_codes=catalog.codes())
    )
    return RelatedSuggester.build(
        catalog,
        events,
        cooccurrence=CooccurrenceModel.fit(logs) if logs else None,
        embedding_neighbours=embedding_neighbours,
    )
