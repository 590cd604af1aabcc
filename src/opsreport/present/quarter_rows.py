"""The quarterly trend section: each featured series as rows and one sentence."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from opsreport.engine.metrics import Metrics, QuarterSeries, kpi_label
from opsreport.engine.movement import unit_kind
from opsreport.present import formatting as f
from opsreport.present.context_types import QuarterRow, QuarterSeriesItem
from opsreport.present.context_values import each_item, to_float
from opsreport.present.kpi_view import quarter_places

__all__ = ["quarter_items"]


def quarter_items(
    metrics: Metrics, featured: Sequence[QuarterSeries], lang: str
) -> list[QuarterSeriesItem]:
    """The ``featured`` series (the engine's selection), each as rows and a sentence."""
    return each_item(
        featured,
        lambda series: _quarter_item(series, lang),
        lambda series: (f"{kpi_label(series.kpi)}, quarterly figures", series.kpi.location),
        str(metrics.report.source),
    )


def _quarter_item(series: Any, lang: str) -> QuarterSeriesItem:
    kpi = series.kpi
    places = quarter_places(series)
    rows: list[QuarterRow] = []
    for point in series.points:
        rows.append(
            {
                "period": point.period.label,
                "actual": f.fmt_amount(point.actual, kpi.unit, places, lang),
                "target": f.fmt_amount(point.target, kpi.unit, places, lang),
                "prior_year": f.fmt_amount(point.prior_year, kpi.unit, places, lang),
                "actual_figure": f.fmt_figure(point.actual, kpi.unit, places, lang),
                "target_figure": f.fmt_figure(point.target, kpi.unit, places, lang),
                "prior_year_figure": f.fmt_figure(point.prior_year, kpi.unit, places, lang),
                "attainment": f.fmt_pct(point.attainment),
                "delta_prior": f.fmt_delta(
                    point.var_prior, point.var_prior_pct, kpi.unit, lang, places
                ),
                "good_prior": None if point.var_prior is None else kpi.sign * point.var_prior >= 0,
                "qoq": f.fmt_delta(point.change, point.change_pct, kpi.unit, lang, places),
                "good_qoq": None if point.change is None else kpi.sign * point.change >= 0,
                "actual_value": to_float(point.actual),
            }
        )
    return {
        "key": kpi.key,
        "name": kpi.name,
        "unit": kpi.unit,
        "unit_header": f.header_unit(kpi.unit, lang),
        "aggregation": kpi.aggregation,
        "rows": rows,
        "has_target": any(p.target is not None for p in series.points),
        "has_prior_year": any(p.prior_year is not None for p in series.points),
        "chart": f"quarterly:{kpi.key}",
        "summary": _quarter_sentence(series, places, lang),
    }


def _quarter_sentence(series: Any, places: int, lang: str) -> str:
    """From the first quarter to the last with the change (percent for an amount, points
    for a rate, the unit for a duration or score), 逐季上升 / "rose every quarter" when each
    quarter beat the one before; the best and weakest quarter only where the from→to does
    not already name them; then the quarters against their targets."""
    kpi = series.kpi
    points = [p for p in series.points if p.actual is not None]
    if len(points) < 2:
        return ""
    first, last = points[0], points[-1]
    best = max(points, key=lambda p: kpi.sign * p.actual)
    worst = min(points, key=lambda p: kpi.sign * p.actual)
    steps = [later.actual - earlier.actual for earlier, later in itertools.pairwise(points)]
    steady = len(points) > 2 and (all(s > 0 for s in steps) or all(s < 0 for s in steps))
    ends = {best.period, worst.period} == {first.period, last.period}
    zh = lang == "zh"

    def amount(value: Decimal | None) -> str:
        return f.fmt_amount(value, kpi.unit, places, lang)

    change = last.actual - first.actual
    if amount(first.actual) == amount(last.actual):
        if zh:
            text = (
                f"{kpi.name}{last.period.label}为{amount(last.actual)}，与{first.period.label}持平"
            )
        else:
            text = f"{kpi.name} ended {last.period.label} at {amount(last.actual)}, level with {first.period.label}"
    else:
        size = _change_text(change, first.actual, kpi.unit, places, lang)
        up = change > 0
        if zh:
            lead = ("逐季上升，" if up else "逐季下降，") if steady else ""
            verb = "升至" if up else "降至"
            text = f"{kpi.name}{lead}由{first.period.label}的{amount(first.actual)}{verb}{last.period.label}的{amount(last.actual)}（{size}）"
        else:
            verb = (
                ("rose every quarter" if up else "fell every quarter")
                if steady
                else ("rose" if up else "fell")
            )
            text = f"{kpi.name} {verb}, from {amount(first.actual)} in {first.period.label} to {amount(last.actual)} in {last.period.label} ({size})"
    if not ends and best.period != worst.period:
        if zh:
            text += f"，表现最好的是{best.period.label}（{amount(best.actual)}），最弱的是{worst.period.label}（{amount(worst.actual)}）"
        else:
            text += f"; best {best.period.label} ({amount(best.actual)}), weakest {worst.period.label} ({amount(worst.actual)})"
    below, every, all_met = _quarters_against_target(series)
    # "short of", never "below": a lower-is-better KPI misses its target from above
    if every:
        text += (
            "；各季度均未达季度目标" if zh else "; short of the quarterly target in every quarter"
        )
    elif all_met:
        text += (
            "；各季度均达成季度目标"
            if zh
            else "; on or above the quarterly target in every quarter"
        )
    elif below:
        text += (
            f"；{'、'.join(below)}未达季度目标"
            if zh
            else f"; short of the quarterly target in {', '.join(below)}"
        )
    return text + ("。" if zh else ".")


def _change_text(change: Decimal, start: Decimal, unit: str, places: int, lang: str) -> str:
    """The first-to-last change as the KPI's kind reads it: +74.1% for an amount, +1.5个百分点
    for a rate, -4.5天 for a duration or +3分 for a score (in their unit), and the change in the
    unit where the first quarter was zero (no percent of nothing)."""
    kind = unit_kind(unit)
    if kind == "amount" and start != 0:
        return f.fmt_delta(change, change / abs(start), unit, lang, places)
    if kind == "rate":
        return f.fmt_delta(change, None, unit, lang, places)
    figure = f.fmt_amount(abs(change), unit, places, lang)
    return ("+" if change > 0 else "-") + figure


def _quarters_against_target(series: Any) -> tuple[list[str], bool, bool]:
    """The quarters that missed their target, whether every quarter missed, and whether
    every quarter met it (each with a target and an actual, more than two of them)."""
    judged = [p for p in series.points if p.attainment is not None]
    below = [p.period.label for p in judged if p.attainment < 1]
    reported = [p for p in series.points if p.actual is not None]
    whole = len(judged) > 2 and len(judged) == len(reported)
    return below, whole and len(below) == len(judged), whole and not below
