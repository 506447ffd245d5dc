"""Business onboarding: profile → dated 12-month start-up plan, and support-policy suggestions."""

from models.business.planner import StartupPlan, StartupPlanner, TimelineItem, VatMethod
from models.business.policies import PolicyMatch, PolicyMatcher
from models.business.profile import BusinessProfile, LegalForm, ProfileError, RevenueBand, parse_profile

__all__ = [
    "BusinessProfile",
    "LegalForm",
    "PolicyMatch",
    "PolicyMatcher",
    "ProfileError",
    "RevenueBand",
    "StartupPlan",
    "StartupPlanner",
    "TimelineItem",
    "VatMethod",
    "parse_profile",
]
