"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz(request: Request) -> dict[str, object]:
    """The process is up and holds a catalog."""
    catalog = request.app.state.catalog
    return {"status": "ok", "procedures": len(catalog), "catalog_version": catalog.version}
