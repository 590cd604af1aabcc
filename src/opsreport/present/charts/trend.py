"""The quarterly trend chart: AC / PY / PL columns per quarter, with a scenario key."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from opsreport.present.charts.data import ChartData, Panel, Series, label_format
from opsreport.present.charts.layout import draw_header, finish_chart, plain_axes, short_text
from opsreport.present.charts.record import Chart
from opsreport.present.charts.sizing import COLUMN_CM
from opsreport.present.charts.style import (
    CM_PER_INCH,
    FONT_SIZE,
    HEADER_IN,
    SUB_SIZE,
    chart_style,
    new_figure,
)
from opsreport.present.charts.texts import chart_language, chart_text
from opsreport.present.formatting import fmt_figure, in_language, unit_text
from opsreport.present.kpi_view import quarter_places
from opsreport.present.theme import AC_COLOR, BASELINE, PL_EDGE, PL_FILL, PY_COLOR

if TYPE_CHECKING:
    from opsreport.engine.metrics import QuarterSeries


def _plot_exponent(values: Sequence[Decimal | None]) -> int:
    """The power of ten of the largest figure. A chart without a value axis draws
    proportions, so its figures are drawn divided by it (1–10): floats then neither
    overflow (1e300 would make the axis limits infinite) nor lose tiny figures."""
    return max((v.adjusted() for v in values if v is not None and v.is_finite() and v), default=0)


def _scaled(value: Decimal | None, exponent: int) -> float | None:
    return None if value is None else float(value.scaleb(-exponent))


def quarterly_data(series: QuarterSeries, lang: str) -> ChartData | None:
    """The trend chart's columns: PY, PL and AC per quarter with a figure, in the unit the
    document writes (en: 837 for 8.37亿元) and the trend table's places; AC labelled."""
    lang = chart_language(lang)
    points = [
        p
        for p in series.points
        if p.actual is not None or p.target is not None or p.prior_year is not None
    ]
    if not points:
        return None
    kpi = series.kpi
    places = quarter_places(series)  # the trend table's places (points without figures add none)
    shown_places = in_language(Decimal(0), kpi.unit, places, lang)[2]
    years = {p.period.year for p in points}
    ticks = tuple(f"Q{p.period.quarter}" if len(years) == 1 else p.period.label for p in points)

    def shown(value: Decimal | None) -> Decimal | None:
        return None if value is None else in_language(value, kpi.unit, places, lang)[0]

    number_format = label_format(shown_places)
    scenarios: list[Series] = []
    for role, values in (
        ("py", [p.prior_year for p in points]),
        ("pl", [p.target for p in points]),
        ("ac", [p.actual for p in points]),
    ):
        if role != "ac" and all(v is None for v in values):
            continue  # a scenario without figures is neither drawn nor keyed
        labels = [
            fmt_figure(v, kpi.unit, places, lang) if role == "ac" and v is not None else ""
            for v in values
        ]
        name = chart_text(lang, role) + (f" {role.upper()}" if lang == "zh" else "")
        scenarios.append(
            Series(
                role=role,  # type: ignore[arg-type]  # one of the three literals
                name=name,
                values=tuple(shown(v) for v in values),
                colors=tuple("" for _ in values),
                labels=tuple(labels),
                number_format=number_format,
            )
        )
    unit = unit_text(kpi.unit, lang)  # as the text writes it: en 亿元 → M CNY
    panel = Panel(
        name="",
        heading="",
        names=ticks,
        categories=ticks,
        series=tuple(scenarios),
    )
    return ChartData(
        key=f"quarterly:{kpi.key}",
        kind="column",
        title=chart_text(lang, "quarterly", name=kpi.name),
        subtitle=chart_text(lang, "quarterly_sub", unit=unit) if unit else "",
        alt=chart_text(lang, "quarterly_alt", name=kpi.name),
        note="",
        panels=(panel,),
        # a key only tells scenarios apart: actuals alone need none (IBCS draws AC solid
        # dark), and a lone "■ AC" stood among the column labels
        legend=sum(1 for s in scenarios if any(v is not None for v in s.values)) > 1,
    )


