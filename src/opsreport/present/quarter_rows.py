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
from opsreport.present.narrative.words import DURATION_WORDS, Way

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
    for a rate, the unit for a duration or score, none for a multiple), 逐季上升 / "rose
    every quarter" when each quarter beat the one before; the best and weakest quarters
    only where the from→to does not already name them; then the quarters against their
    targets. Every comparison is of the figures as printed (1,000.00 → 1,000.06 is a rise
    of 0.06, never "+0.0%")."""
    kpi = series.kpi
    points = [p for p in series.points if p.actual is not None]
    if len(points) < 2:
        return ""
    zh = lang == "zh"
    scale = f.in_language(Decimal(1), kpi.unit, places, lang)[0]

    def shown(point: Any) -> Decimal:
        """The figure as printed, back in the KPI's unit (837 M CNY → 8.37亿元)."""
        value, _, at = f.in_language(point.actual, kpi.unit, places, lang)
        return f.round_half_up(value, places if at is None else at) / scale

    def amount(value: Decimal | None) -> str:
        return f.fmt_amount(value, kpi.unit, places, lang)

    first, last = points[0], points[-1]
    start, end = shown(first), shown(last)
    change = end - start
    if change == 0:
        if zh:
            text = (
                f"{kpi.name}{last.period.label}为{amount(last.actual)}，与{first.period.label}持平"
            )
        else:
            text = f"{kpi.name} ended {last.period.label} at {amount(last.actual)}, level with {first.period.label}"
    else:
        up = change > 0
        steps = [shown(later) - shown(earlier) for earlier, later in itertools.pairwise(points)]
        # every quarter between the ends reported: a gap is no quarter that rose
        indexes = [series.points.index(p) for p in points]
        steady = (
            len(points) > 2
            and indexes[-1] - indexes[0] == len(points) - 1
            and all((s > 0) if up else (s < 0) for s in steps)
        )
        size = _change_text(change, start, end, kpi.unit, places, lang)
        if zh:
            lead = ("逐季上升，" if up else "逐季下降，") if steady else ""
            verb = "升至" if up else "降至"
            text = f"{kpi.name}{lead}由{first.period.label}的{amount(first.actual)}{verb}{last.period.label}的{amount(last.actual)}"
            text += f"（{size}）" if size else ""
        else:
            verb = (
                ("rose every quarter" if up else "fell every quarter")
                if steady
                else ("rose" if up else "fell")
            )
            text = f"{kpi.name} {verb}, from {amount(first.actual)} in {first.period.label} to {amount(last.actual)} in {last.period.label}"
            text += f" ({size})" if size else ""
    text += _best_and_weakest(points, shown(first), shown(last), shown, kpi.sign, amount, zh)
    below, every, all_met = _quarters_against_target(series)
    # "short of", never "below": a lower-is-better KPI misses its target from above
    if every:
        text += (
            "；各季度均未达季度目标" if zh else "; short of the quarterly target in every quarter"
        )
    elif all_met:
        # "met", never "on or above": a lower-is-better KPI meets its target from below
        text += "；各季度均达成季度目标" if zh else "; every quarter met its quarterly target"
    elif below:
        text += (
            f"；{'、'.join(below)}未达季度目标"
            if zh
            else f"; short of the quarterly target in {f.join_list(below, lang)}"
        )
    return text + ("。" if zh else ".")


def _best_and_weakest(
    points: list[Any],
    start: Decimal,
    end: Decimal,
    shown: Any,
    sign: int,
    amount: Any,
    zh: bool,
) -> str:
    """The best quarter(s) where they beat both ends, the weakest where they trail both:
    an end the from→to names already is never repeated (1 → 5 → 5 names none), and
    quarters that tie are named together (best Q2, Q3)."""
    parts: list[tuple[str, str]] = []
    for word, pick, beyond in (("best", max, 1), ("weakest", min, -1)):
        top = pick(sign * shown(p) for p in points)
        if not all(beyond * (top - sign * e) > 0 for e in (start, end)):
            continue
        tied = [p for p in points if sign * shown(p) == top]
        joined = ("、" if zh else ", ").join(p.period.label for p in tied)
        parts.append(
            (
                word,
                f"{joined}（{amount(tied[0].actual)}）"
                if zh
                else f"{joined} ({amount(tied[0].actual)})",
            )
        )
    if not parts:
        return ""
    if zh:
        words = {"best": "表现最好的是", "weakest": "最弱的是"}
        return "，" + "，".join(words[w] + t for w, t in parts)
    return "; " + ", ".join(f"{w} {t}" for w, t in parts)


def _change_text(
    change: Decimal, start: Decimal, end: Decimal, unit: str, places: int, lang: str
) -> str:
    """The first-to-last change as the KPI's kind reads it: +74.1% for an amount, +1.5个百分点
    for a rate, 缩短4.5天 / "4.5 days shorter" for a duration (the words of the KPI
    sentences), +3分 for a score (in its unit); nothing for a
    multiple (+1.3倍 reads as +130%: its from→to says it). An amount's change is in its
    unit where a percent would mislead: from zero or below (no percent of nothing or of a
    loss), to below zero, or a move under 0.05% (1,000.00 → 1,000.06 is +0.06, not +0.0%)."""
    kind = unit_kind(unit)
    if kind == "multiple":
        return ""
    if kind == "rate":
        return f.fmt_delta(change, None, unit, lang, places)
    if kind == "amount" and start > 0 and end >= 0:
        percent = f.fmt_pct(change / start, 1, signed=True)
        if f.round_half_up(change / start * 100, 1) != 0:
            return percent
    figure = f.fmt_amount(abs(change), unit, places, lang)
    if kind == "duration":  # as the KPI sentences say it: 缩短4.5天, "0.9 minutes shorter"
        way: Way = "up" if change > 0 else "down"
        if lang == "zh":
            return f"{DURATION_WORDS['zh'][way]}{figure}"
        return f"{figure} {DURATION_WORDS['en'][way]}"
    return f.fmt_signed(change, unit, places, lang)


def _quarters_against_target(series: Any) -> tuple[list[str], bool, bool]:
    """The quarters that missed their target, whether every quarter missed, and whether
    every quarter met it (each with a target and an actual, more than two of them)."""
    judged = [p for p in series.points if p.attainment is not None]
    below = [p.period.label for p in judged if p.attainment < 1]
    reported = [p for p in series.points if p.actual is not None]
    whole = len(judged) > 2 and len(judged) == len(reported)
    return below, whole and len(below) == len(judged), whole and not below
