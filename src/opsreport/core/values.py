"""Parsing cell values: numbers with units and magnitudes, dates, periods, enums.

Every parser is strict: it returns a value, ``None`` for a genuinely blank cell,
or raises :class:`ValueProblem` with what was found and how to fix it. Nothing
here guesses silently; ``float('nan')``-style spellings, ``1_000``, superscript
digits (``4⁹`` is not 49), a sign inside accountants' parentheses and stray text
are refused because they would otherwise become wrong numbers.

Limits (each refusal states its limit; docs/workbook.md §6 lists them):

- numbers: below 10^15 in magnitude, as typed and in the KPI's unit; a typed
  number keeps at most 15 significant digits (Excel keeps no more); a number
  cell's binary value is rounded to 15 significant digits, as Excel shows it;
  a figure closer to zero than 10^-15 reads as 0 (Excel's own residues such as
  ``=0.1+0.2-0.3`` = 5.6e-17 mean 0); NaN and infinity are refused;
- dates: 1900-03-01 to 9999-12-31, so that no day is read from the stretch
  where Excel's 1900 system counts a 1900-02-29 that never was (serial 60);
  Excel serials 61 to 2,958,465 (1900 system) or 0 to 2,957,003 (1904 system);
- periods: years 1900 to 9999;
- text: at most 32,767 characters a cell (Excel's own limit); a number, date or
  period typed as text at most 100.
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
    "MAX_DATE",
    "MAX_NUMBER",
    "MAX_SIGNIFICANT_DIGITS",
    "MAX_TEXT_CHARS",
    "MIN_DATE",
    "MIN_NUMBER",
    "Period",
    "UnitInfo",
    "ValueProblem",
    "bidi_controls",
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

MAX_NUMBER = Decimal("1e15")  # |x| < 10^15: every integer below it fits Excel's 15 digits
MIN_NUMBER = Decimal("1e-15")  # non-zero |x| below it reads as 0
MAX_SIGNIFICANT_DIGITS = 15  # what Excel stores and shows of a number
MAX_TEXT_CHARS = 32_767  # the most characters an Excel cell holds
MAX_VALUE_TEXT_CHARS = 100  # a number, date or period typed as text is never longer
MIN_DATE = dt.date(1900, 3, 1)  # Excel's 1900 system counts the days before it wrong
MAX_DATE = dt.date(9999, 12, 31)  # the last day Excel (and Python) can hold
_FIRST_SERIAL_1900 = 61  # 1900-03-01 in the 1900 date system (60 is its 1900-02-29)
_MAX_SERIAL_1900 = 2_958_465  # 9999-12-31 in the 1900 date system
_MAX_SERIAL_1904 = 2_957_003  # 9999-12-31 in the 1904 date system (1,462 days fewer)


class ValueProblem(ValueError):
    """A cell value that cannot be read; carries a hint on how to fix it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


# --------------------------------------------------------------------------- text


# Unicode category Cc (C0 and C1 controls), except tab and newline.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Explicit direction controls: embeddings and overrides (U+202A–E) and isolates
# (U+2066–9). They make text display in another order than it reads.
_BIDI_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Invisible format characters that carry no meaning in a name or a figure: soft
# hyphen, zero-width space, word joiner and invisible operators, deprecated
# format controls, byte-order mark, interlinear annotations, musical format
# controls and tag characters (which can hide a whole sentence). Zero-width
# (non-)joiners and the LRM/RLM/ALM marks are kept: scripts and emoji need them.
_INVISIBLE_RE = re.compile(
    "[\u00ad\u180e\u200b\u2060-\u2064\u206a-\u206f\ufeff\ufff9-\ufffb"
    "\U0001d173-\U0001d17a\U000e0000-\U000e007f]"
)
# A lone surrogate (``&#xD800;`` in a cell) cannot be written to any file.
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
# Line and paragraph breaks in every spelling Unicode has.
_BREAKS = "\r\n\v\f\x85\u2028\u2029"
_BREAK_RE = re.compile(f"\r\n|[{_BREAKS}]")
_SINGLE_LINE_RE = re.compile(f"[ \t]*(?:\r\n|[{_BREAKS}\t])+[ \t]*")


def _scrub(text: str) -> str:
    """Text without controls, direction overrides, invisible characters or surrogates."""
    if text.isprintable():  # no Cc, Cf, Cs, Zl, Zp: nothing to remove (the usual case)
        return text
    if text.isascii():
        return _CONTROL_RE.sub("", text)
    text = _SURROGATE_RE.sub("\ufffd", text)
    text = _INVISIBLE_RE.sub("", _BIDI_RE.sub("", text))
    return _CONTROL_RE.sub("", text)


