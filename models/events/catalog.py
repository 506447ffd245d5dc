"""`EventCatalog`: the events with their curated and model-assigned members, looked up by id or code."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np

from catalog.store import Catalog
from models.events.assignment import AssignmentResult, AssignmentSettings, assign_events
from models.events.features import ProcedureFeatures, build_features
from models.events.schema import EventKind, EventMember, LifeEvent, MemberRole, MemberSource
from models.events.taxonomy import Taxonomy, check_against_catalog, load_taxonomy


class UnknownEventError(KeyError):
    """No event with this id."""

    def __init__(self, event_id: str) -> None:
        super().__init__(event_id)
        self.event_id = event_id

    def __str__(self) -> str:
        return f"no event with id {self.event_id!r}"


def _with_model_members(event: LifeEvent, assigned: list) -> LifeEvent:
    """The event with its model-assigned members added at the step of their nearest curated member."""
    if not assigned:
        return event
    steps = {m.code: m.step for m in event.members}
    extra = [
        EventMember(
            code=a.code,
            role=MemberRole.SITUATIONAL,
            step=next((steps[c] for c in a.evidence.neighbours if c in steps), len(event.steps) - 1),
            source=MemberSource.MODEL,
            confidence=a.confidence,
            evidence=a.evidence,
        )
        for a in assigned
    ]
    return event.model_copy(update={"members": [*event.members, *extra]})


class EventCatalog:
    """Life and business events over one catalog: curated members plus model assignments."""

    def __init__(self, taxonomy: Taxonomy, assignments: AssignmentResult) -> None:
        by_event: dict[str, list] = defaultdict(list)
        for assignment in assignments.assignments:
            by_event[assignment.event_id].append(assignment)
        self.taxonomy = taxonomy
        self.assignments = assignments
        self._events = {e.id: _with_model_members(e, by_event[e.id]) for e in taxonomy.events}
        self._by_code: dict[str, list[str]] = defaultdict(list)
        for event in self._events.values():
            for code in event.codes():
                self._by_code[code].append(event.id)

    @classmethod
    def build(
        cls,
        catalog: Catalog,
        *,
        taxonomy: Taxonomy | None = None,
        dense: np.ndarray | None = None,
        features: ProcedureFeatures | None = None,
        settings: AssignmentSettings | None = None,
    ) -> EventCatalog:
        """Check the curated taxonomy against `catalog` and assign the rest of it to events.

        `dense` is an optional embedding matrix aligned with the catalog's iteration order.
        """
        taxonomy = taxonomy or load_taxonomy()
        check_against_catalog(taxonomy, catalog)
        procedures = list(catalog)
        features = features or build_features(procedures, dense=dense)
        result = assign_events(
            procedures, features, taxonomy, catalog_version=catalog.version, settings=settings
        )
        return cls(taxonomy, result)

    def save(self, path: Path) -> None:
        """Write the model assignments (the taxonomy ships with the code)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.assignments.model_dump_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: Path, *, taxonomy: Taxonomy | None = None) -> EventCatalog:
        """Read assignments written by `save`."""
        result = AssignmentResult.model_validate_json(path.read_text(encoding="utf-8"))
        return cls(taxonomy or load_taxonomy(), result)

    def list(self, *, kind: EventKind | str | None = None) -> list[LifeEvent]:
        """All events, or those of one kind (`life` or `business`), in taxonomy order."""
        wanted = EventKind(kind) if kind is not None else None
        return [e for e in self._events.values() if wanted is None or e.kind is wanted]

    def get(self, *, event_id: str) -> LifeEvent | None:
        return self._events.get(event_id)

    def get_or_raise(self, *, event_id: str) -> LifeEvent:
        event = self.get(event_id=event_id)
        if event is None:
            raise UnknownEventError(event_id)
        return event

    def events_for(self, *, code: str) -> list[LifeEvent]:
        """Events a procedure belongs to, curated memberships first."""
        events = [self._events[i] for i in self._by_code.get(code.strip(), [])]
        return sorted(events, key=lambda e: e.member(code).source is not MemberSource.CURATED)

    def codes_in_events(self) -> set[str]:
        return set(self._by_code)
