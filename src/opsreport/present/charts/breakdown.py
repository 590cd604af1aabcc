"""The breakdown chart: each item's share of a KPI, the prior-year share and the change."""

from __future__ import annotations

from typing import TYPE_CHECKING

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


def breakdown_chart(table: BreakdownTable, lang: str, top: int = 25) -> Chart | None:
    """Share (%) per item by rank; prior-year share as a thin outlined tick; change in pp."""
    lang = chart_language(lang)
    items = [item for item in table.items if item.share is not None]
    if not items:
        return None
    rows, hidden = select_top(items, top, key=lambda item: (item.rank is None, item.rank or 0))
    kpi = table.kpi
    dimension = table.dimension or ""
    title = chart_text(lang, "breakdown", dimension=dimension, name=kpi.name).strip()
    alt = chart_text(lang, "breakdown_alt", dimension=dimension, name=kpi.name, n=len(items))
    name = f"breakdown:{table.dimension}:{kpi.key}"
    with chart_style(name):
        width_in = PAGE_WIDTH_CM / CM_PER_INCH
        footer_in = 0.34 if hidden else 0.12
        height_in = row_chart_height(len(rows), footer_in)
        fig, renderer = new_figure(width_in, height_in)
        shares = [float(item.share * 100) for item in rows]
        priors = [
            float_or_none(item.share_prior * 100) if item.share_prior is not None else None
            for item in rows
        ]
        ends = [max(s, p if p is not None else s) for s, p in zip(shares, priors, strict=True)]
        starts = [min(s, p if p is not None else s) for s, p in zip(shares, priors, strict=True)]
        share_labels = [fmt_pct(item.share) for item in rows]
        change_labels = [
            pp_label(item.share_change_pp) if item.share_change_pp is not None else ""
            for item in rows
        ]
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
            names=[short_text(item.item) for item in rows],
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
        draw_header(fig, width_in, height_in, title, chart_text(lang, "breakdown_sub"))
        draw_note(fig, width_in, height_in, more_text(lang, hidden))
        return finish_chart(fig, name, title, width_in, alt)
