"""The risks section: each risk with its trigger line, the figure it is judged on and what
that figure says — a fact about the year in the annual report, a live alarm in an in-year
plan, a line to watch in a next-year plan (``engine.risk_judgement`` decides which)."""

from __future__ import annotations

from opsreport.core.periods import Period
from opsreport.core.rounding import decimal_places, display_places
from opsreport.core.units import parse_unit
from opsreport.engine.metrics import Metrics
from opsreport.engine.risk_judgement import RiskJudgement, plan_risks
from opsreport.present import formatting as f
from opsreport.present.context_types import RiskItem
from opsreport.present.labels import LABELS

__all__ = ["plan_risk_items", "risk_basis", "risk_item", "threshold_text"]

_OPERATORS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥"}

# Why nothing was judged, in words (reason codes of engine.risk_judgement).
_UNJUDGED = {
    "zh": {
        "no_actual": "{when}无实际值，未判断",
        "no_quarter_actual": "{when}无实际值，未判断",
        "no_target": "无目标，偏离未判断",
        "no_quarter_target": "{period}无季度目标，偏离未判断",
        "target_negligible": "目标接近零，偏离未判断",
        "cumulative_quarter": "累计指标的全年触发线不按单季判断",
    },
    "en": {
        "no_actual": "no actual for {when}: not judged",
        "no_quarter_actual": "no actual for {when}: not judged",
        "no_target": "no target: deviation not judged",
        "no_quarter_target": "no quarter target for {period}: deviation not judged",
        "target_negligible": "target too close to zero: deviation not judged",
        "cumulative_quarter": "an annual line of a cumulative KPI is not judged on one quarter",
    },
}


def threshold_text(judgement: RiskJudgement, lang: str) -> str:
    """The trigger line in the KPI's unit: ``> 47天``, ``偏离目标 > 8%``, ``偏离目标 > 2个百分点``."""
    threshold, kpi = judgement.threshold, judgement.kpi
    if threshold is None or kpi is None:
        return ""
    if threshold.kind == "dev" and threshold.in_points:
        sign = _OPERATORS.get(threshold.operator, threshold.operator)
        limit = f.fmt_pp(threshold.limit, decimal_places(threshold.limit.normalize()), lang=lang)
        return f"偏离目标 {sign} {limit}" if lang == "zh" else f"{sign} {limit} off target"
    return f.fmt_threshold(threshold.kind, threshold.operator, threshold.limit, kpi.unit, lang)


def _period_words(period: Period, lang: str) -> str:
    return (
        f"{period.year}年第{period.quarter}季度"
        if lang == "zh"
        else f"Q{period.quarter} {period.year}"
    )


def risk_basis(judgement: RiskJudgement, year: int | None, lang: str) -> str:
    """Whose figure is judged: 今年实际 / 2026年第2季度实际 / 2026年实际 (a plan watching)."""
    zh = lang == "zh"
    if judgement.period is not None:
        when = _period_words(judgement.period, lang)
        if judgement.figure == "forecast":
            return f"{when}实际推算的全年预测" if zh else f"the year's forecast from {when} actuals"
        return f"{when}实际" if zh else f"the {when} actual"
    if judgement.stance == "watch":
        if year is None:
            return "最近实际" if zh else "the latest actual"
        return f"{year}年实际" if zh else f"the {year} actual"
    return "今年实际" if zh else "this year's actual"


def _figure(judgement: RiskJudgement, lang: str) -> str:
    """The figure judged, in the KPI's unit (or the deviation in percent / points)."""
    kpi, observed = judgement.kpi, judgement.observed
    if kpi is None or observed is None:
        return ""
    if judgement.figure == "deviation":
        threshold = judgement.threshold
        points = threshold is not None and threshold.in_points
        text = f.fmt_pp(observed, lang=lang) if points else f.fmt_pct(observed / 100)
        return f"偏离目标{text}" if lang == "zh" else f"{text} off target"
    # a quarter's figure keeps its own decimals (49.5天, not 50天 at the KPI's 0 places)
    places = max(display_places(kpi), decimal_places(observed.normalize()))
    return f.fmt_amount(observed, kpi.unit, min(places, 2), lang)


