"""The data model of an administrative procedure (thủ tục hành chính).

Facts only: codes, titles, field, levels, agencies, channels with time and fee, required-document
names, legal-basis numbers and titles, result documents. Step prose, condition prose and raw page
text are deliberately absent (see design.md, "Data rules").
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

CODE_PATTERN = re.compile(r"^\d\.\d{6}$")
# What the portal and the exports write in a field that states nothing.
NOT_STATED = "Không có thông tin"

_SPACES = re.compile(r"[\u00a0\u2007\u202f\u200b\ufeff\s]+")


def clean_text(value: str) -> str:
    """NFC-normalise, turn non-breaking and zero-width spaces into plain ones, collapse runs."""
    value = unicodedata.normalize("NFC", value)
    # Loading the catalog cleans ~100k strings that are already clean. `isprintable` is False for
    # every space but " " (NBSP, tabs, newlines, zero-width), so one C-level scan skips the regex.
    if not value.isprintable() or "  " in value:
        value = _SPACES.sub(" ", value)
    return value.strip()


def _clean_optional(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = clean_text(value)
    return cleaned or None


def _non_empty(value: str) -> str:
    value = clean_text(value)
    if not value:
        raise ValueError("must not be empty or only spaces")
    return value


def _valid_code(value: str) -> str:
    value = clean_text(value)
    if not CODE_PATTERN.match(value):
        raise ValueError(f"procedure code must look like 1.001193, got {value!r}")
    return value


# Required text (a title, a document's name or number): cleaned, and never empty.
Text = Annotated[str, AfterValidator(_non_empty)]
OptionalText = Annotated[str | None, AfterValidator(_clean_optional)]
ProcedureCode = Annotated[str, AfterValidator(_valid_code)]


class Level(StrEnum):
    """Administrative level that performs the procedure."""

    MINISTRY = "cấp bộ"
    PROVINCE = "cấp tỉnh"
    COMMUNE = "cấp xã"
    OTHER = "cơ quan khác"


LOCAL_LEVELS = frozenset({Level.PROVINCE, Level.COMMUNE})


class TargetGroup(StrEnum):
    """Who files the procedure, coarsened from the portal's list of subjects."""

    CITIZEN = "citizen"
    BUSINESS = "business"
    ORGANISATION = "organisation"
    FOREIGNER = "foreigner"
    OFFICIAL = "official"


class ChannelKind(StrEnum):
    """How a dossier can be submitted."""

    IN_PERSON = "in_person"
    ONLINE = "online"
    POST = "post"


class TimeUnit(StrEnum):
    WORKING_DAY = "working_day"
    DAY = "day"
    HOUR = "hour"
    MONTH = "month"
    YEAR = "year"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TimeLimit(_Model):
    """A processing time limit; `working_days` is the same limit normalised to working days."""

    amount: float = Field(ge=0)
    unit: TimeUnit
    working_days: float | None = Field(default=None, ge=0)
    text: OptionalText = None


class Fee(_Model):
    """A fee: `free`, an `amount` in VND (or USD for some foreigners' papers), or only `text`."""

    kind: Literal["free", "amount", "text"]
    amount_vnd: int | None = Field(default=None, ge=0)
    amount_usd: float | None = Field(default=None, ge=0)
    text: OptionalText = None


class Channel(_Model):
    kind: ChannelKind
    time_limit: TimeLimit | None = None
    fee: Fee | None = None


class RequiredDocument(_Model):
    name: Text
    originals: int | None = Field(default=None, ge=0)
    copies: int | None = Field(default=None, ge=0)
    form: OptionalText = None
    group: OptionalText = None


class LegalBasis(_Model):
    number: Text
    title: OptionalText = None


class ResultDocument(_Model):
    name: Text
    code: OptionalText = None


class Procedure(_Model):
    """One administrative procedure of the national catalog, facts only."""

    code: ProcedureCode
    title: Text
    field: OptionalText = None
    levels: list[Level] = Field(default_factory=list)
    procedure_type: OptionalText = None
    target_groups: list[TargetGroup] = Field(default_factory=list)
    subjects: list[Text] = Field(default_factory=list)
    competent_agency: OptionalText = None
    performing_agency: OptionalText = None
    decision_number: OptionalText = None
    ministry: OptionalText = None
    channels: list[Channel] = Field(default_factory=list)
    documents: list[RequiredDocument] = Field(default_factory=list)
    legal_basis: list[LegalBasis] = Field(default_factory=list)
    results: list[ResultDocument] = Field(default_factory=list)
    fully_online: bool = False
    fully_online_source: Literal["derived", "official"] = "derived"
    source: Text
    source_url: OptionalText = None
    imported_on: date

    @property
    def has_online_channel(self) -> bool:
        return any(c.kind is ChannelKind.ONLINE for c in self.channels)

    @property
    def is_local(self) -> bool:
        """Performed at city (cấp tỉnh) or commune (cấp xã) level: what Hà Nội runs."""
        return any(level in LOCAL_LEVELS for level in self.levels)


def derive_fully_online(channels: list[Channel]) -> bool:
    """Derived 'toàn trình' flag: the portal offers an online channel for the procedure.

    The export has no toàn trình flag; an online submission channel is the closest fact it holds
    (design.md). An official list of codes overrides this (see `catalog.official`).
    """
    return any(c.kind is ChannelKind.ONLINE for c in channels)
