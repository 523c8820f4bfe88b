"""Calendar arithmetic for the temporal parser: periods, shifts, unit starts. Pure functions.

Worked examples (today = 2026-11-25, a Wednesday):
    period(today, "year", -1)    -> (2025-01-01, 2025-12-31)
    period(today, "week", -1)    -> (2026-11-16, 2026-11-22)   # weeks start on Monday
    period(today, "quarter", -1) -> (2026-07-01, 2026-09-30)
    shift(today, "month", -3)    -> 2026-08-25                # day clamped: shift(2026-05-31, "month", -3) -> 2026-02-28
"""
from __future__ import annotations

import calendar
import datetime as dt

UNITS = ("day", "week", "month", "quarter", "year")


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), month_end(year, month)


def quarter_range(year: int, q: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 3 * q - 2, 1), month_end(year, 3 * q)


def months_range(year: int, first: int, last: int) -> tuple[dt.date, dt.date]:
    """Months first..last of one year, e.g. months_range(2023, 7, 12) -> (2023-07-01, 2023-12-31)."""
    return dt.date(year, first, 1), month_end(year, last)


def add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    return dt.date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def shift(d: dt.date, unit: str, n: int) -> dt.date:
    """`d` moved by n units (negative = back); months/years clamp the day."""
    if unit == "day":
        return d + dt.timedelta(days=n)
    if unit == "week":
        return d + dt.timedelta(weeks=n)
    if unit == "month":
        return add_months(d, n)
    if unit == "quarter":
        return add_months(d, 3 * n)
    return add_months(d, 12 * n)


def unit_start(d: dt.date, unit: str) -> dt.date:
    """First day of the calendar unit that contains d (weeks start on Monday)."""
    if unit == "day":
        return d
    if unit == "week":
        return d - dt.timedelta(days=d.weekday())
    if unit == "month":
        return d.replace(day=1)
    if unit == "quarter":
        return dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    return dt.date(d.year, 1, 1)


def period(today: dt.date, unit: str, offset: int) -> tuple[dt.date, dt.date]:
    """The calendar unit `offset` units away from the one containing today (0 = this, -1 = last)."""
    start = unit_start(shift(unit_start(today, unit), unit, offset), unit)
    end = shift(start, unit, 1) - dt.timedelta(days=1)
    return start, end
