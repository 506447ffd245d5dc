"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, Field

from service.dependencies import ComponentsDep
from service.store import StoreStatus

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"]
    procedures: int = Field(examples=[2642])
    catalog_version: str = Field(examples=["3f9a2c1d0b7e"])


class Readiness(BaseModel):
    """`degraded` still answers every request: a part running in a reduced form is listed with the reason."""

    status: Literal["ok", "degraded"]
    catalog_version: str
    procedures: int
    store: StoreStatus
    degraded: dict[str, str] = Field(
        description="features served in a reduced form and why",
        examples=[{"search": "embedding artefacts missing: lexical search only; run `tthc build`"}],
    )
    load_seconds: dict[str, float]


@router.get("/healthz", response_model=Health)
async def healthz(components: ComponentsDep) -> Health:
    """The process is up and holds a catalog."""
    catalog = components.catalog
    return Health(status="ok", procedures=len(catalog), catalog_version=catalog.version)


@router.get("/readyz", response_model=Readiness)
async def readyz(request: Request, components: ComponentsDep) -> Readiness:
    """Ready to serve; `degraded` when the shared store is away or a feature is missing."""
    store_status = request.app.state.store.status()
    degraded = dict(components.degraded)
    if not store_status.available:
        degraded["store"] = "Redis unreachable: cache bypassed, events buffered in process"
    status = "degraded" if degraded else "ok"
    return Readiness(
        status=status,
        catalog_version=components.catalog.version,
        procedures=len(components.catalog),
        store=store_status,
        degraded=degraded,
        load_seconds={name: round(seconds, 3) for name, seconds in components.load_seconds.items()},
    )


@router.get("/metrics", response_class=Response, include_in_schema=False)
async def metrics(request: Request) -> Response:
    """Prometheus text format."""
    service_metrics = request.app.state.metrics
    store_status = request.app.state.store.status()
    service_metrics.store_available.set(1 if store_status.available else 0)
    service_metrics.buffered_events.set(store_status.buffered_events)
    return Response(generate_latest(service_metrics.registry), media_type=CONTENT_TYPE_LATEST)
