"""The domain objects the service answers with, loaded once at start and shared read-only.

Every feature is always served. Without built artefacts (`tthc build`) a feature runs in a
reduced form, listed in `degraded` with the reason, and `/readyz` reports the service as degraded.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from catalog.store import Catalog, load_catalog
from service.settings import Settings

if TYPE_CHECKING:
    from models.business import PolicyMatcher, StartupPlanner
    from models.events.catalog import EventCatalog
    from models.recommend import DossierLog, RelatedSuggester
    from models.search.engine import SearchEngine

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class Components:
    """Everything the routes need, with what runs in a reduced form and how long each part took."""

    catalog: Catalog
    search: SearchEngine
    events: EventCatalog
    suggester: RelatedSuggester
    planner: StartupPlanner
    policies: PolicyMatcher
    degraded: dict[str, str] = field(default_factory=dict)
    load_seconds: dict[str, float] = field(default_factory=dict)


class ComponentsError(Exception):
    """Configuration the service cannot start with (e.g. an unreadable dossier log)."""


def load_components(settings: Settings) -> Components:
    """Load the catalog, then every model component over it."""
    from models.business import PolicyMatcher, StartupPlanner

    seconds: dict[str, float] = {}
    degraded: dict[str, str] = {}

    def timed(name: str, load: Callable[[], T]) -> T:
        started = time.perf_counter()
        value = load()
        seconds[name] = time.perf_counter() - started
        return value

    logs = _load_dossier_logs(settings)  # first: a configuration error should not wait for models
    catalog = timed("catalog", lambda: load_catalog(settings.catalog_path))
    search = timed("search", lambda: _load_search(catalog, settings, degraded))
    events, suggester = timed(
        "events and suggestions", lambda: _load_events_and_suggester(catalog, settings, logs, degraded)
    )
    planner, policies = timed("business", lambda: (StartupPlanner(catalog), PolicyMatcher(catalog)))
    for name, reason in degraded.items():
        log.warning("%s degraded: %s", name, reason)
    return Components(
        catalog=catalog,
        search=search,
        events=events,
        suggester=suggester,
        planner=planner,
        policies=policies,
        degraded=degraded,
        load_seconds=seconds,
    )


def _load_search(catalog: Catalog, settings: Settings, degraded: dict[str, str]) -> SearchEngine:
    """The full engine on built artefacts, its queries encoded by the int8 ONNX Runtime export (no
    torch import: start ~8 s and ~500 MB sooner, a new query ~3 ms); lexical-only, reported as
    degraded, when the artefacts are missing.

    Artefacts are never built here: a build takes minutes and every worker would start one. A
    missing build is logged with the command that makes it (`tthc build`).
    """
    from models.artefacts import ArtefactsError
    from models.search.engine import SearchEngine

    try:
        engine = SearchEngine.from_artefacts(
            catalog, settings.artefacts_dir, encoder="onnx-int8", threads=settings.inference_threads
        )
    except ArtefactsError as exc:
        degraded["search"] = f"lexical search only: {exc}"
    except (OSError, ValueError, KeyError) as exc:
        # Artefacts written by an older build of the code: serve, and say how to repair them.
        degraded["search"] = (
            f"lexical search only: artefacts in {settings.artefacts_dir} are unreadable "
            f"({type(exc).__name__}: {exc}); run `tthc build --force`"
        )
    else:
        if engine.stale_lexical is not None:
            degraded["search"] = f"{engine.stale_lexical}: indexed at start-up; run `tthc build`"
        return engine
    return SearchEngine(catalog)


def _load_dossier_logs(settings: Settings) -> list[DossierLog] | None:
    """The configured dossier log (`TTHC_DOSSIER_LOG`), or None when there is none."""
    from models.recommend import DossierLogError, load_dossier_logs

    if settings.dossier_log is None:
        return None
    try:
        return load_dossier_logs(settings.dossier_log)
    except DossierLogError as exc:
        raise ComponentsError(f"TTHC_DOSSIER_LOG: {exc}") from exc


def _load_events_and_suggester(
    catalog: Catalog, settings: Settings, logs: list[DossierLog] | None, degraded: dict[str, str]
) -> tuple[EventCatalog, RelatedSuggester]:
    """Events and the suggester from the `events` artefact step, or built in process without it;
    co-occurrence learnt from the dossier log when one is configured."""
    from models.recommend.build import events_and_suggester

    events, suggester, from_artefacts = events_and_suggester(
        catalog, settings.artefacts_dir, dossier_logs=logs
    )
    if not from_artefacts:
        degraded["events"] = (
            "events assigned in process without embeddings (no `events` artefacts for catalog "
            f"{catalog.version}); run `tthc build`"
        )
    return events, suggester
