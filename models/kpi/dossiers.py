"""Dossier KPIs: share of dossiers that were shown ≥ 1 related-service suggestion, and the
acceptance and decline of suggestions from citizens' feedback.

Pure functions over records (from the service's counters, a real dossier log, or a labelled
synthetic one). The target is the Resolution 57 plan's ≥ 60 % of dossiers with suggestions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from pydantic import BaseModel, Field

from models.kpi.share import KpiShare

SUGGESTION_TARGET = 0.6


class DossierRecord(BaseModel):
    """One dossier (case request) and what happened to the suggestions shown for it."""

    case_id: str
    suggestions_shown: int = Field(ge=0)
    accepted: int = Field(default=0, ge=0)
    declined: int = Field(default=0, ge=0)
    synthetic: bool = False


class FeedbackRates(BaseModel):
    suggestions_shown: int
    accepted: int
    declined: int
    acceptance_rate: float | None = Field(description="accepted / (accepted + declined)")
    decline_rate: float | None = Field(description="declined / (accepted + declined)")
    accepted_per_shown: float | None = Field(description="accepted / suggestions shown")
    synthetic: bool


def suggestion_share(records: Iterable[DossierRecord]) -> KpiShare:
    """Share of dossiers with at least one suggestion shown."""
    records = list(records)
    with_any = sum(r.suggestions_shown > 0 for r in records)
    return KpiShare.of(
        name="dossiers_with_suggestions",
        numerator=with_any,
        denominator=len(records),
        target=SUGGESTION_TARGET,
        note="hồ sơ được gợi ý ≥ 1 dịch vụ liên quan",
        synthetic=any(r.synthetic for r in records),
    )


def feedback_rates(records: Iterable[DossierRecord]) -> FeedbackRates:
    """Acceptance and decline of the suggestions shown."""
    records = list(records)
    shown = sum(r.suggestions_shown for r in records)
    accepted = sum(r.accepted for r in records)
    declined = sum(r.declined for r in records)
    answered = accepted + declined
    return FeedbackRates(
        suggestions_shown=shown,
        accepted=accepted,
        declined=declined,
        acceptance_rate=round(accepted / answered, 4) if answered else None,
        decline_rate=round(declined / answered, 4) if answered else None,
        accepted_per_shown=round(accepted / shown, 4) if shown else None,
        synthetic=any(r.synthetic for r in records),
    )


def records_from_log(
    cases: Iterable[tuple[str, Sequence[str], bool]], count_suggestions: Callable[[Sequence[str]], int]
) -> list[DossierRecord]:
    """Dossier records for logged cases `(case_id, codes, synthetic)`, counting the suggestions the
    suggester would show for each (no feedback: accepted/declined stay 0)."""
    return [
        DossierRecord(case_id=case_id, suggestions_shown=count_suggestions(codes), synthetic=synthetic)
        for case_id, codes, synthetic in cases
    ]
