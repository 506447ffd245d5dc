"""Redis back end: cache with TTL, KPI counters in a hash, events in Redis Streams.

While Redis is unreachable the store keeps answering: cache reads miss, cache writes are skipped,
and events (with their counter increments) wait in an in-process buffer that a background task
flushes, in order, once Redis answers again. Each event is applied by one Lua script that first
claims its `event_id`, so an event re-sent after a lost reply is not counted twice. Keys that the
script touches share the `{tthc}` hash tag so it also runs on Redis Cluster (`cluster=True`: the
cluster client routes each command to the node holding its key).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque

import redis.asyncio as aioredis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisClusterException, RedisError

from service.store.base import Store, StoredEvent, StoreFullError, StoreStatus, Stream

log = logging.getLogger(__name__)

KEY_PREFIX = "{tthc}"
COUNTERS_KEY = f"{KEY_PREFIX}:kpi"
# How long an event id is remembered for de-duplication: far longer than any outage we buffer.
DEDUPE_TTL_SECONDS = 7 * 24 * 3600

# KEYS: stream, dedupe key, counters hash. ARGV: dedupe ttl, number of field args, fields..., counters...
_RECORD_SCRIPT = """
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then
  return 0
end
local nfields = tonumber(ARGV[2])
local fields = {}
for i = 3, 2 + nfields do fields[#fields + 1] = ARGV[i] end
redis.call('XADD', KEYS[1], '*', unpack(fields))
for i = 3 + nfields, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[3], ARGV[i], ARGV[i + 1])
end
return 1
"""

# The cluster client reports "no node reachable" with an exception outside RedisError.
_UNREACHABLE = (RedisError, RedisClusterException, OSError, asyncio.TimeoutError)


def stream_key(stream: Stream) -> str:
    return f"{KEY_PREFIX}:events:{stream.value}"


def _dedupe_key(event_id: str) -> str:
    return f"{KEY_PREFIX}:seen:{event_id}"


class RedisStore(Store):
    """The shared store for several workers or instances."""

    def __init__(
        self,
        url: str,
        *,
        timeout_seconds: float = 0.25,
        retry_seconds: float = 1.0,
        buffer_size: int = 100_000,
        cluster: bool = False,
    ) -> None:
        # No client-side retries: a request must not wait on a Redis that is gone.
        options = {
            "socket_timeout": timeout_seconds,
            "socket_connect_timeout": timeout_seconds,
            "retry": Retry(NoBackoff(), 0),
        }
        self._redis: aioredis.Redis | RedisCluster = (
            RedisCluster.from_url(url, **options) if cluster else aioredis.Redis.from_url(url, **options)
        )
        self._url = url
        self._retry_seconds = retry_seconds
        self._buffer: deque[StoredEvent] = deque()
        self._buffer_size = buffer_size
        self._available = False
        self._last_counters: dict[str, int] = {}
        self._last_error = "not connected yet"
        self._script = self._redis.register_script(_RECORD_SCRIPT)
        self._watcher: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._probe()
        if not self._available:
            log.warning(
                "Redis at %s unreachable at start (%s): serving without it", self._url, self._last_error
            )
        self._watcher = asyncio.create_task(self._watch(), name="redis-store-watch")

    async def close(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
        await self._probe()
        if self._buffer:
            log.error("closing with %d events not written to Redis", len(self._buffer))
        await self._redis.aclose()

    def _lost(self, exc: BaseException) -> None:
        if self._available:
            log.warning("Redis lost (%s): cache bypassed, events buffered in process", exc)
        self._available = False
        self._last_error = f"{type(exc).__name__}: {exc}"

    async def cache_get(self, key: str) -> bytes | None:
        if not self._available:
            return None
        try:
            return await self._redis.get(key)
        except _UNREACHABLE as exc:
            self._lost(exc)
            return None

    async def cache_set(self, key: str, value: bytes, *, ttl_seconds: int) -> None:
        if not self._available or ttl_seconds <= 0:
            return
        try:
            await self._redis.set(key, value, ex=ttl_seconds)
        except _UNREACHABLE as exc:
            self._lost(exc)

    async def _apply(self, event: StoredEvent) -> None:
        fields = [item for pair in event.fields().items() for item in pair]
        counters = [str(item) for pair in event.counters.items() for item in pair]
        await self._script(
            keys=[stream_key(event.stream), _dedupe_key(event.event_id), COUNTERS_KEY],
            args=[DEDUPE_TTL_SECONDS, len(fields), *fields, *counters],
        )

    async def record(self, event: StoredEvent) -> None:
        # Keep order: once anything is buffered, newer events queue behind it.
        if self._available and not self._buffer:
            try:
                await self._apply(event)
                # Keep the last-known counters current for the moment Redis goes away.
                for name, delta in event.counters.items():
                    self._last_counters[name] = self._last_counters.get(name, 0) + delta
                return
            except _UNREACHABLE as exc:
                # The script may or may not have run; re-sending is safe (event_id de-duplication).
                self._lost(exc)
        if len(self._buffer) >= self._buffer_size:
            raise StoreFullError(f"{len(self._buffer)} events already waiting for Redis")
        self._buffer.append(event)

    async def _flush(self) -> None:
        while self._buffer:
            await self._apply(self._buffer[0])
            self._buffer.popleft()

    async def _probe(self) -> None:
        """Ping; when Redis answers, flush the buffer, then count it as available again."""
        try:
            await self._redis.ping()
            await self._flush()
            self._last_counters = await self._read_counters()
        except _UNREACHABLE as exc:
            self._lost(exc)
            return
        if not self._available:
            log.info("Redis reachable at %s", self._url)
        self._available = True
        self._last_error = ""

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self._retry_seconds)
            await self._probe()

    async def _read_counters(self) -> dict[str, int]:
        raw = await self._redis.hgetall(COUNTERS_KEY)
        return {key.decode(): int(value) for key, value in raw.items()}

    def _pending(self) -> dict[str, int]:
        pending: dict[str, int] = {}
        for event in self._buffer:
            for name, delta in event.counters.items():
                pending[name] = pending.get(name, 0) + delta
        return pending

    async def counters(self) -> dict[str, int]:
        if self._available:
            try:
                self._last_counters = await self._read_counters()
            except _UNREACHABLE as exc:
                self._lost(exc)
        merged = dict(self._last_counters)
        for name, delta in self._pending().items():
            merged[name] = merged.get(name, 0) + delta
        return merged

    async def count_events(self, *, stream: Stream) -> int:
        return int(await self._redis.xlen(stream_key(stream)))

    def status(self) -> StoreStatus:
        return StoreStatus(
            backend="redis",
            available=self._available,
            buffered_events=len(self._buffer),
            detail=self._last_error or "connected",
        )
