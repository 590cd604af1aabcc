"""The task timeline (Gantt): bars by phase, milestones, ticks that coarsen with the span."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from opsreport.present.charts.data import ChartData, Panel, Series
from opsreport.present.charts.layout import (
    draw_header,
    draw_note,
    finish_chart,
    more_text,
    row_height_in,
    short_text,
    text_width_in,
    wrap_text,
)
from opsreport.present.charts.record import Chart
from opsreport.present.charts.sizing import TIMELINE_NAME_LIMIT, label_lines
from opsreport.present.charts.style import (
    CM_PER_INCH,
    FONT_SIZE,
    HEADER_IN,
    PAGE_WIDTH_CM,
    SUB_SIZE,
    chart_style,
    new_figure,
)
from opsreport.present.charts.texts import MONTHS_EN, chart_language, chart_text
from opsreport.present.theme import BACKGROUND, BASELINE, GRID, MUTED, PHASE_SHADES, TEXT

if TYPE_CHECKING:
    from opsreport.core.records import Task


@dataclass(frozen=True)
class _Bar:
    task: Task
    start: dt.date  # first day shown
    end: dt.date  # last day shown (inclusive)
    milestone: bool  # the task's own end falls inside the window and it names a milestone


def _timeline_bars(
    tasks: Sequence[Task], start: dt.date | None = None, end: dt.date | None = None
) -> list[_Bar]:
    """Tasks with dates, clipped to the [start, end] window (both inclusive)."""
    bars = []
    for task in tasks:
        first = task.start or task.end
        last = task.end or task.start
        if first is None or last is None:
            continue
        if last < first:
            first, last = last, first
        if (start is not None and last < start) or (end is not None and first > end):
            continue
        shown_first = max(first, start) if start is not None else first
        shown_last = min(last, end) if end is not None else last
        inside = (start is None or last >= start) and (end is None or last <= end)
        bars.append(_Bar(task, shown_first, shown_last, bool(task.milestone) and inside))
    return bars


# Steps between the timeline's ticks, in months: the smallest giving at most
# MAX_TICKS ticks is used, so a span of a quarter ticks by month and one of 8,000
# years by millennium, and the chart costs the same whatever its dates.
TICK_STEPS = (1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12000)
MAX_TICKS = 12
MAX_GRID_LINES = 60


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _month_start(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def _tick_step(first: dt.date, last: dt.date, most: int = MAX_TICKS) -> int:
    """The smallest step (months) with at most ``most`` ticks from ``first`` to ``last``."""
    months = _month_index(last) - _month_index(first)
    return next((step for step in TICK_STEPS if months // step + 1 <= most), TICK_STEPS[-1])


def _month_starts(first: dt.date, last: dt.date, step: int = 1) -> list[dt.date]:
    """First days of months from ``first``'s month to ``last``, every ``step`` months:
    calendar-aligned (quarters, years, decades …) for steps above one. Month indexes,
    not date arithmetic, so 9999-12 ends the list instead of failing on year 10000."""
    low, high = _month_index(first), _month_index(last)
    begin = low if step == 1 else -(-low // step) * step
    return [_month_start(index) for index in range(begin, high + 1, step)]


def _grid_step(first: dt.date, last: dt.date, tick_step: int) -> int:
    """The finest step dividing the tick step with at most MAX_GRID_LINES lines."""
    for step in TICK_STEPS:
        if tick_step % step == 0 and _tick_step(first, last, MAX_GRID_LINES) <= step:
            return step
    return tick_step


def _month_label(day: dt.date, lang: str, with_year: bool, step: int = 1) -> str:
    if step >= 12:  # ticks by year, decade …: the year alone
        return f"{day.year}年" if lang == "zh" else str(day.year)
    if lang == "zh":
        return f"{day.year}年{day.month}月" if with_year else f"{day.month}月"
    return f"{MONTHS_EN[day.month - 1]} {day.year}" if with_year else MONTHS_EN[day.month - 1]


@dataclass(frozen=True)
class _Layout:
    """The timeline's rows, decided once for the picture and the native chart."""

    first: dt.date
    last: dt.date
    title: str
    alt: str
    hidden: int
    labels: tuple[tuple[str, bool], ...]  # (text, is a phase header)
    placed: tuple[tuple[int, _Bar, str], ...]  # (row, bar, shade)


