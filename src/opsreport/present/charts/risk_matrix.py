"""The risk matrix: a 5×5 likelihood × impact grid of numbered risks, triggered ones ringed."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from opsreport.present.charts.data import ChartData, MatrixCell, MatrixRow, RiskGrid
from opsreport.present.charts.layout import (
    draw_header,
    draw_note,
    finish_chart,
    more_text,
    plain_axes,
    select_top,
    wrap_text,
)
from opsreport.present.charts.record import Chart
from opsreport.present.charts.style import (
    CM_PER_INCH,
    FONT_SIZE,
    HEADER_IN,
    PAGE_WIDTH_CM,
    chart_style,
    new_figure,
)
from opsreport.present.charts.texts import chart_language, chart_text
from opsreport.present.theme import AC_COLOR, ALERT, BACKGROUND, LABEL_ON_DARK, RISK_TINTS, TEXT

if TYPE_CHECKING:
    from opsreport.engine.metrics import RiskResult
    from opsreport.engine.risk_judgement import RiskJudgement


def _risk_tint(score: int) -> str:
    return RISK_TINTS["high" if score >= 15 else "medium" if score >= 6 else "low"]


def risk_matrix_data(
    risks: Sequence[RiskResult | RiskJudgement], lang: str, top: int = 25
) -> ChartData | None:
    """The risk matrix: 25 cells tinted by score, the numbered risks in their cells (rung
    when the document says so: a live alarm of an in-year plan in red, a line this year's
    actual crossed in the annual report in grey, none in a next-year plan), the key."""
    lang = chart_language(lang)
    placed = [
        (number, result)
        for number, result in enumerate(risks, start=1)
        if result.risk.likelihood and result.risk.impact
    ]
    if not placed:
        return None
    # What a ring means follows the document (engine.risk_judgement): a live alarm (red) in
    # an in-year plan, a line this year's actual crossed (grey) in the annual report,
    # nothing in a next-year plan (watched). A bare RiskResult rings when triggered.
    stance = getattr(placed[0][1], "stance", "live")

    def ringed(result: RiskResult | RiskJudgement) -> bool:
        if stance == "reported":
            return bool(getattr(result, "crossed", False))
        return bool(result.triggered) and stance != "watch"

    suffix_key, sub_key, alt_key = {
        "reported": ("crossed", "risks_sub_reported", "risks_alt_reported"),
        "watch": ("triggered", "risks_sub_watch", "risks_alt_watch"),
    }.get(stance, ("triggered", "risks_sub", "risks_alt"))
    ring = TEXT if stance == "reported" else ALERT
    rows, hidden = select_top(
        placed,
        top,
        key=lambda pair: (not ringed(pair[1]), -(pair[1].score or 0), pair[0]),
    )
    members: dict[tuple[int, int], list[tuple[int, bool]]] = {}
    for number, result in rows:
        spot = (result.risk.likelihood, result.risk.impact)
        members.setdefault(spot, []).append((number, ringed(result)))
    cells = tuple(
        MatrixCell(
            likelihood,
            impact,
            _risk_tint(likelihood * impact),
            tuple(members.get((likelihood, impact), ())),
        )
        for impact in range(5, 0, -1)
        for likelihood in range(1, 6)
    )
    key = tuple(
        MatrixRow(
            number,
            " ".join(str(result.risk.risk or "").split()),
            chart_text(lang, suffix_key) if ringed(result) else "",
            ringed(result),
            ALERT if ringed(result) and stance != "reported" else TEXT,
        )
        for number, result in rows
    )
    triggered = sum(1 for _, r in placed if ringed(r))
    grid = RiskGrid(cells, key, chart_text(lang, "likelihood"), chart_text(lang, "impact"), ring)
    return ChartData(
        key="risks",
        kind="matrix",
        title=chart_text(lang, "risks"),
        subtitle=chart_text(lang, sub_key),
        alt=chart_text(lang, alt_key, n=len(placed), triggered=triggered),
        note=more_text(lang, hidden),
        grid=grid,
    )


def risk_matrix_chart(
    risks: Sequence[RiskResult | RiskJudgement], lang: str, top: int = 25
) -> Chart | None:
    """5×5 likelihood × impact grid, tinted by score; numbered dots, red ring when triggered
    (a judgement's ``triggered``: a live alarm of an in-year plan, never the annual report's
    or a next-year plan's)."""
    data = risk_matrix_data(risks, lang, top)
    if data is None or data.grid is None:
        return None
    grid = data.grid
    title, alt, ring = data.title, data.alt, grid.ring
    with chart_style("risks"):
        width_in = PAGE_WIDTH_CM / CM_PER_INCH
        line_in = 0.19
        grid_in = 2.9
        footer_in = 0.34 if data.note else 0.12
        left_in = 0.75
        # the key beside the grid: each risk in full, wrapped (three lines at most)
        list_w_units = (width_in - left_in - grid_in - 0.45) / (FONT_SIZE / 72) - 3
        key_texts = [
            wrap_text(entry.text + entry.suffix, max(6.0, list_w_units)) for entry in grid.rows
        ]
        key_lines = sum(text.count("\n") + 1 for text in key_texts)
        height_in = max(
            HEADER_IN + 0.2 + grid_in + 0.45, HEADER_IN + key_lines * line_in + footer_in + 0.3
        )
        fig, _ = new_figure(width_in, height_in)
        bottom_in = height_in - HEADER_IN - 0.2 - grid_in
        ax = fig.add_axes(
            (left_in / width_in, bottom_in / height_in, grid_in / width_in, grid_in / height_in)
        )
        from matplotlib.patches import Rectangle

        for cell in grid.cells:
            ax.add_patch(
                Rectangle(
                    (cell.likelihood - 0.5, cell.impact - 0.5),
                    1,
                    1,
                    facecolor=cell.tint,
                    edgecolor=BACKGROUND,
                    linewidth=1.5,
                    zorder=1,
                )
            )
        cell_pt = grid_in / 5 * 72
        for cell in grid.cells:
            likelihood, impact, members = cell.likelihood, cell.impact, cell.risks
            if not members:
                continue
            cols = math.ceil(math.sqrt(len(members)))
            step = 0.84 / cols
            size = min(17.0, step * cell_pt * 0.92)
            used_rows = math.ceil(len(members) / cols)
            for k, (number, is_ringed) in enumerate(members):
                row, col = divmod(k, cols)
                x = likelihood - step * cols / 2 + step * (col + 0.5)
                y = impact + step * used_rows / 2 - step * (row + 0.5)
                if is_ringed:
                    ax.plot(
                        [x], [y], marker="o", markersize=size + 3.5, markerfacecolor="none",
                        markeredgecolor=ring, markeredgewidth=1.6, zorder=3,
                    )  # fmt: skip
                ax.plot([x], [y], marker="o", markersize=size, color=AC_COLOR, zorder=4)
                text = f"R{number}" if cols <= 2 and number < 100 else str(number)
                font = min(6.0, size * (0.36 if text.startswith("R") else 0.42))
                ax.text(
                    x, y, text, ha="center", va="center", size=font, color=LABEL_ON_DARK, zorder=5
                )
        ax.set_xlim(0.5, 5.5)
        ax.set_ylim(0.5, 5.5)
        ax.set_xticks(range(1, 6))
        ax.set_yticks(range(1, 6))
        ax.set_xlabel(grid.likelihood + " →", size=FONT_SIZE, labelpad=2)
        ax.text(
            -0.03,
            1.015,
            grid.impact + " ↑",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            size=FONT_SIZE,
        )
        plain_axes(ax)
        list_x = (left_in + grid_in + 0.3) / width_in
        line = 0
        for entry, label in zip(grid.rows, key_texts, strict=True):
            y = 1 - (HEADER_IN + 0.2 + line * line_in + 0.03) / height_in
            fig.text(
                list_x, y, f"R{entry.number}", ha="left", va="top", size=FONT_SIZE, weight="bold"
            )
            fig.text(
                list_x + 0.36 / width_in,
                y,
                label,
                ha="left",
                va="top",
                size=FONT_SIZE,
                color=entry.color,
                linespacing=line_in * 72 / FONT_SIZE,  # a wrapped line as far as the next risk
            )
            line += label.count("\n") + 1
        draw_header(fig, width_in, height_in, title, data.subtitle)
        draw_note(fig, width_in, height_in, data.note)
        return finish_chart(fig, "risks", title, width_in, alt)
