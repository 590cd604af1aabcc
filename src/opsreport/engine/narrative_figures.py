"""The figures behind the narrative, per KPI and for the report: benchmark gaps, growth
targets, drivers and their chain, value rows and totals, goals' shares of their base.

Computed once from :class:`~opsreport.engine.metrics.Metrics` by :func:`narrative_figures`
(``metrics --json`` and the documents read them); pure Decimal, no words.

- benchmark gap: actual − benchmark, in points for rates and in the KPI's unit for amounts,
  with ``benchmark_gap_pct`` = that gap / |benchmark| × 100 (percent) for amounts; good when
  it is on the right side for the KPI's direction (a tie is good);
- the drivers of a KPI are its ``drivers`` as KpiResults, in the order typed; its chain
  follows each link's first driver back to the root cause (A ← B ← C is told C → B → A),
  at most :data:`CHAIN_LINKS` KPIs (the loader refuses cycles; a built report's cycle
  stops the chain where it would repeat a KPI);
- a goal's share of its base is target / base (a fraction), when the base is positive.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from opsreport.core.records import Goal, ValueRow
from opsreport.engine.metrics import KpiResult, Metrics
from opsreport.engine.targets import GrowthComparison, growth_comparison
from opsreport.engine.value import ValueTotal, value_totals, values_by_kpi

__all__ = [
    "CHAIN_LINKS",
    "GoalShare",
    "KpiNarrative",
    "NarrativeFigures",
    "narrative_figures",
]

CHAIN_LINKS = 8  # KPIs a chain tells at most, the KPI itself included
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class KpiNarrative:
    """One KPI's narrative figures (its ``result`` holds the rest)."""

    result: KpiResult
    benchmark_gap: Decimal | None  # actual − benchmark (points for rates)
    benchmark_gap_pct: Decimal | None  # amounts: the gap in percent of |benchmark|
    benchmark_good: bool | None
    growth: GrowthComparison | None  # None without a growth target
    drivers: tuple[KpiResult, ...]
    chain: tuple[KpiResult, ...]  # root cause first, ending with this KPI; () without drivers
    values: tuple[ValueRow, ...]


@dataclass(frozen=True)
class GoalShare:
    goal: Goal
    share: Decimal | None  # target / base; None when either is missing or base ≤ 0


@dataclass(frozen=True)
class NarrativeFigures:
    kpis: dict[str, KpiNarrative]  # by KPI key, in workbook order
    value_totals: tuple[ValueTotal, ...]
    goal_shares: tuple[GoalShare, ...]


def _benchmark(result: KpiResult) -> tuple[Decimal | None, Decimal | None, bool | None]:
    kpi = result.kpi
    if kpi.benchmark is None or kpi.actual is None:
        return None, None, None
    gap = kpi.actual - kpi.benchmark
    pct = None
    if not kpi.is_rate and kpi.benchmark != 0:
        pct = gap / abs(kpi.benchmark) * HUNDRED
    return gap, pct, kpi.sign * gap >= 0


def _chain(key: str, results: dict[str, KpiResult]) -> tuple[KpiResult, ...]:
    links = [results[key]]
    seen = {key}
    while len(links) < CHAIN_LINKS and links[-1].kpi.drivers:
        upstream = links[-1].kpi.drivers[0]
        if upstream in seen or upstream not in results:
            break
        seen.add(upstream)
        links.append(results[upstream])
    return tuple(reversed(links)) if len(links) > 1 else ()


def _share(goal: Goal) -> GoalShare:
    if goal.target is None or goal.base is None or goal.base <= 0:
        return GoalShare(goal, None)
    return GoalShare(goal, goal.target / goal.base)


def narrative_figures(metrics: Metrics) -> NarrativeFigures:
    results = {r.kpi.key: r for r in metrics.results}
    values = values_by_kpi(metrics.report.values)
    kpis = {}
    for key, result in results.items():
        gap, pct, good = _benchmark(result)
        kpis[key] = KpiNarrative(
            result,
            gap,
            pct,
            good,
            growth_comparison(metrics.report.kpi(key)),  # the typed target, not the one made
            tuple(results[d] for d in result.kpi.drivers if d in results),
            _chain(key, results),
            values.get(key, ()),
        )
    return NarrativeFigures(
        kpis,
        value_totals(metrics.report.values),
        tuple(_share(goal) for goal in metrics.report.goals),
    )