def bidi_controls(value: object) -> list[str]:
    """The direction overrides and isolates in ``value`` (U+202E …), as ``U+XXXX`` names.

    :func:`clean_text` removes them; a loader that wants to warn checks the raw
    cell value with this function first.
    """
    return [f"U+{ord(char):04X}" for char in _BIDI_RE.findall(str(value or ""))]


def normalize_text(value: object) -> str:
    """NFKC-normalised, stripped text: full-width digits and signs become ASCII.

    The form values are parsed and names compared in; controls, direction
    overrides and invisible characters are removed.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return _scrub(text).strip()


def clean_text(value: object, *, multiline: bool = False) -> str:
    """Text as typed (Chinese punctuation kept), safe to print in a report or a terminal.

    Single-line fields (names, owners, units …): every line break and tab becomes
    one space, so no name can start a new line in a log (``::error`` …). Multi-line
    fields (problem descriptions, notes) keep their line breaks, all spelled
    ``\\n``, and their tabs. Both lose control characters (ESC, BEL …), direction
    overrides and isolates (U+202A–E, U+2066–9, see :func:`bidi_controls`),
    invisible characters (zero-width space, BOM, soft hyphen, tag characters) and
    their outer spaces; a lone surrogate becomes U+FFFD. Text longer than an
    Excel cell holds (32,767 characters) is refused.
    """
    if value is None:
        return ""
    text = str(value)
    if len(text) > MAX_TEXT_CHARS:
        raise ValueProblem(
            f"a text of {len(text):,} characters; a cell holds at most {MAX_TEXT_CHARS:,}",
            "shorten the text or split it over several rows",
        )
    if text.isprintable() and "_x000D_" not in text:
        return text.strip()  # one line, nothing to remove (the usual case)
    text = text.replace("_x000D_", "")
    text = _BREAK_RE.sub("\n", text) if multiline else _SINGLE_LINE_RE.sub(" ", text)
    return _scrub(text).strip()


def match_key(value: object) -> str:
    """The form two names are compared in: NFKC (ＧＭＶ = GMV) and case-folded."""
    return normalize_text(value).casefold()


# Characters NFKC may fold into ASCII in a value: the full-width forms (１２３，．％),
# the small forms (﹣) and spaces. Everything else that folds into a digit
# (superscripts, subscripts, circled or parenthesised digits, fractions,
# mathematical digits) is refused: 4⁹ must not read as 49.
def _folds_harmlessly(char: str) -> bool:
    code = ord(char)
    return (
        0xFF00 <= code <= 0xFFEF or 0xFE50 <= code <= 0xFE6F or unicodedata.category(char) == "Zs"
    )


def _check_value_text(raw: str, what: str, *, unit_exponents: bool) -> None:
    """Refuse text whose digits would read differently from how they display.

    ``unit_exponents``: a superscript right after a letter is a unit's power
    (5 m² in a m² KPI), not a digit of the number.
    """
    if len(raw) > MAX_VALUE_TEXT_CHARS:
        raise ValueProblem(
            f"not a {what} (a text of {len(raw):,} characters)",
            f"a {what} typed as text has at most {MAX_VALUE_TEXT_CHARS} characters",
        )
    if raw.isascii():
        return
    found = _BIDI_RE.search(raw)
    if found:
        raise ValueProblem(
            f"a direction control (U+{ord(found.group()):04X}) in a {what} ({raw!r}): "
            "it displays in another order than it reads",
            f"retype the {what} without copying it from elsewhere",
        )
    if unicodedata.is_normalized("NFKC", raw):
        return  # no character folds into another: nothing can read as a digit
    previous = ""
    for char in raw:
        if char.isascii():
            previous = char
            continue
        folded = unicodedata.normalize("NFKC", char)
        if (
            folded != char
            and not _folds_harmlessly(char)
            and any("0" <= c <= "9" for c in folded)
            and not any(c.isalpha() for c in folded)
        ):
            if unit_exponents and previous.isalpha():
                continue  # m², km³: the unit's power
            name = unicodedata.name(char, f"U+{ord(char):04X}").lower()
            raise ValueProblem(
                f"not a plain {what} ({raw!r}): {char} is a {name}, not the digits {folded}",
                "type plain digits 0–9 (full-width ０–９ are fine); "
                "a power such as 4⁹ must be typed as its value",
            )
        previous = char


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


# --------------------------------------------------------------------------- units

# Magnitude words: the Chinese compounds (千万 is 10^7, 万亿 10^12) and the
# English abbreviations and words. Single letters are case-sensitive (m is
# metres or minutes, b bits); words are not.
_CHINESE_MAGNITUDES: dict[str, Decimal] = {
    "万亿": Decimal("1e12"),
    "千亿": Decimal("1e11"),
    "百亿": Decimal("1e10"),
    "十亿": Decimal("1e9"),
    "亿": Decimal("1e8"),
    "千万": Decimal("1e7"),
    "百万": Decimal("1e6"),
    "十万": Decimal("1e5"),
    "万": Decimal("1e4"),
    "千": Decimal("1e3"),
}
_MAGNITUDE_WORDS: dict[str, Decimal] = {
    **_CHINESE_MAGNITUDES,
    "k": Decimal("1e3"),
    "K": Decimal("1e3"),
    "M": Decimal("1e6"),
    "B": Decimal("1e9"),
    "mn": Decimal("1e6"),
    "bn": Decimal("1e9"),
    "thousand": Decimal("1e3"),
    "million": Decimal("1e6"),
    "billion": Decimal("1e9"),
}
# Longest first, so that 万亿 wins over 亿 and 千万 over 万.
_MAGNITUDE_ORDER = sorted(_MAGNITUDE_WORDS, key=len, reverse=True)
_CHINESE_ORDER = sorted(_CHINESE_MAGNITUDES, key=len, reverse=True)
# Last character -> the magnitude words ending in it, longest first.
_MAGNITUDE_ENDINGS: dict[str, list[str]] = {}
for _word in _MAGNITUDE_ORDER:
    _MAGNITUDE_ENDINGS.setdefault(_word[-1].lower(), []).append(_word)

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
    for word in _CHINESE_ORDER:
        if text.startswith(word) and len(text) > len(word):
            magnitude, base = _CHINESE_MAGNITUDES[word], text[len(word) :]
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


def _magnitude_suffix(body: str) -> tuple[str, Decimal]:
    """``body`` without a trailing magnitude word, and that word's magnitude (else 1)."""
    candidates = _MAGNITUDE_ENDINGS.get(body[-1:].lower())
    if not candidates:
        return body, Decimal(1)
    lowered = body.lower()
    for word in candidates:
        ends = lowered.endswith(word) if len(word) > 2 else body.endswith(word)
        if ends and len(body) > len(word):
            return body[: -len(word)], _MAGNITUDE_WORDS[word]
    return body, Decimal(1)


