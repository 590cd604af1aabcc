"""How each KPI is shown, decided once: the per-KPI view every consumer reads.

The report context's rows and sentences, the ``opsreport metrics`` table and the
charts used to work out a KPI's decimal places, its good/bad flags and its label
each for themselves, with different figures (a KPI of target 8, actual 9 and next
year's target 10.25 read 9.00亿元 in the report table but 9亿元 in ``metrics`` and
in the sentence). :func:`kpi_views` decides them here, once per KPI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from opsreport.engine.metrics import KpiResult, Metrics, QuarterSeries
from opsreport.present.formatting import STATUS_LABELS, display_places, kpi_places

__all__ = [
    "KPIS_PER_GROUP",
    "KpiView",
    "featured_results",
    "kpi_view",
    "kpi_views",
    "quarter_places",
]

KPIS_PER_GROUP = 50
_SEVERITY = {"missed": 3, "near": 2, "met": 1, None: 0}


@dataclass(frozen=True, slots=True)
class KpiView:
    """What a reader sees of one KPI, the same in every format and command."""

    key: str
    places: int  # decimal places of every figure of the KPI (display_places)
    pp_places: int  # a rate's variances in percentage points: ``places``, at least 1
    good_target: bool | None  # ΔPL good for the KPI's direction; None: no target
    good_prior: bool | None  # ΔPY good for the KPI's direction; None: no prior year
    status: str | None  # met, near, missed; None: no target
    status_label: str  # the status in the report's language
    featured: bool  # listed one by one in its dimension, else counted in its "more" line


def kpi_view(result: KpiResult, lang: str, *, featured: bool = True) -> KpiView:
    """The view of one KPI in ``lang`` (zh or en)."""
    places = display_places(result.kpi)
    return KpiView(
        key=result.kpi.key,
        places=places,
        pp_places=max(places, 1),
        good_target=result.good_vs_target,
        good_prior=result.good_vs_prior,
        status=result.status,
        status_label=STATUS_LABELS["zh" if lang == "zh" else "en"][result.status],
        featured=featured,
    )


def kpi_views(
    metrics: Metrics, lang: str, kpis_per_group: int | None = KPIS_PER_GROUP
) -> dict[str, KpiView]:
    """Every KPI's view by key, in workbook order; ``kpis_per_group`` as for
    :func:`featured_results` (``None`` or 0: every KPI is featured)."""
    hidden: set[int] = set()
    for group in metrics.groups:
        shown = featured_results(group.results, kpis_per_group)
        if len(shown) < len(group.results):
            kept = {id(result) for result in shown}
            hidden.update(id(result) for result in group.results if id(result) not in kept)
    return {
        result.kpi.key: kpi_view(result, lang, featured=id(result) not in hidden)
        for result in metrics.results
    }


def quarter_places(series: QuarterSeries) -> int:
    """Decimal places of a KPI's quarterly figures, in the trend table, its sentence and
    its chart: the KPI's display places, or more if a quarter's AC, PL or PY has more
    (at most 2)."""
    kpi = series.kpi
    return kpi_places(
        kpi.target,
        kpi.actual,
        kpi.prior_year,
        kpi.next_target,
        *(p.actual for p in series.points),
        *(p.target for p in series.points),
        *(p.prior_year for p in series.points),
    )


def featured_results(results: Sequence[KpiResult], limit: int | None) -> Sequence[KpiResult]:
    """The KPIs of a dimension a document lists one by one, in workbook order.

    A dimension of hundreds of KPIs makes a report nobody reads (and a Word file
    that takes a gigabyte to build). Beyond ``limit`` the document lists the
    weighted KPIs first, then the missed, near and met ones furthest from
    target, and summarises the rest in one sentence.
    """
    if not limit or len(results) <= limit:
        return results

    def notability(item: tuple[int, KpiResult]) -> tuple[Decimal, int, Decimal, int]:
        index, result = item
        distance = abs(result.attainment - 1) if result.attainment is not None else Decimal(0)
        return (result.kpi.weight or Decimal(0), _SEVERITY[result.status], distance, -index)

    chosen = sorted(enumerate(results), key=notability, reverse=True)[:limit]
    return [result for _, result in sorted(chosen, key=lambda item: item[0])]
