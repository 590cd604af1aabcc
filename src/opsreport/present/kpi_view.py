"""How each KPI is shown, decided once: the per-KPI view every consumer reads.

The report context's rows and sentences, the ``opsreport metrics`` table and the
charts used to work out a KPI's decimal places, its good/bad flags and its label
each for themselves, with different figures (a KPI of target 8, actual 9 and next
year's target 10.25 read 9.00亿元 in the report table but 9亿元 in ``metrics`` and
in the sentence). :func:`kpi_views` decides them here, once per KPI.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from opsreport.engine.metrics import KpiResult, Metrics, QuarterSeries
from opsreport.engine.selection import Selection
from opsreport.present.formatting import STATUS_LABELS, display_places, kpi_places

__all__ = [
    "KpiView",
    "kpi_view",
    "kpi_views",
    "quarter_places",
]


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
    progress: str = ""  # a KPI of the year in progress: its year to date and landing, said


def kpi_view(
    result: KpiResult,
    lang: str,
    *,
    featured: bool = True,
    in_progress: bool = False,
    progress: str = "",
) -> KpiView:
    """The view of one KPI in ``lang`` (zh or en); ``in_progress``: its year is under way
    and it has quarters so far but no annual actual yet (engine.in_year)."""
    kpi = result.kpi
    # A target made from the growth target (2,006 × 1.3 = 2,607.8) is no typed figure: the
    # precision is the typed figures', as in the plan and the breakdown.
    places = display_places(replace(kpi, target=None) if result.target_source == "growth" else kpi)
    return KpiView(
        key=result.kpi.key,
        places=places,
        pp_places=max(places, 1),
        good_target=result.good_vs_target,
        good_prior=result.good_vs_prior,
        status=result.status,
        # a KPI with a target and no actual yet is unrated for want of a figure, not a target
        status_label=STATUS_LABELS["zh" if lang == "zh" else "en"][
            result.status
            or ("in_progress" if in_progress else None)
            or ("no_actual" if kpi.target is not None and kpi.actual is None else None)
        ],
        featured=featured,
        progress=progress,
    )


def kpi_views(
    metrics: Metrics, lang: str, selection: Selection | None = None
) -> dict[str, KpiView]:
    """Every KPI's view by key, in workbook order; featured as the engine's
    ``selection`` says (``None``: every KPI is featured)."""
    from opsreport.engine.in_year import replan

    featured = selection.featured if selection else {r.kpi.key for r in metrics.results}
    from opsreport.present.in_year_rows import progress_sentence

    year = replan(metrics)
    going = (
        {p.kpi.key: progress_sentence(p, lang) for p in year.kpis if p.kpi.actual is None}
        if year
        else {}
    )
    return {
        result.kpi.key: kpi_view(
            result,
            lang,
            featured=result.kpi.key in featured,
            in_progress=result.kpi.key in going,
            progress=going.get(result.kpi.key, ""),
        )
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
