"""What the year's results were worth: the value rows by KPI and their totals, and each
goal's share of the company total it is part of.

Totals add rows of one kind whose units convert into one another (亿元, 万元, 元: 3.1亿元
+ 2,000万元 = 3.3亿元, expressed in the largest unit among them); ``benefit`` adds gains,
savings and cash; losses are totalled apart and never netted. A row without a unit, or in
a unit nothing else shares, stays a total of its own — nothing is added across units.
A total is shown with the places of its most precise member in its unit (at most 2, as a
KPI's figures): 1.14亿元 + 1.1亿元 + 3,600万元 (0.36亿元) = 2.60亿元.
A goal's share of its base (占比基数) is target ÷ base (a fraction), when the base is
positive: 直接利润10亿元 of 公司新增利润12亿元 is 0.8333… (83%). Pure Decimal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from opsreport.core.records import VALUE_KINDS, Goal, ValueRow
from opsreport.core.rounding import kpi_places
from opsreport.core.units import convert_unit, parse_unit

__all__ = [
    "BENEFIT_KINDS",
    "GoalShare",
    "ValueTotal",
    "goal_shares",
    "value_totals",
    "values_by_kpi",
]

BENEFIT_KINDS = ("gain", "saving", "cash")  # what adds up to the year's benefit


@dataclass(frozen=True)
class ValueTotal:
    """The rows of ``kind`` ("gain", "saving", "cash", "loss" or "benefit" = the first three)
    in units of one base, added in ``unit``."""

    kind: str
    unit: str
    amount: Decimal
    rows: int
    places: int  # the places of its most precise member in ``unit`` (at most 2): a total
    # never says less than what it adds (1.14亿元 + 1.1亿元 + 3,600万元 = 2.60亿元, not 2.6)


def values_by_kpi(rows: Iterable[ValueRow]) -> dict[str, tuple[ValueRow, ...]]:
    """Each KPI's value rows, in workbook order."""
    grouped: dict[str, list[ValueRow]] = {}
    for row in rows:
        grouped.setdefault(row.kpi, []).append(row)
    return {key: tuple(members) for key, members in grouped.items()}


def _totals(kind: str, rows: list[ValueRow]) -> list[ValueTotal]:
    by_base: dict[str, list[ValueRow]] = {}
    for row in rows:
        if row.unit:
            by_base.setdefault(parse_unit(row.unit).base.lower(), []).append(row)
    totals = []
    for members in by_base.values():
        unit = max(members, key=lambda r: parse_unit(r.unit).magnitude).unit
        converted = [convert_unit(r.amount, r.unit, unit) for r in members]
        added = [c for c in converted if c is not None]
        amount = sum(added, Decimal(0))
        totals.append(ValueTotal(kind, unit, amount, len(added), kpi_places(*added)))
    return totals


def value_totals(rows: Iterable[ValueRow]) -> tuple[ValueTotal, ...]:
    """Per kind (in :data:`VALUE_KINDS` order) and the benefit, each per unit base."""
    listed = list(rows)
    totals: list[ValueTotal] = []
    for kind in VALUE_KINDS:
        totals += _totals(kind, [r for r in listed if r.kind == kind])
    totals += _totals("benefit", [r for r in listed if r.kind in BENEFIT_KINDS])
    return tuple(totals)


@dataclass(frozen=True)
class GoalShare:
    """A goal and its target's share of its base."""

    goal: Goal
    share: Decimal | None  # target / base; None when either is missing or base ≤ 0


def goal_shares(goals: Iterable[Goal]) -> tuple[GoalShare, ...]:
    """Each goal's share of its base, in workbook order."""
    return tuple(
        GoalShare(goal, None)
        if goal.target is None or goal.base is None or goal.base <= 0
        else GoalShare(goal, goal.target / goal.base)
        for goal in goals
    )
