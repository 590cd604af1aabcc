"""Dates from cells: date cells, Excel serials in both date systems, typed dates and weeks.

Limits (each refusal states its limit; docs/workbook.md §6 lists them): 1900-03-01 to
9999-12-31, so that no day is read from the stretch where Excel's 1900 system counts a
1900-02-29 that never was (serial 60); Excel serials 61 to 2,958,465 (1900 system) or
0 to 2,957,003 (1904 system).
"""

from __future__ import annotations

import datetime as dt
import math
import re

from opsreport.core.text import BLANK_WORDS, check_value_text, normalize_text
from opsreport.core.value_problem import ValueProblem

__all__ = ["MAX_DATE", "MIN_DATE", "parse_date"]

MIN_DATE = dt.date(1900, 3, 1)  # Excel's 1900 system counts the days before it wrong
MAX_DATE = dt.date(9999, 12, 31)  # the last day Excel (and Python) can hold
_FIRST_SERIAL_1900 = 61  # 1900-03-01 in the 1900 date system (60 is its 1900-02-29)
_MAX_SERIAL_1900 = 2_958_465  # 9999-12-31 in the 1900 date system
_MAX_SERIAL_1904 = 2_957_003  # 9999-12-31 in the 1904 date system (1,462 days fewer)

_DATE_PATTERNS = [
    re.compile(
        r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$", re.ASCII
    ),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$", re.ASCII),
]
_WEEK_RE = re.compile(
    r"^(?:(\d{4})[-\s]?)?(?:w|wk|week|第)\s*(\d{1,2})\s*周?$", re.IGNORECASE | re.ASCII
)
_DATE_HINT = "enter a date such as 2027-03-31 (or 2027年3月31日, or a week such as W12)"
_RANGE_HINT = (
    "dates run from 1900-03-01 to 9999-12-31 "
    "(Excel's 1900 date system counts the days before 1900-03-01 wrong)"
)


def _is_1904(epoch: dt.date | None) -> bool:
    return epoch is not None and (epoch.year, epoch.month, epoch.day) == (1904, 1, 1)


def _in_range(day: dt.date, shown: object) -> dt.date:
    if day < MIN_DATE:
        raise ValueProblem(f"a date before 1900-03-01 ({shown})", _RANGE_HINT)
    return day


def _from_serial(value: float, epoch: dt.date | None) -> dt.date:
    """The day an Excel serial number names, in the workbook's date system.

    1900 system: serial n is 1899-12-30 + n days from 61 (1900-03-01) to
    2,958,465 (9999-12-31). Below 61 Excel counts a 1900-02-29 that never was
    (serial 60, Lotus 1-2-3's leap-year bug), so serials 1–60 are refused rather
    than read a day off; below 1 a serial is a time of day. 1904 system: serial n
    is 1904-01-01 + n days, 0 to 2,957,003 (9999-12-31; 1,462 days fewer). A
    fraction is a time of day, ignored.
    """
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueProblem(f"not a date ({value!r})", _DATE_HINT)
    if _is_1904(epoch):
        if not 0 <= value < _MAX_SERIAL_1904 + 1:
            raise ValueProblem(
                f"not a date: serial number {value!r} is outside Excel's dates "
                f"(0 to {_MAX_SERIAL_1904:,} in this 1904-system workbook: "
                "1904-01-01 to 9999-12-31)",
                _DATE_HINT,
            )
        return dt.date(1904, 1, 1) + dt.timedelta(days=math.floor(value))
    if 0 <= value < 1:
        raise ValueProblem(
            f"not a date: serial number {value!r} is a time of day (serials below 1 have no day)",
            _DATE_HINT,
        )
    if 1 <= value < _FIRST_SERIAL_1900:
        raise ValueProblem(
            f"not a date: serial number {value!r} is before 1900-03-01 "
            "(Excel's serial 60 is 1900-02-29, a day that never was)",
            "dates run from 1900-03-01 (serial 61) to 9999-12-31",
        )
    if not _FIRST_SERIAL_1900 <= value < _MAX_SERIAL_1900 + 1:
        raise ValueProblem(
            f"not a date: serial number {value!r} is outside Excel's dates "
            f"({_FIRST_SERIAL_1900} to {_MAX_SERIAL_1900:,}: 1900-03-01 to 9999-12-31)",
            _DATE_HINT,
        )
    return dt.date(1899, 12, 30) + dt.timedelta(days=math.floor(value))


def _week_day(year: int, week: int, week_end: bool, text: str) -> dt.date:
    if not MIN_DATE.year <= year <= MAX_DATE.year:
        raise ValueProblem(f"a week of the year {year}, outside 1900–9999 ({text})", _RANGE_HINT)
    try:
        day = dt.date.fromisocalendar(year, week, 7 if week_end else 1)
    except ValueError:
        if week == 52 and year == MAX_DATE.year:  # its Sunday is 10000-01-02
            raise ValueProblem(f"a week ending after 9999-12-31 ({text})", _RANGE_HINT) from None
        raise ValueProblem(f"no such week ({text})", "weeks run from 1 to 52 (or 53)") from None
    return _in_range(day, text)


def parse_date(
    value: object,
    *,
    epoch: dt.date | None = None,
    default_year: int | None = None,
    week_end: bool = False,
) -> dt.date | None:
    """A date from a date cell, an Excel serial, ISO/Chinese text or a week number.

    Serials use the workbook's own epoch (1900 or 1904, see :func:`_from_serial`).
    ``W12`` / ``第12周`` means ISO week 12 of ``default_year``: its Monday, or
    Sunday when ``week_end`` is set (a task ending in week 12 ends on its Sunday).
    Dates run from 1900-03-01 to 9999-12-31.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return _in_range(value.date(), value.date().isoformat())
    if isinstance(value, dt.date):
        return _in_range(value, value.isoformat())
    if isinstance(value, dt.time):
        raise ValueProblem(
            f"a time of day where a date was expected ({value.isoformat()})",
            "enter a date such as 2027-03-31 (a date cell below 1 holds only a time)",
        )
    if isinstance(value, bool):
        raise ValueProblem(f"a TRUE/FALSE value where a date was expected ({value})", _DATE_HINT)
    if isinstance(value, (int, float)):
        return _from_serial(value, epoch)
    raw = str(value)
    check_value_text(raw, "date", unit_exponents=False)
    text = normalize_text(raw)
    if not text or text.lower() in BLANK_WORDS:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups()[:3])
            clock = [int(part) for part in match.groups()[3:] if part is not None]
            if clock and not (clock[0] < 24 and all(part < 60 for part in clock[1:])):
                raise ValueProblem(f"no such time of day ({text})", "write the time as 14:30")
            try:
                found = dt.date(year, month, day)
            except ValueError:
                raise ValueProblem(f"no such date ({text})", "check the day and month") from None
            return _in_range(found, text)
    match = _WEEK_RE.match(text)
    if match:
        week_year = int(match.group(1)) if match.group(1) else default_year
        if week_year is None:
            raise ValueProblem(f"a week without a year ({text})", "write 2027-W12 or set plan_year")
        return _week_day(week_year, int(match.group(2)), week_end, text)
    raise ValueProblem(f"not a date ({value!r})", _DATE_HINT)