def quarterly_chart(series: QuarterSeries, lang: str) -> Chart | None:
    """Columns per quarter: PY light grey behind-left, AC dark solid, PL outlined behind-right."""
    data = quarterly_data(series, lang)
    if data is None:
        return None
    lang = chart_language(lang)
    panel = data.panels[0]
    by_role = {s.role: s for s in panel.series}
    count = len(panel.categories)
    empty: tuple[Decimal | None, ...] = (None,) * count
    actuals = by_role["ac"].values
    targets = by_role["pl"].values if "pl" in by_role else empty
    priors = by_role["py"].values if "py" in by_role else empty
    name = data.key
    with chart_style(name):
        width_in = 14.0 / CM_PER_INCH
        height_in = COLUMN_CM / CM_PER_INCH  # present/charts/sizing: as the native chart
        fig, _ = new_figure(width_in, height_in)
        fig.subplots_adjust(
            left=0.25 / width_in,
            right=1 - 0.25 / width_in,
            top=1 - (HEADER_IN + 0.04) / height_in,
            bottom=0.3 / height_in,
        )
        ax = fig.add_subplot()
        width, shift = 0.46, 0.13
        tops: list[float] = []
        bottoms: list[float] = []
        exponent = _plot_exponent([*actuals, *targets, *priors])
        for x in range(count):
            ac, pl, py = (
                _scaled(actuals[x], exponent),
                _scaled(targets[x], exponent),
                _scaled(priors[x], exponent),
            )
            if py is not None:
                ax.bar(x - shift, py, width=width, color=PY_COLOR, zorder=1)
            if pl is not None:
                ax.bar(
                    x + shift,
                    pl,
                    width=width,
                    facecolor=PL_FILL,
                    edgecolor=PL_EDGE,
                    linewidth=0.9,
                    zorder=2,
                )
            if ac is not None:
                ax.bar(x, ac, width=width, color=AC_COLOR, zorder=3)
            present = [v for v in (ac, pl, py) if v is not None]
            tops.append(max(present))
            bottoms.append(min(present))
        hi = max([0.0, *tops])
        lo = min([0.0, *bottoms])
        span = (hi - lo) or 1.0
        room = span * 0.16
        ax.set_ylim(lo - (room if lo < 0 else 0), hi + (room if hi > 0 else span * 0.05))
        for x, (value, label) in enumerate(zip(actuals, by_role["ac"].labels, strict=True)):
            if value is None:
                continue
            anchor = tops[x] if value >= 0 else bottoms[x]
            ax.annotate(
                label,
                (x, anchor),
                xytext=(0, 3 if value >= 0 else -3),
                textcoords="offset points",
                ha="center",
                va="bottom" if value >= 0 else "top",
                size=FONT_SIZE,
                weight="bold",
                zorder=5,
            )
        ax.set_xlim(-0.6, count - 0.4)
        ax.set_xticks(range(count), labels=list(panel.categories))
        ax.set_yticks([])
        plain_axes(ax)
        ax.axhline(0, color=BASELINE, linewidth=0.8, zorder=4)
        if data.legend:
            _scenario_key(
                fig,
                lang,
                width_in,
                height_in,
                actual=any(v is not None for v in actuals),
                prior="py" in by_role,
                plan="pl" in by_role,
            )
        draw_header(fig, width_in, height_in, short_text(data.title, 40), data.subtitle)
        return finish_chart(fig, name, data.title, width_in, data.alt)


def _scenario_key(
    fig: Any,
    lang: str,
    width_in: float,
    height_in: float,
    *,
    actual: bool,
    prior: bool,
    plan: bool,
) -> None:
    """AC / PY / PL swatches, right-aligned in the subtitle band (the columns overlap, so
    direct labels would collide); a scenario the chart does not draw has no swatch."""
    from matplotlib.patches import Patch

    handles = [
        Patch(facecolor=AC_COLOR, label=chart_text(lang, "ac") + (" AC" if lang == "zh" else ""))
    ][: int(actual)]
    if prior:
        handles.append(
            Patch(
                facecolor=PY_COLOR, label=chart_text(lang, "py") + (" PY" if lang == "zh" else "")
            )
        )
    if plan:
        handles.append(
            Patch(
                facecolor=PL_FILL,
                edgecolor=PL_EDGE,
                linewidth=0.9,
                label=chart_text(lang, "pl") + (" PL" if lang == "zh" else ""),
            )
        )
    fig.legend(
        handles=handles,
        loc="upper right",
        bbox_to_anchor=(1 - 0.1 / width_in, 1 - 0.34 / height_in),
        ncol=len(handles),
        frameon=False,
        fontsize=SUB_SIZE,
        handlelength=1.0,
        handleheight=0.8,
        handletextpad=0.4,
        columnspacing=1.0,
        borderaxespad=0.0,
        borderpad=0.0,
    )
