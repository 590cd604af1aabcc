"""Numbers from cells: signs, grouping, %, pp, magnitude words, converted to a KPI's unit.

The parser is strict: ``float('nan')``-style spellings, ``1_000``, a sign inside
accountants' parentheses, a sign after the figure and stray text are refused because
they would otherwise become wrong numbers.

Limits (each refusal states its limit; docs/workbook.md §6 lists them): below 10^15 in
magnitude, as typed and in the KPI's unit; a typed number keeps at most 15 significant
digits (Excel keeps no more); a number cell's binary value is rounded to 15
significant digits, as Excel shows it; a figure closer to zero than 10^-15 reads as 0
(Excel's own residues such as ``=0.1+0.2-0.3`` = 5.6e-17 mean 0); NaN and infinity
are refused.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal

from opsreport.core.text import BLANK_WORDS, check_value_text, normalize_text
from opsreport.core.units import UnitInfo, parse_unit, split_magnitude, value_scale
from opsreport.core.value_problem import ValueProblem

__all__ = [
    "MAX_NUMBER",
    "MAX_SIGNIFICANT_DIGITS",
    "MIN_NUMBER",
    "is_percent_format",
    "parse_number",
    "to_decimal",
]

MAX_NUMBER = Decimal("1e15")  # |x| < 10^15: every integer below it fits Excel's 15 digits
MIN_NUMBER = Decimal("1e-15")  # non-zero |x| below it reads as 0
MAX_SIGNIFICANT_DIGITS = 15  # what Excel stores and shows of a number
_NUMBER_RE = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^\.\d+$", re.ASCII)
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
_DIGIT_SPACE_RE = re.compile(r"(?<=[0-9]) +(?=[0-9])")  # 1 234: a space groups thousands
_NUMBER_HINT = "type a plain number such as 1234.5, -3.5, (1,200), 14.8%, 8.37亿, 646万 or 1.2k"


def is_percent_format(number_format: str | None) -> bool:
    """True when an Excel number format shows the value ×100 with a % sign."""
    if not number_format or "%" not in number_format:
        return False
    stripped = re.sub(r'"[^"]*"|\\.', "", number_format)
    return "%" in stripped


def to_decimal(value: int | float) -> Decimal:
    """The Decimal a number cell means: its shortest repr to 15 significant digits.

    8.37 stays 8.37 (not 8.3699999...), and a formula's 0.30000000000000004 is
    0.3, as Excel shows it. NaN and infinity (``<v>1e400</v>``) are refused.
    """
    if isinstance(value, bool):
        raise ValueProblem(
            f"a TRUE/FALSE value where a number was expected ({value})",
            "type the number itself",
        )
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueProblem(
                f"not a finite number ({value!r}): the cell holds a value beyond any "
                "spreadsheet's range (figures must stay below 10^15)",
                "type the figure again",
            )
        shortest = repr(value)
        if len(shortest) <= MAX_SIGNIFICANT_DIGITS + 1:  # a point or exponent and ≤ 15 digits
            return Decimal(shortest)
        # the binary value to 15 significant digits, as Excel shows it
        return Decimal(format(value, f".{MAX_SIGNIFICANT_DIGITS}g"))
    return Decimal(value)


def parse_number(
    value: object,
    *,
    number_format: str | None = None,
    unit: UnitInfo | None = None,
) -> Decimal | None:
    """Read a cell as a number in the KPI's unit.

    - a percent-formatted number cell holds a fraction: 0.148 shown as 14.8%
      is 14.8 for a % KPI;
    - a number cell is rounded to 15 significant digits, as Excel shows it;
    - text is NFKC-normalised (full-width digits), may carry grouping commas
      (or spaces in groups of three), one sign (also U+2212) or accountants'
      parentheses for a negative, %, 个百分点/pp, a magnitude (万, 千万, 亿,
      万亿, k, M, bn …) and the KPI's unit or its base;
    - what is typed converts to the KPI's unit: 8.37亿 in a 万元 KPI is 83,700,
      0.5819千万元 is 581.9, 537元 is 0.0537;
    - the result is below 10^15 in magnitude; closer to zero than 10^-15 it is 0.
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
            shown = f"{number * 100}%"
            return _bounded(_percent_to_unit(number * 100, unit, shown), shown)
        return _bounded(number, repr(value))
    return _parse_number_text(str(value), unit)


