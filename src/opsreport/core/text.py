"""Text from cells made safe to print and to compare, and values typed as text checked.

Names are compared NFKC-normalised and case-folded (:func:`match_key`); text kept for a
report loses control characters, direction overrides and invisible characters
(:func:`clean_text`), which the loader warns about (:func:`bidi_controls`). A number,
date, period or level typed as text is refused when its digits would read differently
from how they display (``4⁹`` is not 49, ``4\u202e21`` shows as 412).

Limits (each refusal states its limit; docs/workbook.md §6 lists them): a cell's text
at most 32,767 characters (Excel's own limit); a number, date, period or level typed
as text at most 100.
"""

from __future__ import annotations

import re
import unicodedata

from opsreport.core.value_problem import ValueProblem

__all__ = [
    "BLANK_WORDS",
    "MAX_TEXT_CHARS",
    "MAX_VALUE_TEXT_CHARS",
    "bidi_controls",
    "check_value_text",
    "clean_text",
    "match_key",
    "normalize_text",
]

MAX_TEXT_CHARS = 32_767  # the most characters an Excel cell holds
MAX_VALUE_TEXT_CHARS = 100  # a number, date or period typed as text is never longer

# What a blank number or date cell may be typed as (the number, date and period parsers share it).
BLANK_WORDS = {"", "-", "—", "–", "--", "——", "/", "n/a", "na", "无", "暂无"}


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


def check_value_text(raw: str, what: str, *, unit_exponents: bool) -> None:
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
