"""The domain objects the service answers with, loaded once at start and shared read-only.

A component whose module or artefacts are missing is listed in `unavailable` with the reason;
its endpoints answer 503 problem JSON saying so, and `/readyz` reports the service as degraded.
"""

from __future__ import annotations

import importlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from catalog.store import Catalog, load_catalog
from service.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Components:
    """Everything the routes need; `None` members are listed in `unavailable`."""

    catalog: Catalog
    search: Any = None
    events: Any = None
    suggester: Any = None
    planner: Any = None
    policies: Any = None
    unavailable: dict[str, str] = field(default_factory=dict)
    degraded: dict[str, str] = field(default_factory=dict)
    load_seconds: dict[str, float] = field(default_factory=dict)


def _module(name: str) -> Any | None:
    """Import a models module that may not exist yet in this build; None when it does not."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and name.startswith(exc.name):
            return None
        raise


def load_components(settings: Settings) -> Components:
    """Load the catalog, then every model component that this build holds."""
    started = time.perf_counter()
    components = Components(catalog=load_catalog(settings.catalog_path))
    components.load_seconds["catalog"] = time.perf_counter() - started
    for name, loader in _LOADERS.items():
        started = time.perf_counter()
        loader(components, settings)
        components.load_seconds[name] = time.perf_counter() - started
    for name, reason in components.unavailable.items():
        log.warning("%s not served: %s", name, reason)
    for name, reason in components.degraded.items():
        log.warning("%s degraded: %s", name, reason)
    return components


def _load_search(components: Components, settings: Settings) -> None:
    """The full engine on built artefacts; lexical-only, reported as degraded, when they are missing.

    Artefacts are never built here: a build takes minutes and every worker would start one. A
    missing build is logged with the command that makes it (`tthc build`).
    """
    engine = _module("models.search.engine")
    if engine is None:
        components.unavailable["search"] = "models/search/engine.py is not in this build"
        return
    from models.artefacts import ArtefactsError

    try:
        components.search = _engine_on_artefacts(engine, components, settings)
    except ArtefactsError as exc:
        components.search = engine.SearchEngine(components.catalog)
        components.degraded["search"] = f"lexical search only: {exc}"
    except (OSError, ValueError, KeyError) as exc:
        # Artefacts written by an older build of the code: serve, and say how to repair them.
        components.search = engine.SearchEngine(components.catalog)
        components.degraded["search"] = (
            f"lexical search only: artefacts in {settings.artefacts_dir} are unreadable "
            f"({type(exc).__name__}: {exc}); run `tthc build --force`"
        )


def _engine_on_artefacts(engine: Any, components: Components, settings: Settings) -> Any:
    """The engine with the ONNX Runtime query encoder: the same vectors as the torch encoder the
    index was built with, without importing torch and sentence-transformers (measured here: start
    ~8 s and ~500 MB sooner, a cold query ~40 ms -> ~7 ms)."""
    from models.artefacts import ArtefactsError, load_artefacts
    from models.search.lexical import LexicalIndex, StaleIndexError

    artefacts = load_artefacts(components.catalog, settings.artefacts_dir, steps=["dense"])
    try:
        lexical = LexicalIndex.load(artefacts.step_dir("lexical"))
    except (ArtefactsError, StaleIndexError) as exc:
        # Cheap to rebuild in memory (seconds): serve correct results and say how to persist them.
        lexical = LexicalIndex.build(components.catalog, progress=False)
        components.degraded["search"] = f"{exc}: indexed at start-up; run `tthc build`"
    encoder = artefacts.load_query_encoder(threads=settings.inference_threads)
    dense = engine.EncodedDense(encoder, artefacts.load_dense_index())
    return engine.SearchEngine(components.catalog, lexical=lexical, dense=dense)


def _load_events_and_suggester(components: Components, settings: Settings) -> None:
    """Events and the suggester from the `events` artefact step, or built in process without it."""
    build = _module("models.recommend.build")
    if build is None:
        components.unavailable["events"] = "models/recommend is not in this build"
        components.unavailable["suggestions"] = "models/recommend is not in this build"
        return
    events, suggester, from_artefacts = build.events_and_suggester(components.catalog, settings.artefacts_dir)
    components.events, components.suggester = events, suggester
    if not from_artefacts:
        components.degraded["events"] = (
            "events assigned in process without embeddings (no `events` artefacts for catalog "
            f"{components.catalog.version}); run `tthc build`"
        )


def _load_business(components: Components, settings: Settings) -> None:
    business = _module("models.business")
    if business is None or not hasattr(business, "StartupPlanner"):
        components.unavailable["startup-package"] = "models/business is not in this build"
        components.unavailable["policy-suggestions"] = "models/business is not in this build"
        return
    components.planner = business.StartupPlanner(components.catalog)
    components.policies = business.PolicyMatcher(components.catalog)


_LOADERS = {
    "search": _load_search,
    "events and suggestions": _load_events_and_suggester,
    "business": _load_business,
}
