"""Feedback on a suggestion: accepted, declined (with a reason) or applied for."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field, model_validator

from service import counters
from service.dependencies import ComponentsDep, PartnerKey, StoreDep
from service.errors import Problem
from service.store import StoredEvent, Stream

router = APIRouter(prefix="/v1", tags=["feedback"])

Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")]


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"
    APPLIED = "applied"


class DeclineReason(StrEnum):
    """Why a person turned a suggestion down (shown on the dashboard)."""

    NOT_NEEDED = "not_needed"
    ALREADY_DONE = "already_done"
    NOT_ELIGIBLE = "not_eligible"
    NOT_RELEVANT = "not_relevant"
    LATER = "later"
    OTHER = "other"


DECLINE_REASON_LABELS = {
    DeclineReason.NOT_NEEDED: "Không cần",
    DeclineReason.ALREADY_DONE: "Đã làm rồi",
    DeclineReason.NOT_ELIGIBLE: "Không thuộc đối tượng",
    DeclineReason.NOT_RELEVANT: "Không liên quan",
    DeclineReason.LATER: "Để sau",
    DeclineReason.OTHER: "Lý do khác",
}


class FeedbackIn(BaseModel):
    """One reaction to one suggestion. Send `feedback_id` to make retries safe (counted once)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "feedback_id": "ihanoi-7f3a-1",
                    "dossier_id": "HS-2026-000123",
                    "source": "case",
                    "suggestion": "1.004222",
                    "outcome": "declined",
                    "reason": "already_done",
                    "comment": "Đã đăng ký thường trú cho cháu tháng trước",
                }
            ]
        },
    )

    feedback_id: Identifier | None = None
    dossier_id: Identifier | None = None
    business_id: Identifier | None = None
    source: Literal["case", "startup", "policy"] = Field(
        "case", description="which suggestion list: dossier suggestions, start-up package or policies"
    )
    suggestion: Identifier = Field(description="procedure code (or policy id for `policy`)")
    outcome: Outcome
    reason: DeclineReason | None = Field(None, description="only with `declined`")
    comment: str | None = Field(None, max_length=500)

    @model_validator(mode="after")
    def _reason_only_when_declined(self) -> FeedbackIn:
        if self.reason is not None and self.outcome is not Outcome.DECLINED:
            raise ValueError("`reason` is only given with outcome `declined`")
        return self


class FeedbackAccepted(BaseModel):
    feedback_id: str
    buffered: bool = Field(
        description="true when the shared store is away: held in process and written when it returns"
    )


@router.post(
    "/feedback",
    response_model=FeedbackAccepted,
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[PartnerKey],
)
async def post_feedback(body: FeedbackIn, components: ComponentsDep, store: StoreDep) -> FeedbackAccepted:
    """Ghi nhận phản hồi của người dân/doanh nghiệp về một gợi ý (chấp nhận, từ chối kèm lý do, đã nộp)."""
    if body.source != "policy" and body.suggestion not in components.catalog:
        raise Problem(
            404,
            "Unknown procedure",
            f"Không có thủ tục mã {body.suggestion} trong danh mục; phản hồi không được ghi.",
            f"No procedure with code {body.suggestion} in the catalog; the feedback was not recorded.",
        )
    data = {"source": body.source, "suggestion": body.suggestion, "outcome": body.outcome.value}
    for name in ("dossier_id", "business_id", "comment"):
        if getattr(body, name):
            data[name] = getattr(body, name)
    if body.reason is not None:
        data["reason"] = body.reason.value
    event = StoredEvent(
        stream=Stream.FEEDBACK,
        data=data,
        counters=counters.for_feedback(body.source, body.outcome.value, body.reason),
        **({"event_id": f"feedback:{body.feedback_id}"} if body.feedback_id else {}),
    )
    await store.record(event)
    return FeedbackAccepted(
        feedback_id=event.event_id.removeprefix("feedback:"),
        buffered=not store.status().available,
    )
