"""Parsing cell values: numbers with units and magnitudes, dates, periods, enums.

Every parser is strict: it returns a value, ``None`` for a genuinely blank cell,
or raises :class:`ValueProblem` with what was found and how to fix it. Nothing
here guesses silently; ``float('nan')``-style spellings, ``1_000`` and stray
text are refused because they would otherwise become wrong numbers.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = [
    "Period",
    "UnitInfo",
    "ValueProblem",
    "clean_text",
    "convert_unit",
    "match_key",
    "normalize_text",
    "parse_aggregation",
    "parse_date",
    "parse_direction",
    "parse_level",
    "parse_number",
    "parse_period",
    "parse_unit",
    "to_decimal",
]


class ValueProblem(ValueError):
    """A cell value that cannot be read; carries a hint on how to fix it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


# --------------------------------------------------------------------------- text


# Unicode category Cc (C0 and C1 controls), except tab and newline.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def normalize_text(value: object) -> str:
    """NFKC-normalised, stripped text: full-width digits and signs become ASCII."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    # Control characters other than tab/newline never belong in a report.
    return _CONTROL_RE.sub("", text).strip()


def clean_text(value: object) -> str:
    """Free text as typed (Chinese punctuation kept), minus control characters and edges."""
    if value is None:
        return ""
    text = str(value).replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_RE.sub("", text).strip()


def match_key(value: object) -> str:
    """The form two names are compared in: NFKC (ＧＭＶ = GMV) and case-folded."""
    return normalize_text(value).casefold()


def convert_unit(value: Decimal | None, source: str, target: str) -> Decimal | None:
    """A figure in ``source`` units expressed in ``target`` units (亿元 → 万元 × 10,000).

    None when the units measure different things (元 and 天), so nothing is compared
    across units by accident.
    """
    if value is None:
        return None
    a, b = parse_unit(source), parse_unit(target)
    if a.text == b.text or not a.text or not b.text:
        return value
    if a.is_rate and b.is_rate:
        return value
    if a.base.lower() != b.base.lower() or a.is_rate or b.is_rate:
        return None
    return value * a.magnitude / b.magnitude


def to_decimal(value: int | float) -> Decimal:
    """Decimal of the shortest repr, so 8.37 stays 8.37 (not 8.3699999...)."""
    if isinstance(value, bool):
        raise ValueProblem("a TRUE/FALSE value where a number was expected")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueProblem(f"not a finite number ({value!r})")
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


# --------------------------------------------------------------------------- units

_MAGNITUDE_WORDS: dict[str, Decimal] = {
    "万亿": Decimal("1e12"),
    "千万": Decimal("1e7"),
    "百万": Decimal("1e6"),
    "亿": Decimal("1e8"),
    "万": Decimal("1e4"),
    "千": Decimal("1e3"),
    "bn": Decimal("1e9"),
    "mn": Decimal("1e6"),
    "k": Decimal("1e3"),
    "K": Decimal("1e3"),
    "M": Decimal("1e6"),
    "B": Decimal("1e9"),
}
# Longest first so that 万亿 wins over 万 and 亿.
_MAGNITUDE_ORDER = sorted(_MAGNITUDE_WORDS, key=len, reverse=True)

PERCENT_UNITS = {"%", "％", "percent", "百分比"}
POINT_UNITS = {"pp", "个百分点", "百分点", "ppt", "pct pt", "pct. pt.", "percentage points"}


@dataclass(frozen=True)
class UnitInfo:
    """A KPI unit split into magnitude and base: 亿元 is 1e8 × 元."""

    text: str
    magnitude: Decimal
    base: str
    is_percent: bool
    is_points: bool

    @property
    def is_rate(self) -> bool:
        """Rates (% and pp) move in percentage points, not in percent."""
        return self.is_percent or self.is_points


@functools.lru_cache(maxsize=512)
def parse_unit(unit: str | None) -> UnitInfo:
    text = normalize_text(unit)
    lowered = text.lower()
    if lowered in PERCENT_UNITS:
        return UnitInfo(text, Decimal(1), "%", True, False)
    if lowered in POINT_UNITS:
        return UnitInfo(text, Decimal(1), "pp", False, True)
    magnitude = Decimal(1)
    base = text
    # Chinese magnitude prefixes: 亿元, 万人, 千万元 (not a bare 万 with nothing after it).
    for word in ("万亿", "千万", "百万", "亿", "万", "千"):
        if text.startswith(word) and len(text) > len(word):
            magnitude, base = _MAGNITUDE_WORDS[word], text[len(word) :]
            break
    else:
        # English: "k USD", "USD k", "$k", "M USD", "USD (M)", "kUSD"
        # Only a currency takes an English magnitude: "min", "mm" and "ms" are units, not 10⁶.
        currency = r"(USD|EUR|GBP|RMB|CNY|JPY|HKD|CHF|AUD|CAD|SGD|\$|€|£|¥)"
        match = re.fullmatch(rf"(?i)(k|m|mn|bn)\s*{currency}", text) or re.fullmatch(
            rf"(?i){currency}\s*\(?(k|m|mn|bn)\)?", text
        )
        if match:
            first, second = match.groups()
            word, base = (
                (first, second) if first.lower() in {"k", "m", "mn", "bn"} else (second, first)
            )
            magnitude = {"k": Decimal("1e3"), "m": Decimal("1e6"), "mn": Decimal("1e6")}.get(
                word.lower(), Decimal("1e9")
            )
    return UnitInfo(text, magnitude, base, False, False)


# --------------------------------------------------------------------------- numbers

_BLANK_WORDS = {"", "-", "—", "–", "--", "——", "/", "n/a", "na", "无", "暂无"}
_NUMBER_RE = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^\.\d+$")
_EXCEL_ERRORS = {
    "#DIV/0!",
    "#N/A",
    "#NAME?",
    "#NULL!",
    "#NUM!",
    "#REF!",
    "#VALUE!",
    "#GETTING_DATA",
}
_CURRENCY = "¥$€£"


def is_percent_format(number_format: str | None) -> bool:
    """True when an Excel number format shows the value ×100 with a % sign."""
    if not number_format or "%" not in number_format:
        return False
    stripped = re.sub(r'"[^"]*"|\\.', "", number_format)
    return "%" in stripped


def parse_number(
    value: object,
    *,
    number_format: str | None = None,
    unit: UnitInfo | None = None,
) -> Decimal | None:
    """Read a cell as a number in the KPI's unit.

    - a percent-formatted number cell holds a fraction: 0.148 shown as 14.8%
      is 14.8 for a % KPI;
    - text is NFKC-normalised (full-width digits), may carry grouping commas,
      a sign (also U+2212 and parentheses), %, 个百分点/pp, a magnitude
      (万/亿/k/M) and the KPI's own unit;
    - magnitudes convert to the KPI's unit: 8.37亿 in a 万元 KPI is 83700.
    """
    unit = unit or parse_unit(None)
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueProblem(
            f"a TRUE/FALSE value where a number was expected ({value})",
            "type the number itself",
        )
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        raise ValueProblem(
            f"a date where a number was expected ({value})",
            "format the cell as a number (Excel may have turned 3-1 or 3/1 into a date)",
        )
    if isinstance(value, (int, float)):
        number = to_decimal(value)
        if is_percent_format(number_format):
            return _percent_to_unit(number * 100, unit, f"{number * 100}%")
        return number
    return _parse_number_text(str(value), unit)


def _percent_to_unit(points: Decimal, unit: UnitInfo, shown: str) -> Decimal:
    if unit.is_rate or not unit.text:
        return points
    raise ValueProblem(
        f"a percentage ({shown}) in a KPI whose unit is {unit.text}",
        "set the KPI's unit to % or enter the value without a percent format",
    )


def _parse_number_text(raw: str, unit: UnitInfo) -> Decimal | None:
    text = normalize_text(raw)
    if text.lower() in _BLANK_WORDS:
        return None
    if text.upper() in _EXCEL_ERRORS:
        raise ValueProblem(
            f"an Excel error value ({text})",
            "fix the formula or type the figure; an error is never read as blank",
        )
    body = text.replace("−", "-").replace("﹣", "-").replace(" ", "")
    negative = False
    if body.startswith("(") and body.endswith(")"):
        negative, body = True, body[1:-1]
    if body[:1] in "+-":
        negative, body = (body[0] == "-") != negative, body[1:]
    body = body.lstrip(_CURRENCY)
    # Trailing unit text: the KPI's own unit or its base (8.37亿元 in a 亿元 KPI).
    for suffix in sorted({unit.text, unit.base} - {""}, key=len, reverse=True):
        if not (unit.is_percent or unit.is_points) and body.lower().endswith(suffix.lower()):
            body = body[: -len(suffix)].strip()
            break
    percent = points = False
    if body.endswith("%"):
        percent, body = True, body[:-1]
    else:
        for word in ("个百分点", "百分点", "pp", "ppt"):
            if body.lower().endswith(word):
                points, body = True, body[: -len(word)]
                break
    magnitude = Decimal(1)
    if not (percent or points):
        for word in _MAGNITUDE_ORDER:
            if body.endswith(word) and len(body) > len(word):
                magnitude, body = _MAGNITUDE_WORDS[word], body[: -len(word)]
                break
        if magnitude != 1:
            body = body.rstrip(_CURRENCY + " ")
    if not _NUMBER_RE.match(body):
        raise ValueProblem(
            f"not a number ({raw!r})",
            "type a plain number such as 1234.5, 14.8%, 8.37亿 or 646万",
        )
    try:
        number = Decimal(body.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex guards this
        raise ValueProblem(f"not a number ({raw!r})") from None
    if negative:
        number = -number
    if percent:
        return _percent_to_unit(number, unit, text)
    if points:
        if unit.is_rate or not unit.text:
            return number
        raise ValueProblem(
            f"percentage points ({text}) in a KPI whose unit is {unit.text}",
            "set the KPI's unit to % or pp",
        )
    if magnitude != 1:
        if unit.is_rate:
            raise ValueProblem(
                f"an amount with a magnitude ({text}) in a {unit.text} KPI",
                "enter the rate as a percentage",
            )
        return number * magnitude / unit.magnitude
    return number


# --------------------------------------------------------------------------- enums


_DIRECTIONS = {
    "higher": "higher",
    "high": "higher",
    "up": "higher",
    "higher is better": "higher",
    "higher-is-better": "higher",
    "max": "higher",
    "↑": "higher",
    "越高越好": "higher",
    "越大越好": "higher",
    "越多越好": "higher",
    "正向": "higher",
    "高": "higher",
    "lower": "lower",
    "low": "lower",
    "down": "lower",
    "lower is better": "lower",
    "lower-is-better": "lower",
    "min": "lower",
    "↓": "lower",
    "越低越好": "lower",
    "越小越好": "lower",
    "越少越好": "lower",
    "反向": "lower",
    "低": "lower",
}


def parse_direction(value: object) -> str | None:
    """``higher``/``lower`` from English or Chinese spellings; None when blank."""
    text = normalize_text(value).lower()
    if not text:
        return None
    if text in _DIRECTIONS:
        return _DIRECTIONS[text]
    raise ValueProblem(
        f"unknown direction ({value!r})",
        "use higher or lower (越高越好 / 越低越好, 正向 / 反向)",
    )


_AGGREGATIONS = {
    "sum": "sum",
    "total": "sum",
    "求和": "sum",
    "累计": "sum",
    "合计": "sum",
    "加总": "sum",
    "last": "last",
    "end": "last",
    "closing": "last",
    "期末": "last",
    "最新": "last",
    "末期": "last",
    "avg": "avg",
    "average": "avg",
    "mean": "avg",
    "平均": "avg",
    "均值": "avg",
    "平均值": "avg",
}


def parse_aggregation(value: object) -> str | None:
    text = normalize_text(value).lower()
    if not text:
        return None
    if text in _AGGREGATIONS:
        return _AGGREGATIONS[text]
    raise ValueProblem(
        f"unknown aggregation ({value!r})",
        "use sum (flows such as GMV), last (stocks and rates) or avg (平均)",
    )


_LEVELS = {
    "very low": 1,
    "极低": 1,
    "很低": 1,
    "low": 2,
    "低": 2,
    "较低": 2,
    "medium": 3,
    "med": 3,
    "mid": 3,
    "moderate": 3,
    "中": 3,
    "中等": 3,
    "一般": 3,
    "high": 4,
    "高": 4,
    "较高": 4,
    "very high": 5,
    "极高": 5,
    "很高": 5,
}


def parse_level(value: object) -> int | None:
    """Likelihood or impact on a 1–5 scale; 低/中/高 map to 2/3/4."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = to_decimal(value)
    else:
        text = normalize_text(value).lower()
        if not text:
            return None
        if text in _LEVELS:
            return _LEVELS[text]
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
    if number is not None and number == number.to_integral_value() and 1 <= number <= 5:
        return int(number)
    raise ValueProblem(
        f"not a level from 1 to 5 ({value!r})",
        "use 1–5, or 低/中/高 (low/medium/high), 极低/极高",
    )


