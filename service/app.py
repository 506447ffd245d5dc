"""The FastAPI application: the catalog and models behind `/v1`, the store, pages and metrics."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from service.components import Components, load_components
from service.errors import install_error_handlers
from service.limits import BodySizeLimit, RateLimit
from service.metrics import RequestMetrics, ServiceMetrics
from service.pages import routes as pages
from service.routers import businesses, cases, events, feedback, health, kpi, procedures, search
from service.settings import Settings, get_settings
from service.store import open_store

log = logging.getLogger(__name__)

PAGES_STATIC = Path(__file__).parent / "pages" / "static"

DESCRIPTION = """\
Tìm thủ tục hành chính (có dấu, không dấu, viết tắt, mã thủ tục), gói thủ tục theo sự kiện cuộc đời
và sự kiện doanh nghiệp, gợi ý dịch vụ liên quan cho hồ sơ đang mở, gói khởi nghiệp 12 tháng và
chính sách hỗ trợ cho doanh nghiệp, chỉ số KPI của thành phố.

Lỗi trả về theo RFC 9457 (`application/problem+json`): `detail` bằng tiếng Việt, `detail_en`
bằng tiếng Anh. API ghi dữ liệu (POST) cần header `X-API-Key` khi máy chủ cấu hình khóa đối tác.
"""


def create_app(settings: Settings | None = None, *, components: Components | None = None) -> FastAPI:
    """Build the app; the catalog and models are loaded once at start-up onto `app.state`.

    Pass `components` to share already loaded models between apps (tests, embedding).
    """
    settings = settings or get_settings()
    metrics = ServiceMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        started = time.perf_counter()
        app.state.settings = settings
        app.state.metrics = metrics
        app.state.components = components or load_components(settings)
        app.state.store = open_store(settings)
        await app.state.store.start()
        log.info(
            "ready in %.2f s: %d procedures, store %s",
            time.perf_counter() - started,
            len(app.state.components.catalog),
            app.state.store.status().backend,
        )
        try:
            yield
        finally:
            await app.state.store.close()

    # Swagger UI and ReDoc served from the package's own files: the service must work offline.
    app = FastAPIOffline(
        title="Hà Nội — tra cứu và gợi ý thủ tục hành chính",
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(procedures.router)
    app.include_router(search.router)
    app.include_router(events.router)
    app.include_router(cases.router)
    app.include_router(businesses.router)
    app.include_router(feedback.router)
    app.include_router(kpi.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=PAGES_STATIC), name="static")

    # Added last = runs first: metrics see every response, including 413 and 429.
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "X-API-Key"],
        )
    app.add_middleware(
        RateLimit,
        per_second=settings.rate_limit_per_second,
        burst=settings.rate_limit_burst,
        partner_keys=settings.api_keys,
        partner_per_second=settings.rate_limit_partner_per_second,
    )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestMetrics, metrics=metrics)
    return app