def _percent_to_unit(points: Decimal, unit: UnitInfo, shown: str) -> Decimal:
    if unit.is_rate or not unit.text:
        return points
    raise ValueProblem(
        f"a percentage ({shown}) in a KPI whose unit is {unit.text}",
        "set the KPI's unit to % or enter the value without a percent format",
    )


def _refuse_huge(number: Decimal, shown: str) -> None:
    if not number.is_zero() and number.adjusted() >= 15:  # |number| ≥ 10^15
        raise ValueProblem(
            f"a number too large ({shown}): figures must stay below 10^15 "
            "(1,000,000,000,000,000), the most a spreadsheet holds to the unit",
            "check the figure, or give the KPI a larger unit (万元, 亿元, USD m)",
        )


def _bounded(number: Decimal, shown: str) -> Decimal:
    """``number`` if it is below 10^15; a figure closer to zero than 10^-15 is 0."""
    if number.is_zero():
        return number.copy_abs()  # −0 is 0
    _refuse_huge(number, shown)
    if number.adjusted() < -15:  # |number| < 10^-15
        return Decimal(0)
    return number


def _plain(number: Decimal) -> Decimal:
    """``number`` without a positive exponent: 12000, not 1.2E+4 (1.2万亿 in 亿元)."""
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        return number.quantize(Decimal(1))
    return number


def _split_sign(body: str, raw: str) -> tuple[bool, str]:
    """Whether ``body`` is negative, and ``body`` without its sign or parentheses.

    One sign (+, -) or accountants' parentheses around the figure, not both:
    (-5) would otherwise read as +5. A currency symbol may stand on either side
    of the sign (¥-5 is how Excel shows a negative amount in Chinese).
    """
    negative = False
    if body.startswith("("):
        close = body.find(")")
        if close == -1:
            raise ValueProblem(
                f"unbalanced parentheses ({raw!r})", "write (5) for a negative 5, or 5"
            )
        inner, tail = body[1:close], body[close + 1 :]
        if "(" in inner or "(" in tail or ")" in tail:
            raise ValueProblem(f"not a number ({raw!r})", _NUMBER_HINT)
        if inner.lstrip(_CURRENCY)[:1] in ("+", "-"):
            raise ValueProblem(
                f"a sign inside parentheses ({raw!r}): parentheses already mean negative",
                "write -5 or (5), not both",
            )
        negative, body = True, inner + tail
    currency = body[:1] if body[:1] in _CURRENCY else ""
    body = body[len(currency) :]
    if body[:1] in ("+", "-"):
        if negative:
            raise ValueProblem(
                f"a sign and parentheses ({raw!r}): parentheses already mean negative",
                "write -5 or (5), not both",
            )
        negative, body = body[0] == "-", body[1:]
        if body[:1] in ("+", "-"):
            raise ValueProblem(f"two signs ({raw!r})", "write one sign, as in -5")
        if body.startswith("("):
            raise ValueProblem(
                f"a sign and parentheses ({raw!r}): parentheses already mean negative",
                "write -5 or (5), not both",
            )
    if not currency and body[:1] in _CURRENCY:
        body = body[1:]
    return negative, body


