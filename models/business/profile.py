"""The business profile the start-up planner and the policy matcher reason about.

Accepts the machine interface's keys (`legal_form`, `activity`, `employees`, `trade`, ...) and,
for the evaluation files and counter forms, a Vietnamese `kind` ("hộ kinh doanh", "công ty cổ
phần") and an employee range ("0-3"). Anything else that cannot be read gets a clear message.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from models.text.normalize import fold_diacritics

VIETNAM_TIME = ZoneInfo("Asia/Ho_Chi_Minh")


def _utc_now() -> datetime:
    return datetime.now(UTC)


def vietnam_today() -> date:
    """Today in Việt Nam (UTC+7), whatever the server's time zone: from 17:00 UTC it is already tomorrow."""
    return _utc_now().astimezone(VIETNAM_TIME).date()


class LegalForm(StrEnum):
    """Legal forms a new business can register (Luật Doanh nghiệp 59/2020/QH14, Luật HTX 17/2023/QH15)."""

    HO_KINH_DOANH = "ho_kinh_doanh"
    DNTN = "dntn"
    TNHH_1TV = "tnhh_1tv"
    TNHH_2TV = "tnhh_2tv"
    CO_PHAN = "co_phan"
    HOP_TAC_XA = "hop_tac_xa"

    @property
    def label(self) -> str:
        return _LEGAL_FORM_LABELS[self]

    @property
    def label_sentence(self) -> str:
        """The label starting a sentence ("Công ty TNHH ...", not "Công ty tnhh ...")."""
        label = _LEGAL_FORM_LABELS[self]
        return label[0].upper() + label[1:]

    @property
    def is_enterprise(self) -> bool:
        """An enterprise under the Law on Enterprises (pays corporate income tax, keeps full accounts)."""
        return self in {LegalForm.DNTN, LegalForm.TNHH_1TV, LegalForm.TNHH_2TV, LegalForm.CO_PHAN}

    @property
    def is_organisation(self) -> bool:
        """Enterprise or cooperative: a legal-person taxpayer, as opposed to a household business."""
        return self is not LegalForm.HO_KINH_DOANH


_LEGAL_FORM_LABELS = {
    LegalForm.HO_KINH_DOANH: "hộ kinh doanh",
    LegalForm.DNTN: "doanh nghiệp tư nhân",
    LegalForm.TNHH_1TV: "công ty TNHH một thành viên",
    LegalForm.TNHH_2TV: "công ty TNHH hai thành viên trở lên",
    LegalForm.CO_PHAN: "công ty cổ phần",
    LegalForm.HOP_TAC_XA: "hợp tác xã",
}

# Folded, lower-case names people write for each form; checked longest first so that
# "tnhh mot thanh vien" wins over "tnhh".
_LEGAL_FORM_NAMES: dict[str, LegalForm] = {
    "ho kinh doanh": LegalForm.HO_KINH_DOANH,
    "hkd": LegalForm.HO_KINH_DOANH,
    "ho ca the": LegalForm.HO_KINH_DOANH,
    "doanh nghiep tu nhan": LegalForm.DNTN,
    "dntn": LegalForm.DNTN,
    "tnhh mot thanh vien": LegalForm.TNHH_1TV,
    "tnhh 1 thanh vien": LegalForm.TNHH_1TV,
    "tnhh 1tv": LegalForm.TNHH_1TV,
    "tnhh mtv": LegalForm.TNHH_1TV,
    "tnhh hai thanh vien": LegalForm.TNHH_2TV,
    "tnhh 2 thanh vien": LegalForm.TNHH_2TV,
    "tnhh 2tv": LegalForm.TNHH_2TV,
    "trach nhiem huu han mot thanh vien": LegalForm.TNHH_1TV,
    "trach nhiem huu han hai thanh vien": LegalForm.TNHH_2TV,
    # An LLC named without its member count is read as the multi-member form, the general case.
    "tnhh": LegalForm.TNHH_2TV,
    "trach nhiem huu han": LegalForm.TNHH_2TV,
    "co phan": LegalForm.CO_PHAN,
    "ctcp": LegalForm.CO_PHAN,
    "hop tac xa": LegalForm.HOP_TAC_XA,
    "htx": LegalForm.HOP_TAC_XA,
}