def _margin(judgement: RiskJudgement, lang: str) -> str:
    """The distance to the line: in the KPI's unit, in points for a rate or a deviation."""
    kpi, margin = judgement.kpi, judgement.margin
    if kpi is None or margin is None:
        return ""
    if judgement.figure == "deviation" or parse_unit(kpi.unit).is_rate:
        return f.fmt_pp(margin, lang=lang)
    places = max(display_places(kpi), decimal_places(margin.normalize()) if margin else 0)
    return f.fmt_amount(margin, kpi.unit, min(places, 2), lang)


def _when(judgement: RiskJudgement, year: int | None, lang: str) -> str:
    """The period judged, as a phrase: 2026年第2季度 / 今年 / 2026年 (a plan watching)."""
    if judgement.period is not None:
        return _period_words(judgement.period, lang)
    if judgement.stance == "watch" and year is not None:
        return f"{year}年" if lang == "zh" else str(year)
    return "今年" if lang == "zh" else "this year"


def _status(judgement: RiskJudgement, basis: str, when: str, line: str, lang: str) -> str:
    zh = lang == "zh"
    labels = LABELS[lang]
    kpi = judgement.kpi
    if judgement.reason == "no_threshold" or kpi is None:
        return labels["no_trigger"]
    if judgement.crossed is None:
        period = _period_words(judgement.period, lang) if judgement.period else ""
        words = _UNJUDGED[lang].get(judgement.reason or "", labels["no_trigger"])
        return words.format(when=when, period=period)
    figure, margin = _figure(judgement, lang), _margin(judgement, lang)
    named = f"{kpi.name} {line}"
    if judgement.stance == "reported":
        if judgement.crossed:
            return (
                f"{basis}{figure}已越过触发线（{named}）"
                if zh
                else f"{basis} {figure} is already past the trigger line ({named})"
            )
        return (
            f"{basis}{figure}，距触发线{margin}"
            if zh
            else f"{basis} {figure}, {margin} from the trigger line"
        )
    if judgement.stance == "live":
        if judgement.crossed:
            return (
                f"{labels['triggered']}：按{basis}{figure}（{named}）"
                if zh
                else f"{labels['triggered']}: {basis} {figure} ({named})"
            )
        return (
            f"{labels['not_triggered']}：按{basis}{figure}，距触发线{margin}"
            if zh
            else f"{labels['not_triggered']}: {basis} {figure}, {margin} from the trigger line"
        )
    # watch: the plan year has no actual yet; the latest figure is context, not a trigger
    where = f"已在触发线外{margin}" if zh else f"{margin} past the line"
    if not judgement.crossed:
        where = f"距触发线{margin}" if zh else f"{margin} from the line"
    return f"监控中；{basis}{figure}，{where}" if zh else f"watched; {basis} {figure}, {where}"


def risk_item(number: int, judgement: RiskJudgement, year: int | None, lang: str) -> RiskItem:
    """One risk as every format shows it; ``year`` is the year the figures are of."""
    risk = judgement.risk
    kpi = judgement.kpi
    basis = risk_basis(judgement, year, lang)
    line = threshold_text(judgement, lang)
    margin = _margin(judgement, lang)
    return {
        "no": f"R{number}",
        "risk": risk.risk,
        "category": risk.category or "",
        "likelihood": risk.likelihood or "",
        "impact": risk.impact or "",
        "score": judgement.score or "",
        "level": judgement.level,
        "level_label": f.RISK_LEVELS[lang][judgement.level],
        "kpi": kpi.name if kpi else "",
        "threshold": line,
        "observed": _figure(judgement, lang),
        "basis": basis if judgement.crossed is not None else "",
        "margin": margin,
        "crossed": judgement.crossed,
        "triggered": judgement.triggered,
        "stance": judgement.stance,
        "status": _status(judgement, basis, _when(judgement, year, lang), line, lang),
        "response": risk.response or "",
        "owner": risk.owner or "",
    }


def plan_risk_items(metrics: Metrics, year: int, quarter: int, lang: str) -> list[RiskItem]:
    """The risks of a plan draft for ``year`` Q``quarter``, judged as
    :func:`opsreport.engine.risk_judgement.plan_risks` decides."""
    return [
        risk_item(number, judgement, metrics.report.meta.year, lang)
        for number, judgement in enumerate(plan_risks(metrics, year, quarter), start=1)
    ]
