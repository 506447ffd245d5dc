"""Prometheus metrics: request counts and latency per route, cache use, store state.

Each app owns its registry (tests build several apps in one process). With several workers each
worker exposes its own figures; scrape them per instance, or let Redis-backed `/v1/kpi` give the
shared business counters.
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5)


class ServiceMetrics:
    """The collectors of one app."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "tthc_http_requests",
            "HTTP requests by route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "tthc_http_request_duration_seconds",
            "Time to the end of the response body",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.cache = Counter(
            "tthc_cache_lookups",
            "Answer-cache lookups by kind and outcome (hit/miss)",
            ["kind", "outcome"],
            registry=self.registry,
        )
        self.store_available = Gauge(
            "tthc_store_available", "1 when the shared store answers", registry=self.registry
        )
        self.buffered_events = Gauge(
            "tthc_store_buffered_events",
            "Events held in process until the store is back",
            registry=self.registry,
        )


class RequestMetrics:
    """ASGI middleware counting every HTTP request under its route template (not its raw path)."""

    def __init__(self, app: ASGIApp, *, metrics: ServiceMetrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            # Routers carry their full prefix (APIRouter(prefix=...)), so this is the whole template.
            template = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.requests.labels(scope["method"], template, str(status)).inc()
            self.metrics.latency.labels(template).observe(time.perf_counter() - started)
