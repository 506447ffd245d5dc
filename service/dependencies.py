"""Request dependencies: the loaded components, the store, and the partner API key check.

All are `async def` although none awaits: FastAPI runs a plain `def` dependency in its thread
pool, and those hops (several per request) cost more than the cache hit they guard.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Header, Request

from service.components import Components
from service.errors import Problem
from service.store import Store


async def get_components(request: Request) -> Components:
    return request.app.state.components


async def get_store(request: Request) -> Store:
    return request.app.state.store


def component(attribute: str, name: str) -> Callable[[Request], Awaitable[Any]]:
    """A dependency yielding one component, or 503 problem JSON naming what is missing."""

    async def dependency(request: Request) -> Any:
        components: Components = request.app.state.components
        value = getattr(components, attribute)
        if value is None:
            reason = components.unavailable.get(name, "not loaded")
            raise Problem(
                503,
                "Feature unavailable",
                f"Chức năng '{name}' chưa sẵn sàng trên máy chủ này ({reason}).",
                f"'{name}' is not available on this server ({reason}).",
                headers={"Retry-After": "300"},
            )
        return value

    return dependency


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


ComponentsDep = Annotated[Components, Depends(get_components)]
StoreDep = Annotated[Store, Depends(get_store)]
PartnerKey = Depends(require_api_key)
