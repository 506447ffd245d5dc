"""Support-policy suggestions for operating businesses.

The policy table (`data/policies.json`) holds each policy in our own words with its legal basis and
machine-readable criteria. `PolicyMatcher.match` checks every criterion against a profile and says
whether it is met, failed or lacks data, so the business sees "đáp ứng 2/3 tiêu chí, thiếu dữ liệu
1" rather than a bare yes/no. A policy is suggested when no criterion fails.
"""

from __future__ import annotations

import math
from datetime import date
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, model_validator

from models.business.planner import ProcedureLookup
from models.business.profile import BusinessProfile, LegalForm, vietnam_today
from models.business.sectors import SectorFallback, SectorTable, load_sector_table, match_sectors

POLICY_TABLE = Path(__file__).parent / "data" / "policies.json"

# Sectors counted as "nông, lâm nghiệp, thủy sản; công nghiệp và xây dựng" for SME size; every other
# activity is "thương mại, dịch vụ" (Nghị định 80/2021/NĐ-CP, Điều 5).
_INDUSTRIAL_SECTORS = frozenset({"agriculture", "manufacturing", "construction", "mining"})
# (max employees, max revenue in billion VND) for a medium enterprise, by sector group.
_SME_LIMITS = {"industry": (200, 200.0), "services": (100, 300.0)}


Op = Literal["in", "eq", "le", "ge", "any"]

# What each op means per kind of field, so a table row with an op its field cannot honour is refused
# when the table loads instead of being read as something else:
# - numbers (age_years, employees, revenue_billion): le, ge, eq against a number; a profile that
#   gives only a range (employees "50-150", a revenue band) meets the criterion when the whole range
#   does, fails it when none does and lacks data when the range straddles the limit;
# - one value (legal_form, trade): eq against a value, in against a list;
# - several values (sector): any (one of the business's sectors is listed), in (all of them are
#   listed), eq (the named sector is one of them);
# - yes/no facts (sme, sme_if_enterprise, industrial_park, innovative): eq against true or false.
_NUMERIC_FIELDS = frozenset({"age_years", "employees", "revenue_billion"})
_FACT_FIELDS = frozenset({"sme", "sme_if_enterprise", "industrial_park", "innovative"})
_OPS: dict[str, frozenset[str]] = {
    **{field: frozenset({"le", "ge", "eq"}) for field in _NUMERIC_FIELDS},
    **{field: frozenset({"eq"}) for field in _FACT_FIELDS},
    "legal_form": frozenset({"eq", "in"}),
    "trade": frozenset({"eq"}),
    "sector": frozenset({"any", "in", "eq"}),
}