def _layout(
    tasks: Sequence[Task],
    lang: str,
    start: dt.date | None,
    end: dt.date | None,
    title: str | None,
    top: int,
) -> _Layout | None:
    bars = _timeline_bars(tasks, start, end)
    if not bars:
        return None
    hidden = max(0, len(bars) - max(1, top))
    bars = bars[: len(bars) - hidden]
    first = start or min(bar.start for bar in bars)
    last = end or max(bar.end for bar in bars)
    title = title or chart_text(lang, "timeline")
    alt = chart_text(
        lang, "timeline_alt", n=len(bars) + hidden, start=first.isoformat(), end=last.isoformat()
    )
    phases: dict[str, list[_Bar]] = {}
    for bar in bars:
        phases.setdefault(bar.task.phase or "", []).append(bar)
    show_headers = len(phases) > 1 or "" not in phases
    labels: list[tuple[str, bool]] = []
    placed: list[tuple[int, _Bar, str]] = []
    for index, (phase, members) in enumerate(phases.items()):
        shade = PHASE_SHADES[index % len(PHASE_SHADES)]
        if show_headers:
            labels.append((short_text(phase or chart_text(lang, "no_phase"), 16), True))
        for bar in members:
            placed.append((len(labels), bar, shade))
            labels.append((wrap_text(bar.task.task, TIMELINE_NAME_LIMIT), False))
    return _Layout(first, last, title, alt, hidden, tuple(labels), tuple(placed))


_EXCEL_EPOCH = dt.date(1899, 12, 30).toordinal()  # day 0 of Excel's date serials


def timeline_data(
    tasks: Sequence[Task],
    lang: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    title: str | None = None,
    top: int = 40,
) -> ChartData | None:
    """The timeline as stacked bars: an invisible base series gives each task's start (an
    Excel date serial), the visible one its days, shaded by phase; a phase header is a row
    without a bar; a milestone is its bar's label (◆ name)."""
    lang = chart_language(lang)
    layout = _layout(tasks, lang, start, end, title, top)
    if layout is None:
        return None
    count = len(layout.labels)
    base: list[Decimal | None] = [None] * count
    days: list[Decimal | None] = [None] * count
    shades = [""] * count
    milestones = [""] * count
    for row, bar, shade in layout.placed:
        base[row] = Decimal(bar.start.toordinal() - _EXCEL_EPOCH)
        days[row] = Decimal(bar.end.toordinal() - bar.start.toordinal() + 1)
        shades[row] = shade
        if bar.milestone:
            milestones[row] = "◆ " + short_text(bar.task.milestone, 10)
    step = _tick_step(layout.first, layout.last)
    if step >= 12:
        axis_format = 'yyyy"年"' if lang == "zh" else "yyyy"
    else:
        axis_format = 'yyyy"年"m"月"' if lang == "zh" else "mmm yyyy"
    excel_dates = layout.first.year >= 1900  # Excel cannot write a date before 1900
    panel = Panel(
        name="",
        heading="",
        names=tuple(text for text, _ in layout.labels),
        categories=tuple(text for text, _ in layout.labels),
        series=(
            Series("base", "start", tuple(base), ("",) * count, ("",) * count, "yyyy-mm-dd"),
            Series("task", "days", tuple(days), tuple(shades), tuple(milestones), "0"),
        ),
        axis_format=axis_format if excel_dates else "0",
        axis_span=(
            float(layout.first.toordinal() - _EXCEL_EPOCH),
            float(layout.last.toordinal() + 1 - _EXCEL_EPOCH),
        ),
        axis_step=round(step * 30.4375, 4),
    )
    subtitle = chart_text(
        lang, "timeline_sub", start=layout.first.isoformat(), end=layout.last.isoformat()
    )
    return ChartData(
        key="timeline",
        kind="timeline",
        title=layout.title,
        subtitle=subtitle,
        alt=layout.alt,
        note=more_text(lang, layout.hidden),
        panels=(panel,),
    )


