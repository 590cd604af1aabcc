"""What a document features, decided once: the lead KPI, the KPIs each dimension
lists one by one, the quarterly series it draws and how many it leaves out.

The report's opening, its tables, its quarterly charts and ``opsreport metrics``
all read these functions, so the series a table lists are the ones drawn and the
"more" lines count exactly what was left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from opsreport.engine.metrics import KpiResult, Metrics, QuarterSeries

__all__ = [
    "KPIS_PER_GROUP",
    "QUARTERS_SHOWN",
    "Selection",
    "featured_quarters",
    "featured_results",
    "headline_kpis",
    "lead_kpi",
    "notability",
    "select",
]

KPIS_PER_GROUP = 50  # KPIs a dimension lists one by one by default
QUARTERS_SHOWN = 8  # quarterly series a document shows one by one
HEADLINE_KPIS = 3  # KPIs the opening's headline names
_SEVERITY = {"missed": 3, "near": 2, "met": 1, None: 0}


@dataclass(frozen=True, slots=True)
class Selection:
    """The engine's choice of what a document shows one by one."""

    lead: KpiResult | None  # the KPI the opening leads with
    headline: tuple[KpiResult, ...]  # the KPIs the headline names, lead first (at most 3)
    featured: frozenset[str]  # keys of the KPIs listed one by one in their dimension
    quarters: tuple[QuarterSeries, ...]  # the quarterly series shown one by one
    quarters_more: int  # series with two or more quarters that are not shown


def lead_kpi(metrics: Metrics) -> KpiResult | None:
    """The KPI a reader expects first: the heaviest weight, else the first with a target."""
    weighted = [r for r in metrics.results if r.kpi.weight is not None and r.attainment is not None]
    if weighted:
        return max(weighted, key=lambda r: r.kpi.weight or 0)
    with_target = [r for r in metrics.results if r.attainment is not None]
    return with_target[0] if with_target else (metrics.results[0] if metrics.results else None)


def headline_kpis(metrics: Metrics, limit: int = HEADLINE_KPIS) -> tuple[KpiResult, ...]:
    """The KPIs the opening's headline names: the heaviest weighted ones with a result
    (ties in sheet order), else the first with a target; at most ``limit``."""
    rated = [r for r in metrics.results if r.attainment is not None]
    weighted = [r for r in rated if r.kpi.weight]
    if weighted:
        return tuple(sorted(weighted, key=lambda r: -(r.kpi.weight or 0))[:limit])
    return tuple(rated[:limit])


def notability(result: KpiResult, index: int) -> tuple[Decimal, int, Decimal, int]:
    """How much a KPI asks to be listed (higher first): its weight, then missed over
    near over met, then its distance from target, then its place in the sheet."""
    distance = abs(result.attainment - 1) if result.attainment is not None else Decimal(0)
    return (result.kpi.weight or Decimal(0), _SEVERITY[result.status], distance, -index)


def featured_results(results: Sequence[KpiResult], limit: int | None) -> Sequence[KpiResult]:
    """The KPIs of a dimension a document lists one by one, in workbook order.

    A dimension of hundreds of KPIs makes a report nobody reads (and a Word file
    that takes a gigabyte to build). Beyond ``limit`` the document lists the
    most notable (:func:`notability`) and summarises the rest in one sentence.
    """
    if not limit or len(results) <= limit:
        return results
    chosen = sorted(enumerate(results), key=lambda item: notability(item[1], item[0]), reverse=True)
    return [result for _, result in sorted(chosen[:limit], key=lambda item: item[0])]


def featured_quarters(metrics: Metrics, limit: int = QUARTERS_SHOWN) -> list[QuarterSeries]:
    """The quarterly series a document shows one by one: weighted KPIs first (heaviest
    first), then the others in sheet order, at most ``limit``; the rest are counted,
    not drawn, so a workbook with thousands of series stays a readable, fast report."""
    eligible = [s for s in metrics.quarters if len(s.points) >= 2]
    order = {kpi.key: index for index, kpi in enumerate(metrics.report.kpis)}
    eligible.sort(key=lambda s: (-(s.kpi.weight or 0), order.get(s.kpi.key, 0)))
    return eligible[:limit]


def select(metrics: Metrics, kpis_per_group: int | None = KPIS_PER_GROUP) -> Selection:
    """Everything a document features; ``kpis_per_group`` ``None`` or 0: every KPI."""
    featured: set[str] = set()
    for group in metrics.groups:
        featured.update(r.kpi.key for r in featured_results(group.results, kpis_per_group))
    quarters = featured_quarters(metrics)
    eligible = sum(1 for s in metrics.quarters if len(s.points) >= 2)
    return Selection(
        lead=lead_kpi(metrics),
        headline=headline_kpis(metrics),
        featured=frozenset(featured),
        quarters=tuple(quarters),
        quarters_more=eligible - len(quarters),
    )