def _value_scale(unit: UnitInfo) -> tuple[Decimal, str]:
    """The magnitude and base a typed figure is converted to.

    A bare Chinese magnitude word as the unit (a KPI counted in 万) scales like a
    prefix with no base: 3百万 in a 万 KPI is 300. (A bare k or M stays a unit
    name, as in :func:`parse_unit`: only a currency takes an English magnitude.)
    """
    if unit.magnitude == 1 and unit.text in _CHINESE_MAGNITUDES:
        return _CHINESE_MAGNITUDES[unit.text], ""
    return unit.magnitude, unit.base


# --------------------------------------------------------------------------- numbers

_BLANK_WORDS = {"", "-", "—", "–", "--", "——", "/", "n/a", "na", "无", "暂无"}
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
    _check_value_text(raw, "number", unit_exponents=True)
    text = normalize_text(raw)
    if text.lower() in _BLANK_WORDS:
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
    converted = number * figure.written / _value_scale(unit)[0]
    return _plain(_bounded(converted, f"{raw!r} = {converted:.2E} {unit.text}".rstrip()))


def _split_figure(body: str, unit: UnitInfo) -> _Figure | None:
    """The digits of ``body`` and what follows them, or None when it is no number.

    After the figure may come the KPI's base unit, with or without a magnitude
    word before it (in a 万元 KPI 581.9万元, 0.5819千万元, 5,819,000元 and 581.9万
    all mean 581.9), the KPI's unit written as a whole (USD (M)), or a magnitude
    word, a % or percentage points alone. The first reading that leaves plain
    digits wins; every reading that does gives the same figure.
    """
    scale, base = _value_scale(unit)
    lowered = body.lower()
    if not unit.is_rate:
        squashed_base = base.replace(" ", "").lower()
        if squashed_base and lowered.endswith(squashed_base):
            rest, written = _magnitude_suffix(body[: -len(squashed_base)])
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
        rest, written = _magnitude_suffix(body)
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
    number: Decimal | None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = to_decimal(value)
    else:
        raw = str(value)
        _check_value_text(raw, "level", unit_exponents=False)
        text = normalize_text(raw).lower()
        if not text:
            return None
        if text in _LEVELS:
            return _LEVELS[text]
        try:
            number = Decimal(text) if text.isascii() else None
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
    _check_value_text(raw, "date", unit_exponents=False)
    text = normalize_text(raw)
    if not text or text.lower() in _BLANK_WORDS:
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
    _check_value_text(raw, "period", unit_exponents=False)
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
