"""Charts drawn from the engine's results, in the IBCS manner, as PNG (Word) and SVG (HTML).

Every chart is drawn from computed figures (:mod:`opsreport.engine.metrics`), never from the
workbook. Notation follows IBCS: AC (actual) solid dark grey, PY (prior year) solid light
grey, PL (plan/target) outlined; variances coloured by business impact (green good, red
bad for the KPI's direction, never by sign alone); relative variances as pins; the unit in
the subtitle; value labels instead of axes and legends where they can be direct. The
colours and font families are :mod:`opsreport.present.theme`'s.

matplotlib is imported lazily inside the functions (it costs ~0.3 s) and only through its
object API (``matplotlib.figure.Figure``), never pyplot. Number labels go through
:mod:`opsreport.present.formatting`, so they round half-up exactly like the documents.

This module only gathers the public names; one concept per module:
``fonts`` (CJK font discovery), ``texts`` (the words, zh/en), ``style`` (sizes, rc settings,
figures), ``data`` (:class:`ChartData`: what a chart shows, decided once for the picture and the
native Word chart), ``record`` (the :class:`Chart` record, PNG/SVG encoding), ``layout`` (text
measuring, headers, row axes, labels), one module per chart (``attainment``, ``variance``,
``trend``, ``breakdown``, ``bridge``, ``risk_matrix``, ``timeline``), ``pool`` (drawing in worker
processes) and ``report`` (the annual report's charts).
"""

from __future__ import annotations

from opsreport.present.charts.attainment import attainment_chart
from opsreport.present.charts.breakdown import breakdown_chart
from opsreport.present.charts.bridge import bridge_chart
from opsreport.present.charts.data import ChartData
from opsreport.present.charts.fonts import PACKAGED_FILE, setup_fonts
from opsreport.present.charts.pool import (
    PRESTARTED_KPI_LIMIT,
    chart_jobs,
    draw_charts,
    prestart_workers,
    stop_workers,
)
from opsreport.present.charts.record import Chart, Mark
from opsreport.present.charts.report import chart_data, chart_specs, render_charts
from opsreport.present.charts.risk_matrix import risk_matrix_chart, risk_matrix_data
from opsreport.present.charts.timeline import (
    MAX_GRID_LINES,
    MAX_TICKS,
    TICK_STEPS,
    timeline_chart,
    timeline_data,
)
from opsreport.present.charts.trend import quarterly_chart
from opsreport.present.charts.variance import variance_chart

__all__ = [
    "MAX_GRID_LINES",
    "MAX_TICKS",
    "PACKAGED_FILE",
    "PRESTARTED_KPI_LIMIT",
    "TICK_STEPS",
    "Chart",
    "ChartData",
    "Mark",
    "attainment_chart",
    "breakdown_chart",
    "bridge_chart",
    "chart_data",
    "chart_jobs",
    "chart_specs",
    "draw_charts",
    "prestart_workers",
    "quarterly_chart",
    "render_charts",
    "risk_matrix_chart",
    "risk_matrix_data",
    "setup_fonts",
    "stop_workers",
    "timeline_chart",
    "timeline_data",
    "variance_chart",
]
