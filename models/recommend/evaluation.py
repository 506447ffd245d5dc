"""Evaluation of related-service suggestions on cases of `related_dev.jsonl` style.

Each case: `given` codes, a `profile`, `expected` codes. Measured: recall@k of `expected`, the
share of cases with at least one expected code in the top k, and the share of suggestions that
are a given code or an excluded variant of one (must be 0).
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from models.recommend.schema import CaseProfile
from models.recommend.suggester import RelatedSuggester


class RelatedCase(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    given: list[str] = Field(min_length=1)
    profile: dict = Field(default_factory=dict)
    expected: list[str] = Field(min_length=1)


class CaseResult(BaseModel):
    id: str
    suggested: list[str]
    found: list[str]
    missed: list[str]
    forbidden: list[str]


class SuggestEvaluation(BaseModel):
    cases: int
    k: int
    recall_at_k: float
    hit_rate: float
    forbidden_share: float
    per_case: list[CaseResult]


def load_cases(path: Path) -> list[RelatedCase]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [RelatedCase.model_validate_json(line) for line in lines if line.strip()]


def evaluate_suggestions(
    suggester: RelatedSuggester, cases: list[RelatedCase], *, k: int = 10
) -> SuggestEvaluation:
    """Run every case through the suggester and score it."""
    results, expected_total, found_total, suggested_total, forbidden_total = [], 0, 0, 0, 0
    for case in cases:
        suggestions = suggester.suggest(
            codes=case.given, profile=CaseProfile.model_validate(case.profile), limit=k
        )
        codes = [s.code for s in suggestions]
        excluded = suggester.excluded_for(case.given)
        found = [c for c in case.expected if c in codes]
        forbidden = [c for c in codes if c in excluded]
        results.append(
            CaseResult(
                id=case.id,
                suggested=codes,
                found=found,
                missed=[c for c in case.expected if c not in codes],
                forbidden=forbidden,
            )
        )
        expected_total += len(case.expected)
        found_total += len(found)
        suggested_total += len(codes)
        forbidden_total += len(forbidden)
    return SuggestEvaluation(
        cases=len(cases),
        k=k,
        recall_at_k=round(found_total / expected_total, 4) if expected_total else 0.0,
        hit_rate=round(sum(bool(r.found) for r in results) / len(results), 4) if results else 0.0,
        forbidden_share=round(forbidden_total / suggested_total, 4) if suggested_total else 0.0,
        per_case=results,
    )


def dumps(evaluation: SuggestEvaluation) -> str:
    return json.dumps(evaluation.model_dump(exclude={"per_case"}), ensure_ascii=False)
