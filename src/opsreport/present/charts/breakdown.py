"""The breakdown chart: each item's share of a KPI, the prior-year share and the change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from opsreport.present.charts.data import ChartData, Panel, Series, label_format
from opsreport.present.charts.layout import (
    draw_header,
    draw_note,
    draw_value_label,
    finish_chart,
    float_or_none,
    more_text,
    pp_label,
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
    SUB_SIZE,
    chart_style,
    new_figure,
)
from opsreport.present.charts.texts import chart_language, chart_text
from opsreport.present.formatting import fmt_pct
from opsreport.present.theme import AC_COLOR, BACKGROUND, MUTED

if TYPE_CHECKING:
    from opsreport.engine.metrics import BreakdownTable


def breakdown_data(table: BreakdownTable, lang: str, top: int = 25) -> ChartData | None:
    """The breakdown chart's rows: each item's share (%) by rank, the prior-year share
    beside it and the change in points as a second label."""
    lang = chart_language(lang)
    items = [item for item in table.items if item.share is not None]
    if not items:
        return None
    rows, hidden = select_top(items, top, key=lambda item: (item.rank is None, item.rank or 0))
    kpi = table.kpi
    dimension = table.dimension or ""
    share_format = label_format(1, suffix="%")
    shares = Series(
        role="ac",
        name=chart_text(lang, "ac"),
        values=tuple(item.share * 100 for item in rows),
        colors=tuple("" for _ in rows),
        labels=tuple(fmt_pct(item.share) for item in rows),
        number_format=share_format,
    )
    priors = Series(
        role="py",
        name=chart_text(lang, "py"),
        values=tuple(
            item.share_prior * 100 if item.share_prior is not None else None for item in rows
        ),
        colors=tuple("" for _ in rows),
        labels=tuple("" for _ in rows),
        number_format=share_format,
    )
    series = (shares, priors) if any(v is not None for v in priors.values) else (shares,)
    panel = Panel(
        name="",
        heading="",
        names=tuple(item.item for item in rows),
        categories=tuple(short_text(item.item) for item in rows),
        series=series,
        notes=tuple(
            pp_label(item.share_change_pp) if item.share_change_pp is not None else ""
            for item in rows
        ),
    )
    return ChartData(
        key=f"breakdown:{table.dimension}:{kpi.key}",
        kind="bar",
        title=chart_text(lang, "breakdown", dimension=dimension, name=kpi.name).strip(),
        subtitle=chart_text(lang, "breakdown_sub"),
        native_subtitle=chart_text(lang, "breakdown_sub_native") if len(series) > 1 else "",
        alt=chart_text(lang, "breakdown_alt", dimension=dimension, name=kpi.name, n=len(items)),
        note=more_text(lang, hidden),
        panels=(panel,),
    )


def breakdown_chart(table: BreakdownTable, lang: str, top: int = 25) -> Chart | None:
    """Share (%) per item by rank; prior-year share as a thin outlined tick; change in pp."""
    data = breakdown_data(table, lang, top)
    if data is None:
        return None
    panel = data.panels[0]
    name = data.key
    with chart_style(name):
        width_in = PAGE_WIDTH_CM / CM_PER_INCH
        footer_in = 0.34 if data.note else 0.12
        height_in = row_chart_height(len(panel.categories), footer_in)
        fig, renderer = new_figure(width_in, height_in)
        shares = [float(v or 0) for v in panel.series[0].values]
        prior_values = panel.series[1].values if len(panel.series) > 1 else ()
        priors = [float_or_none(v) for v in prior_values] or [None] * len(shares)
        ends = [max(s, p if p is not None else s) for s, p in zip(shares, priors, strict=True)]
        starts = [min(s, p if p is not None else s) for s, p in zip(shares, priors, strict=True)]
        share_labels = list(panel.series[0].labels)
        change_labels = list(panel.notes)
        share_w = [text_width_in(renderer, [label], FONT_SIZE) for label in share_labels]
        change_w = [
            text_width_in(renderer, [label], SUB_SIZE) + 0.06 if label else 0.0
            for label in change_labels
        ]
        label_w = [a + b + 0.04 for a, b in zip(share_w, change_w, strict=True)]
        ax = row_axes(
            fig,
            renderer,
            width_in=width_in,
            height_in=height_in,
            names=list(panel.categories),
            values=ends + starts,
            labels_right=[w for w, e in zip(label_w, ends, strict=True) if e >= 0],
            labels_left=[w for w, e in zip(label_w, ends, strict=True) if e < 0],
            footer_in=footer_in,
        )
        tick = [(-1.0, -6.0), (1.0, -6.0), (1.0, 6.0), (-1.0, 6.0), (-1.0, -6.0)]
        for y, share in enumerate(shares):
            ax.barh(y, share, height=0.58, color=AC_COLOR, zorder=2)
            prior = priors[y]
            if prior is not None:
                ax.plot(
                    [prior],
                    [y],
                    marker=tick,
                    markersize=13,
                    markerfacecolor=BACKGROUND,
                    markeredgecolor=AC_COLOR,
                    markeredgewidth=0.8,
                    linestyle="none",
                    zorder=4,
                )
            anchor = ends[y] if ends[y] >= 0 else starts[y]
            right = anchor >= 0
            draw_value_label(ax, share_labels[y], anchor, y, right, offset=4)
            if change_labels[y]:
                offset = (share_w[y] + 0.06) * 72 + 4
                draw_value_label(
                    ax,
                    change_labels[y],
                    anchor,
                    y,
                    right,
                    offset=offset,
                    size=SUB_SIZE,
                    color=MUTED,
                )
        draw_header(fig, width_in, height_in, data.title, data.subtitle)
        draw_note(fig, width_in, height_in, data.note)
        return finish_chart(fig, name, data.title, width_in, data.alt)
