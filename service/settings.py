"""One settings object for the service and the CLI, read from `TTHC_*` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

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
    dossier_log: Path | None = Field(
        None,
        description="JSON Lines dossier log (`{case_id, codes}` per case, filing order) to learn "
        "which procedures people file together; none = no co-occurrence suggestions",
    )
    redis_cluster: bool = Field(False, description="`redis_url` names a node of a Redis Cluster")
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    log_level: Literal["critical", "error", "warning", "info", "debug", "trace"] = "info"

    cache_ttl_seconds: int = Field(600, ge=0, description="lifetime of cached answers; 0 disables the cache")
    redis_timeout_seconds: float = Field(
        0.25, gt=0, description="per-command Redis timeout; past it the store counts Redis as gone"
    )
    redis_retry_seconds: float = Field(1.0, gt=0, description="how often a lost Redis is probed again")
    event_buffer_size: int = Field(
        100_000, ge=1, description="events held in process while Redis is away (oldest kept, newest refused)"
    )
    api_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="partner keys accepted in `X-API-Key` on write endpoints; empty = no key needed",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="origins allowed by CORS; empty = none"
    )
    rate_limit_per_second: float = Field(
        20.0, ge=0, description="sustained requests per client and worker; 0 disables the limit"
    )
    rate_limit_burst: int = Field(
        60, ge=1, description="requests a client may send at once before throttling"
    )
    rate_limit_partner_per_second: float = Field(
        200.0,
        ge=0,
        description="sustained requests per partner key (TTHC_API_KEYS) and worker; 0 = not limited",
    )
    max_body_bytes: int = Field(64 * 1024, ge=1024, description="largest request body accepted")
    max_query_chars: int = Field(300, ge=10, description="longest search query accepted")
    inference_threads: int = Field(
        1,
        ge=1,
        description="intra-op threads of the query encoder in each worker; keep workers × threads ≤ cores",
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower_case(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("dossier_log", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """`TTHC_DOSSIER_LOG=` (a common way to unset in env and compose files) means no log."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("api_keys", "cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        """`TTHC_API_KEYS=a,b` reads as two keys."""
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value


class SettingsError(ValueError):
    """An environment value the settings cannot accept; the message names the variable."""


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (cached; tests clear the cache after changing the environment)."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"TTHC_{'_'.join(map(str, error['loc'])).upper()}={error['input']!r}: {error['msg']}"
            for error in exc.errors()
        )
        raise SettingsError(f"invalid configuration: {problems}") from exc
