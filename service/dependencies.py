"""Request dependencies: the loaded components, the store, and the partner API key check.

All are `async def` although none awaits: FastAPI runs a plain `def` dependency in its thread
pool, and those hops (several per request) cost more than the cache hit they guard.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, Request

from models.business import PolicyMatcher, StartupPlanner
from models.events.catalog import EventCatalog
from models.recommend import RelatedSuggester
from service.components import Components
from service.errors import Problem
from service.store import Store


async def get_components(request: Request) -> Components:
    return request.app.state.components


async def get_store(request: Request) -> Store:
    return request.app.state.store


async def require_api_key(
    request: Request,
    x_api_key: Annotated[
        str | None, Header(description="Partner key (iHanoi); required when configured")
    ] = None,
) -> None:
    """Write endpoints need a partner key when `TTHC_API_KEYS` is set; reads never do."""
    keys: list[str] = request.app.state.settings.api_keys
    if not keys:
        return
    if x_api_key is None or not any(hmac.compare_digest(x_api_key, key) for key in keys):
        raise Problem(
            401,
            "API key required",
            "Cần khóa API hợp lệ trong header X-API-Key để gọi API ghi dữ liệu này.",
            "A valid API key in the X-API-Key header is required for this write endpoint.",
            headers={"WWW-Authenticate": "ApiKey"},
        )


async def get_events(request: Request) -> EventCatalog:
    return request.app.state.components.events


async def get_suggester(request: Request) -> RelatedSuggester:
    return request.app.state.components.suggester


async def get_planner(request: Request) -> StartupPlanner:
    return request.app.state.components.planner


async def get_policies(request: Request) -> PolicyMatcher:
    return request.app.state.components.policies


ComponentsDep = Annotated[Components, Depends(get_components)]
EventsDep = Annotated[EventCatalog, Depends(get_events)]
SuggesterDep = Annotated[RelatedSuggester, Depends(get_suggester)]
PlannerDep = Annotated[StartupPlanner, Depends(get_planner)]
PoliciesDep = Annotated[PolicyMatcher, Depends(get_policies)]
StoreDep = Annotated[Store, Depends(get_store)]
PartnerKey = Depends(require_api_key)
