"""Place the uncurated part of the catalog into events: kNN over the curated members.

Each uncurated procedure looks at its `k` most similar curated members (cosine over words, field
and target group — plus e5 embeddings when given; see `features.py`). An event's score is the
share of neighbour similarity that belongs to that event's members; the best event is kept when
its share and the closest neighbour's similarity are high enough, and a second event when it is
nearly as strong. Confidence = share × how close the nearest member is. Every assignment keeps
the neighbours and the shared field that produced it, so a reviewer can see why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from sklearn.neighbors import NearestNeighbors
from tqdm import tqdm

from catalog.schema import Procedure
from models.events.features import ProcedureFeatures
from models.events.schema import Evidence
from models.events.taxonomy import Taxonomy


@dataclass(frozen=True)
class AssignmentSettings:
    neighbours: int = 7
    min_similarity: float = 0.18  # below this the nearest curated member is unrelated
    min_share: float = 0.34  # share of neighbour similarity the event must hold
    second_event_ratio: float = 0.8  # a second event is kept when this close to the best
    review_below: float = 0.35  # confidence under which a person should check the assignment
    full_confidence_similarity: float = 0.6


class Assignment(BaseModel):
    """One model-made membership: procedure `code` belongs to event `event_id`."""

    model_config = ConfigDict(frozen=True)

    code: str
    event_id: str
    confidence: float = Field(ge=0, le=1)
    evidence: Evidence
    needs_review: bool


class AssignmentResult(BaseModel):
    """All model-made memberships of a catalog, and the procedures left outside every event."""

    model_config = ConfigDict(frozen=True)

    catalog_version: str
    assignments: list[Assignment]
    unassigned: list[str]

    def review_list(self) -> list[Assignment]:
        """Low-confidence assignments, least confident first."""
        return sorted((a for a in self.assignments if a.needs_review), key=lambda a: a.confidence)


def _curated_labels(taxonomy: Taxonomy) -> dict[str, set[str]]:
    labels: dict[str, set[str]] = defaultdict(set)
    for event in taxonomy.events:
        for member in event.members:
            labels[member.code].add(event.id)
    return labels


def assign_events(
    procedures: Iterable[Procedure],
    features: ProcedureFeatures,
    taxonomy: Taxonomy,
    *,
    catalog_version: str,
    settings: AssignmentSettings | None = None,
) -> AssignmentResult:
    """Assign every procedure that no curated event holds to its nearest events."""
    settings = settings or AssignmentSettings()
    labels = _curated_labels(taxonomy)
    seeds = [c for c in features.codes if c in labels]
    seed_rows = [features.index[c] for c in seeds]
    targets = [p for p in procedures if p.code not in labels and p.code in features.index]
    knn = NearestNeighbors(n_neighbors=min(settings.neighbours, len(seeds)), metric="cosine")
    knn.fit(features.matrix[seed_rows])
    target_rows = [features.index[p.code] for p in targets]
    distances, indices = knn.kneighbors(features.matrix[target_rows]) if targets else ([], [])

    assignments: list[Assignment] = []
    unassigned: list[str] = []
    for procedure, dist, idx in tqdm(
        zip(targets, distances, indices, strict=True), total=len(targets), desc="assign events", leave=False
    ):
        sims = np.clip(1.0 - np.asarray(dist), 0.0, 1.0)
        neighbour_codes = [seeds[i] for i in idx]
        if sims[0] < settings.min_similarity or sims.sum() == 0:
            unassigned.append(procedure.code)
            continue
        scores: dict[str, float] = defaultdict(float)
        for code, sim in zip(neighbour_codes, sims, strict=True):
            for event_id in labels[code]:
                scores[event_id] += float(sim)
        total = float(sims.sum())
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        best_share = ranked[0][1] / total
        if best_share < settings.min_share:
            unassigned.append(procedure.code)
            continue
        closeness = min(1.0, float(sims[0]) / settings.full_confidence_similarity)
        for event_id, score in ranked[:2]:
            share = score / total
            if event_id != ranked[0][0] and share < settings.second_event_ratio * best_share:
                break
            pairs = [(c, s) for c, s in zip(neighbour_codes, sims, strict=True) if event_id in labels[c]]
            members = [c for c, _ in pairs]
            same_field = any(features.fields[features.index[c]] == procedure.field for c in members)
            confidence = round(share * closeness, 3)
            assignments.append(
                Assignment(
                    code=procedure.code,
                    event_id=event_id,
                    confidence=confidence,
                    evidence=Evidence(
                        neighbours=members,
                        similarities=[round(float(s), 3) for _, s in pairs],
                        shared_field=procedure.field if same_field else None,
                    ),
                    needs_review=confidence < settings.review_below,
                )
            )
    return AssignmentResult(catalog_version=catalog_version, assignments=assignments, unassigned=unassigned)


class HoldoutReport(BaseModel):
    """How well the kNN recovers curated memberships it was not shown (leave-one-out)."""

    members: int
    top1_accuracy: float  # the best event is one the curator chose
    top2_recall: float  # one of the curator's events is among the two best


def holdout_accuracy(
    features: ProcedureFeatures, taxonomy: Taxonomy, *, settings: AssignmentSettings | None = None
) -> HoldoutReport:
    """Leave each curated procedure out, place it by its curated neighbours, compare."""
    settings = settings or AssignmentSettings()
    labels = _curated_labels(taxonomy)
    seeds = [c for c in features.codes if c in labels]
    rows = [features.index[c] for c in seeds]
    knn = NearestNeighbors(n_neighbors=min(settings.neighbours + 1, len(seeds)), metric="cosine")
    knn.fit(features.matrix[rows])
    distances, indices = knn.kneighbors(features.matrix[rows])
    top1 = top2 = 0
    for own, dist, idx in zip(range(len(seeds)), distances, indices, strict=True):
        scores: dict[str, float] = defaultdict(float)
        for d, i in zip(dist, idx, strict=True):
            if i == own:
                continue
            for event_id in labels[seeds[i]]:
                scores[event_id] += max(0.0, 1.0 - float(d))
        ranked = [e for e, _ in sorted(scores.items(), key=lambda kv: -kv[1])]
        truth = labels[seeds[own]]
        top1 += bool(ranked[:1]) and ranked[0] in truth
        top2 += bool(set(ranked[:2]) & truth)
    n = len(seeds)
    return HoldoutReport(members=n, top1_accuracy=round(top1 / n, 4), top2_recall=round(top2 / n, 4))
