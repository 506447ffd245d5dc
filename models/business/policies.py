"""Support-policy suggestions for operating businesses.

The policy table (`data/policies.json`) holds each policy in our own words with its legal basis and
machine-readable criteria. `PolicyMatcher.match` checks every criterion against a profile and says
whether it is met, failed or lacks data, so the business sees "đáp ứng 2/3 tiêu chí, thiếu dữ liệu
1" rather than a bare yes/no. A policy is suggested when no criterion fails.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from models.business.planner import ProcedureLookup
from models.business.profile import BusinessProfile, LegalForm, vietnam_today
from models.business.sectors import SectorFallback, SectorTable, load_sector_table, match_sectors

POLICY_TABLE = Path(__file__).parent / "data" / "policies.json"

# Sectors counted as "nông, lâm nghiệp, thủy sản; công nghiệp và xây dựng" for SME size; every other
# activity is "thương mại, dịch vụ" (Nghị định 80/2021/NĐ-CP, Điều 5).
_INDUSTRIAL_SECTORS = frozenset({"agriculture", "manufacturing", "construction", "mining"})
# (max employees, max revenue in billion VND) for a medium enterprise, by sector group.
_SME_LIMITS = {"industry": (200, 200.0), "services": (100, 300.0)}


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
    op: Literal["in", "eq", "le", "ge", "any"]
    value: Any
    label: str


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


def sme_status(profile: BusinessProfile, sector_ids: list[str]) -> tuple[CriterionStatus, str]:
    """Whether the business is an SME (Nghị định 80/2021/NĐ-CP, Điều 5): enterprises only.

    A medium enterprise has at most 200 employees and 200 billion VND revenue (agriculture,
    industry, construction) or 100 employees and 300 billion (trade, services); the revenue test
    may be replaced by a capital test, so a revenue above the limit or an unknown revenue is
    reported as lacking data rather than as failing.
    """
    if not profile.legal_form.is_enterprise:
        return CriterionStatus.FAILED, f"{profile.legal_form.label} không phải doanh nghiệp"
    group = "industry" if _INDUSTRIAL_SECTORS.intersection(sector_ids) else "services"
    max_employees, max_revenue = _SME_LIMITS[group]
    if profile.employees > max_employees:
        return CriterionStatus.FAILED, f"{profile.employees} lao động, vượt {max_employees}"
    if profile.revenue_band is None:
        return CriterionStatus.UNKNOWN, "chưa có doanh thu hoặc vốn để xác định quy mô"
    _, high = profile.revenue_band.bounds_billion
    if high <= max_revenue:
        return CriterionStatus.MET, f"≤ {max_employees} lao động, doanh thu dưới {max_revenue:g} tỷ"
    return CriterionStatus.UNKNOWN, f"doanh thu trên {max_revenue:g} tỷ, cần xét theo vốn"


def _compare(op: str, actual: float, expected: float) -> bool:
    return actual <= expected if op == "le" else actual >= expected


def evaluate_criterion(
    criterion: Criterion, profile: BusinessProfile, sector_ids: list[str], as_of: date
) -> CriterionResult:
    """Met, failed or lacking data, with a short explanation."""

    def result(status: CriterionStatus, detail: str) -> CriterionResult:
        return CriterionResult(label=criterion.label, status=status, detail=detail)

    field, op, value = criterion.field, criterion.op, criterion.value
    ok, no, unknown = CriterionStatus.MET, CriterionStatus.FAILED, CriterionStatus.UNKNOWN
    if field == "legal_form":
        allowed = {LegalForm(v) for v in value}
        return result(ok if profile.legal_form in allowed else no, profile.legal_form.label)
    if field in ("sme", "sme_if_enterprise"):
        if field == "sme_if_enterprise" and not profile.legal_form.is_enterprise:
            return result(ok, "không áp dụng cho " + profile.legal_form.label)
        return result(*sme_status(profile, sector_ids))
    if field == "age_years":
        if not profile.registration_date_known:
            return result(unknown, "chưa có ngày đăng ký")
        age = age_in_years(profile.registered_on, as_of)
        return result(ok if _compare(op, age, value) else no, f"{age:.1f} năm")
    if field == "employees":
        if _compare(op, profile.employees, value):
            return result(ok, f"{profile.employees} lao động")
        if profile.employees_max is not None and _compare(op, profile.employees_max, value):
            return result(unknown, f"{profile.employees}-{profile.employees_max} lao động")
        return result(no, f"{profile.employees} lao động")
    if field == "sector":
        found = sorted(set(value).intersection(sector_ids))
        return result(ok if found else no, ", ".join(found) or "ngành khác")
    if field == "trade":
        return result(ok if profile.trade == value else no, "có" if profile.trade else "không")
    if field == "revenue_billion":
        if profile.revenue_band is None:
            return result(unknown, "chưa khai doanh thu")
        low, high = profile.revenue_band.bounds_billion
        if _compare(op, high if op == "le" else low, value):
            return result(ok, f"doanh thu {low:g}-{high:g} tỷ")
        if _compare(op, low if op == "le" else high, value):
            return result(unknown, f"doanh thu {low:g}-{high:g} tỷ, sát ngưỡng {value} tỷ")
        return result(no, f"doanh thu {low:g}-{high:g} tỷ")
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
        sector_ids = [
            m.sector.id
            for m in match_sectors(
                profile.activity, vsic=profile.vsic, table=self._sectors, fallback=self._fallback
            )
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
