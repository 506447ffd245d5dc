"""Life and business events: bundles of procedures in the order a person files them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from models.events import EventKind, LifeEvent, UnknownEventError
from service.dependencies import EventsDep
from service.errors import Problem

router = APIRouter(prefix="/v1", tags=["events"])


class EventSummary(BaseModel):
    id: str = Field(examples=["sinh-con"])
    name: str = Field(examples=["Sinh con"])
    name_en: str = Field(examples=["Having a baby"])
    kind: EventKind
    description: str
    codes: list[str] = Field(
        description="member procedures in step order", examples=[["1.001193", "1.004222"]]
    )


def summarise(event: LifeEvent) -> EventSummary:
    return EventSummary(
        id=event.id,
        name=event.name_vi,
        name_en=event.name_en,
        kind=event.kind,
        description=event.description,
        codes=event.codes(),
    )


@router.get("/events", response_model=list[EventSummary])
async def list_events(
    events: EventsDep,
    kind: Annotated[
        EventKind | None, Query(description="`life` (người dân) hoặc `business` (doanh nghiệp)")
    ] = None,
    code: Annotated[
        str | None,
        Query(max_length=20, description="chỉ các sự kiện chứa thủ tục mã này", examples=["1.001193"]),
    ] = None,
) -> list[EventSummary]:
    """Danh sách sự kiện cuộc đời / sự kiện doanh nghiệp và các thủ tục thuộc mỗi sự kiện."""
    chosen = events.events_for(code=code) if code else events.list(kind=kind)
    return [summarise(event) for event in chosen if kind is None or event.kind is kind]


@router.get(
    "/events/{event_id}",
    response_model=LifeEvent,
    responses={404: {"description": "Không có sự kiện này (problem JSON)"}},
)
async def get_event(
    events: EventsDep, event_id: Annotated[str, Path(max_length=80, examples=["sinh-con"])]
) -> LifeEvent:
    """Một sự kiện: các bước, thủ tục cốt lõi và thủ tục theo tình huống (kèm tình huống áp dụng)."""
    try:
        return events.get_or_raise(event_id=event_id)
    except UnknownEventError as exc:
        raise Problem(
            404,
            "Unknown event",
            f"Không có sự kiện '{event_id}'. Xem danh sách tại /v1/events.",
            f"No event '{event_id}'. See the list at /v1/events.",
        ) from exc
