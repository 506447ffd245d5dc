"""Business onboarding: the 12-month start-up package and support-policy suggestions."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from models.business import BusinessProfile, PolicyMatch, StartupPlan
from models.business.profile import vietnam_today
from service import counters
from service.dependencies import PartnerKey, PlannerDep, PoliciesDep, StoreDep
from service.routers.feedback import Identifier
from service.store import StoredEvent, Stream

router = APIRouter(prefix="/v1/businesses", tags=["businesses"])


# A business counts as new for the start-up KPI during its first 12 months.
NEW_BUSINESS_DAYS = 365

_PROFILE_EXAMPLE = {
    "legal_form": "ho_kinh_doanh",
    "activity": "quán ăn, bán đồ uống",
    "employees": 3,
    "trade": False,
    "registered_on": "2026-09-01",
    "location": "phường Hoàn Kiếm",
}


class BusinessRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"business_id": "0109876543", "profile": _PROFILE_EXAMPLE}]},
    )

    business_id: Identifier | None = Field(
        None, description="tax code or partner id: a business is counted once however often it asks"
    )
    profile: BusinessProfile


class StartupPackage(BaseModel):
    business_id: str | None
    plan: StartupPlan
    buffered: bool = Field(description="the shared store is away: the record waits in process")


class PolicySuggestions(BaseModel):
    business_id: str | None
    policies: list[PolicyMatch]
    buffered: bool


def _is_new(profile: BusinessProfile) -> bool:
    """Registered within the last 12 months, counted in Việt Nam's calendar (not the server's)."""
    return (vietnam_today() - profile.registered_on).days <= NEW_BUSINESS_DAYS


@router.post("/startup-package", response_model=StartupPackage, dependencies=[PartnerKey])
async def startup_package(body: BusinessRequest, planner: PlannerDep, store: StoreDep) -> StartupPackage:
    """Gói khởi nghiệp: các thủ tục doanh nghiệp mới cần làm trong 12 tháng đầu, có tháng và lý do."""
    plan = planner.plan(body.profile)
    issued = bool(plan.items)
    await store.record(
        StoredEvent(
            stream=Stream.BUSINESSES,
            data={
                "kind": "startup_package",
                "legal_form": body.profile.legal_form.value,
                "registered_on": body.profile.registered_on.isoformat(),
                "items": str(len(plan.items)),
                **({"business_id": body.business_id} if body.business_id else {}),
            },
            counters=counters.for_startup_package(issued) if _is_new(body.profile) else {},
            **({"event_id": f"startup:{body.business_id}"} if body.business_id else {}),
        )
    )
    return StartupPackage(business_id=body.business_id, plan=plan, buffered=not store.status().available)


@router.post("/policy-suggestions", response_model=PolicySuggestions, dependencies=[PartnerKey])
async def policy_suggestions(
    body: BusinessRequest, policies: PoliciesDep, store: StoreDep
) -> PolicySuggestions:
    """Chính sách hỗ trợ có thể hưởng, từng tiêu chí: đáp ứng / chưa đáp ứng / thiếu dữ liệu."""
    matches = policies.match(body.profile)
    suggested = [m for m in matches if m.suggested]
    await store.record(
        StoredEvent(
            stream=Stream.BUSINESSES,
            data={
                "kind": "policy_suggestions",
                "legal_form": body.profile.legal_form.value,
                "policies": ",".join(m.policy_id for m in suggested),
                **({"business_id": body.business_id} if body.business_id else {}),
            },
            counters=counters.for_policy_suggestions(len(suggested)),
            **({"event_id": f"policies:{body.business_id}"} if body.business_id else {}),
        )
    )
    return PolicySuggestions(
        business_id=body.business_id, policies=matches, buffered=not store.status().available
    )
