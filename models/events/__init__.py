"""Life and business events: the curated taxonomy, model assignment of the rest, the event catalog."""

from models.events.schema import (
    EventKind,
    EventMember,
    EventStep,
    Evidence,
    JointProcedure,
    LifeEvent,
    MemberRole,
)
from models.events.taxonomy import Taxonomy, TaxonomyError, check_against_catalog, load_taxonomy

__all__ = [
    "EventKind",
    "EventMember",
    "EventStep",
    "Evidence",
    "JointProcedure",
    "LifeEvent",
    "MemberRole",
    "Taxonomy",
    "TaxonomyError",
    "check_against_catalog",
    "load_taxonomy",
]
