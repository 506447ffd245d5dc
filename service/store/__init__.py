"""Cache, KPI counters and event log, in process or in Redis (`open_store`)."""

from __future__ import annotations

from service.settings import Settings
from service.store.base import Store, StoredEvent, StoreFullError, StoreStatus, Stream
from service.store.memory import InMemoryStore
from service.store.redis import RedisStore

__all__ = ["InMemoryStore", "RedisStore", "Store", "StoreFullError", "StoreStatus", "StoredEvent", "Stream"]


def open_store(settings: Settings) -> Store:
    """`RedisStore` when `redis_url` is set, otherwise the in-process store."""
    if settings.redis_url:
        return RedisStore(
            settings.redis_url,
            timeout_seconds=settings.redis_timeout_seconds,
            retry_seconds=settings.redis_retry_seconds,
            buffer_size=settings.event_buffer_size,
            cluster=settings.redis_cluster,
        )
    return InMemoryStore()
