"""The attainment chart: horizontal bars of attainment % per KPI, coloured by status."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from opsreport.present.charts.data import ChartData, Panel, Series, label_format, text_on
from opsreport.present.charts.layout import (
    clip,
    draw_header,
    draw_note,
    draw_value_label,
    finish_chart,
    more_text,
    row_axes,
    row_chart_height,
    select_top,
    short_text,
    text_width_in,
)
from opsreport.present.charts.record import Chart
from opsreport.present.charts.style import (
    CM_PER_INCH,
    FONT_SIZE,
    PAGE_WIDTH_CM,
    chart_style,
    new_figure,
)
from opsreport.present.charts.texts import chart_language, chart_text
from opsreport.present.formatting import fmt_pct
from opsreport.present.theme import LABEL_ON_DARK, STATUS_COLORS, TEXT

if TYPE_CHECKING:
    from opsreport.engine.metrics import KpiResult


def attainment_data(results: Sequence[KpiResult], lang: str, top: int = 25) -> ChartData | None:
    """The attainment chart's rows: attainment % per KPI (given order, the ``top`` farthest
    from target), coloured by status, labelled as the tables write it, a line at 100%."""
    lang = chart_language(lang)
    rated = [r for r in results if r.attainment is not None and r.status is not None]
    if not rated:
        return None
    rows, hidden = select_top(rated, top, key=lambda r: r.attainment)
    counts = {s: sum(1 for r in rated if r.status == s) for s in ("met", "near", "missed")}
    colors = tuple(STATUS_COLORS[r.status] for r in rows)
    series = Series(
        role="status",
        name=chart_text(lang, "attainment"),
        values=tuple(r.attainment * 100 for r in rows),
        colors=colors,
        labels=tuple(fmt_pct(r.attainment) for r in rows),
        number_format=label_format(1, suffix="%"),
        inside=_inside([r.attainment for r in rows if r.attainment is not None], colors),
    )
    panel = Panel(
        name="",
        heading="",
        names=tuple(r.kpi.name for r in rows),
        categories=tuple(short_text(r.kpi.name) for r in rows),
        series=(series,),
        limits=(-100.0, 300.0),
        reference=100.0,
    )
    return ChartData(
        key="attainment",
        kind="bar",
        title=chart_text(lang, "attainment"),
        subtitle=chart_text(lang, "attainment_sub"),
        alt=chart_text(lang, "attainment_alt", n=len(rated), **counts),
        note=more_text(lang, hidden),
        panels=(panel,),
    )


def _inside(attainments: Sequence[Decimal], colors: tuple[str, ...]) -> tuple[str, ...]:
    """Which bars hold their label inside their end, and in what colour.

    A label beside the end of a bar at 88.6% stood on the 100% line (8|8.6%), and a white
    ground under each hid the line where labels stand row on row. A bar from half the
    line's length to just short of it holds its label inside, if the bar is also 30% or
    more of the longest bar (at least the line, at most the 300% the chart draws): beside
    a 300% bar, a 60% one is too short for "60.0%" in a half-width chart. Decided per
    point, like the colours: a figure edited in Word keeps its label's place.
    """
    longest = min(max([a * 100 for a in attainments] + [Decimal(100)]), Decimal(300))
    return tuple(
        text_on(color) if Decimal("0.5") <= a < 1 and a * 100 >= longest * Decimal("0.3") else ""
        for a, color in zip(attainments, colors, strict=True)
    )


def attainment_chart(results: Sequence[KpiResult], lang: str, top: int = 25) -> Chart | None:
    """Horizontal bars of attainment % per KPI (given order), coloured by status, line at 100%."""
    data = attainment_data(results, lang, top)
    if data is None:
        return None
    panel = data.panels[0]
    series = panel.series[0]
    limits = panel.limits or (-100.0, 300.0)
    with chart_style("attainment"):
        width_in = PAGE_WIDTH_CM / CM_PER_INCH
        footer_in = 0.34 if data.note else 0.12
        height_in = row_chart_height(len(panel.categories), footer_in)
        fig, renderer = new_figure(width_in, height_in)
        shown = [clip(float(v or 0), *limits) for v in series.values]
        widths = [text_width_in(renderer, [label], FONT_SIZE) for label in series.labels]
        ax = row_axes(
            fig,
            renderer,
            width_in=width_in,
            height_in=height_in,
            names=list(panel.categories),
            values=[v for v, _ in shown],
            labels_right=[w for w, (v, _) in zip(widths, shown, strict=True) if v >= 0],
            labels_left=[w for w, (v, _) in zip(widths, shown, strict=True) if v < 0],
            reference=panel.reference,
            footer_in=footer_in,
        )
        for y, ((value, clipped), label, color) in enumerate(
            zip(shown, series.labels, series.colors, strict=True)
        ):
            ax.barh(y, value, height=0.62, color=color, zorder=2)
            if clipped:
                _break_mark(ax, value, y)
            if series.inside[y]:
                draw_value_label(
                    ax, label, value, y, False, offset=3, color=series.inside[y], ground=None
                )
            else:
                draw_value_label(ax, label, value, y, value >= 0, offset=3)
        ax.axvline(panel.reference, color=TEXT, linewidth=0.9, linestyle=(0, (3, 2)), zorder=4)
        draw_header(fig, width_in, height_in, data.title, data.subtitle)
        draw_note(fig, width_in, height_in, data.note)
        return finish_chart(fig, "attainment", data.title, width_in, data.alt)


def _break_mark(ax: Any, value: float, y: float) -> None:
    """Two white slashes near the end of a bar cut at the display limit."""
    x0, x1 = ax.get_xlim()
    step = (x1 - x0) * 0.012
    base = value - step * 3 if value > 0 else value + step * 2
    for offset in (0.0, step):
        ax.plot(
            [base + offset, base + offset + step],
            [y + 0.34, y - 0.34],
            color=LABEL_ON_DARK,
            linewidth=1.4,
            zorder=3,
            solid_capstyle="butt",
        )
