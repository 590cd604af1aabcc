"""The variance charts: pins of ΔPL% or ΔPY% per KPI, green good, red bad; rates (pp) and
amounts (%) in panels of their own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from opsreport.present.charts.layout import (
    clip,
    draw_header,
    draw_note,
    draw_value_label,
    finish_chart,
    more_text,
    pp_label,
    row_axes,
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
    ROW_HEIGHT_IN,
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
    value: float  # % for amounts, pp for rates
    label: str
    color: str


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
            value, label = float(absolute), pp_label(absolute)
        elif relative is not None:
            value, label = float(relative * 100), fmt_pct(relative, 1, signed=True)
        else:
            continue  # a zero reference: no relative variance to draw
        rows.append(_VarianceRow(result, value, label, GOOD if good else BAD))
    return rows


def _variance_colors(results: Sequence[KpiResult], against: str = "target") -> list[str]:
    """The pin colour of each KPI that gets a pin (for tests: no image inspection needed)."""
    return [row.color for row in _variance_rows(results, against)]


PANEL_TITLE_IN = 0.26  # a panel's own title line (what it holds, its unit)
PANEL_GAP_IN = 0.12


def variance_chart(
    results: Sequence[KpiResult], lang: str, against: str = "target", top: int = 25
) -> Chart | None:
    """Pins of ΔPL% (or ΔPY%) per KPI, green good, red bad for the KPI; rate KPIs (in
    percentage points) and amounts (in percent) in two panels, each with its own scale and
    unit, a panel only when it has KPIs: +3.6pp of margin and +176% of followers are
    different quantities and never share an axis. ``top`` pins in all."""
    lang = chart_language(lang)
    all_rows = _variance_rows(results, against)
    if not all_rows:
        return None
    panels: list[tuple[str, list[_VarianceRow]]] = []
    hidden = 0
    rates = [row for row in all_rows if row.result.kpi.is_rate]
    amounts = [row for row in all_rows if not row.result.kpi.is_rate]
    # ``top`` pins in all, shared by the panels in proportion (each at least one).
    rate_top = min(len(rates), max(1, round(top * len(rates) / len(all_rows))))
    budgets = {"rate": rate_top, "amount": max(1, top - rate_top)}
    for panel, members in (("rate", rates), ("amount", amounts)):
        if members:
            shown_rows, left_out = select_top(
                members, budgets[panel], key=lambda row: -abs(row.value)
            )
            panels.append((panel, shown_rows))
            hidden += left_out
    name = "variance_target" if against == "target" else "variance_prior"
    title = chart_text(lang, name)
    good = sum(1 for row in all_rows if row.color == GOOD)
    alt = chart_text(
        lang,
        "variance_alt",
        n=len(all_rows),
        what=chart_text(lang, f"variance_what_{against}"),
        good=good,
        bad=len(all_rows) - good,
    )
    marks: list[Mark] = []
    with chart_style(name):
        width_in = PAGE_WIDTH_CM / CM_PER_INCH
        footer_in = 0.34 if hidden else 0.12
        bands = [PANEL_TITLE_IN + len(rows) * ROW_HEIGHT_IN for _, rows in panels]
        height_in = HEADER_IN + sum(bands) + PANEL_GAP_IN * (len(panels) - 1) + footer_in + 0.08
        fig, renderer = new_figure(width_in, height_in)
        every_name = [short_text(row.result.kpi.name) for _, rows in panels for row in rows]
        left_in = min(text_width_in(renderer, every_name, FONT_SIZE) + 0.18, width_in * 0.45)
        top_in = HEADER_IN
        cap = 200.0
        for (panel, rows), band_in in zip(panels, bands, strict=True):
            fig.text(
                0.1 / width_in,
                1 - top_in / height_in,
                chart_text(lang, f"variance_panel_{panel}"),
                ha="left",
                va="top",
                size=SUB_SIZE,
                color=MUTED,
            )
            shown = [clip(row.value, -cap, cap) for row in rows]
            widths = [text_width_in(renderer, [row.label], FONT_SIZE) + 0.05 for row in rows]
            ax = row_axes(
                fig,
                renderer,
                width_in=width_in,
                height_in=height_in,
                names=[short_text(row.result.kpi.name) for row in rows],
                values=[v for v, _ in shown],
                labels_right=[w for w, (v, _) in zip(widths, shown, strict=True) if v >= 0],
                labels_left=[w for w, (v, _) in zip(widths, shown, strict=True) if v < 0],
                band=(top_in + PANEL_TITLE_IN, band_in - PANEL_TITLE_IN),
                left_in=left_in,
            )
            for y, (row, (value, clipped)) in enumerate(zip(rows, shown, strict=True)):
                ax.plot([0, value], [y, y], color=row.color, linewidth=1.6, zorder=2)
                ax.plot(
                    [value],
                    [y],
                    marker=">" if clipped and value > 0 else "<" if clipped else "o",
                    markersize=6.5,
                    color=row.color,
                    zorder=3,
                )
                draw_value_label(ax, row.label, value, y, value >= 0, offset=6)
                marks.append(Mark(panel, row.result.kpi.name, row.value, row.label, row.color))
            top_in += band_in + PANEL_GAP_IN
        draw_header(fig, width_in, height_in, title, chart_text(lang, f"variance_sub_{against}"))
        draw_note(fig, width_in, height_in, more_text(lang, hidden))
        return finish_chart(fig, name, title, width_in, alt, marks)