def parse_legal_form(value: str) -> LegalForm:
    """A legal form from its code ("tnhh_1tv") or a Vietnamese name ("Công ty TNHH một thành viên")."""
    text = unicodedata.normalize("NFC", value).strip()
    if text in LegalForm._value2member_map_:
        return LegalForm(text)
    folded = " " + re.sub(r"[^a-z0-9]+", " ", fold_diacritics(text).lower()).strip() + " "
    for name in sorted(_LEGAL_FORM_NAMES, key=len, reverse=True):
        if f" {name} " in folded:
            return _LEGAL_FORM_NAMES[name]
    allowed = ", ".join(form.value for form in LegalForm)
    raise ValueError(f"unknown legal form {value!r}; expected one of {allowed}")


class RevenueBand(StrEnum):
    """Annual revenue bands, cut where the law draws lines.

    1 billion VND: credit-method VAT threshold (Luật Thuế GTGT 48/2024/QH15, Điều 12) and the
    household tax threshold; 3 / 10 / 50 / 100 / 200 / 300 billion: SME size criteria
    (Nghị định 80/2021/NĐ-CP, Điều 5) and small-enterprise CIT rates.
    """

    UNDER_1B = "duoi_1_ty"
    FROM_1B_TO_3B = "1_3_ty"
    FROM_3B_TO_10B = "3_10_ty"
    FROM_10B_TO_50B = "10_50_ty"
    FROM_50B_TO_100B = "50_100_ty"
    FROM_100B_TO_200B = "100_200_ty"
    FROM_200B_TO_300B = "200_300_ty"
    OVER_300B = "tren_300_ty"

    @property
    def bounds_billion(self) -> tuple[float, float]:
        """Lower (inclusive) and upper (exclusive) bound in billion VND."""
        return _BAND_BOUNDS[self]

    @classmethod
    def from_vnd(cls, amount: int) -> RevenueBand:
        billions = amount / 1e9
        for band, (low, high) in _BAND_BOUNDS.items():
            if low <= billions < high:
                return band
        return cls.OVER_300B


_BAND_BOUNDS = {
    RevenueBand.UNDER_1B: (0.0, 1.0),
    RevenueBand.FROM_1B_TO_3B: (1.0, 3.0),
    RevenueBand.FROM_3B_TO_10B: (3.0, 10.0),
    RevenueBand.FROM_10B_TO_50B: (10.0, 50.0),
    RevenueBand.FROM_50B_TO_100B: (50.0, 100.0),
    RevenueBand.FROM_100B_TO_200B: (100.0, 200.0),
    RevenueBand.FROM_200B_TO_300B: (200.0, 300.0),
    RevenueBand.OVER_300B: (300.0, float("inf")),
}

_RANGE = re.compile(r"^\s*(\d+)\s*[-–—]\s*(\d+)\s*$")
_AT_LEAST = re.compile(r"^\s*(\d+)\s*\+\s*$")


