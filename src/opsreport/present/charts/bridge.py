"""The variance bridge (IBCS waterfall) of a breakdown: the prior year's total, each item's
change floating from where the last one ended (green good, red bad for the KPI's
direction), this year's total. One row per step: a breakdown's items are a structure,
which IBCS draws horizontally, and long item names fit in the left margin."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from opsreport.engine.contribution import bridge_steps, contribution
from opsreport.present.breakdown_rows import breakdown_places
from opsreport.present.charts.data import ChartData, Panel, Series, label_format
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
from opsreport.present.formatting import fmt_figure, in_language, unit_text
from opsreport.present.theme import AC_COLOR, BAD, BASELINE, GOOD, PY_COLOR

if TYPE_CHECKING:
    from opsreport.engine.contribution import BridgeStep
    from opsreport.engine.metrics import BreakdownTable

__all__ = ["bridge_chart", "bridge_data", "bridge_marks"]


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


def bridge_data(table: BreakdownTable, lang: str) -> ChartData | None:
    """The bridge's steps as stacked bars: an invisible base lifts each change to where the
    last one ended (in the unit the document writes: en 837 for 8.37亿元); the visible part
    is green or red by the KPI's direction, labelled with the signed change; a step that
    crosses zero has a second visible part below it. The totals stand on zero."""
    lang = chart_language(lang)
    share = contribution(table)
    steps = bridge_steps(share, table.kpi.sign)
    if not steps:
        return None
    kpi = table.kpi
    places = breakdown_places(table)
    marks = [_mark(step, kpi.unit, places, lang) for step in steps]
    shown_places = in_language(Decimal(0), kpi.unit, places, lang)[2]
    body = label_format(shown_places)

    def shown(value: Decimal) -> Decimal:
        return in_language(value, kpi.unit, places, lang)[0]

    bases: list[Decimal | None] = []
    parts: list[Decimal | None] = []
    below: list[Decimal | None] = []
    formats: list[str] = []
    for step, mark in zip(steps, marks, strict=True):
        start = Decimal(0) if step.kind in {"prior", "actual"} else shown(step.start)
        end = shown(step.end)
        low, high = min(start, end), max(start, end)
        if low >= 0 or high <= 0:  # stacked from the base's end, on the base's side
            base = low if low >= 0 else high
            bases.append(base or None)
            parts.append((high - low) if low >= 0 else (low - high))
            below.append(None)
        else:  # a step across zero: one part above, one below
            bases.append(None)
            parts.append(high)
            below.append(low)
        if step.kind in {"prior", "actual"}:
            formats.append(f"{body};-{body}")
        else:
            sign = mark.label[:1] if mark.label[:1] in "+-" else ""
            formats.append(f'"{sign}"{body};"{sign}"{body}' if sign else f"{body};{body}")
    categories = tuple(short_text(m.name) for m in marks)
    colors = tuple(m.color for m in marks)
    labels = tuple(m.label for m in marks)
    series = [
        Series("base", "base", tuple(bases), ("",) * len(marks), ("",) * len(marks), body),
        Series("step", chart_text(lang, "ac"), tuple(parts), colors, labels, body, tuple(formats)),
    ]
    if any(v is not None for v in below):
        series.append(
            Series("step", "", tuple(below), colors, ("",) * len(marks), body, tuple(formats))
        )
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
    panel = Panel("", "", tuple(m.name for m in marks), categories, tuple(series))
    return ChartData(
        key=f"bridge:{table.dimension}:{kpi.key}",
        kind="bridge",
        title=title,
        subtitle=subtitle,
        alt=alt,
        note="",
        panels=(panel,),
    )


def bridge_chart(table: BreakdownTable, lang: str) -> Chart | None:
    """PY total → item changes (largest rise first; beyond 8 items the smallest are one
    "others" step) → AC total, labelled in the KPI's unit with its decimals."""
    data = bridge_data(table, lang)
    if data is None:
        return None
    lang = chart_language(lang)
    steps = bridge_steps(contribution(table), table.kpi.sign)
    places = breakdown_places(table)
    marks = [_mark(step, table.kpi.unit, places, lang) for step in steps]
    panel = data.panels[0]
    title, name = data.title, data.key
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
            names=list(panel.categories),
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
        draw_header(fig, width_in, height_in, title, data.subtitle)
        return finish_chart(fig, name, title, width_in, data.alt, marks)
