"""`RelatedSuggester`: what else a person or business needs while a dossier is open.

Candidates come from four signals, blended by weight (see `SignalWeights`):
- event co-membership: other members of the life events the filed procedure belongs to, placed
  before/after it by the event's steps, weighted by core/situational role and by whether a person
  curated the membership or the assignment model proposed it;
- lifecycle: later stages of the same registration (`lifecycle.py`);
- co-occurrence: procedures filed in the same cases in dossier logs (`cooccurrence.py`);
- content neighbours: closest procedures by words, field and target group, and by e5 embeddings
  through FAISS when the dense index is supplied — so a new procedure without history or event
  still gets suggestions.
The filed codes, their mutually exclusive variants and what a filed liên thông procedure already
covers are never suggested. The profile then filters (foreign-element variants only when the
case involves a foreigner; nothing limited to border areas) and re-weights (applicant type,
employees, words of the situation). Everything heavy is precomputed in `build`; `suggest` only
merges a few hundred edges.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from catalog.schema import Procedure, TargetGroup
from catalog.store import Catalog
from models.events.catalog import EventCatalog
from models.events.features import ProcedureFeatures, build_features
from models.events.schema import EventMember, LifeEvent, MemberRole, MemberSource
from models.recommend.cooccurrence import CooccurrenceModel
from models.recommend.legal import LegalBases
from models.recommend.lifecycle import (
    ParsedTitle,
    Stage,
    ends_what_starts,
    lifecycle_links,
    parse_title,
    same_object,
)
from models.recommend.reasons import (
    content_reason,
    cooccurrence_reason,
    event_reason,
    lifecycle_reason,
    profile_event_reason,
)
from models.recommend.schema import CaseProfile, Relation, Suggestion
from models.recommend.situation import mentions_foreign_element, overlap
from models.recommend.variants import VariantIndex, is_border_area, is_foreign_element
from models.text.normalize import normalize_vietnamese

_PAYROLL_WORDS = ("tiền lương", "người lao động", "tai nạn lao động")


@dataclass(frozen=True)
class SignalWeights:
    event: float = 1.0
    lifecycle: float = 0.9
    cooccurrence: float = 0.5
    content: float = 0.35
    embedding: float = 0.35
    situational_role: float = 0.6
    # After a start (register, found), ending or suspending it comes last: people run the thing
    # first. A later stage of the option not chosen at a choose-one step (extend a tạm trú after
    # registering thường trú) is the other path's.
    end_after_start: float = 0.4
    other_path: float = 0.3
    # Two procedures of one field and target group with no word in common already reach a cosine
    # of 0.29 (`FeatureWeights`): a content neighbour must share words too. The nearest few are
    # kept whatever their similarity, so a procedure without close neighbours still gets some.
    min_content_similarity: float = 0.35
    content_always_kept: int = 3
    situational_given: float = 0.6
    model_member: float = 0.4
    order_after: float = 1.0
    order_same: float = 0.8
    order_before: float = 0.6


@dataclass(frozen=True)
class Edge:
    """One reason to suggest `code` beside a filed procedure."""

    code: str
    weight: float
    relation: Relation
    source: str
    reason: Callable[[], str]  # rendered only for the suggestions shown
    situation: str | None = None


@dataclass
class _Candidate:
    total: float = 0.0
    best: Edge | None = None
    sources: set[str] = field(default_factory=set)
    situations: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _BuildContext:
    catalog: Catalog
    bases: LegalBases
    words: dict[str, frozenset[str]]
    weights: SignalWeights
    events_of: dict[str, frozenset[str]]
    stages: dict[str, ParsedTitle | None]


class RelatedSuggester:
    """Related-procedure suggestions for the codes of an open dossier."""

    def __init__(
        self,
        catalog: Catalog,
        edges: Mapping[str, list[Edge]],
        variants: VariantIndex,
        covered_by_joint: Mapping[str, set[str]],
        payroll_codes: set[str],
        *,
        exclusive_options: Mapping[str, set[str]] | None = None,
        employer_edges: Sequence[Edge] = (),
        business_codes: set[str] | frozenset[str] = frozenset(),
        max_edges: int = 80,
    ) -> None:
        self.catalog = catalog
        # Only the strongest edges per code matter for a top 10; bounding them bounds latency.
        self._edges = {
            code: sorted(found, key=lambda e: -e.weight)[:max_edges] for code, found in edges.items()
        }
        self._foreign = {p.code for p in catalog if is_foreign_element(p)}
        self._border = {p.code for p in catalog if is_border_area(p)}
        self._variants = variants
        self._covered = covered_by_joint
        self._payroll = payroll_codes
        self._exclusive = exclusive_options or {}
        self._employer_edges = list(employer_edges)
        self._business_codes = business_codes
        self.corroboration = 0.35

    # ------------------------------------------------------------------ build
    @classmethod
    def build(
        cls,
        catalog: Catalog,
        events: EventCatalog,
        *,
        cooccurrence: CooccurrenceModel | None = None,
        features: ProcedureFeatures | None = None,
        embedding_neighbours: Mapping[str, Sequence[tuple[str, float]]] | None = None,
        weights: SignalWeights | None = None,
        content_neighbours: int = 12,
    ) -> RelatedSuggester:
        """Precompute every edge of the related-procedure graph over `catalog`.

        `embedding_neighbours`: code → [(code, cosine)] from the FAISS dense index, when built.
        """
        procedures = list(catalog)
        context = _BuildContext(
            catalog=catalog,
            bases=LegalBases(procedures),
            words={p.code: frozenset(normalize_vietnamese(p.title).split()) for p in procedures},
            weights=weights or SignalWeights(),
            events_of=_events_of(events, VariantIndex(procedures)),
            stages={p.code: parse_title(p.title) for p in procedures},
        )
        features = features or build_features(procedures)
        edges: dict[str, list[Edge]] = defaultdict(list)
        for event in events.list():
            _add_event_edges(edges, event, context)
        _add_lifecycle_edges(edges, procedures, context)
        if cooccurrence is not None:
            _add_cooccurrence_edges(edges, cooccurrence, context)
        _add_content_edges(edges, features, context, content_neighbours)
        for code, neighbours in (embedding_neighbours or {}).items():
            if code in catalog:
                _add_neighbour_edges(edges, code, neighbours, context, context.weights.embedding, "embedding")
        covered: dict[str, set[str]] = defaultdict(set)
        for joint in events.taxonomy.joint:
            covered[joint.code].update(joint.includes)
            for part in joint.includes:
                covered[part].add(joint.code)
        payroll = {p.code for p in procedures if any(word in p.title.lower() for word in _PAYROLL_WORDS)}
        return cls(
            catalog,
            dict(edges),
            VariantIndex(procedures),
            dict(covered),
            payroll,
            exclusive_options=_exclusive_options(events),
            employer_edges=_employer_edges(events, context),
            business_codes={
                m.code
                for e in events.list(kind="business")
                for m in e.members
                if m.source is MemberSource.CURATED
            },
        )

    # ------------------------------------------------------------------ query
    def excluded_for(self, codes: Sequence[str]) -> set[str]:
        """The filed codes, their variants, the other options of a choose-one step they belong to
        and what their liên thông bundles cover."""
        excluded = set(codes)
        for code in codes:
            excluded |= self._variants.variants_of(code)
            excluded |= self._covered.get(code, set())
            excluded |= self._exclusive.get(code, set())
        return excluded

    def suggest(
        self, *, codes: Sequence[str], profile: CaseProfile | None = None, limit: int = 10
    ) -> list[Suggestion]:
        """Up to `limit` related procedures for a dossier filing `codes`, best first.

        Raises `UnknownProcedureError` for a code the catalog lacks, `ValueError` for no codes.
        """
        codes = list(dict.fromkeys(c.strip() for c in codes))
        if not codes:
            raise ValueError("give at least one procedure code")
        filed = [self.catalog.get_or_raise(code=c) for c in codes]
        profile = profile or CaseProfile()
        excluded = self.excluded_for(codes)
        candidates: dict[str, _Candidate] = defaultdict(_Candidate)
        # An employer's own obligations join cases about running the business, not every case.
        employer = (
            profile.has_employees
            and profile.applicant_type != "citizen"
            and any(c in self._business_codes for c in codes)
        )
        for code in [*codes, None] if employer else codes:
            for edge in self._edges.get(code, ()) if code is not None else self._employer_edges:
                if edge.code in excluded:
                    continue
                candidate = candidates[edge.code]
                candidate.total += edge.weight
                candidate.sources.add(edge.source)
                if edge.situation:
                    candidate.situations.append(edge.situation)
                if candidate.best is None or edge.weight > candidate.best.weight:
                    candidate.best = edge
        foreign_asked = profile.is_foreigner or mentions_foreign_element(profile.context)
        foreign_ok = foreign_asked or any(p.code in self._foreign for p in filed)
        border_ok = any(p.code in self._border for p in filed)
        ranked: list[tuple[float, str, _Candidate]] = []
        for code, candidate in candidates.items():
            if (not foreign_ok and code in self._foreign) or (not border_ok and code in self._border):
                continue
            procedure = self.catalog.get_or_raise(code=code)
            score = self._blend(candidate) * self._profile_factor(procedure, candidate, profile)
            ranked.append((score, code, candidate))
        if foreign_asked:
            ranked = self._foreign_variants_first(ranked)
        ranked.sort(key=lambda item: (-item[0], item[1] not in self._foreign, item[1]))
        suggestions: list[Suggestion] = []
        seen_acts: set[str | None] = set()
        for score, code, candidate in ranked:
            act = self._variants.key(code)
            if act in seen_acts:  # one variant of an act is enough
                continue
            seen_acts.add(act)
            edge = candidate.best
            suggestions.append(
                Suggestion(
                    code=code,
                    title=self.catalog.get_or_raise(code=code).title,
                    relation=edge.relation,
                    reason=edge.reason(),
                    score=round(score, 4),
                    sources=sorted(candidate.sources),
                )
            )
            if len(suggestions) >= limit:
                break
        return suggestions

    def _foreign_variants_first(
        self, ranked: list[tuple[float, str, _Candidate]]
    ) -> list[tuple[float, str, _Candidate]]:
        """When the case involves a foreign element, the foreign-element variant of an act stands
        in for it at the act's best score: only one variant is shown, and the plain one (marriage
        registration between Vietnamese) is the wrong one for this case."""
        best: dict[str | None, float] = defaultdict(float)
        for score, code, _ in ranked:
            act = self._variants.key(code)
            best[act] = max(best[act], score)
        return [
            (best[self._variants.key(code)] if code in self._foreign else score, code, candidate)
            for score, code, candidate in ranked
        ]

    def _blend(self, candidate: _Candidate) -> float:
        """The strongest reason counts fully, the others add a damped share: many weak, similar-
        sounding signals (words, lifecycle, logs) must not outrank one strong curated link."""
        strongest = candidate.best.weight if candidate.best else 0.0
        return strongest + self.corroboration * (candidate.total - strongest)

    def _profile_factor(self, procedure: Procedure, candidate: _Candidate, profile: CaseProfile) -> float:
        factor = 1.0
        groups = set(procedure.target_groups)
        if (
            profile.applicant_type == "citizen"
            and groups
            and not groups
            & {
                TargetGroup.CITIZEN,
                TargetGroup.FOREIGNER,
            }
        ):
            factor *= 0.3
        if profile.applicant_type == "business" and groups == {TargetGroup.CITIZEN}:
            factor *= 0.5
        if profile.has_employees is False and procedure.code in self._payroll:
            factor *= 0.3
        elif profile.has_employees and procedure.code in self._payroll:
            factor *= 1.3
        context = profile.context
        if context:
            texts = [procedure.title, *candidate.situations]
            factor *= 1.0 + max(overlap(context, text) for text in texts)
        return factor


def _employer_edges(events: EventCatalog, context: _BuildContext) -> list[Edge]:
    """Core members of the events an employer is always in (`applies_when: has_employees`)."""
    found = []
    for event in events.list():
        if event.applies_when != "has_employees":
            continue
        for member in event.members:
            if member.role is not MemberRole.CORE or member.source is not MemberSource.CURATED:
                continue
            # The event's law binds the employer, but a member is cited by a document it rests on
            # itself: a PIT return is not "căn cứ Luật Bảo hiểm xã hội".
            basis = context.bases.own(member.code, event.legal_basis) or context.bases.main(member.code)
            reason = partial(
                profile_event_reason,
                event_name=event.name_vi,
                step=event.steps[member.step].name_vi,
                basis=basis,
            )
            found.append(
                Edge(member.code, 0.8 * context.weights.event, Relation.COMPANION, "profile", reason)
            )
    return found


def _events_of(events: EventCatalog, variants: VariantIndex) -> dict[str, frozenset[str]]:
    """Code → the events a person placed it, or another variant of its act, in (model assignments
    are only a guess from the same wording the content neighbours come from)."""
    by_act: dict[str | None, set[str]] = defaultdict(set)
    for event in events.list():
        for member in event.members:
            if member.source is MemberSource.CURATED:
                by_act[variants.key(member.code)].add(event.id)
    found = {code: by_act.get(variants.key(code)) for code in variants.codes()}
    return {code: frozenset(ids) for code, ids in found.items() if ids}


def _exclusive_options(events: EventCatalog) -> dict[str, set[str]]:
    """Code → the other curated options of every choose-one step it is an option of."""
    options: dict[str, set[str]] = defaultdict(set)
    for event in events.list():
        for index, step in enumerate(event.steps):
            if not step.choose_one:
                continue
            codes = {m.code for m in event.members if m.step == index and m.source is MemberSource.CURATED}
            for code in codes:
                options[code] |= codes - {code}
    return dict(options)


# ---------------------------------------------------------------------- edge builders
def _relation_by_step(given_step: int, candidate_step: int) -> Relation:
    if candidate_step > given_step:
        return Relation.FOLLOW_UP
    if candidate_step < given_step:
        return Relation.PREREQUISITE
    return Relation.COMPANION


def _add_event_edges(edges: dict[str, list[Edge]], event: LifeEvent, context: _BuildContext) -> None:
    w = context.weights
    members = [m for m in event.members if m.code in context.catalog]
    for given in members:
        # How surely this event is the person's context: a filed core member says so, a
        # situational one (or a model-assigned one) only maybe.
        given_factor = 1.0 if given.source is MemberSource.CURATED else w.model_member * given.confidence
        if given.role is MemberRole.SITUATIONAL:
            given_factor *= w.situational_given
        given_words = context.words[given.code]
        not_chosen = _options_not_chosen(event, given, context)
        for other in members:
            if other.code == given.code:
                continue
            if given.source is MemberSource.MODEL and other.source is MemberSource.MODEL:
                continue
            relation = _relation_by_step(given.step, other.step)
            words = context.words[other.code]
            if relation is Relation.COMPANION and len(words & given_words) >= 0.5 * len(words | given_words):
                relation = Relation.ALTERNATIVE
            order = {Relation.FOLLOW_UP: w.order_after, Relation.PREREQUISITE: w.order_before}.get(
                relation, w.order_same
            )
            role = 1.0 if other.role is MemberRole.CORE else w.situational_role
            curated = other.source is MemberSource.CURATED
            source = 1.0 if curated else w.model_member * other.confidence
            # The event's law links its core path, cited only when the suggested procedure rests
            # on it too; otherwise cite what the two share or the suggested procedure's main law.
            both_core = given.role is MemberRole.CORE and other.role is MemberRole.CORE
            basis = (
                context.bases.shared(given.code, other.code)
                or (context.bases.own(other.code, event.legal_basis) if both_core else None)
                or context.bases.main(other.code)
            )
            reason = partial(
                event_reason,
                event_name=event.name_vi,
                given_step=event.steps[given.step].name_vi,
                candidate_step=event.steps[other.step].name_vi,
                relation=relation.value,
                situation=other.situation,
                basis=basis,
            )
            weight = w.event * given_factor * role * source * order
            weight *= _stage_factor(given.code, other.code, not_chosen, context)
            kind = "event" if curated else "event_model"
            edges[given.code].append(Edge(other.code, weight, relation, kind, reason, other.situation))


def _add_lifecycle_edges(
    edges: dict[str, list[Edge]], procedures: Sequence[Procedure], context: _BuildContext
) -> None:
    for code, links in lifecycle_links(procedures).items():
        for link in links:
            reason = partial(
                lifecycle_reason,
                action=link.action,
                object_text=link.object_text,
                basis=context.bases.shared(code, link.code),
            )
            weight = context.weights.lifecycle * link.strength
            weight *= _stage_factor(code, link.code, [], context)
            edges[code].append(Edge(link.code, weight, Relation.FOLLOW_UP, "lifecycle", reason))


def _options_not_chosen(event: LifeEvent, given: EventMember, context: _BuildContext) -> list[ParsedTitle]:
    """What the other options of the given member's choose-one step start (tạm trú beside thường
    trú), read as lifecycle titles."""
    if not event.steps[given.step].choose_one or given.source is not MemberSource.CURATED:
        return []
    found = []
    for member in event.members:
        if member.step == given.step and member.code != given.code and member.source is MemberSource.CURATED:
            parsed = context.stages.get(member.code)
            if parsed is not None and parsed.stage is Stage.START:
                found.append(parsed)
    return found


def _stage_factor(
    given: str, candidate: str, not_chosen: Sequence[ParsedTitle], context: _BuildContext
) -> float:
    """Down-weights what comes last after a start, and the later stages of an option not chosen."""
    w = context.weights
    mine, theirs = context.stages.get(given), context.stages.get(candidate)
    factor = w.end_after_start if ends_what_starts(mine, theirs) else 1.0
    if (
        theirs is not None
        and theirs.stage in (Stage.CHANGE, Stage.END)
        and any(same_object(option, theirs) for option in not_chosen)
        and not (mine is not None and same_object(mine, theirs))
    ):
        factor *= w.other_path
    return factor


def _add_cooccurrence_edges(
    edges: dict[str, list[Edge]], model: CooccurrenceModel, context: _BuildContext
) -> None:
    for code, neighbours in model.neighbours.items():
        given = context.catalog.get(code=code)
        if given is None:
            continue
        for n in neighbours:
            if n.code not in context.catalog:
                continue
            if n.after_share >= 0.6:
                relation = Relation.FOLLOW_UP
            elif n.after_share <= 0.4:
                relation = Relation.PREREQUISITE
            else:
                relation = Relation.COMPANION
            reason = partial(
                cooccurrence_reason,
                given_title=given.title,
                after_share=n.after_share,
                synthetic=model.synthetic,
            )
            weight = context.weights.cooccurrence * n.similarity
            edges[code].append(Edge(n.code, weight, relation, "cooccurrence", reason))


def _add_neighbour_edges(
    edges: dict[str, list[Edge]],
    code: str,
    neighbours: Sequence[tuple[str, float]],
    context: _BuildContext,
    weight: float,
    source: str,
) -> None:
    given = context.catalog.get_or_raise(code=code)
    given_events = context.events_of.get(code, frozenset())
    for other, similarity in neighbours:
        procedure = context.catalog.get(code=other)
        if procedure is None or other == code:
            continue
        # Two procedures curated into different life events and never into the same one belong
        # to different situations however alike their wording (birth and death registration).
        other_events = context.events_of.get(other, frozenset())
        if given_events and other_events and not given_events & other_events:
            continue
        # A rare document both rest on is evidence they go together; one half of the catalog
        # cites is none, so the weight grows with the shared document's rarity.
        basis, rarity = context.bases.rarest_shared(code, other)
        reason = partial(
            content_reason,
            field=procedure.field,
            basis=basis,
            same_field=procedure.field == given.field,
        )
        strength = weight * float(similarity) * (0.5 + 0.5 * rarity)
        edges[code].append(Edge(other, strength, Relation.COMPANION, source, reason))


def _add_content_edges(
    edges: dict[str, list[Edge]], features: ProcedureFeatures, context: _BuildContext, top: int
) -> None:
    similarity = (features.matrix @ features.matrix.T).tocsr()
    for row, code in enumerate(features.codes):
        start, end = similarity.indptr[row], similarity.indptr[row + 1]
        columns, values = similarity.indices[start:end], similarity.data[start:end]
        order = np.argsort(-values)[: top + 1]
        neighbours = [(features.codes[columns[i]], float(values[i])) for i in order if columns[i] != row]
        w = context.weights
        close = [
            pair
            for rank, pair in enumerate(neighbours[:top])
            if rank < w.content_always_kept or pair[1] >= w.min_content_similarity
        ]
        _add_neighbour_edges(edges, code, close, context, w.content, "content")
