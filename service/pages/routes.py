"""Counter-staff search, procedure detail with related procedures and bundles, checklist, KPI dashboard."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from catalog.schema import Level
from service.components import Components
from service.dependencies import ComponentsDep
from service.errors import Problem
from service.pages import labels
from service.routers.kpi import build_report
from service.routers.search import MAX_LIMIT, run_search

log = logging.getLogger(__name__)

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
TEMPLATES.env.globals.update(
    channel_label=labels.CHANNEL_LABELS.get,
    relation_label=labels.RELATION_LABELS.get,
    time_limit_text=labels.time_limit_text,
    fee_text=labels.fee_text,
    percent=labels.percent,
)

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _fields(components: Components) -> list[tuple[str, int]]:
    counts = Counter(p.field for p in components.catalog if p.field)
    return sorted(counts.items(), key=lambda item: item[0])


@router.get("/")
async def search_page(
    request: Request,
    components: ComponentsDep,
    q: Annotated[str, Query(max_length=300)] = "",
    field: Annotated[str | None, Query(max_length=200)] = None,
    level: Annotated[Level | None, Query()] = None,
    fully_online: Annotated[bool, Query()] = False,
) -> HTMLResponse:
    """Search page; works without JavaScript (form submit), JS adds search-as-you-type."""
    from models.search.engine import SearchFilters

    results: list[Any] = []
    error = None
    if q.strip():
        filters = SearchFilters(field=field or None, level=level, fully_online=fully_online or None)
        try:
            results = run_search(components, q, limit=20, filters=filters)
        except Problem as problem:
            error = problem.detail_vi
    return TEMPLATES.TemplateResponse(
        request,
        "search.html",
        {
            "q": q,
            "field": field or "",
            "level": level.value if level else "",
            "fully_online": fully_online,
            "fields": _fields(components),
            "levels": [lv.value for lv in Level],
            "results": results,
            "error": error,
            "max_limit": MAX_LIMIT,
        },
    )


def _bundles(components: Components, code: str) -> list[dict[str, Any]]:
    """Life-event bundles holding this procedure, their members grouped by step."""
    bundles = []
    for event in components.events.events_for(code=code)[:3]:
        steps: list[dict[str, Any]] = [{"name": step.name_vi, "members": []} for step in event.steps]
        for member in sorted(event.members, key=lambda m: (m.step, m.role != "core")):
            procedure = components.catalog.get(code=member.code)
            if procedure is None or member.step >= len(steps):
                continue
            steps[member.step]["members"].append({"procedure": procedure, "member": member})
        bundles.append({"event": event, "steps": [s for s in steps if s["members"]]})
    return bundles


def _suggestions(components: Components, code: str) -> list[Any]:
    from models.recommend import CaseProfile

    return components.suggester.suggest(codes=[code], profile=CaseProfile(), limit=8)


def _not_found(request: Request, code: str) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, "not_found.html", {"code": code[:40]}, status_code=404)


@router.get("/thu-tuc/{code}")
async def procedure_page(request: Request, components: ComponentsDep, code: str) -> HTMLResponse:
    """One procedure with its related procedures and life-event bundles beside it."""
    procedure = components.catalog.get(code=code)
    if procedure is None:
        return _not_found(request, code)
    return TEMPLATES.TemplateResponse(
        request,
        "procedure.html",
        {
            "p": procedure,
            "suggestions": _suggestions(components, procedure.code),
            "bundles": _bundles(components, procedure.code),
            "catalog": components.catalog,
        },
    )


@router.get("/thu-tuc/{code}/in")
async def checklist_page(request: Request, components: ComponentsDep, code: str) -> HTMLResponse:
    """A print-friendly checklist of what the citizen brings."""
    procedure = components.catalog.get(code=code)
    if procedure is None:
        return _not_found(request, code)
    return TEMPLATES.TemplateResponse(request, "checklist.html", {"p": procedure})


@router.get("/dashboard")
async def kpi_page(request: Request, components: ComponentsDep) -> HTMLResponse:
    """Progress against the city's targets, from the catalog and the live counters."""
    report = await build_report(request, components)
    reasons = report.feedback.decline_reasons
    return TEMPLATES.TemplateResponse(
        request,
        "kpi.html",
        {
            "report": report,
            "reasons": sorted(reasons.items(), key=lambda item: -item[1]),
            "reason_max": max(reasons.values(), default=0) or 1,
        },
    )
