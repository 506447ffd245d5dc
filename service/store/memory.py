"""The default store: everything in this process (one worker, nothing to install, lost on exit)."""

from __future__ import annotations

import time
from collections import Counter, OrderedDict, deque

from service.store.base import Store, StoredEvent, StoreStatus, Stream

# Bounded so a long run cannot grow the process without limit.
MAX_CACHE_ENTRIES = 20_000
MAX_KEPT_EVENTS = 100_000  # per stream; older entries are dropped from memory, still counted
MAX_REMEMBERED_IDS = 500_000  # event ids remembered for de-duplication of retries


class InMemoryStore(Store):
    """Cache (LRU with TTL), counters and event log held in dictionaries."""

    def __init__(self) -> None:
        self._cache: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._counters: Counter[str] = Counter()
        self._events: dict[Stream, deque[dict[str, str]]] = {
            stream: deque(maxlen=MAX_KEPT_EVENTS) for stream in Stream
        }
        self._event_counts: Counter[Stream] = Counter()
        self._seen: OrderedDict[str, None] = OrderedDict()

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
        self._seen[event.event_id] = None
        if len(self._seen) > MAX_REMEMBERED_IDS:
            self._seen.popitem(last=False)
        self._events[event.stream].append(event.fields())
        self._event_counts[event.stream] += 1
        self._counters.update(event.counters)

    async def counters(self) -> dict[str, int]:
        return dict(self._counters)

    async def count_events(self, *, stream: Stream) -> int:
        return self._event_counts[stream]

    def status(self) -> StoreStatus:
        return StoreStatus(
            backend="memory",
            available=True,
            detail="in-process store: counters and events are per worker and lost on restart",
        )
