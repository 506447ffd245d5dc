"""Life and business events: the curated taxonomy, model assignment of the rest, the event catalog."""

from models.events.assignment import Assignment, AssignmentResult, AssignmentSettings, assign_events
from models.events.catalog import EventCatalog, UnknownEventError
from models.events.schema import (
    EventKind,
    EventMember,
    EventStep,
    Evidence,
    JointProcedure,
    LifeEvent,
    MemberRole,
    MemberSource,
)
from models.events.taxonomy import Taxonomy, TaxonomyError, check_against_catalog, load_taxonomy

__all__ = [
    "Assignment",
    "AssignmentResult",
    "AssignmentSettings",
    "EventCatalog",
    "EventKind",
    "EventMember",
    "EventStep",
    "Evidence",
    "JointProcedure",
    "LifeEvent",
    "MemberRole",
    "MemberSource",
    "Taxonomy",
    "TaxonomyError",
    "UnknownEventError",
    "assign_events",
    "check_against_catalog",
    "load_taxonomy",
]