# --------------------------------------------------------------------------- dates

_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$"),
]
_WEEK_RE = re.compile(r"^(?:(\d{4})[-\s]?)?(?:w|wk|week|第)\s*(\d{1,2})\s*周?$", re.IGNORECASE)


def parse_date(
    value: object,
    *,
    epoch: dt.datetime | None = None,
    default_year: int | None = None,
    week_end: bool = False,
) -> dt.date | None:
    """A date from a date cell, an Excel serial, ISO/Chinese text or a week number.

    Serials use the workbook's own epoch (1900 or 1904). ``W12`` / ``第12周``
    means ISO week 12 of ``default_year``: its Monday, or Sunday when
    ``week_end`` is set (a task ending in week 12 ends on its Sunday).
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900, from_excel

        if not 1 <= value < 2958466:
            raise ValueProblem(f"not a date ({value!r})", "enter a date such as 2027-03-31")
        converted = from_excel(value, epoch or CALENDAR_WINDOWS_1900)
        return converted.date() if isinstance(converted, dt.datetime) else converted
    text = normalize_text(value)
    if not text or text.lower() in _BLANK_WORDS:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups()[:3])
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise ValueProblem(f"no such date ({text})", "check the day and month") from None
    match = _WEEK_RE.match(text)
    if match:
        year = int(match.group(1)) if match.group(1) else default_year
        week = int(match.group(2))
        if year is None:
            raise ValueProblem(f"a week without a year ({text})", "write 2027-W12 or set plan_year")
        try:
            return dt.date.fromisocalendar(year, week, 7 if week_end else 1)
        except ValueError:
            raise ValueProblem(f"no such week ({text})", "weeks run from 1 to 52 (or 53)") from None
    raise ValueProblem(
        f"not a date ({value!r})",
        "enter a date such as 2027-03-31 (or 2027年3月31日, or a week such as W12)",
    )


# --------------------------------------------------------------------------- periods

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


def _month_period(year: int | None, month: int, raw: object) -> Period:
    if not 1 <= month <= 12:
        raise ValueProblem(f"no such month ({raw!r})", "months run from 1 to 12")
    return Period(year, (month - 1) // 3 + 1, month)


def parse_period(value: object) -> Period:
    """Quarters (2025Q1, Q1, 2025-Q1, 一季度, 第1季度) and months (2025-03, 3月, Mar)."""
    if isinstance(value, (dt.datetime, dt.date)):
        return _month_period(value.year, value.month, value)
    text = normalize_text(value).replace(" ", "")
    if not text:
        raise ValueProblem(
            "an empty period", "write a quarter such as 2026Q1 or a month such as 2026-03"
        )
    lowered = text.lower()
    match = re.fullmatch(r"(?:(\d{4})(?:年|-|/|_)?)?(?:q|第)?([1-4一二三四])(?:季度|季)?", lowered)
    if match and ("q" in lowered or "季" in lowered):
        year = int(match.group(1)) if match.group(1) else None
        return Period(year, _CN_DIGITS[match.group(2)])
    match = re.fullmatch(r"q([1-4])(?:[-/_]?(\d{4}))", lowered)
    if match:
        return Period(int(match.group(2)), int(match.group(1)))
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})月?", lowered)
    if match:
        return _month_period(int(match.group(1)), int(match.group(2)), value)
    match = re.fullmatch(r"(?:m)?(\d{1,2})月?", lowered)
    if match and (lowered.endswith("月") or lowered.startswith("m")):
        return _month_period(None, int(match.group(1)), value)
    match = re.fullmatch(r"([a-z]+)[-/]?(\d{4})?", lowered)
    if match and match.group(1) in _MONTHS_EN:
        year = int(match.group(2)) if match.group(2) else None
        return _month_period(year, _MONTHS_EN[match.group(1)], value)
    raise ValueProblem(
        f"not a period ({value!r})",
        "write a quarter (2026Q1, Q1, 一季度) or a month (2026-03, 3月, Mar)",
    )
