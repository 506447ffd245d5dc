"""Fixtures for the service tests: a real redis-server and apps on the shipped catalog."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.components import Components, load_components
from service.settings import Settings
from tests.service.redis_server import RedisServer


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.kill()


def make_settings(**overrides: object) -> Settings:
    """Shipped catalog, no rate limit unless a test asks for one."""
    return Settings(**{"rate_limit_per_second": 0, **overrides})


@pytest.fixture(scope="session")
def components() -> Components:
    """Catalog and models loaded once for the whole session (loading takes seconds)."""
    return load_components(make_settings())


@pytest.fixture(scope="module")
def client(components: Components) -> Iterator[TestClient]:
    """The app with the in-process store, shared by the tests of a module."""
    with TestClient(create_app(make_settings(), components=components)) as test_client:
        yield test_client
