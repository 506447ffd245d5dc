"""Processing time limits ("Thời gian" column of the portal's channel table).

Normalisation to working days (documented rule, used by every consumer):
- working days (Ngày làm việc) are kept as they are;
- calendar days (Ngày) × 5/7, a five-day working week;
- hours (Giờ) / 8, an eight-hour working day;
- months (Tháng) × 22 and years (Năm) × 260 working days.
A bare number with no unit is read as working days: the law states processing times in working
days unless it says otherwise, and the portal leaves the unit out when it is the default one.
"""

from __future__ import annotations

import re

from catalog.schema import TimeLimit, TimeUnit, clean_text

_UNIT_WORDS: dict[str, TimeUnit] = {
    "ngày làm việc": TimeUnit.WORKING_DAY,
    "ngày": TimeUnit.DAY,
    "giờ": TimeUnit.HOUR,
    "tháng": TimeUnit.MONTH,
    "năm": TimeUnit.YEAR,
}

_WORKING_DAYS_PER_UNIT: dict[TimeUnit, float] = {
    TimeUnit.WORKING_DAY: 1.0,
    TimeUnit.DAY: 5 / 7,
    TimeUnit.HOUR: 1 / 8,
    TimeUnit.MONTH: 22.0,
    TimeUnit.YEAR: 260.0,
}

# The column value as the portal renders it: "15 Ngày làm việc", "7 Ngày", "24 Giờ", "7". The next
# cell is glued on ("7 NgàyMiễn phí"), so no word boundary can be asked for after the unit.
_UNIT = r"(?P<unit>Ngày làm việc|Ngày|Giờ|Tháng|Năm)"
TIME_COLUMN = re.compile(rf"(?P<amount>\d+(?:[.,]\d+)?)(?:\s*{_UNIT})?", re.IGNORECASE)
TIME_WITH_UNIT = re.compile(rf"(?P<amount>\d+(?:[.,]\d+)?)\s*{_UNIT}", re.IGNORECASE)

# A time stated in prose: "trong thời hạn 03 ngày làm việc", "10 (mười) ngày", "05 (năm) ngày làm việc".
_PROSE_TIME = re.compile(
    r"(?P<amount>\d+(?:[.,]\d+)?)\s*(?:\([^()\d]{1,20}\)\s*)?"
    r"(?P<unit>ngày làm việc|ngày|giờ|tháng)(?![^\W\d_])",
    re.IGNORECASE,
)


def to_working_days(amount: float, unit: TimeUnit) -> float:
    """The same time limit in working days, by the rule in this module's docstring."""
    return round(amount * _WORKING_DAYS_PER_UNIT[unit], 2)


def _amount(text: str) -> float:
    return float(text.replace(",", "."))


def make_time_limit(amount: float, unit: TimeUnit, text: str | None = None) -> TimeLimit:
    """A `TimeLimit` with its working-day equivalent filled in."""
    return TimeLimit(amount=amount, unit=unit, working_days=to_working_days(amount, unit), text=text)


def parse_time_column(value: str) -> TimeLimit | None:
    """Parse a whole "Thời gian" cell; None when it holds no number."""
    value = clean_text(value)
    match = TIME_COLUMN.fullmatch(value)
    if match is None:
        return None
    unit_word = (match["unit"] or "ngày làm việc").lower()
    return make_time_limit(_amount(match["amount"]), _UNIT_WORDS[unit_word], text=value)


def find_time_in_prose(text: str) -> TimeLimit | None:
    """The first time limit stated in free text, e.g. a channel description; None when none is."""
    match = _PROSE_TIME.search(clean_text(text))
    if match is None:
        return None
    unit = _UNIT_WORDS[match["unit"].lower()]
    return make_time_limit(_amount(match["amount"]), unit, text=clean_text(match.group(0)))
