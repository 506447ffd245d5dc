"""Request-size limit and per-client rate limiting, as plain ASGI middleware (cheap per request).

The rate limit is a token bucket per client held in each worker: with N workers a client gets up
to N times the configured rate, which is what a per-instance limiter behind a load balancer gives
too. A client is a configured partner key (a partner backend such as iHanoi speaks for many people,
so it has its own, higher rate) or else the peer address. An unknown key counts as the address:
otherwise a new made-up key per request would get a fresh bucket each time.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterable

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import Problem, problem_response

# Paths a probe or a browser fetches often; never throttled.
UNLIMITED_PREFIXES = ("/healthz", "/readyz", "/metrics", "/static/", "/static-offline-docs/")
MAX_TRACKED_CLIENTS = 50_000


def _too_large(limit: int) -> Problem:
    return Problem(
        413,
        "Request too large",
        f"Nội dung yêu cầu vượt quá {limit} byte. Gửi ít dữ liệu hơn (ví dụ ít mã thủ tục hơn).",
        f"The request body exceeds {limit} bytes. Send less data (e.g. fewer procedure codes).",
    )


class BodySizeLimit:
    """Refuse bodies over `max_bytes`: by Content-Length up front, or while a chunked body streams in.

    The streaming case raises a 413 `HTTPException` from `receive`, which FastAPI re-raises to the
    problem-JSON handler (Starlette's own limiter answers plain text, hence this one).
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and (not value.isdigit() or int(value) > self.max_bytes):
                await problem_response(_too_large(self.max_bytes), scope["path"])(scope, receive, send)
                return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413)
            return message

        await self.app(scope, limited_receive, send)


class RateLimit:
    """Token bucket per client: `per_second` sustained, `burst` at once; 429 with Retry-After.

    Partner keys get `partner_per_second` (0 = not limited) with a burst of one second's worth.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        per_second: float,
        burst: int,
        partner_keys: Iterable[str] = (),
        partner_per_second: float = 0.0,
    ) -> None:
        self.app, self.rate, self.burst = app, per_second, float(burst)
        self.partner_keys = frozenset(key.encode("latin-1") for key in partner_keys)
        self.partner_rate = partner_per_second
        self.partner_burst = max(float(burst), partner_per_second)
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def _partner(self, scope: Scope) -> bytes | None:
        for name, value in scope["headers"]:
            if name == b"x-api-key" and value in self.partner_keys:
                return value
        return None

    def _take(self, client: str, rate: float, burst: float) -> float:
        """Seconds to wait before the next request is allowed; 0 when one is allowed now."""
        now = time.monotonic()
        tokens, last = self._buckets.pop(client, (burst, now))
        tokens = min(burst, tokens + (now - last) * rate)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / rate
        self._buckets[client] = (tokens, now)
        if len(self._buckets) > MAX_TRACKED_CLIENTS:
            self._buckets.popitem(last=False)
        return wait

    def _wait(self, scope: Scope) -> float:
        partner = self._partner(scope)
        if partner is not None:
            if self.partner_rate <= 0:
                return 0.0
            return self._take("key:" + partner.decode("latin-1"), self.partner_rate, self.partner_burst)
        client = scope.get("client")
        return self._take("ip:" + (client[0] if client else "unknown"), self.rate, self.burst)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.rate <= 0 or scope["path"].startswith(UNLIMITED_PREFIXES):
            await self.app(scope, receive, send)
            return
        wait = self._wait(scope)
        if wait > 0:
            seconds = max(1, round(wait + 0.5))
            problem = Problem(
                429,
                "Too many requests",
                f"Bạn gửi quá nhiều yêu cầu. Vui lòng thử lại sau {seconds} giây.",
                f"Too many requests. Please retry in {seconds} s.",
                headers={"Retry-After": str(seconds)},
            )
            await problem_response(problem, scope["path"])(scope, receive, send)
            return
        await self.app(scope, receive, send)
