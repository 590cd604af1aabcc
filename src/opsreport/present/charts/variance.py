"""The variance charts: pins of ΔPL% or ΔPY% per KPI, green good, red bad; rates (pp) and
amounts (%) in panels of their own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from opsreport.present.charts.data import ChartData, Panel, Series, label_format
from opsreport.present.charts.layout import (
    clip,
    draw_header,
    draw_note,
    draw_value_label,
    finish_chart,
    more_text,
    pp_label,
    row_axes,
    row_height_in,
    select_top,
    short_text,
    text_width_in,
)
from opsreport.present.charts.record import Chart, Mark
from opsreport.present.charts.style import (
    CM_PER_INCH,
    FONT_SIZE,
    HEADER_IN,
    PAGE_WIDTH_CM,
    SUB_SIZE,
    chart_style,
    new_figure,
)
from opsreport.present.charts.texts import chart_language, chart_text
from opsreport.present.formatting import fmt_pct
from opsreport.present.theme import BAD, GOOD, MUTED

if TYPE_CHECKING:
    from opsreport.engine.metrics import KpiResult


@dataclass(frozen=True)
class _VarianceRow:
    result: KpiResult
    exact: Decimal  # % for amounts, pp for rates
    label: str
    color: str

    @property
    def value(self) -> float:
        return float(self.exact)


def _variance_rows(results: Sequence[KpiResult], against: str) -> list[_VarianceRow]:
    if against not in {"target", "prior"}:
        raise ValueError(f"against must be 'target' or 'prior', not {against!r}")
    rows = []
    for result in results:
        if against == "target":
            absolute, relative, good = (
                result.var_target,
                result.var_target_pct,
                result.good_vs_target,
            )
        else:
            absolute, relative, good = result.var_prior, result.var_prior_pct, result.good_vs_prior
        if good is None or absolute is None:
            continue
        if result.kpi.is_rate:
            value, label = absolute, pp_label(absolute)
        elif relative is not None:
            value, label = relative * 100, fmt_pct(relative, 1, signed=True)
        else:
            continue  # a zero reference: no relative variance to draw
        rows.append(_VarianceRow(result, value, label, GOOD if good else BAD))
    return rows


def _variance_colors(results: Sequence[KpiResult], against: str = "target") -> list[str]:
    """The pin colour of each KPI that gets a pin (for tests: no image inspection needed)."""
    return [row.color for row in _variance_rows(results, against)]


PANEL_TITLE_IN = 0.26  # a panel's own title line (what it holds, its unit)
PANEL_GAP_IN = 0.12


def variance_data(
    results: Sequence[KpiResult], lang: str, against: str = "target", top: int = 25
) -> ChartData | None:
    """The variance chart's pins: ΔPL (or ΔPY) per KPI, green good, red bad for the KPI;
    rates (in points) and amounts (in percent) in panels of their own, a panel only when
    it has KPIs, ``top`` pins in all shared by the panels in proportion."""
    lang = chart_language(lang)
    all_rows = _variance_rows(results, against)
    if not all_rows:
        return None
    rates = [row for row in all_rows if row.result.kpi.is_rate]
    amounts = [row for row in all_rows if not row.result.kpi.is_rate]
    # ``top`` pins in all, shared by the panels in proportion (each at least one).
    rate_top = min(len(rates), max(1, round(top * len(rates) / len(all_rows))))
    budgets = {"rate": rate_top, "amount": max(1, top - rate_top)}
    panels: list[Panel] = []
    hidden = 0
    for panel, members in (("rate", rates), ("amount", amounts)):
        if not members:
            continue
        rows, left_out = select_top(members, budgets[panel], key=lambda row: -abs(row.value))
        hidden += left_out
        series = Series(
            role="variance",
            name=chart_text(lang, f"variance_what_{against}"),
            values=tuple(row.exact for row in rows),
            colors=tuple(row.color for row in rows),
            labels=tuple(row.label for row in rows),
            number_format=label_format(1, signed=True, suffix="pp" if panel == "rate" else "%"),
        )
        panels.append(
            Panel(
                name=panel,
                heading=chart_text(lang, f"variance_panel_{panel}"),
                names=tuple(row.result.kpi.name for row in rows),
                categories=tuple(short_text(row.result.kpi.name) for row in rows),
                series=(series,),
                limits=(-200.0, 200.0),
            )
        )
    name = "variance_target" if against == "target" else "variance_prior"
    good = sum(1 for row in all_rows if row.color == GOOD)
    alt = chart_text(
        lang,
        "variance_alt",
        n=len(all_rows),
        what=chart_text(lang, f"variance_what_{against}"),
        good=good,
        bad=len(all_rows) - good,
    )
    return ChartData(
        key=name,
        kind="pin",
        title=chart_text(lang, name),
        subtitle=chart_text(lang, f"variance_sub_{against}"),
        alt=alt,
        note=more_text(lang, hidden),
        panels=tuple(panels),
    )


def variance_chart(
    results: Sequence[KpiResult], lang: str, against: str = "target", top: int = 25
) -> Chart | None:
    """Pins of ΔPL% (or ΔPY%) per KPI, green good, red bad for the KPI; rate KPIs (in
    percentage points) and amounts (in percent) in two panels, each with its own scale and
    unit, a panel only when it has KPIs: +3.6pp of margin and +176% of followers are
    different quantities and never share an axis. ``top`` pins in all."""
    data = variance_data(results, lang, against, top)
    if data is None:
        return None
    name = data.key
    marks: list[Mark] = []
    with chart_style(name):
        width_in = PAGE_WIDTH_CM / CM_PER_INCH
        footer_in = 0.34 if data.note else 0.12
        row_in = row_height_in(sum(len(panel.categories) for panel in data.panels))
        bands = [PANEL_TITLE_IN + len(panel.categories) * row_in for panel in data.panels]
        height_in = (
            HEADER_IN + sum(bands) + PANEL_GAP_IN * (len(data.panels) - 1) + footer_in + 0.08
        )
        fig, renderer = new_figure(width_in, height_in)
        every_name = [category for panel in data.panels for category in panel.categories]
        left_in = min(text_width_in(renderer, every_name, FONT_SIZE) + 0.18, width_in * 0.45)
        top_in = HEADER_IN
        for panel, band_in in zip(data.panels, bands, strict=True):
            fig.text(
                0.1 / width_in,
                1 - top_in / height_in,
                panel.heading,
                ha="left",
                va="top",
                size=SUB_SIZE,
                color=MUTED,
            )
            series = panel.series[0]
            limits = panel.limits or (-200.0, 200.0)
            shown = [clip(float(v or 0), *limits) for v in series.values]
            widths = [text_width_in(renderer, [label], FONT_SIZE) + 0.05 for label in series.labels]
            ax = row_axes(
                fig,
                renderer,
                width_in=width_in,
                height_in=height_in,
                names=list(panel.categories),
                values=[v for v, _ in shown],
                labels_right=[w for w, (v, _) in zip(widths, shown, strict=True) if v >= 0],
                labels_left=[w for w, (v, _) in zip(widths, shown, strict=True) if v < 0],
                band=(top_in + PANEL_TITLE_IN, band_in - PANEL_TITLE_IN),
                left_in=left_in,
            )
            rows = zip(panel.names, series.values, shown, series.labels, series.colors, strict=True)
            for y, (kpi_name, exact, (value, clipped), label, color) in enumerate(rows):
                ax.plot([0, value], [y, y], color=color, linewidth=1.6, zorder=2)
                ax.plot(
                    [value],
                    [y],
                    marker=">" if clipped and value > 0 else "<" if clipped else "o",
                    markersize=6.5,
                    color=color,
                    zorder=3,
                )
                draw_value_label(ax, label, value, y, value >= 0, offset=6)
                marks.append(Mark(panel.name, kpi_name, float(exact or 0), label, color))
            top_in += band_in + PANEL_GAP_IN
        draw_header(fig, width_in, height_in, data.title, data.subtitle)
        draw_note(fig, width_in, height_in, data.note)
        return finish_chart(fig, name, data.title, width_in, data.alt, marks)
