"""One settings object for the service and the CLI, read from `TTHC_*` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from catalog.store import SHIPPED_CATALOG

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Runtime configuration; every field maps to `TTHC_<NAME>` (e.g. `TTHC_CATALOG_PATH`)."""

    model_config = SettingsConfigDict(env_prefix="TTHC_", extra="ignore")

    catalog_path: Path = Field(SHIPPED_CATALOG, description="gzip JSON Lines catalog to serve")
    artefacts_dir: Path = Field(
        PROJECT_ROOT / "artefacts", description="built indexes and the converted embedding model"
    )
    redis_url: str | None = Field(None, description="Redis for cache, counters and events; none = in-process")
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    log_level: str = "info"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (cached; tests clear the cache after changing the environment)."""
    return Settings()