def _parse_number_text(raw: str, unit: UnitInfo) -> Decimal | None:
    check_value_text(raw, "number", unit_exponents=True)
    text = normalize_text(raw)
    if text.lower() in BLANK_WORDS:
        return None
    if text.upper() in _EXCEL_ERRORS:
        raise ValueProblem(
            f"an Excel error value ({text})",
            "fix the formula or type the figure; an error is never read as blank",
        )
    body = text.replace("−", "-").replace("﹣", "-")
    # A space between digits groups thousands like a comma (1 234); others go.
    if " " in body:
        body = _DIGIT_SPACE_RE.sub(",", body).replace(" ", "")
    negative, body = _split_sign(body, raw)
    figure = _PLAIN if _NUMBER_RE.match(body) else _split_figure(body, unit)
    if figure is None:
        if "(" in body or ")" in body:
            raise ValueProblem(
                f"unbalanced parentheses ({raw!r})", "write (5) for a negative 5, or 5"
            )
        raise ValueProblem(f"not a number ({raw!r})", _NUMBER_HINT)
    plain = (body if figure is _PLAIN else figure.digits).replace(",", "")
    significant = plain.replace(".", "").lstrip("0")
    if "." in plain:
        significant = significant.rstrip("0")  # 1.50 has two significant digits
    digits = len(significant)
    number = Decimal(plain)
    _refuse_huge(number, repr(raw))
    if digits > MAX_SIGNIFICANT_DIGITS:
        raise ValueProblem(
            f"a number of {digits} significant digits ({raw!r}): "
            f"a spreadsheet keeps at most {MAX_SIGNIFICANT_DIGITS}",
            f"round it to {MAX_SIGNIFICANT_DIGITS} digits",
        )
    if negative:
        number = -number
    if figure.percent:
        return _bounded(_percent_to_unit(number, unit, text), repr(raw))
    if figure.points:
        if unit.is_rate or not unit.text:
            return _bounded(number, repr(raw))
        raise ValueProblem(
            f"percentage points ({text}) in a KPI whose unit is {unit.text}",
            "set the KPI's unit to % or pp",
        )
    if not figure.typed_unit and figure.written == 1:
        return _bounded(number, repr(raw))  # a bare figure is in the KPI's unit
    if unit.is_rate:
        raise ValueProblem(
            f"an amount with a magnitude ({text}) in a {unit.text} KPI",
            "enter the rate as a percentage",
        )
    converted = number * figure.written / value_scale(unit)[0]
    return _plain(_bounded(converted, f"{raw!r} = {converted:.2E} {unit.text}".rstrip()))


def _split_figure(body: str, unit: UnitInfo) -> _Figure | None:
    """The digits of ``body`` and what follows them, or None when it is no number.

    After the figure may come the KPI's base unit, with or without a magnitude
    word before it (in a 万元 KPI 581.9万元, 0.5819千万元, 5,819,000元 and 581.9万
    all mean 581.9), the KPI's unit written as a whole (USD (M)), or a magnitude
    word, a % or percentage points alone. The first reading that leaves plain
    digits wins; every reading that does gives the same figure.
    """
    scale, base = value_scale(unit)
    lowered = body.lower()
    if not unit.is_rate:
        squashed_base = base.replace(" ", "").lower()
        if squashed_base and lowered.endswith(squashed_base):
            rest, written = split_magnitude(body[: -len(squashed_base)])
            if _NUMBER_RE.match(rest):
                return _Figure(rest, written, True, False, False)
        squashed = unit.text.replace(" ", "").lower()
        if squashed and squashed != squashed_base and lowered.endswith(squashed):
            rest = body[: -len(squashed)]
            if _NUMBER_RE.match(rest):
                return _Figure(rest, scale, True, False, False)
    figure: _Figure | None = None
    if body.endswith("%"):
        figure = _Figure(body[:-1], Decimal(1), False, True, False)
    else:
        for word in ("个百分点", "百分点", "ppt", "pp"):
            if lowered.endswith(word):
                figure = _Figure(body[: -len(word)], Decimal(1), False, False, True)
                break
    if figure is None:
        rest, written = split_magnitude(body)
        figure = _Figure(rest, written, False, False, False)
    return figure if _NUMBER_RE.match(figure.digits) else None


@dataclass(frozen=True)
class _Figure:
    """A number typed as text, split: its digits and what followed them."""

    digits: str
    written: Decimal  # the magnitude typed (8.37亿: 10^8), 1 for none
    typed_unit: bool  # the KPI's unit or its base followed the digits
    percent: bool
    points: bool


_PLAIN = _Figure("", Decimal(1), False, False, False)  # digits alone: the body itself