class BusinessProfile(BaseModel):
    """A business as the planner sees it. Unknown keys are ignored, known ones are validated."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    legal_form: LegalForm
    activity: str = Field(min_length=1, description="What the business does, free Vietnamese text.")
    vsic: str | None = Field(default=None, description="VSIC 2018 code (Quyết định 27/2018/QĐ-TTg).")
    employees: int = Field(default=0, ge=0, description="Employees on labour contracts (lower bound).")
    employees_max: int | None = Field(
        default=None, ge=0, description="Upper bound when only a range is known ('0-3')."
    )
    employees_open_ended: bool = Field(
        default=False, description="Only a lower bound is known ('10+', 'trên 10'): no upper bound."
    )
    trade: bool = Field(default=False, description="Imports or exports goods.")
    registered_on: date = Field(
        default_factory=vietnam_today,
        description="Registration date; when missing a plan starts today, but the business's age is unknown.",
    )
    revenue_band: RevenueBand | None = None
    location: str | None = Field(default=None, description="Commune/ward (phường, xã) or city.")

    @model_validator(mode="before")
    @classmethod
    def _accept_aliases(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if data.get("registered_on") in (None, ""):
            data.pop("registered_on", None)  # left unset, so `registration_date_known` stays False
        if "legal_form" not in data and "kind" in data:
            data["legal_form"] = data["kind"]
        if "revenue_band" not in data and "annual_revenue_vnd" in data:
            data["revenue_band"] = data["annual_revenue_vnd"]
        employees = data.get("employees")
        if isinstance(employees, str):
            low, high, open_ended = parse_employee_text(employees)
            data["employees"] = low
            if high is not None and data.get("employees_max") is None:
                data["employees_max"] = high
            if open_ended:
                data["employees_open_ended"] = True
        return data

    @field_validator("legal_form", mode="before")
    @classmethod
    def _legal_form(cls, value: Any) -> Any:
        if isinstance(value, str):
            return parse_legal_form(value)
        return value

    @field_validator("trade", mode="before")
    @classmethod
    def _trade(cls, value: Any) -> Any:
        if isinstance(value, str):
            folded = fold_diacritics(value).strip().lower()
            if folded in {"co", "co xuat nhap khau"}:
                return True
            if folded in {"khong", ""}:
                return False
        return value

    @field_validator("activity", "location", mode="before")
    @classmethod
    def _nfc(cls, value: Any) -> Any:
        if isinstance(value, str):
            return unicodedata.normalize("NFC", value).strip()
        return value

    @field_validator("vsic", mode="before")
    @classmethod
    def _vsic(cls, value: Any) -> Any:
        if value is None or value == "":
            return None
        text = str(value).strip().upper().lstrip("ABCDEFGHIJKLMNOPQRSTU")
        if not re.fullmatch(r"\d{2,5}", text):
            raise ValueError(f"VSIC code must be 2 to 5 digits (e.g. 5610), got {value!r}")
        return text

    @field_validator("revenue_band", mode="before")
    @classmethod
    def _revenue(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("revenue band must be a band name or an amount in VND")
        if isinstance(value, int | float):
            if value < 0:
                raise ValueError("annual revenue cannot be negative")
            return RevenueBand.from_vnd(int(value))
        return value

    @field_validator("registered_on")
    @classmethod
    def _not_in_future(cls, value: date) -> date:
        if value > vietnam_today():
            raise ValueError(f"registration date {value.isoformat()} is in the future")
        return value

    @model_validator(mode="after")
    def _range_consistent(self) -> BusinessProfile:
        if self.employees_max is not None and self.employees_max < self.employees:
            raise ValueError(
                f"employee range is reversed: at least {self.employees}, at most {self.employees_max}"
            )
        return self

    @property
    def registration_date_known(self) -> bool:
        """Whether the registration date was given rather than defaulted to today."""
        return "registered_on" in self.model_fields_set

    @property
    def may_have_employees(self) -> bool:
        """Someone may be on a labour contract now or within the range given."""
        return self.employees > 0 or (self.employees_max or 0) > 0


def parse_employee_text(text: str) -> tuple[int, int | None, bool]:
    """Employee counts as people write them: '5', '0-3', '10+', 'trên 10', 'dưới 5', 'chưa có'.

    Returns the lower bound, the upper bound of a range (None otherwise) and whether the count is
    open-ended ('10+': at least 10, no upper bound).
    """
    stripped = text.strip()
    if stripped.lstrip("-").isdigit():
        return int(stripped), None, False  # a negative number is left to the ge=0 check
    if match := _RANGE.match(stripped):
        return int(match.group(1)), int(match.group(2)), False
    if match := _AT_LEAST.match(stripped):
        return int(match.group(1)), None, True
    folded = fold_diacritics(stripped).lower()
    numbers = [int(n) for n in re.findall(r"\d+", folded)]
    if len(numbers) == 1:
        if re.search(r"duoi|it hon|<", folded):
            return 0, max(numbers[0] - 1, 0), False
        if re.search(r"tren|hon|>", folded):
            return numbers[0] + 1, None, True
        return numbers[0], None, False
    if not numbers and re.search(r"\b(khong|chua co|0)\b", folded):
        return 0, None, False
    raise ValueError(f"employees must be a whole number or a range like '0-3', got {text!r}")


class ProfileError(ValueError):
    """A profile that cannot be read; the message lists every problem in plain words."""


def parse_profile(data: Any) -> BusinessProfile:
    """Validate a profile mapping; `ProfileError` with a readable message when it is invalid."""
    if not isinstance(data, dict):
        raise ProfileError("profile must be a JSON object")
    try:
        return BusinessProfile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(describe_errors(exc)) from exc


def describe_errors(exc: ValidationError) -> str:
    """One line per problem: 'employees: Input should be greater than or equal to 0'."""
    parts = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "profile"
        message = error["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}")
    return "; ".join(parts)
