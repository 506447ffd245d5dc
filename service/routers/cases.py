"""Related-service suggestions for an open dossier; each answered dossier is recorded for the KPI."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from catalog.schema import CODE_PATTERN
from models.recommend.schema import CaseProfile, Suggestion
from service import counters
from service.cache import cache_key
from service.dependencies import ComponentsDep, PartnerKey, StoreDep, SuggesterDep
from service.routers.feedback import Identifier
from service.store import StoredEvent, Stream

router = APIRouter(prefix="/v1", tags=["cases"])

_SUGGESTIONS = TypeAdapter(list[Suggestion])
MAX_CODES = 20

Code = Annotated[str, Field(min_length=1, max_length=20, pattern=CODE_PATTERN.pattern)]


class CaseRequest(BaseModel):
    """The procedure(s) of an open dossier and, optionally, who files it and in what situation."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "dossier_id": "HS-2026-000123",
                    "codes": ["1.001193"],
                    "profile": {"applicant_type": "citizen", "situation": "mẹ đang đóng BHXH bắt buộc"},
                    "limit": 10,
                }
            ]
        },
    )

    dossier_id: Identifier | None = Field(
        None, description="the partner's dossier id: a dossier is counted once however often it asks"
    )
    codes: list[Code] = Field(min_length=1, max_length=MAX_CODES, examples=[["1.001193"]])
    profile: CaseProfile = Field(default_factory=CaseProfile)
    limit: int = Field(10, ge=1, le=20)


class CaseSuggestions(BaseModel):
    dossier_id: str | None
    results: list[Suggestion]
    buffered: bool = Field(description="the shared store is away: the record waits in process")


@router.post(
    "/cases/suggestions",
    response_model=CaseSuggestions,
    dependencies=[PartnerKey],
    responses={404: {"description": "Mã thủ tục không có trong danh mục (problem JSON)"}},
)
async def suggest_for_case(
    request: Request, body: CaseRequest, components: ComponentsDep, suggester: SuggesterDep, store: StoreDep
) -> CaseSuggestions:
    """Gợi ý thủ tục liên quan (làm trước, làm cùng, làm tiếp theo, trường hợp khác) kèm lý do."""
    for code in body.codes:
        components.catalog.get_or_raise(code=code)
    ttl = request.app.state.settings.cache_ttl_seconds
    key = cache_key(
        catalog_version=components.catalog.version,
        kind="suggest",
        params={"codes": body.codes, "profile": body.profile.model_dump(mode="json"), "limit": body.limit},
    )
    cached = await store.cache_get(key) if ttl > 0 else None
    if cached is not None:
        request.app.state.metrics.cache.labels("suggest", "hit").inc()
        results = _SUGGESTIONS.validate_json(cached)
    else:
        results = suggester.suggest(codes=body.codes, profile=body.profile, limit=body.limit)
        if ttl > 0:
            request.app.state.metrics.cache.labels("suggest", "miss").inc()
            await store.cache_set(key, _SUGGESTIONS.dump_json(results), ttl_seconds=ttl)
    event = StoredEvent(
        stream=Stream.DOSSIERS,
        data={
            "codes": json.dumps(body.codes),
            "suggested": json.dumps([s.code for s in results]),
            **({"dossier_id": body.dossier_id} if body.dossier_id else {}),
        },
        counters=counters.for_dossier(len(results)),
        **({"event_id": f"dossier:{body.dossier_id}"} if body.dossier_id else {}),
    )
    await store.record(event)
    return CaseSuggestions(
        dossier_id=body.dossier_id,
        results=results,
        buffered=not store.status().available,
    )
