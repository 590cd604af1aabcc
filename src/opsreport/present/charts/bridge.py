"""The variance bridge (IBCS waterfall) of a breakdown: the prior year's total, each item's
change floating from where the last one ended (green good, red bad for the KPI's
direction), this year's total. One row per step: a breakdown's items are a structure,
which IBCS draws horizontally, and long item names fit in the left margin."""

from __future__ import annotations

from typing import TYPE_CHECKING

from opsreport.engine.contribution import bridge_steps, contribution
from opsreport.present.breakdown_rows import breakdown_places
from opsreport.present.charts.layout import (
    draw_header,
    draw_value_label,
    finish_chart,
    row_axes,
    row_chart_height,
    short_text,
    text_width_in,
)
from opsreport.present.charts.record import Chart, Mark
from opsreport.present.charts.style import (
    CM_PER_INCH,
    FONT_SIZE,
    PAGE_WIDTH_CM,
    chart_style,
    new_figure,
)
from opsreport.present.charts.texts import chart_language, chart_text
from opsreport.present.formatting import fmt_figure, unit_text
from opsreport.present.theme import AC_COLOR, BAD, BASELINE, GOOD, PY_COLOR

if TYPE_CHECKING:
    from opsreport.engine.contribution import BridgeStep
    from opsreport.engine.metrics import BreakdownTable

__all__ = ["bridge_chart", "bridge_marks"]


def bridge_marks(table: BreakdownTable, lang: str) -> list[Mark]:
    """What the bridge draws, step by step: name, where the bar ends (a step: its change),
    label and colour. Empty when there is no bridge (a rate KPI, no item with both years)."""
    lang = chart_language(lang)
    share = contribution(table)
    steps = bridge_steps(share, table.kpi.sign)
    places = breakdown_places(table)
    return [_mark(step, table.kpi.unit, places, lang) for step in steps]


def _mark(step: BridgeStep, unit: str, places: int, lang: str) -> Mark:
    """A step's bar and label, the figure as the document's text writes it (en: 837 for
    8.37亿元, under "Unit: M CNY")."""
    if step.kind in {"prior", "actual"}:
        name, color = ("py", PY_COLOR) if step.kind == "prior" else ("ac", AC_COLOR)
        label = fmt_figure(step.end, unit, places, lang)
        return Mark("", chart_text(lang, name), float(step.end), label, color)
    name = step.item if step.kind == "item" else chart_text(lang, "bridge_others", n=step.grouped)
    label = fmt_figure(step.delta, unit, places, lang, signed=True)
    return Mark("", name, float(step.delta), label, GOOD if step.good else BAD)


def bridge_chart(table: BreakdownTable, lang: str) -> Chart | None:
    """PY total → item changes (largest rise first; beyond 8 items the smallest are one
    "others" step) → AC total, labelled in the KPI's unit with its decimals."""
    lang = chart_language(lang)
    share = contribution(table)
    steps = bridge_steps(share, table.kpi.sign)
    if not steps:
        return None
    places = breakdown_places(table)
    marks = [_mark(step, table.kpi.unit, places, lang) for step in steps]
    kpi = table.kpi
    title = chart_text(lang, "bridge", dimension=table.dimension or "", name=kpi.name)
    title = title.strip().removeprefix("：").removesuffix(" by").strip()
    dimension = table.dimension or chart_text(lang, "bridge_items")
    sub_key = "bridge_sub" if share.adds_up else "bridge_sub_items"
    subtitle = chart_text(lang, sub_key, unit=unit_text(kpi.unit, lang) or "–", dimension=dimension)
    alt = chart_text(
        lang,
        "bridge_alt",
        name=kpi.name,
        dimension=dimension,
        py=marks[0].label,
        ac=marks[-1].label,
        n=len(steps) - 2,
    )
    name = f"bridge:{table.dimension}:{kpi.key}"
    with chart_style(name):
        width_in = PAGE_WIDTH_CM / CM_PER_INCH
        footer_in = 0.12
        height_in = row_chart_height(len(steps), footer_in)
        fig, renderer = new_figure(width_in, height_in)
        lows = [float(min(s.start, s.end)) for s in steps]
        highs = [float(max(s.start, s.end)) for s in steps]
        widths = [text_width_in(renderer, [m.label], FONT_SIZE) + 0.05 for m in marks]
        # A label sits right of a rising step or a positive total, left of the others.
        right = [(s.delta >= 0) if s.kind in {"item", "others"} else s.end >= 0 for s in steps]
        ax = row_axes(
            fig,
            renderer,
            width_in=width_in,
            height_in=height_in,
            names=[short_text(m.name) for m in marks],
            values=lows + highs,
            labels_right=[w for w, r in zip(widths, right, strict=True) if r],
            labels_left=[w for w, r in zip(widths, right, strict=True) if not r],
            footer_in=footer_in,
        )
        for y, (step, mark) in enumerate(zip(steps, marks, strict=True)):
            low, high = lows[y], highs[y]
            ax.barh(y, high - low, left=low, height=0.58, color=mark.color, zorder=2)
            if y + 1 < len(steps):  # the connector to where the next step starts
                ax.plot(
                    [float(step.end)] * 2,
                    [y + 0.29, y + 0.71],
                    color=BASELINE,
                    linewidth=0.5,
                    zorder=1,
                )
            anchor = high if right[y] else low
            draw_value_label(ax, mark.label, anchor, y, right[y], offset=4)
        draw_header(fig, width_in, height_in, title, subtitle)
        return finish_chart(fig, name, title, width_in, alt, marks)
