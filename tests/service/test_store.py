"""Both stores behave alike; the Redis store survives Redis being killed and restarted."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from service.store import InMemoryStore, RedisStore, Store, StoredEvent, Stream
from tests.service.redis_server import RedisClusterServers, RedisServer


def run(coro):
    return asyncio.run(coro)


def _event(n: int, **counters: int) -> StoredEvent:
    return StoredEvent(
        stream=Stream.FEEDBACK, data={"n": str(n)}, counters=counters or {"feedback:accepted": 1}
    )


async def _exercise(store: Store) -> None:
    await store.start()
    try:
        assert await store.cache_get("k") is None
        await store.cache_set("k", b"value", ttl_seconds=60)
        assert await store.cache_get("k") == b"value"
        await store.cache_set("short", b"x", ttl_seconds=1)
        await asyncio.sleep(1.2)
        assert await store.cache_get("short") is None

        first = _event(1, **{"feedback:accepted": 1, "decline_reason:later": 0})
        await store.record(first)
        await store.record(first)  # a retry of the same event is counted once
        await store.record(_event(2))
        assert await store.count_events(stream=Stream.FEEDBACK) == 2
        assert await store.count_events(stream=Stream.DOSSIERS) == 0
        assert (await store.counters())["feedback:accepted"] == 2
        assert store.status().available
    finally:
        await store.close()


def test_in_memory_store() -> None:
    run(_exercise(InMemoryStore()))


def test_redis_store(redis_server: RedisServer) -> None:
    run(_exercise(RedisStore(redis_server.url)))
    stored = redis_server.client().xrange("{tthc}:events:feedback")
    assert [fields[b"n"] for _, fields in stored] == [b"1", b"2"]


async def _wait_for(condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


def test_redis_store_buffers_while_redis_is_down_and_flushes_after(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        store = RedisStore(redis_server.url, timeout_seconds=0.2, retry_seconds=0.2)
        await store.start()
        try:
            for n in range(10):
                await store.record(_event(n))
            await store.cache_set("k", b"v", ttl_seconds=60)
            redis_server.kill()

            started = time.perf_counter()
            assert await store.cache_get("k") is None  # bypassed, not an error
            assert time.perf_counter() - started < 1.0
            for n in range(10, 25):
                await store.record(_event(n))
            assert not store.status().available
            assert store.status().buffered_events == 15
            # Counters still include what is buffered.
            assert (await store.counters())["feedback:accepted"] == 25

            redis_server.start()
            await _wait_for(lambda: store.status().available and store.status().buffered_events == 0)
            assert await store.count_events(stream=Stream.FEEDBACK) == 25
            assert (await store.counters())["feedback:accepted"] == 25
        finally:
            await store.close()

    run(scenario())
    order = [int(fields[b"n"]) for _, fields in redis_server.client().xrange("{tthc}:events:feedback")]
    assert order == list(range(25))


def test_redis_store_starts_without_redis(tmp_path: Path) -> None:
    server = RedisServer(tmp_path / "late")  # not started yet

    async def scenario() -> None:
        store = RedisStore(server.url, timeout_seconds=0.2, retry_seconds=0.2)
        await store.start()
        try:
            assert not store.status().available
            await store.record(_event(1))
            server.start()
            await _wait_for(lambda: store.status().available and store.status().buffered_events == 0)
            assert await store.count_events(stream=Stream.FEEDBACK) == 1
        finally:
            await store.close()
            server.kill()

    run(scenario())


@pytest.mark.parametrize("size", [3])
def test_full_buffer_refuses_instead_of_dropping(tmp_path: Path, size: int) -> None:
    from service.store import StoreFullError

    server = RedisServer(tmp_path / "never")  # never started

    async def scenario() -> None:
        store = RedisStore(server.url, timeout_seconds=0.1, retry_seconds=10, buffer_size=size)
        await store.start()
        try:
            for n in range(size):
                await store.record(_event(n))
            with pytest.raises(StoreFullError):
                await store.record(_event(size))
        finally:
            await store.close()

    run(scenario())


@pytest.fixture
def redis_cluster(tmp_path: Path) -> Iterator[RedisClusterServers]:
    cluster = RedisClusterServers(tmp_path / "cluster")
    cluster.start()
    yield cluster
    cluster.kill()


@pytest.mark.slow
def test_redis_store_on_a_redis_cluster(redis_cluster: RedisClusterServers) -> None:
    """The same behaviour on a three-node Redis Cluster, including the whole cluster killed and
    restarted: the event script's keys share one slot, cache keys spread over the nodes."""
    run(_exercise(RedisStore(redis_cluster.url, cluster=True)))

    async def outage() -> None:
        store = RedisStore(redis_cluster.url, cluster=True, timeout_seconds=0.2, retry_seconds=0.2)
        await store.start()
        try:
            redis_cluster.kill()
            for n in range(3, 13):
                await store.record(_event(n))
            assert not store.status().available and store.status().buffered_events == 10
            redis_cluster.start()
            await _wait_for(lambda: store.status().available and store.status().buffered_events == 0, 30)
            assert await store.count_events(stream=Stream.FEEDBACK) == 12
            assert (await store.counters())["feedback:accepted"] == 12
        finally:
            await store.close()

    run(outage())
    stored = redis_cluster.client().xrange("{tthc}:events:feedback")
    assert [int(fields[b"n"]) for _, fields in stored] == [1, 2, *range(3, 13)]


@pytest.mark.slow
def test_redis_store_starts_before_its_redis_cluster(tmp_path: Path) -> None:
    cluster = RedisClusterServers(tmp_path / "late-cluster")  # not started yet

    async def scenario() -> None:
        store = RedisStore(cluster.url, cluster=True, timeout_seconds=0.2, retry_seconds=0.2)
        await store.start()
        try:
            assert not store.status().available
            assert await store.cache_get("k") is None
            await store.record(_event(1))
            cluster.start()
            await _wait_for(lambda: store.status().available and store.status().buffered_events == 0, 30)
            assert await store.count_events(stream=Stream.FEEDBACK) == 1
        finally:
            await store.close()
            cluster.kill()

    run(scenario())
