"""Names of the live KPI counters and the increments each recorded event implies."""

from __future__ import annotations

DOSSIERS = "dossiers"
DOSSIERS_WITH_SUGGESTIONS = "dossiers_with_suggestions"
SUGGESTIONS_SHOWN = "suggestions_shown"
NEW_BUSINESSES = "new_businesses"
NEW_BUSINESSES_WITH_PACKAGE = "new_businesses_with_package"
OPERATING_BUSINESSES = "operating_businesses"
OPERATING_BUSINESSES_WITH_POLICIES = "operating_businesses_with_policies"
FEEDBACK_PREFIX = "feedback"
DECLINE_REASON_PREFIX = "decline_reason"


def for_dossier(suggestions: int) -> dict[str, int]:
    return {
        DOSSIERS: 1,
        DOSSIERS_WITH_SUGGESTIONS: int(suggestions > 0),
        SUGGESTIONS_SHOWN: suggestions,
    }


def for_startup_package(issued: bool) -> dict[str, int]:
    return {NEW_BUSINESSES: 1, NEW_BUSINESSES_WITH_PACKAGE: int(issued)}


def for_policy_suggestions(policies: int) -> dict[str, int]:
    return {OPERATING_BUSINESSES: 1, OPERATING_BUSINESSES_WITH_POLICIES: int(policies > 0)}


def for_feedback(source: str, outcome: str, reason: str | None) -> dict[str, int]:
    increments = {f"{FEEDBACK_PREFIX}:{outcome}": 1, f"{FEEDBACK_PREFIX}:{source}:{outcome}": 1}
    if reason is not None:
        increments[f"{DECLINE_REASON_PREFIX}:{reason}"] = 1
    return increments
