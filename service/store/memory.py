"""The default store: everything in this process (one worker, nothing to install, lost on exit)."""

from __future__ import annotations

import time
from collections import Counter, OrderedDict

from service.store.base import Store, StoredEvent, StoreStatus, Stream

# Bounded so a long run of distinct queries cannot grow the process without limit.
MAX_CACHE_ENTRIES = 20_000


class InMemoryStore(Store):
    """Cache (LRU with TTL), counters and event log held in dictionaries."""

    def __init__(self) -> None:
        self._cache: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._counters: Counter[str] = Counter()
        self._events: dict[Stream, list[dict[str, str]]] = {stream: [] for stream in Stream}
        self._seen: set[str] = set()

    async def cache_get(self, key: str) -> bytes | None:
        entry = self._cache.get(key)
        if entry is None:
            return None
        expires, value = entry
        if expires < time.monotonic():
            del self._cache[key]
            return None
        self._cache.move_to_end(key)
        return value

    async def cache_set(self, key: str, value: bytes, *, ttl_seconds: int) -> None:
        if ttl_seconds <= 0:
            return
        self._cache[key] = (time.monotonic() + ttl_seconds, value)
        self._cache.move_to_end(key)
        while len(self._cache) > MAX_CACHE_ENTRIES:
            self._cache.popitem(last=False)

    async def record(self, event: StoredEvent) -> None:
        if event.event_id in self._seen:
            return
        self._seen.add(event.event_id)
        self._events[event.stream].append(event.fields())
        self._counters.update(event.counters)

    async def counters(self) -> dict[str, int]:
        return dict(self._counters)

    async def count_events(self, *, stream: Stream) -> int:
        return len(self._events[stream])

    def status(self) -> StoreStatus:
        return StoreStatus(
            backend="memory",
            available=True,
            detail="in-process store: counters and events are per worker and lost on restart",
        )
