"""The figures a KPI's sentence and its ``metrics --json`` row build on beyond its
:class:`KpiResult`: the size class of its move on last year, its gap to the benchmark and
to its growth target, its drivers and their chains, and the value rows that say what it
was worth. The one source of these figures: present/narrative words them, present/tables
writes them, so a sentence and ``metrics --json`` never disagree.

- benchmark gap: actual − benchmark, in points for rates and in the KPI's unit for
  amounts; ``benchmark_gap_pct`` = that gap ÷ |benchmark| (a fraction) for amounts;
  good when on the right side for the KPI's direction (a tie is good);
- growth: the change on last year the growth target is compared with
  (engine/targets.growth_comparison: percent for amounts, points for rates), and its gap;
- chains: one per direct driver of the KPI known to the report, in the order typed; each
  follows its driver's first driver back to the root cause and is told root first, ending
  with the direct driver (A ← B ← C is told C → B for A), at most :data:`CHAIN_DEPTH`
  KPIs, never the KPI itself nor a KPI twice (the loader refuses cycles; this guards a
  built report).

Pure Decimal, no words. Computed once per KPI by :func:`kpi_stories`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from opsreport.core.records import Kpi, ValueRow
from opsreport.engine.metrics import KpiResult, Metrics
from opsreport.engine.movement import MoveSize, UnitKind, move_size, unit_kind
from opsreport.engine.targets import growth_comparison
from opsreport.engine.value import values_by_kpi

__all__ = ["CHAIN_DEPTH", "KpiStory", "driver_chains", "kpi_stories", "kpi_story"]

CHAIN_DEPTH = 4  # KPIs a driver chain tells at most (root → … → the KPI's own driver)


@dataclass(frozen=True, slots=True)
class KpiStory:
    """One KPI's narrative figures, in its own unit (points for a rate)."""

    key: str
    kind: UnitKind
    prior_size: MoveSize | None  # the move on last year; None: no prior year or no actual
    benchmark_gap: Decimal | None  # actual − benchmark
    benchmark_gap_pct: Decimal | None  # that gap over |benchmark| (a fraction); rates: None
    benchmark_good: bool | None  # the gap on the right side for the direction (a tie too)
    growth: Decimal | None  # the change on last year the growth target is compared with:
    # percent for amounts (30.4 = +30.4%), points for rates
    growth_gap: Decimal | None  # growth − target_growth (percentage points of growth)
    growth_good: bool | None  # the growth gap good for the KPI's direction
    drivers: tuple[str, ...]  # keys of the direct drivers the report has, in the order typed
    chains: tuple[tuple[str, ...], ...]  # per direct driver: its chain, root cause first
    values: tuple[ValueRow, ...]  # the value rows naming this KPI, in workbook order


def driver_chains(kpi: Kpi, kpis: Mapping[str, Kpi]) -> tuple[tuple[str, ...], ...]:
    """Per direct driver of ``kpi``, the chain that ends in it, root cause first.

    A driver with drivers of its own is told after its first one (产能 → 爆款率 →
    自然流量): the chain follows each link's first driver, at most :data:`CHAIN_DEPTH`
    KPIs, never a KPI twice (the loader refuses cycles; this guards a built report).
    """
    chains: list[tuple[str, ...]] = []
    for key in kpi.drivers:
        chain = [key]
        seen = {kpi.key, key}
        current = kpis.get(key)
        while current is not None and current.drivers and len(chain) < CHAIN_DEPTH:
            upstream = current.drivers[0]
            if upstream in seen or upstream not in kpis:
                break
            seen.add(upstream)
            chain.append(upstream)
            current = kpis[upstream]
        if key in kpis:
            chains.append(tuple(reversed(chain)))
    return tuple(chains)


def kpi_story(
    result: KpiResult, kpis: Mapping[str, Kpi], values: tuple[ValueRow, ...] = ()
) -> KpiStory:
    """The narrative figures of one KPI; ``kpis`` by key resolves its drivers."""
    kpi = result.kpi
    kind = unit_kind(kpi.unit)
    prior_size = (
        move_size(kind, result.var_prior, result.var_prior_pct)
        if result.var_prior is not None
        else None
    )
    gap = gap_pct = benchmark_good = None
    if kpi.benchmark is not None and kpi.actual is not None:
        gap = kpi.actual - kpi.benchmark
        benchmark_good = kpi.sign * gap >= 0
        if kind != "rate" and kpi.benchmark != 0:
            gap_pct = gap / abs(kpi.benchmark)
    growth = growth_gap = growth_good = None
    comparison = growth_comparison(kpi)  # achieved growth: actual and prior, not the target
    if comparison is not None and comparison.difference_pp is not None:
        growth, growth_gap, growth_good = (
            comparison.achieved,
            comparison.difference_pp,
            comparison.good,
        )
    return KpiStory(
        kpi.key, kind, prior_size, gap, gap_pct, benchmark_good, growth, growth_gap,
        growth_good, tuple(key for key in kpi.drivers if key in kpis),
        driver_chains(kpi, kpis), values,
    )  # fmt: skip


def kpi_stories(metrics: Metrics) -> dict[str, KpiStory]:
    """Every KPI's story by key, in workbook order."""
    report = metrics.report
    kpis = {kpi.key: kpi for kpi in report.kpis}
    by_kpi = values_by_kpi(report.values)
    return {r.kpi.key: kpi_story(r, kpis, by_kpi.get(r.kpi.key, ())) for r in metrics.results}