def timeline_chart(
    tasks: Sequence[Task],
    lang: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    title: str | None = None,
    top: int = 40,
) -> Chart | None:
    """Gantt bars grouped by phase (grey shades), milestones as diamonds at the task end,
    ticks by month, quarter, year … as the span grows (at most 12, see TICK_STEPS);
    ``start``/``end`` clip the chart to a window such as a quarter. Bounded work for any
    dates from 0001 to 9999: at most ``top`` bars, 12 ticks and 60 grid lines."""
    lang = chart_language(lang)
    layout = _layout(tasks, lang, start, end, title, top)
    if layout is None:
        return None
    first, last, title, alt, hidden = (
        layout.first,
        layout.last,
        layout.title,
        layout.alt,
        layout.hidden,
    )
    labels, placed = list(layout.labels), list(layout.placed)
    with chart_style("timeline"):
        width_in = PAGE_WIDTH_CM / CM_PER_INCH
        footer_in = 0.5 if hidden else 0.3
        row_in = row_height_in(len(labels)) * label_lines([text for text, _ in labels])
        height_in = HEADER_IN + len(labels) * row_in + footer_in + 0.1
        fig, renderer = new_figure(width_in, height_in)
        name_w = max(  # a wrapped name measured line by line
            text_width_in(
                renderer, [ln for t, h in labels if not h for ln in t.split("\n")], FONT_SIZE
            ),
            text_width_in(renderer, [t for t, h in labels if h], FONT_SIZE, "bold"),
        )
        left_in = min(name_w + 0.18, width_in * 0.4)
        x0, x1 = first.toordinal(), last.toordinal() + 1
        # The right margin holds the label of a milestone near the end of the window: the
        # axes stop at the window's end so that no bar seems to run on past it.
        right_in = 0.15
        free_in = width_in - left_in
        for _, bar, _ in placed:
            if not bar.milestone:
                continue
            fraction = (bar.end.toordinal() + 1 - x0) / (x1 - x0)
            needed = text_width_in(renderer, [short_text(bar.task.milestone, 10)], SUB_SIZE) + 0.16
            if fraction > 0:
                right_in = max(right_in, free_in - (free_in - 0.05 - needed) / fraction)
        right_in = min(right_in, free_in * 0.45)
        fig.subplots_adjust(
            left=left_in / width_in,
            right=1 - right_in / width_in,
            top=1 - HEADER_IN / height_in,
            bottom=footer_in / height_in,
        )
        ax = fig.add_subplot()
        ax.set_xlim(x0, x1)
        ax.set_ylim(len(labels) - 0.5, -0.5)
        for row, bar, shade in placed:
            left = bar.start.toordinal()
            ax.barh(
                row, bar.end.toordinal() + 1 - left, left=left, height=0.58, color=shade, zorder=2
            )
            if bar.milestone:
                x = bar.end.toordinal() + 1
                ax.plot(
                    [x], [row], marker="D", markersize=6.5, markerfacecolor=BACKGROUND,
                    markeredgecolor=TEXT, markeredgewidth=1.0, zorder=4, clip_on=False,
                )  # fmt: skip
                ax.annotate(
                    short_text(bar.task.milestone, 10),
                    (x, row),
                    xytext=(6, 0),
                    textcoords="offset points",
                    ha="left",
                    va="center_baseline",
                    size=SUB_SIZE,
                    color=MUTED,
                    annotation_clip=False,
                )
        ax.set_yticks(range(len(labels)), labels=[text for text, _ in labels])
        for tick, (_, header) in zip(ax.get_yticklabels(), labels, strict=True):
            if header:
                tick.set_fontweight("bold")
        step = _tick_step(first, last)
        shown = _month_starts(first, last, step)
        spans_years = first.year != last.year
        ax.set_xticks(
            [m.toordinal() for m in shown],
            labels=[
                _month_label(m, lang, spans_years and (i == 0 or m.month <= step), step)
                for i, m in enumerate(shown)
            ],
        )
        grid = _month_starts(first, last, _grid_step(first, last, step))
        ax.vlines(
            [m.toordinal() for m in grid], 0, 1, transform=ax.get_xaxis_transform(),
            colors=GRID, linewidth=0.6, zorder=0,
        )  # fmt: skip
        for spine in ("top", "right", "left"):
            ax.spines[spine].set_visible(False)
        ax.spines["bottom"].set_color(BASELINE)
        ax.tick_params(axis="y", length=0)
        ax.tick_params(axis="x", length=3, labelsize=SUB_SIZE)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("left")
        subtitle = chart_text(lang, "timeline_sub", start=first.isoformat(), end=last.isoformat())
        draw_header(fig, width_in, height_in, short_text(title, 44), subtitle)
        draw_note(fig, width_in, height_in, more_text(lang, hidden))
        return finish_chart(fig, "timeline", title, width_in, alt)
