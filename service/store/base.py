"""What the service keeps outside a request: a cache, KPI counters and an append-only event log.

Two back ends share this interface: `InMemoryStore` (one process, nothing to install) and
`RedisStore` (shared by every worker and instance). Events carry their own id so that a store can
apply each one exactly once, even when it is sent again after a lost connection.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Stream(StrEnum):
    """Append-only logs the service writes."""

    DOSSIERS = "dossiers"
    FEEDBACK = "feedback"
    BUSINESSES = "businesses"


class StoredEvent(BaseModel):
    """One fact to log, with the KPI counter increments it implies (applied together, once)."""

    model_config = ConfigDict(frozen=True)

    stream: Stream
    event_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    data: dict[str, str] = Field(default_factory=dict)
    counters: dict[str, int] = Field(default_factory=dict)

    def fields(self) -> dict[str, str]:
        """The flat field map written to the log."""
        return {"event_id": self.event_id, "at": self.at.isoformat(), **self.data}


class StoreStatus(BaseModel):
    """What `/readyz` reports about the store."""

    backend: str
    available: bool
    buffered_events: int = 0
    detail: str = ""


class StoreFullError(Exception):
    """The store is unreachable and its in-process buffer is full: the event was not accepted."""


class Store(ABC):
    """Cache, counters and event log; every method is safe to call when the back end is away."""

    async def start(self) -> None:  # noqa: B027 - optional hook, most stores need no start-up
        """Connect and start background work (no-op for stores that need none)."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Flush what can be flushed and release connections."""

    @abstractmethod
    async def cache_get(self, key: str) -> bytes | None:
        """A cached value, or None on a miss or when the cache is unreachable."""

    @abstractmethod
    async def cache_set(self, key: str, value: bytes, *, ttl_seconds: int) -> None:
        """Cache a value for `ttl_seconds`; silently skipped when the cache is unreachable."""

    @abstractmethod
    async def record(self, event: StoredEvent) -> None:
        """Append an event and apply its counters, exactly once per `event_id`.

        Raises `StoreFullError` only when the event cannot be kept at all.
        """

    @abstractmethod
    async def counters(self) -> dict[str, int]:
        """Current KPI counters, including increments still buffered in this process."""

    @abstractmethod
    async def count_events(self, *, stream: Stream) -> int:
        """How many events the log holds for `stream` (buffered ones excluded)."""

    @abstractmethod
    def status(self) -> StoreStatus:
        """Back end name, reachability and the number of events waiting in process."""
