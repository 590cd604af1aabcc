"""Reporting periods: quarters (2026Q1, 一季度) and months (2026-03, 3月, Mar) of a year.

Limits (docs/workbook.md §6 lists them): years 1900 to 9999, months 1 to 12,
quarters 1 to 4.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from opsreport.core.dates import MAX_DATE, MIN_DATE
from opsreport.core.text import check_value_text, normalize_text
from opsreport.core.value_problem import ValueProblem

__all__ = ["Period", "parse_period"]

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_MONTHS_EN = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


@dataclass(frozen=True, order=True)
class Period:
    """A quarter or a month of a year; ``month`` is None for a quarter."""

    year: int | None
    quarter: int
    month: int | None = None

    @property
    def label(self) -> str:
        if self.month is not None:
            return f"{self.year}-{self.month:02d}" if self.year else f"M{self.month:02d}"
        return f"{self.year}Q{self.quarter}" if self.year else f"Q{self.quarter}"


def _period_year(digits: str | None, raw: object) -> int | None:
    """The year of a period, 1900 to 9999 (0000Q1 would read as a Q1 of no year)."""
    if digits is None:
        return None
    year = int(digits)
    if not MIN_DATE.year <= year <= MAX_DATE.year:
        raise ValueProblem(
            f"a period in the year {year} ({raw!r}): years run from 1900 to 9999",
            "write a four-digit year such as 2026",
        )
    return year


def _month_period(year: int | None, month: int, raw: object) -> Period:
    if not 1 <= month <= 12:
        raise ValueProblem(f"no such month ({raw!r})", "months run from 1 to 12")
    return Period(year, (month - 1) // 3 + 1, month)


def parse_period(value: object) -> Period:
    """Quarters (2025Q1, Q1, 2025-Q1, 一季度, 第1季度) and months (2025-03, 3月, Mar)."""
    if isinstance(value, (dt.datetime, dt.date)):
        return _month_period(_period_year(f"{value.year:04d}", value), value.month, value)
    raw = "" if value is None else str(value)
    check_value_text(raw, "period", unit_exponents=False)
    text = normalize_text(raw).replace(" ", "")
    if not text:
        raise ValueProblem(
            "an empty period", "write a quarter such as 2026Q1 or a month such as 2026-03"
        )
    lowered = text.lower()
    match = re.fullmatch(
        r"(?:(\d{4})(?:年|-|/|_)?)?(?:q|第)?([1-4一二三四])(?:季度|季)?", lowered, re.ASCII
    )
    if match and ("q" in lowered or "季" in lowered):
        return Period(_period_year(match.group(1), value), _CN_DIGITS[match.group(2)])
    match = re.fullmatch(r"q([1-4])(?:[-/_]?(\d{4}))", lowered, re.ASCII)
    if match:
        return Period(_period_year(match.group(2), value), int(match.group(1)))
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})月?", lowered, re.ASCII)
    if match:
        return _month_period(_period_year(match.group(1), value), int(match.group(2)), value)
    match = re.fullmatch(r"(?:m)?(\d{1,2})月?", lowered, re.ASCII)
    if match and (lowered.endswith("月") or lowered.startswith("m")):
        return _month_period(None, int(match.group(1)), value)
    match = re.fullmatch(r"([a-z]+)[-/]?(\d{4})?", lowered, re.ASCII)
    if match and match.group(1) in _MONTHS_EN:
        year = _period_year(match.group(2), value)
        return _month_period(year, _MONTHS_EN[match.group(1)], value)
    raise ValueProblem(
        f"not a period ({value!r})",
        "write a quarter (2026Q1, Q1, 一季度) or a month (2026-03, 3月, Mar)",
    )
