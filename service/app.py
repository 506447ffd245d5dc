"""The FastAPI application: wires the catalog (and, as they land, the models) into HTTP routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from catalog.store import load_catalog
from service.errors import install_error_handlers
from service.routers import health, procedures
from service.settings import Settings, get_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; artefacts are loaded once at start-up and kept on `app.state`."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.catalog = load_catalog(settings.catalog_path)
        yield

    app = FastAPI(
        title="Hà Nội procedure recommender",
        description="Tìm thủ tục hành chính, gói sự kiện cuộc đời, gợi ý dịch vụ liên quan.",
        version="0.1.0",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(procedures.router, prefix="/v1")
    return app
