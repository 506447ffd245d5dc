"""Measure start-up plans against an evaluation file (`startup_dev.json` style).

Each case: `must` codes always apply, exactly one code of each `must_one_of` pair applies, `may`
codes depend on the activity. Reported per case and overall:

- must recall: share of `must` codes present in the plan;
- one-of exact: share of `must_one_of` pairs with exactly one member in the plan;
- precision: share of the plan's catalog codes that are in must ∪ may ∪ the one-of pairs (items
  the catalog lacks carry no code and are not counted).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class StartupEvalError(ValueError):
    """The evaluation file cannot be read."""


class StartupCase(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    profile: dict[str, Any]
    must: list[str] = Field(default_factory=list)
    must_one_of: list[list[str]] = Field(default_factory=list)
    may: list[str] = Field(default_factory=list)
    note: str | None = None


class CaseResult(BaseModel):
    id: str
    must_recall: float
    missing_must: list[str]
    one_of_exact: int
    one_of_total: int
    one_of_detail: list[str]
    precision: float | None
    outside: list[str]
    error: str | None = None


class StartupReport(BaseModel):
    cases: list[CaseResult]
    must_recall: float
    one_of_exact: float | None
    precision: float | None


def load_startup_cases(path: Path) -> list[StartupCase]:
    """Cases of a JSON array file (or JSON Lines, one case a line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StartupEvalError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        data = (
            json.loads(text)
            if text.lstrip().startswith("[")
            else [json.loads(line) for line in text.splitlines() if line.strip()]
        )
        return [StartupCase.model_validate(item) for item in data]
    except (json.JSONDecodeError, ValidationError) as exc:
        raise StartupEvalError(f"{path}: not a start-up evaluation file ({exc})") from exc


def score_case(case: StartupCase, codes: list[str]) -> CaseResult:
    """Scores of one plan (its catalog codes) against one case."""
    planned = set(codes)
    missing = [code for code in case.must if code not in planned]
    recall = 1.0 - len(missing) / len(case.must) if case.must else 1.0
    exact = 0
    detail = []
    for pair in case.must_one_of:
        chosen = [code for code in pair if code in planned]
        exact += len(chosen) == 1
        detail.append(f"{'/'.join(pair)} → {', '.join(chosen) or 'none'}")
    allowed = set(case.must) | set(case.may) | {code for pair in case.must_one_of for code in pair}
    outside = sorted(planned - allowed)
    precision = 1.0 - len(outside) / len(planned) if planned else None
    return CaseResult(
        id=case.id,
        must_recall=recall,
        missing_must=missing,
        one_of_exact=exact,
        one_of_total=len(case.must_one_of),
        one_of_detail=detail,
        precision=precision,
        outside=outside,
    )


def failed_case(case: StartupCase, error: str) -> CaseResult:
    """A case whose profile could not be planned: nothing recalled."""
    return CaseResult(
        id=case.id,
        must_recall=0.0 if case.must else 1.0,
        missing_must=list(case.must),
        one_of_exact=0,
        one_of_total=len(case.must_one_of),
        one_of_detail=[],
        precision=None,
        outside=[],
        error=error,
    )


def summarise(results: list[CaseResult]) -> StartupReport:
    """Macro averages over cases; one-of exactness over all pairs."""
    pairs = sum(r.one_of_total for r in results)
    precisions = [r.precision for r in results if r.precision is not None]
    return StartupReport(
        cases=results,
        must_recall=sum(r.must_recall for r in results) / len(results) if results else 0.0,
        one_of_exact=sum(r.one_of_exact for r in results) / pairs if pairs else None,
        precision=sum(precisions) / len(precisions) if precisions else None,
    )


def format_report(report: StartupReport) -> str:
    """A short plain-text table."""

    def pct(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.2f}"

    lines = [f"{'case':<20} {'must_recall':>11} {'one_of':>7} {'precision':>9}  notes"]
    for r in report.cases:
        notes = r.error or "; ".join(
            part
            for part in (
                f"missing {', '.join(r.missing_must)}" if r.missing_must else "",
                f"outside {', '.join(r.outside)}" if r.outside else "",
                " | ".join(r.one_of_detail),
            )
            if part
        )
        one_of = f"{r.one_of_exact}/{r.one_of_total}"
        lines.append(f"{r.id:<20} {r.must_recall:>11.2f} {one_of:>7} {pct(r.precision):>9}  {notes}")
    lines.append(
        f"{'overall':<20} {report.must_recall:>11.2f} {pct(report.one_of_exact):>7} "
        f"{pct(report.precision):>9}  ({len(report.cases)} cases)"
    )
    return "\n".join(lines)
