"""The quarterly trend section: each featured series as rows and one sentence."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from opsreport.engine.metrics import Metrics, QuarterSeries, kpi_label
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
        "aggregation": kpi.aggregation,
        "rows": rows,
        "has_target": any(p.target is not None for p in series.points),
        "has_prior_year": any(p.prior_year is not None for p in series.points),
        "chart": f"quarterly:{kpi.key}",
        "summary": _quarter_sentence(series, places, lang),
    }


def _quarter_sentence(series: Any, places: int, lang: str) -> str:
    kpi = series.kpi
    points = [p for p in series.points if p.actual is not None]
    if len(points) < 2:
        return ""
    best = max(points, key=lambda p: kpi.sign * p.actual)
    worst = min(points, key=lambda p: kpi.sign * p.actual)
    first, last = points[0], points[-1]

    def amount(value: Decimal | None) -> str:
        return f.fmt_amount(value, kpi.unit, places, lang)

    if lang == "zh":
        text = f"{kpi.name}由{first.period.label}的{amount(first.actual)}变为{last.period.label}的{amount(last.actual)}"
        text += f"，表现最好的是{best.period.label}（{amount(best.actual)}），最弱的是{worst.period.label}（{amount(worst.actual)}）"
        below, every = _quarters_below_target(series)
        if every:
            text += "；各季度均未达季度目标"
        elif below:
            text += f"；{('、'.join(below))}未达季度目标"
        return text + "。"
    text = f"{kpi.name} moved from {amount(first.actual)} in {first.period.label} to {amount(last.actual)} in {last.period.label}"
    text += f"; best {best.period.label} ({amount(best.actual)}), weakest {worst.period.label} ({amount(worst.actual)})"
    below, every = _quarters_below_target(series)
    # "short of", never "below": a lower-is-better KPI misses its target from above
    if every:
        text += "; short of the quarterly target in every quarter"
    elif below:
        text += f"; short of the quarterly target in {', '.join(below)}"
    return text + "."


def _quarters_below_target(series: Any) -> tuple[list[str], bool]:
    """The quarters that missed their target, and whether every quarter with one did."""
    judged = [p for p in series.points if p.attainment is not None]
    below = [p.period.label for p in judged if p.attainment < 1]
    reported = [p for p in series.points if p.actual is not None]
    every = len(judged) > 2 and len(below) == len(judged) == len(reported)
    return below, every
