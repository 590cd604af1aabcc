"""The target a KPI is judged by: the one typed, or the one its growth target makes.

``target_growth`` (目标增幅) is percent for amounts and percentage points for rates
(io/records.py reads it so): a blank ``target`` with a growth target of 30 on a prior year
of 100 is a target of 100 × (1 + 30/100) = 130; on a rate of 41% with +3 points it is 44%.
Both given: the typed target is used, and :func:`growth_comparison` sets the growth the
KPI achieved beside the growth target (人效+34.6%，高于30%的增长目标). Pure Decimal.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from opsreport.core.records import Kpi

__all__ = ["EffectiveTarget", "GrowthComparison", "effective_target", "growth_comparison"]

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class EffectiveTarget:
    """``target`` in the KPI's unit and where it came from: "given", "growth" or None."""

    target: Decimal | None
    source: str | None


def effective_target(kpi: Kpi) -> EffectiveTarget:
    """The typed target; else prior × (1 + g/100) for amounts, prior + g for rates.

    No prior year, or an amount whose prior year is negative (a percent of it has no
    meaning): no target (the loader warns).
    """
    if kpi.target is not None:
        return EffectiveTarget(kpi.target, "given")
    growth, prior = kpi.target_growth, kpi.prior_year
    if growth is None or prior is None:
        return EffectiveTarget(None, None)
    if kpi.is_rate:
        return EffectiveTarget(prior + growth, "growth")
    if prior < 0:
        return EffectiveTarget(None, None)
    return EffectiveTarget(prior * (1 + growth / HUNDRED), "growth")


@dataclass(frozen=True)
class GrowthComparison:
    """The growth achieved on last year beside the growth target, both in the growth
    target's terms (percent for amounts, points for rates).

    ``implied``: the growth the typed target stood for (None when the target came from
    the growth target itself); ``difference_pp``: achieved − target growth, in
    percentage points of growth (34.6% against 30%: +4.6); ``good``: by direction.
    """

    target_growth: Decimal
    achieved: Decimal | None
    implied: Decimal | None
    difference_pp: Decimal | None
    good: bool | None


def _growth(kpi: Kpi, value: Decimal | None) -> Decimal | None:
    prior = kpi.prior_year
    if value is None or prior is None:
        return None
    if kpi.is_rate:
        return value - prior
    if prior <= 0:
        return None
    return (value - prior) / prior * HUNDRED


def growth_comparison(kpi: Kpi) -> GrowthComparison | None:
    """None without a growth target."""
    if kpi.target_growth is None:
        return None
    achieved = _growth(kpi, kpi.actual)
    implied = _growth(kpi, kpi.target) if kpi.target is not None else None
    difference = achieved - kpi.target_growth if achieved is not None else None
    good = None if difference is None else kpi.sign * difference >= 0
    return GrowthComparison(kpi.target_growth, achieved, implied, difference, good)
