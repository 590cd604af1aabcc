"""The charts of the annual report, by key and in document order."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from opsreport.present.charts.attainment import attainment_chart, attainment_data
from opsreport.present.charts.breakdown import breakdown_chart, breakdown_data
from opsreport.present.charts.bridge import bridge_chart, bridge_data
from opsreport.present.charts.data import ChartData
from opsreport.present.charts.pool import PRESTARTED_KPI_LIMIT, draw_charts
from opsreport.present.charts.record import Chart
from opsreport.present.charts.risk_matrix import risk_matrix_chart, risk_matrix_data
from opsreport.present.charts.timeline import timeline_chart, timeline_data
from opsreport.present.charts.trend import quarterly_chart, quarterly_data
from opsreport.present.charts.variance import variance_chart, variance_data

if TYPE_CHECKING:
    from opsreport.engine.metrics import Metrics


def chart_specs(metrics: Metrics, lang: str) -> list[tuple[str, Any, tuple[Any, ...]]]:
    """What :func:`render_charts` draws, as (key, function, arguments), in document order."""
    from opsreport.engine.risk_judgement import report_risks
    from opsreport.engine.selection import featured_quarters

    specs: list[tuple[str, Any, tuple[Any, ...]]] = [
        ("attainment", attainment_chart, (metrics.results, lang)),
        ("variance_target", variance_chart, (metrics.results, lang, "target")),
        ("variance_prior", variance_chart, (metrics.results, lang, "prior")),
    ]
    for series in featured_quarters(metrics):
        specs.append((f"quarterly:{series.kpi.key}", quarterly_chart, (series, lang)))
    for table in metrics.breakdowns:
        specs.append(
            (f"breakdown:{table.dimension}:{table.kpi.key}", breakdown_chart, (table, lang))
        )
        specs.append((f"bridge:{table.dimension}:{table.kpi.key}", bridge_chart, (table, lang)))
    specs.append(("risks", risk_matrix_chart, (report_risks(metrics), lang)))
    specs.append(("timeline", timeline_chart, (metrics.report.tasks, lang)))
    return specs


def chart_data(metrics: Metrics, lang: str) -> dict[str, ChartData]:
    """What every chart of the annual report shows (the same keys and order as
    :func:`render_charts`), without drawing: a native Word chart is written from this,
    and no matplotlib is imported."""
    from opsreport.engine.risk_judgement import report_risks
    from opsreport.engine.selection import featured_quarters

    found: dict[str, ChartData | None] = {
        "attainment": attainment_data(metrics.results, lang),
        "variance_target": variance_data(metrics.results, lang, "target"),
        "variance_prior": variance_data(metrics.results, lang, "prior"),
    }
    for series in featured_quarters(metrics):
        found[f"quarterly:{series.kpi.key}"] = quarterly_data(series, lang)
    for table in metrics.breakdowns:
        found[f"breakdown:{table.dimension}:{table.kpi.key}"] = breakdown_data(table, lang)
        found[f"bridge:{table.dimension}:{table.kpi.key}"] = bridge_data(table, lang)
    found["risks"] = risk_matrix_data(report_risks(metrics), lang)
    found["timeline"] = timeline_data(metrics.report.tasks, lang)
    return {key: data for key, data in found.items() if data is not None}


def render_charts(
    metrics: Metrics,
    lang: str,
    *,
    encode: tuple[str, ...] = (),
    jobs: int | None = None,
    meanwhile: Any = None,
) -> dict[str, Chart]:
    """Every chart the annual report shows, by key; a chart without data is left out.

    Keys: ``attainment``, ``variance_target``, ``variance_prior``, ``quarterly:<kpi key>``
    (series of two or more quarters), ``breakdown:<dimension>:<kpi key>``,
    ``bridge:<dimension>:<kpi key>`` (the variance bridge of that breakdown), ``risks``,
    ``timeline``.

    With ``encode`` (``"png"``, ``"svg"``) the charts are drawn and encoded at once,
    in parallel processes where that pays (see :func:`chart_jobs`); the returned
    charts then carry only those encodings. Without it they are drawn here and
    encoded lazily on first use. ``meanwhile`` (a callable) runs in this process
    while workers draw, e.g. to load the renderers.
    """
    return draw_charts(
        chart_specs(metrics, lang),
        encode=encode,
        jobs=jobs,
        meanwhile=meanwhile,
        small=len(metrics.results) <= PRESTARTED_KPI_LIMIT,
    )
