"""Filing deadlines of a new business, as dates and as months after registration.

Month 0 is the month of registration; a deadline is inside the start-up window when it falls in
months 0-12. Quarterly declarations are due on the last day of the first month of the next quarter
and annual finalisations on the last day of the third month after the calendar year (Luật Quản lý
thuế 38/2019/QH14, Điều 44; Nghị định 126/2020/NĐ-CP, Điều 8 and 9: a business that has just
started declares VAT and withheld PIT quarterly).
"""

from __future__ import annotations

import calendar
from datetime import date

WINDOW_MONTHS = 12


def months_after(start: date, end: date) -> int:
    """Whole calendar months from the month of `start` to the month of `end`."""
    return (end.year - start.year) * 12 + end.month - start.month


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clipped to the month's length."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def first_quarterly_deadline(registered_on: date) -> date:
    """Due date of the first quarterly declaration: last day of the month after the quarter ends."""
    quarter_end_month = ((registered_on.month - 1) // 3 + 1) * 3
    year, month = registered_on.year, quarter_end_month + 1
    if month > 12:
        year, month = year + 1, month - 12
    return month_end(year, month)


def first_annual_finalisation(registered_on: date) -> date:
    """Due date of the first annual finalisation (calendar-year tax period): 31 March next year."""
    return month_end(registered_on.year + 1, 3)


def short_first_tax_period(registered_on: date) -> bool:
    """The first calendar-year tax period (registration to 31 December) is under 3 calendar months.

    Such a first corporate-income-tax period may be merged with the next year into one period of at
    most 15 months. Counted in calendar months, not days: a business registered on 2 October has
    2/10-31/12, less than three months, though that is 90 days; one registered on 1 October has
    exactly three months.
    """
    return add_months(registered_on, 3) > date(registered_on.year + 1, 1, 1)


def window_month(registered_on: date, due: date) -> int | None:
    """The month index of a deadline, or None when it falls after the 12-month window."""
    month = months_after(registered_on, due)
    return month if 0 <= month <= WINDOW_MONTHS else None


def format_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")
