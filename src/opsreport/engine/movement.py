"""How a KPI moved, in the classes a sentence picks its verbs by.

A sentence says a large move as large (大幅增长) and a slight one as slight (小幅提升),
a duration's change in its unit (缩短3.5天, not -6.7%), a score's too (净推荐值+3分, not
+9.1%) and a multiple's (倍, x) by its
from→to only (+1.3倍 beside +61.9% reads as +130%). Which class a move is in is decided
here, from the figures alone, by one table, :data:`SIZE_THRESHOLDS` (docs/sentences.md
prints it); the words are the presentation's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from opsreport.core.text import normalize_text
from opsreport.core.units import parse_unit

__all__ = [
    "DURATION_UNITS",
    "MULTIPLE_UNITS",
    "SCORE_UNITS",
    "SIZE_THRESHOLDS",
    "MoveSize",
    "SizeThreshold",
    "UnitKind",
    "move_size",
    "unit_kind",
]

UnitKind = Literal["rate", "duration", "multiple", "score", "amount"]
MoveSize = Literal["flat", "slight", "normal", "large"]

# Units of time: a change is said in the unit (延长17天), never in percent. 分 is not
# here: it is a score (净推荐值36分); 月 alone neither (a month is no fixed length to add).
DURATION_UNITS = frozenset(
    {
        "天", "日", "工作日", "自然日", "小时", "时", "分钟", "秒", "周", "个月", "年",
        "day", "days", "d", "working days", "business days", "hour", "hours", "h", "hr",
        "hrs", "minute", "minutes", "min", "mins", "second", "seconds", "s", "sec", "secs",
        "week", "weeks", "month", "months", "year", "years",
    }
)  # fmt: skip
# A multiple (ROI 3.4倍): its difference in 倍 reads as a percent (+1.3倍 = +130%).
MULTIPLE_UNITS = frozenset({"倍", "x", "×", "times"})
# A score (净推荐值36分, NPS 31 points): its change is said in points of the score (+3分),
# a percent of a score (+9.1%) is not what a reader compares.
SCORE_UNITS = frozenset({"分", "points", "point", "pts", "pt"})


@dataclass(frozen=True, slots=True)
class SizeThreshold:
    """When a move is slight or large: measured in points (rates) or relative to the
    prior figure (everything else, as a fraction: 0.30 is 30%)."""

    measure: Literal["points", "relative"]
    slight_below: Decimal  # |move| below this: slight (小幅)
    large_from: Decimal  # |move| from this on: large (大幅)


SIZE_THRESHOLDS: dict[UnitKind, SizeThreshold] = {
    "rate": SizeThreshold("points", Decimal("0.5"), Decimal("5")),
    "amount": SizeThreshold("relative", Decimal("0.02"), Decimal("0.30")),
    "duration": SizeThreshold("relative", Decimal("0.02"), Decimal("0.30")),
    "multiple": SizeThreshold("relative", Decimal("0.02"), Decimal("0.30")),
    "score": SizeThreshold("relative", Decimal("0.02"), Decimal("0.30")),
}
"""One table for every verb class: rates by points (< 0.5 pp slight, ≥ 5 pp large),
amounts, durations, multiples and scores by their change relative to the prior figure
(< 2% slight, ≥ 30% large)."""


def unit_kind(unit: str | None) -> UnitKind:
    """The kind of a KPI's unit: rate (% or pp), duration (天, hours), multiple (倍), score
    (分, points), amount."""
    info = parse_unit(unit)
    if info.is_rate:
        return "rate"
    text = normalize_text(unit).strip()
    lowered = text.lower()
    if text in DURATION_UNITS or lowered in DURATION_UNITS:
        return "duration"
    if text in MULTIPLE_UNITS or lowered in MULTIPLE_UNITS:
        return "multiple"
    if text in SCORE_UNITS or lowered in SCORE_UNITS:
        return "score"
    return "amount"


def move_size(kind: UnitKind, change: Decimal | None, relative: Decimal | None) -> MoveSize | None:
    """The size class of a move: ``change`` in the KPI's unit (points for a rate),
    ``relative`` the change over |prior| (None when the prior is zero).

    None when there is no move to judge (no change); a move whose relative size is
    unknown (a prior of zero) is "normal": nothing to call it large or slight by.
    """
    if change is None:
        return None
    if change == 0:
        return "flat"
    threshold = SIZE_THRESHOLDS[kind]
    size = abs(change) if threshold.measure == "points" else relative
    if size is None:
        return "normal"
    size = abs(size)
    if size >= threshold.large_from:
        return "large"
    if size < threshold.slight_below:
        return "slight"
    return "normal"
