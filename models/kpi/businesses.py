"""Business-onboarding KPIs from a business registry log (Hà Nội Resolution 57 plan targets).

- New businesses receiving a start-up package in their first 12 months (target ≥ 80 %): of the
  businesses registered in the period, the share whose package was issued within 12 months of
  registration (and by the reporting date).
- Operating businesses receiving support-policy suggestions (target ≥ 50 %): of the businesses
  registered and not closed at the reporting date, the share that got ≥ 1 policy suggestion in the
  period.

The functions are pure; `synthetic_registry_log` produces a labelled synthetic log for development
because no real registry log is available to this project.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from models.business.deadlines import add_months
from models.business.profile import LegalForm
from models.kpi.share import KpiShare

PACKAGE_TARGET = 0.80
POLICY_TARGET = 0.50


class RegistryEventKind(StrEnum):
    REGISTERED = "registered"
    PACKAGE_ISSUED = "package_issued"
    POLICY_SUGGESTED = "policy_suggested"
    CLOSED = "closed"


class RegistryEvent(BaseModel):
    """One line of a business registry log."""

    model_config = ConfigDict(frozen=True)

    business_id: str
    kind: RegistryEventKind
    on: date
    legal_form: LegalForm | None = None
    source: Literal["registry", "synthetic"] = "registry"


class _Business(BaseModel):
    registered_on: date | None = None
    closed_on: date | None = None
    packages: list[date] = Field(default_factory=list)
    suggestions: list[date] = Field(default_factory=list)
    synthetic: bool = False


def _businesses(events: Iterable[RegistryEvent]) -> dict[str, _Business]:
    grouped: dict[str, _Business] = defaultdict(_Business)
    for event in events:
        business = grouped[event.business_id]
        business.synthetic = business.synthetic or event.source == "synthetic"
        if event.kind is RegistryEventKind.REGISTERED:
            business.registered_on = event.on
        elif event.kind is RegistryEventKind.CLOSED:
            business.closed_on = event.on
        elif event.kind is RegistryEventKind.PACKAGE_ISSUED:
            business.packages.append(event.on)
        else:
            business.suggestions.append(event.on)
    return grouped


def new_business_package_share(
    events: Iterable[RegistryEvent], *, period_start: date, period_end: date, as_of: date
) -> KpiShare:
    """Share of businesses registered in [period_start, period_end] with a package within 12 months.

    A package counts when issued on or after registration, within 12 months of it and by `as_of`.
    Businesses whose 12-month window is still open without a package are counted as not (yet)
    served and reported in the note.
    """
    businesses = _businesses(events)
    cohort = [
        (b.registered_on, b)
        for b in businesses.values()
        if b.registered_on and period_start <= b.registered_on <= period_end
    ]
    served = open_windows = 0
    for registered_on, business in cohort:
        window_end = min(add_months(registered_on, 12), as_of)
        if any(registered_on <= day <= window_end for day in business.packages):
            served += 1
        elif add_months(registered_on, 12) > as_of:
            open_windows += 1
    return KpiShare.of(
        name="new_businesses_with_startup_package",
        numerator=served,
        denominator=len(cohort),
        target=PACKAGE_TARGET,
        note=f"{open_windows} cơ sở chưa có gói nhưng còn trong 12 tháng đầu",
        synthetic=any(b.synthetic for _, b in cohort),
    )


def operating_policy_share(events: Iterable[RegistryEvent], *, period_start: date, as_of: date) -> KpiShare:
    """Share of businesses operating at `as_of` that got ≥ 1 policy suggestion in [period_start, as_of]."""
    businesses = _businesses(events)
    operating = [
        b
        for b in businesses.values()
        if b.registered_on and b.registered_on <= as_of and (b.closed_on is None or b.closed_on > as_of)
    ]
    reached = sum(any(period_start <= day <= as_of for day in b.suggestions) for b in operating)
    return KpiShare.of(
        name="operating_businesses_with_policy_suggestion",
        numerator=reached,
        denominator=len(operating),
        target=POLICY_TARGET,
        note="cơ sở đang hoạt động tại ngày báo cáo (chưa chấm dứt)",
        synthetic=any(b.synthetic for b in operating),
    )


def synthetic_registry_log(
    businesses: int,
    *,
    seed: int = 0,
    start: date = date(2025, 1, 1),
    end: date = date(2026, 6, 30),
    package_rate: float = 0.85,
    policy_rate: float = 0.6,
    closure_rate: float = 0.08,
) -> list[RegistryEvent]:
    """A SYNTHETIC registry log for development: every event carries `source="synthetic"`.

    Registrations are spread uniformly over [start, end]; a package follows within 0-14 months with
    probability `package_rate` (so some arrive too late); operating businesses get policy
    suggestions with probability `policy_rate`; some businesses close.
    """
    rng = random.Random(seed)
    forms = list(LegalForm)
    span = (end - start).days
    log: list[RegistryEvent] = []
    for index in range(businesses):
        business_id = f"SYN-{index:06d}"
        registered = start + timedelta(days=rng.randint(0, span))
        form = rng.choice(forms)

        def event(
            kind: RegistryEventKind, on: date, business_id: str = business_id, form: LegalForm = form
        ) -> RegistryEvent:
            return RegistryEvent(
                business_id=business_id, kind=kind, on=on, legal_form=form, source="synthetic"
            )

        log.append(event(RegistryEventKind.REGISTERED, registered))
        if rng.random() < package_rate:
            log.append(
                event(RegistryEventKind.PACKAGE_ISSUED, registered + timedelta(days=rng.randint(0, 420)))
            )
        if rng.random() < closure_rate:
            log.append(event(RegistryEventKind.CLOSED, registered + timedelta(days=rng.randint(30, 500))))
        if rng.random() < policy_rate:
            log.append(
                event(RegistryEventKind.POLICY_SUGGESTED, registered + timedelta(days=rng.randint(0, 500)))
            )
    log.sort(key=lambda e: (e.on, e.business_id))
    return log
