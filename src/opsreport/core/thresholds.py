"""Risk thresholds: ``< 25``, ``>= 3.5`` on a KPI's actual, ``dev > 8%`` on its deviation.

A threshold is read in the unit of the KPI it watches, so ``> 4.7亿`` in a 万元 KPI
means 47,000. A deviation is in percent of the target for an amount (``偏离目标 > 5%``)
and in percentage points for a rate (``偏离目标 > 2个百分点``, ``dev > 2pp``): ``5%`` of a
rate could mean either, so it is refused rather than guessed.
"""

from __future__ import annotations

import re

from opsreport.core.numbers import parse_number
from opsreport.core.records import Threshold
from opsreport.core.text import normalize_text
from opsreport.core.units import parse_unit
from opsreport.core.value_problem import ValueProblem

__all__ = ["parse_threshold"]

_THRESHOLD_RE = re.compile(
    r"^(?P<dev>dev(?:iation)?|偏差|偏离目标|偏离|偏离度|目标偏差)?\s*"
    r"(?P<op><=|>=|<|>|≤|≥|＜|＞)\s*(?P<value>.+)$",
    re.IGNORECASE,
)
_POINTS_RE = re.compile(r"\s*(?:个百分点|百分点|pp|points?|pts?)$", re.IGNORECASE)


def parse_threshold(text: str, unit: str) -> Threshold:
    """``< 25``, ``>= 3.5`` on the KPI's actual; ``dev > 8%`` on its |ΔPL%| (an amount),
    ``dev > 2pp`` on its |actual − target| in points (a rate)."""
    match = _THRESHOLD_RE.match(normalize_text(text))
    if not match:
        raise ValueProblem(
            f"not a threshold ({text!r})",
            "write < 25, <= 25, > 47, >= 3.5, or dev > 8% (deviation from target)",
        )
    operator = {"≤": "<=", "≥": ">=", "＜": "<", "＞": ">"}.get(match["op"], match["op"])
    if match["dev"]:
        return _deviation(text, operator, match["value"].strip(), parse_unit(unit).is_rate)
    limit = parse_number(match["value"], unit=parse_unit(unit))
    if limit is None:
        raise ValueProblem(f"a threshold without a number ({text!r})", "write < 25 or > 47")
    return Threshold("value", operator, limit, normalize_text(text))


def _deviation(text: str, operator: str, raw: str, is_rate: bool) -> Threshold:
    """A deviation limit: percent of the target for an amount, points for a rate."""
    points = _POINTS_RE.search(raw)
    number = _POINTS_RE.sub("", raw) if points else raw.rstrip("%").strip()
    limit = parse_number(number) if number else None
    if limit is None:
        example = "dev > 2pp" if is_rate else "dev > 8%"
        raise ValueProblem(f"a deviation without a number ({text!r})", f"write {example}")
    if limit < 0:
        raise ValueProblem(
            f"a negative deviation ({text!r}): a deviation counts both sides of the target",
            "write the distance from the target, e.g. dev > 5%",
        )
    if points and not is_rate:
        raise ValueProblem(
            f"a deviation in points for a KPI that is not a rate ({text!r})",
            "percentage points are for % KPIs: write the deviation in percent, e.g. dev > 5%",
        )
    if is_rate and not points:
        raise ValueProblem(
            f"a deviation in percent for a rate KPI is ambiguous ({text!r}): "
            "percent of the target or percentage points?",
            "write it in points, e.g. 偏离目标 > 2个百分点 or dev > 2pp",
        )
    return Threshold("dev", operator, limit, normalize_text(text), in_points=bool(points))
