"""Evaluation of related-service suggestions on cases of `related_dev.jsonl` style.

Each case: `given` codes, a `profile`, `expected` codes. Measured: recall@k of `expected`, the
share of cases with at least one expected code in the top k, and the share of suggestions that
are a given code or an excluded variant of one (must be 0). What is forbidden is worked out here
from the taxonomy and the titles (`ForbiddenCodes`), not taken from the suggester: checking the
suggester against its own exclusion list could never fail.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from catalog.schema import Procedure
from models.events.schema import MemberSource
from models.events.taxonomy import Taxonomy, load_taxonomy
from models.recommend.schema import CaseProfile
from models.recommend.suggester import RelatedSuggester
from models.recommend.variants import variant_key


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


class ForbiddenCodes:
    """What may never be suggested beside given codes: the codes themselves, the other options of
    every curated choose-one step they are an option of, and the procedures whose titles name the
    same act (variants by level, channel or qualifier)."""

    def __init__(self, procedures: Iterable[Procedure], taxonomy: Taxonomy) -> None:
        self._act: dict[str, str] = {}
        self._by_act: dict[str, set[str]] = defaultdict(set)
        for procedure in procedures:
            act = variant_key(procedure.title)
            self._act[procedure.code] = act
            self._by_act[act].add(procedure.code)
        self._options: dict[str, set[str]] = defaultdict(set)
        for event in taxonomy.events:
            for index, step in enumerate(event.steps):
                if step.choose_one:
                    codes = {
                        m.code for m in event.members if m.step == index and m.source is MemberSource.CURATED
                    }
                    for code in codes:
                        self._options[code] |= codes

    def for_codes(self, codes: Sequence[str]) -> set[str]:
        """The forbidden suggestions for a dossier filing `codes`."""
        forbidden = set(codes)
        for code in codes:
            forbidden |= self._options.get(code, set())
            act = self._act.get(code)
            if act is not None:
                forbidden |= self._by_act[act]
        return forbidden


def load_cases(path: Path) -> list[RelatedCase]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [RelatedCase.model_validate_json(line) for line in lines if line.strip()]


def evaluate_suggestions(
    suggester: RelatedSuggester,
    cases: list[RelatedCase],
    *,
    k: int = 10,
    taxonomy: Taxonomy | None = None,
) -> SuggestEvaluation:
    """Run every case through the suggester and score it (choose-one steps from `taxonomy`, the
    shipped one by default)."""
    rules = ForbiddenCodes(suggester.catalog, taxonomy or load_taxonomy())
    results, expected_total, found_total, suggested_total, forbidden_total = [], 0, 0, 0, 0
    for case in cases:
        suggestions = suggester.suggest(
            codes=case.given, profile=CaseProfile.model_validate(case.profile), limit=k
        )
        codes = [s.code for s in suggestions]
        excluded = rules.for_codes(case.given)
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
