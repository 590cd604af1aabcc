"""KPI units: magnitude × base (亿元 is 10^8 × 元), rates, and converting between units.

:func:`parse_unit` splits a unit into its magnitude word and its base and says whether
it is a rate (% or percentage points); :func:`convert_unit` expresses a figure in
another unit of the same base, and refuses (None) across bases. The magnitude words
are shared with the number parser, which converts ``8.37亿`` into a KPI's unit.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal

from opsreport.core.text import normalize_text

__all__ = [
    "PERCENT_UNITS",
    "POINT_UNITS",
    "UnitInfo",
    "convert_unit",
    "parse_unit",
    "split_magnitude",
    "value_scale",
]

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


def split_magnitude(body: str) -> tuple[str, Decimal]:
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


def value_scale(unit: UnitInfo) -> tuple[Decimal, str]:
    """The magnitude and base a typed figure is converted to.

    A bare Chinese magnitude word as the unit (a KPI counted in 万) scales like a
    prefix with no base: 3百万 in a 万 KPI is 300. (A bare k or M stays a unit
    name, as in :func:`parse_unit`: only a currency takes an English magnitude.)
    """
    if unit.magnitude == 1 and unit.text in _CHINESE_MAGNITUDES:
        return _CHINESE_MAGNITUDES[unit.text], ""
    return unit.magnitude, unit.base


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
