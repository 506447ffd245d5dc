"""Answer cache: JSON bodies keyed by kind, catalog version and the normalised request."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from fastapi import Request, Response
from pydantic import BaseModel

JSON = "application/json"


def cache_key(*, catalog_version: str, kind: str, params: dict[str, object]) -> str:
    """Keys change with the catalog, so a new catalog never serves answers computed on the old one."""
    digest = hashlib.sha1(json.dumps(params, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return f"tthc:cache:{catalog_version}:{kind}:{digest}"


async def cached_json(
    request: Request, *, kind: str, params: dict[str, object], compute: Callable[[], BaseModel]
) -> Response:
    """Serve a cached body when there is one, else compute, answer and cache it.

    `X-Cache: hit|miss` tells clients (and the load benchmark) which one happened.
    """
    state = request.app.state
    ttl = state.settings.cache_ttl_seconds
    key = cache_key(catalog_version=state.components.catalog.version, kind=kind, params=params)
    if ttl > 0:
        body = await state.store.cache_get(key)
        if body is not None:
            state.metrics.cache.labels(kind, "hit").inc()
            return Response(body, media_type=JSON, headers={"X-Cache": "hit"})
    body = compute().model_dump_json().encode()
    if ttl > 0:
        state.metrics.cache.labels(kind, "miss").inc()
        await state.store.cache_set(key, body, ttl_seconds=ttl)
    return Response(body, media_type=JSON, headers={"X-Cache": "miss"})
