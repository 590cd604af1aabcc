"""How a KPI's quarters make its year (sum, avg or last): the rule when the workbook does
not say, and :func:`aggregate`, which applies it.

The rule reads the KPI's unit and name: flows add up, ratios and scores average, rates
and stocks end where Q4 ends. The loader applies it to every KPI without an
``aggregation`` cell and marks the choice as inferred.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from opsreport.core.units import parse_unit

__all__ = ["aggregate", "default_aggregation", "name_is_per_unit"]

# Units whose quarters add up to the year (flows); everything else is a level.
_FLOW_BASES = {
    "元", "美元", "usd", "$", "eur", "€", "rmb", "cny", "单", "笔", "件", "次", "个", "台",
    "orders", "order", "tickets", "ticket", "units", "pcs", "visits", "calls", "sessions",
    "gmv", "revenue",
}  # fmt: skip
_AVERAGE_BASES = {"分", "points", "score", "星", "stars", "nps"}


_PER_UNIT_WORDS = ("单价", "均", "人效", "每", "average", "avg", "per ", "mean")


def name_is_per_unit(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in _PER_UNIT_WORDS)


def default_aggregation(unit: str, name: str = "") -> str:
    """How a KPI's quarters make its year when the workbook does not say.

    Money and counts of events (元, 万元, 单, orders, USD) are flows: ``sum``;
    ratios (万元/人) and per-unit amounts named so (客单价, 人均, average …) ``avg``.
    Scores (分, points) are ``avg``. Rates (%, pp), stocks and durations (人,
    天, hours, inventory) are ``last``: the year ends where Q4 ends.
    """
    info = parse_unit(unit)
    if info.is_rate:
        return "last"
    if "/" in info.base or name_is_per_unit(name):
        return "avg"  # 万元/人, 元/单, 客单价, average handle time: a mean, not a total
    base = info.base.strip().lower()
    if base in _AVERAGE_BASES:
        return "avg"
    if base in _FLOW_BASES or (info.magnitude != 1 and base in {"", "元"}):
        return "sum"
    if not base:
        return "sum"
    return "last"


def aggregate(values: Sequence[Decimal | None], how: str) -> Decimal | None:
    """Periods made one by the KPI's aggregation: ``sum`` (None when one is missing: a
    part is not the whole), ``avg`` of those given, ``last`` the last one (None if it is
    missing); None when none is given."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    if how == "sum":
        return sum(present, Decimal(0)) if len(present) == len(values) else None
    if how == "avg":
        return sum(present, Decimal(0)) / len(present)
    return values[-1]
