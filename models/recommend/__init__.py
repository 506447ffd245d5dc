"""Related-service suggestions: curated event links, lifecycle, co-occurrence and content neighbours."""

from models.recommend.build import build_related_suggester, events_and_suggester
from models.recommend.cooccurrence import (
    CooccurrenceModel,
    DossierLog,
    DossierLogError,
    load_dossier_logs,
    synthetic_dossier_logs,
)
from models.recommend.schema import CaseProfile, Relation, Suggestion
from models.recommend.suggester import RelatedSuggester, SignalWeights
from models.recommend.variants import VariantIndex, variant_key

__all__ = [
    "CaseProfile",
    "CooccurrenceModel",
    "DossierLog",
    "DossierLogError",
    "RelatedSuggester",
    "Relation",
    "SignalWeights",
    "Suggestion",
    "VariantIndex",
    "build_related_suggester",
    "events_and_suggester",
    "load_dossier_logs",
    "synthetic_dossier_logs",
    "variant_key",
]
