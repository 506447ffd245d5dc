"""Boundary models of related-service suggestions: the case profile in, suggestions out."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

from catalog.schema import clean_text
from models.business.profile import parse_employee_text
from models.text.normalize import fold_diacritics, normalize_vietnamese


class Relation(StrEnum):
    """How a suggested procedure relates to the one being filed."""

    PREREQUISITE = "prerequisite"  # usually done before
    COMPANION = "companion"  # filed alongside, same bundle
    FOLLOW_UP = "follow_up"  # comes after
    ALTERNATIVE = "alternative"  # another way, in another situation


_PERSON_WORDS = {"citizen", "person", "individual", "cong_dan", "ca_nhan"}
_BUSINESS_WORDS = {"business", "company", "enterprise", "organisation", "organization", "doanh_nghiep"}
_HOUSEHOLD_WORDS = {"household_business", "ho_kinh_doanh"}
# Compared with marks folded and spaces removed, after the words that only frame a nationality.
_VIETNAMESE = {"vn", "vietnam", "viet", "vietnamese"}
_NATIONALITY_FRAME = {"nguoi", "quoc", "tich", "cong", "dan", "nuoc"}


class CaseProfile(BaseModel):
    """Who is filing and in what situation; every key optional, unknown keys ignored.

    Ignored means they never fail a request: their text values still join `notes`, the words the
    situation matching reads ("revenue": "trên 1 tỷ đồng/năm" says something about a household
    business), and `employees` as a number or text ("5", "0-3") sets `has_employees`.
    """

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    applicant_type: Literal["citizen", "business", "household_business"] | None = Field(
        default=None, validation_alias=AliasChoices("applicant_type", "kind")
    )
    situation: str | None = None
    age_group: str | None = None
    has_employees: bool | None = None
    nationality: str | None = None
    notes: str | None = Field(default=None, description="text of keys this model does not name")

    @model_validator(mode="before")
    @classmethod
    def _collect_unknown(cls, data: object) -> object:
        if not isinstance(data, dict):
            return data
        known = set(cls.model_fields) | {"kind"}
        data = dict(data)
        if data.get("has_employees") is None:
            data["has_employees"] = _has_employees(data.get("employees"))
        texts = [v for k, v in data.items() if k not in known and isinstance(v, str) and v.strip()]
        if texts and not data.get("notes"):
            data["notes"] = "; ".join(texts)
        return data

    @property
    def context(self) -> str | None:
        """Situation, age group and notes together: every free text the case gave."""
        parts = [p for p in (self.situation, self.age_group, self.notes) if p]
        return ". ".join(parts) or None

    @field_validator("applicant_type", mode="before")
    @classmethod
    def _applicant(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        key = value.strip().lower().replace(" ", "_").replace("-", "_")
        if key in _PERSON_WORDS:
            return "citizen"
        if key in _HOUSEHOLD_WORDS:
            return "household_business"
        if key in _BUSINESS_WORDS:
            return "business"
        return None  # an unknown applicant word narrows nothing

    @field_validator("situation", "age_group", "nationality", "notes", mode="before")
    @classmethod
    def _text(cls, value: object) -> object:
        return clean_text(value) or None if isinstance(value, str) else value

    @property
    def is_foreigner(self) -> bool:
        """A nationality is given and it is not Vietnamese ("Việt Nam", "Viet Nam", "người Việt")."""
        if self.nationality is None:
            return False
        words = fold_diacritics(normalize_vietnamese(self.nationality)).split()
        return "".join(w for w in words if w not in _NATIONALITY_FRAME) not in _VIETNAMESE


class Suggestion(BaseModel):
    """One related procedure to offer, with why in one plain-Vietnamese sentence."""

    model_config = ConfigDict(frozen=True)

    code: str
    title: str
    relation: Relation
    reason: str
    score: float = Field(ge=0)
    sources: list[str] = Field(default_factory=list, description="signals that proposed it")


def _has_employees(employees: object) -> bool | None:
    """Whether an `employees` value says the business has staff: a count, or text read as the
    start-up profile reads it ("0-3", "dưới 5", "chưa có"), whose upper bound (else lower bound)
    is above zero; None when the text gives no count."""
    if isinstance(employees, bool):
        return employees
    if isinstance(employees, int | float):
        return employees > 0
    if isinstance(employees, str):
        try:
            low, high, _ = parse_employee_text(employees)
        except ValueError:
            return None
        return (high if high is not None else low) > 0
    return None