class Criterion(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    field: Literal[
        "legal_form",
        "sme",
        "sme_if_enterprise",
        "age_years",
        "employees",
        "sector",
        "trade",
        "revenue_billion",
        "industrial_park",
        "innovative",
    ]
    op: Op
    value: Any
    label: str

    @model_validator(mode="after")
    def _op_fits_field(self) -> Criterion:
        if self.op not in _OPS[self.field]:
            allowed = ", ".join(sorted(_OPS[self.field]))
            raise ValueError(f"{self.field} takes op {allowed}, not {self.op!r}")
        if self.op in ("in", "any") and not isinstance(self.value, list):
            raise ValueError(f"{self.field} {self.op} needs a list of values")
        numeric = isinstance(self.value, int | float) and not isinstance(self.value, bool)
        if self.field in _NUMERIC_FIELDS and not numeric:
            raise ValueError(f"{self.field} compares with a number")
        if self.field in _FACT_FIELDS | {"trade"} and not isinstance(self.value, bool):
            raise ValueError(f"{self.field} is compared with true or false")
        if self.field == "legal_form":
            for form in self.value if self.op == "in" else [self.value]:
                LegalForm(form)
        return self


class Policy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    summary: str
    legal_basis: tuple[str, ...]
    apply_code: str | None
    apply_note: str | None = None
    criteria: tuple[Criterion, ...]


class PolicyTable(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    about: str
    policies: tuple[Policy, ...]


class CriterionStatus(StrEnum):
    MET = "met"
    FAILED = "failed"
    UNKNOWN = "unknown"


class CriterionResult(BaseModel):
    label: str
    status: CriterionStatus
    detail: str


class PolicyMatch(BaseModel):
    """One policy checked against a profile."""

    policy_id: str
    name: str
    summary: str
    legal_basis: list[str]
    criteria: list[CriterionResult]
    met: int
    failed: int
    unknown: int
    suggested: bool
    verdict: str
    apply_code: str | None
    apply_title: str | None
    apply_note: str | None


@lru_cache(maxsize=4)
def load_policy_table(path: Path = POLICY_TABLE) -> PolicyTable:
    """The policy table shipped with the package (cached)."""
    return PolicyTable.model_validate_json(path.read_text(encoding="utf-8"))


def age_in_years(registered_on: date, as_of: date) -> float:
    return max((as_of - registered_on).days, 0) / 365.25


class Span(NamedTuple):
    """Where a number known only as a range lies: low ≤ x ≤ high, or x < high when `open_high`."""

    low: float
    high: float
    open_high: bool = False


def compare_span(op: str, span: Span, value: float) -> CriterionStatus:
    """Met when every number of the span satisfies `op value`, failed when none does, else unknown."""
    low, high, open_high = span
    if op == "le":
        met, failed = high <= value, low > value
    elif op == "ge":
        met, failed = low >= value, (high <= value if open_high else high < value)
    else:  # eq
        met = low == high == value and not open_high
        failed = value < low or value > high or (open_high and value >= high)
    if met:
        return CriterionStatus.MET
    return CriterionStatus.FAILED if failed else CriterionStatus.UNKNOWN


def employee_span(profile: BusinessProfile) -> Span:
    """The employee count, or the range given ('50-150', '10+' with no upper bound)."""
    if profile.employees_max is not None:
        return Span(profile.employees, profile.employees_max)
    return Span(profile.employees, math.inf if profile.employees_open_ended else profile.employees)


def _people(span: Span) -> str:
    if span.high == math.inf:
        return f"từ {span.low:g}"
    return f"{span.low:g}-{span.high:g}" if span.low != span.high else f"{span.low:g}"


def sme_status(profile: BusinessProfile, sector_ids: list[str]) -> tuple[CriterionStatus, str]:
    """Whether the business is an SME (Nghị định 80/2021/NĐ-CP, Điều 5): enterprises only.

    A medium enterprise has at most 200 employees and 200 billion VND revenue (agriculture,
    industry, construction) or 100 employees and 300 billion (trade, services). An employee range
    is judged by its upper bound too: '50-150' in services may exceed 100, so it lacks data. The
    revenue test may be replaced by a capital test, so a revenue above the limit or an unknown
    revenue is reported as lacking data rather than as failing.
    """
    if not profile.legal_form.is_enterprise:
        return CriterionStatus.FAILED, f"{profile.legal_form.label} không phải doanh nghiệp"
    group = "industry" if _INDUSTRIAL_SECTORS.intersection(sector_ids) else "services"
    max_employees, max_revenue = _SME_LIMITS[group]
    span = employee_span(profile)
    people = _people(span)
    employees = compare_span("le", span, max_employees)
    if employees is CriterionStatus.FAILED:
        return CriterionStatus.FAILED, f"{people} lao động, vượt {max_employees}"
    if employees is CriterionStatus.UNKNOWN:
        return CriterionStatus.UNKNOWN, f"{people} lao động, có thể vượt {max_employees}"
    if profile.revenue_band is None:
        return CriterionStatus.UNKNOWN, "chưa có doanh thu hoặc vốn để xác định quy mô"
    _, high = profile.revenue_band.bounds_billion
    if high <= max_revenue:
        return CriterionStatus.MET, f"≤ {max_employees} lao động, doanh thu dưới {max_revenue:g} tỷ"
    return CriterionStatus.UNKNOWN, f"doanh thu trên {max_revenue:g} tỷ, cần xét theo vốn"


def _flip(status: CriterionStatus) -> CriterionStatus:
    """The status of 'not X' from the status of X."""
    return {
        CriterionStatus.MET: CriterionStatus.FAILED,
        CriterionStatus.FAILED: CriterionStatus.MET,
    }.get(status, CriterionStatus.UNKNOWN)


def _choice(op: str, actual: set[str], value: Any) -> bool:
    """Categorical ops: eq (the value is among the actual ones), in (all actual ones are listed), any."""
    if op == "eq":
        return str(value) in actual
    if op == "in":
        return bool(actual) and actual <= {str(v) for v in value}
    return bool(actual & {str(v) for v in value})


def evaluate_criterion(
    criterion: Criterion, profile: BusinessProfile, sector_ids: list[str], as_of: date
) -> CriterionResult:
    """Met, failed or lacking data, with a short explanation."""

    def result(status: CriterionStatus, detail: str) -> CriterionResult:
        return CriterionResult(label=criterion.label, status=status, detail=detail)

    def yes(holds: bool) -> CriterionStatus:
        return CriterionStatus.MET if holds else CriterionStatus.FAILED

    field, op, value = criterion.field, criterion.op, criterion.value
    unknown = CriterionStatus.UNKNOWN
    if field == "legal_form":
        return result(yes(_choice(op, {profile.legal_form.value}, value)), profile.legal_form.label)
    if field == "trade":
        return result(yes(profile.trade == value), "có" if profile.trade else "không")
    if field == "sector":
        found = ", ".join(sector_ids) or "ngành khác"
        return result(yes(_choice(op, set(sector_ids), value)), found)
    if field in ("sme", "sme_if_enterprise"):
        if field == "sme_if_enterprise" and not profile.legal_form.is_enterprise:
            return result(CriterionStatus.MET, "không áp dụng cho " + profile.legal_form.label)
        status, detail = sme_status(profile, sector_ids)
        return result(status if value else _flip(status), detail)
    if field == "age_years":
        if not profile.registration_date_known:
            return result(unknown, "chưa có ngày đăng ký")
        age = age_in_years(profile.registered_on, as_of)
        return result(compare_span(op, Span(age, age), value), f"{age:.1f} năm")
    if field == "employees":
        span = employee_span(profile)
        return result(compare_span(op, span, value), f"{_people(span)} lao động")
    if field == "revenue_billion":
        if profile.revenue_band is None:
            return result(unknown, "chưa khai doanh thu")
        low, high = profile.revenue_band.bounds_billion
        status = compare_span(op, Span(low, high, open_high=True), value)
        note = f", sát ngưỡng {value:g} tỷ" if status is unknown else ""
        return result(status, f"doanh thu {low:g}-{high:g} tỷ{note}")
    # industrial_park, innovative: the profile holds no such fact.
    return result(unknown, "hồ sơ chưa có thông tin này")


def verdict(met: int, failed: int, unknown: int) -> str:
    """'đáp ứng 2/3 tiêu chí, thiếu dữ liệu 1' in plain Vietnamese."""
    text = f"đáp ứng {met}/{met + failed + unknown} tiêu chí"
    if failed:
        text += f", không đạt {failed}"
    if unknown:
        text += f", thiếu dữ liệu {unknown}"
    return text


class PolicyMatcher:
    """Checks the policy table against business profiles."""

    def __init__(
        self,
        catalog: ProcedureLookup,
        *,
        table: PolicyTable | None = None,
        sector_table: SectorTable | None = None,
        sector_fallback: SectorFallback | None = None,
    ) -> None:
        self._catalog = catalog
        self._table = table or load_policy_table()
        self._sectors = sector_table or load_sector_table()
        self._fallback = sector_fallback

    def match(
        self, profile: BusinessProfile, *, as_of: date | None = None, include_failed: bool = False
    ) -> list[PolicyMatch]:
        """Policies for the profile, best first; those with a failed criterion only on request."""
        as_of = as_of or vietnam_today()
        # Trading a sector's goods is not working in it: a pork stall is trade and services for SME
        # size, and no investment in agriculture.
        sector_ids = [
            m.sector.id
            for m in match_sectors(
                profile.activity, vsic=profile.vsic, table=self._sectors, fallback=self._fallback
            )
            if not m.trade_only
        ]
        matches = []
        for policy in self._table.policies:
            results = [evaluate_criterion(c, profile, sector_ids, as_of) for c in policy.criteria]
            met = sum(r.status is CriterionStatus.MET for r in results)
            failed = sum(r.status is CriterionStatus.FAILED for r in results)
            unknown = len(results) - met - failed
            if failed and not include_failed:
                continue
            procedure = self._catalog.get(code=policy.apply_code) if policy.apply_code else None
            matches.append(
                PolicyMatch(
                    policy_id=policy.id,
                    name=policy.name,
                    summary=policy.summary,
                    legal_basis=list(policy.legal_basis),
                    criteria=results,
                    met=met,
                    failed=failed,
                    unknown=unknown,
                    suggested=failed == 0,
                    verdict=verdict(met, failed, unknown),
                    apply_code=procedure.code if procedure else None,
                    apply_title=procedure.title if procedure else None,
                    apply_note=policy.apply_note
                    or (None if procedure else f"thủ tục {policy.apply_code} không có trong danh mục"),
                )
            )
        matches.sort(key=lambda m: (m.failed, m.unknown, -m.met))
        return matches
