"""The life- and business-event model: events, their ordered steps and member procedures."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from catalog.schema import CODE_PATTERN, clean_text


class EventKind(StrEnum):
    LIFE = "life"
    BUSINESS = "business"


class MemberRole(StrEnum):
    """`core`: the usual path of the event; `situational`: only in the stated situation."""

    CORE = "core"
    SITUATIONAL = "situational"


class MemberSource(StrEnum):
    """Who put a procedure into an event: a person (curated) or the assignment model."""

    CURATED = "curated"
    MODEL = "model"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _code(value: str) -> str:
    value = clean_text(value)
    if not CODE_PATTERN.match(value):
        raise ValueError(f"procedure code must look like 1.001193, got {value!r}")
    return value


class Evidence(_Model):
    """Why the model put a procedure into an event: the curated neighbours and shared field."""

    neighbours: list[str] = Field(default_factory=list, description="closest curated members, best first")
    similarities: list[float] = Field(default_factory=list)
    shared_field: str | None = None


class EventMember(_Model):
    """One procedure in an event, at one step."""

    code: str
    role: MemberRole
    step: int = Field(ge=0, description="index into the event's steps")
    situation: str | None = Field(default=None, description="when it applies, in plain Vietnamese")
    source: MemberSource = MemberSource.CURATED
    confidence: float = Field(default=1.0, ge=0, le=1)
    evidence: Evidence | None = None

    @field_validator("code")
    @classmethod
    def _valid_code(cls, value: str) -> str:
        return _code(value)


class EventStep(_Model):
    name_vi: str
    choose_one: bool = Field(default=False, description="members are mutually exclusive options")


class LifeEvent(_Model):
    """A life or business event with ordered steps and the procedures that belong to it."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name_vi: str
    name_en: str
    kind: EventKind
    description: str
    legal_basis: str | None = None
    applies_when: Literal["has_employees"] | None = Field(
        default=None, description="a profile flag that brings this event into any case of its holder"
    )
    steps: list[EventStep]
    members: list[EventMember]

    @field_validator("name_vi", "name_en", "description")
    @classmethod
    def _nfc(cls, value: str) -> str:
        return clean_text(value)

    def codes(self) -> list[str]:
        """Member codes in step order, each once."""
        return list(dict.fromkeys(m.code for m in sorted(self.members, key=lambda m: m.step)))

    def member(self, code: str) -> EventMember | None:
        """The first (earliest-step) membership of a code, or None."""
        return next((m for m in sorted(self.members, key=lambda m: m.step) if m.code == code), None)


class JointProcedure(_Model):
    """A liên thông procedure: filing it covers the procedures it includes."""

    code: str
    includes: list[str]
    legal_basis: str
    summary: str
