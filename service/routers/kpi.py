"""The city's targets, measured from the catalog and from the live counters in the store."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from models.kpi.catalog import catalog_kpis
from service import counters
from service.components import Components
from service.dependencies import ComponentsDep, StoreDep
from service.routers.feedback import DECLINE_REASON_LABELS, DeclineReason

router = APIRouter(prefix="/v1", tags=["kpi"])


class KpiFigure(BaseModel):
    """One target: `value` = numerator / denominator (None until there is a denominator)."""

    id: str = Field(examples=["dossiers_with_suggestions"])
    name: str = Field(examples=["Hồ sơ được gợi ý dịch vụ liên quan"])
    name_en: str = Field(examples=["Dossiers receiving related-service suggestions"])
    numerator: int
    denominator: int
    value: float | None = Field(examples=[0.72])
    target: float = Field(examples=[0.6])
    met: bool | None
    source: Literal["catalog", "live"] = Field(description="catalog facts, or counters of this service")
    scope: str = Field(examples=["Hồ sơ qua API /v1/cases/suggestions"])


class FeedbackSummary(BaseModel):
    suggestions_shown: int
    accepted: int
    declined: int
    applied: int
    acceptance_rate: float | None = Field(description="accepted / (accepted + declined)")
    application_rate: float | None = Field(description="applied / suggestions shown")
    decline_reasons: dict[str, int]
    decline_reason_labels: dict[str, str]


class KpiReport(BaseModel):
    catalog_version: str
    generated_at: datetime
    store_backend: str
    store_available: bool
    targets: list[KpiFigure]
    feedback: FeedbackSummary


def _figure(
    id_: str,
    name: str,
    name_en: str,
    numerator: int,
    denominator: int,
    target: float,
    *,
    source: Literal["catalog", "live"],
    scope: str,
) -> KpiFigure:
    value = numerator / denominator if denominator else None
    return KpiFigure(
        id=id_,
        name=name,
        name_en=name_en,
        numerator=numerator,
        denominator=denominator,
        value=None if value is None else round(value, 4),
        target=target,
        met=None if value is None else value >= target,
        source=source,
        scope=scope,
    )


# id → (Vietnamese, English) names of the catalog KPIs of `models.kpi.catalog`.
CATALOG_FIGURE_NAMES = {
    "procedures_in_events": ("Thủ tục được tổ chức theo sự kiện", "Procedures in life-event groups"),
    "online_procedures_in_events": (
        "Thủ tục trực tuyến toàn trình thuộc sự kiện",
        "Fully-online procedures in life-event groups",
    ),
    "procedures_fully_online": ("Thủ tục trực tuyến toàn trình", "Procedures fully online"),
}


def catalog_figures(components: Components) -> list[KpiFigure]:
    """Targets measured on the catalog (local scope: city and commune levels)."""
    shares = catalog_kpis(components.catalog, components.events.codes_in_events(), local_only=True)
    return [
        _figure(
            share.name,
            *CATALOG_FIGURE_NAMES[share.name],
            share.numerator,
            share.denominator,
            share.target,
            source="catalog",
            scope=share.note[:1].upper() + share.note[1:],
        )
        for share in shares
    ]


def live_figures(values: dict[str, int]) -> list[KpiFigure]:
    """Targets measured from what this service has answered (shared across workers with Redis)."""
    return [
        _figure(
            "dossiers_with_suggestions",
            "Hồ sơ được gợi ý dịch vụ liên quan",
            "Dossiers receiving related-service suggestions",
            values.get(counters.DOSSIERS_WITH_SUGGESTIONS, 0),
            values.get(counters.DOSSIERS, 0),
            0.6,
            source="live",
            scope="Hồ sơ gửi qua /v1/cases/suggestions",
        ),
        _figure(
            "new_businesses_with_package",
            "Doanh nghiệp mới nhận gói khởi nghiệp",
            "New businesses receiving a start-up package",
            values.get(counters.NEW_BUSINESSES_WITH_PACKAGE, 0),
            values.get(counters.NEW_BUSINESSES, 0),
            0.8,
            source="live",
            scope="Doanh nghiệp thành lập trong 12 tháng, qua /v1/businesses/startup-package",
        ),
        _figure(
            "operating_businesses_with_policies",
            "Doanh nghiệp đang hoạt động được gợi ý chính sách",
            "Operating businesses receiving support-policy suggestions",
            values.get(counters.OPERATING_BUSINESSES_WITH_POLICIES, 0),
            values.get(counters.OPERATING_BUSINESSES, 0),
            0.5,
            source="live",
            scope="Doanh nghiệp gửi qua /v1/businesses/policy-suggestions",
        ),
    ]


def feedback_summary(values: dict[str, int]) -> FeedbackSummary:
    accepted = values.get(f"{counters.FEEDBACK_PREFIX}:accepted", 0)
    declined = values.get(f"{counters.FEEDBACK_PREFIX}:declined", 0)
    applied = values.get(f"{counters.FEEDBACK_PREFIX}:applied", 0)
    shown = values.get(counters.SUGGESTIONS_SHOWN, 0)
    reasons = {
        reason.value: values.get(f"{counters.DECLINE_REASON_PREFIX}:{reason.value}", 0)
        for reason in DeclineReason
    }
    return FeedbackSummary(
        suggestions_shown=shown,
        accepted=accepted,
        declined=declined,
        applied=applied,
        acceptance_rate=round(accepted / (accepted + declined), 4) if accepted + declined else None,
        application_rate=round(applied / shown, 4) if shown else None,
        decline_reasons=reasons,
        decline_reason_labels={reason.value: label for reason, label in DECLINE_REASON_LABELS.items()},
    )


async def build_report(request: Request, components: Components) -> KpiReport:
    """The KPI report the API and the dashboard page show."""
    store = request.app.state.store
    values = await store.counters()
    figures = catalog_figures(components)
    status = store.status()
    return KpiReport(
        catalog_version=components.catalog.version,
        generated_at=datetime.now(UTC),
        store_backend=status.backend,
        store_available=status.available,
        targets=figures + live_figures(values),
        feedback=feedback_summary(values),
    )


@router.get("/kpi", response_model=KpiReport)
async def get_kpi(request: Request, components: ComponentsDep, store: StoreDep) -> KpiReport:
    """Chỉ số KPI so với mục tiêu của thành phố, từ danh mục và từ bộ đếm trực tiếp."""
    return await build_report(request, components)
