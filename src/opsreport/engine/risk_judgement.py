"""Which figures a risk is judged on, and how far they are from its trigger line.

A risk's trigger line (``risks.threshold``) is read against the figures of the period the
document covers, and what a crossed line means depends on the document:

- ``reported`` — the annual report: this year's annual figures. A crossed line is a fact
  about the year reported on ("this year's actual is already past the line"), not an alarm.
- ``live`` — an in-year plan draft: the latest quarter of the workbook's own year with an
  actual. A crossed line is a live alarm (``triggered``).
- ``watch`` — a next-year plan draft: no actual of the plan year exists yet, so nothing is
  triggered; the latest known figure and its distance to the line are context.

The figure judged: the actual for a value threshold (``< 2.0``); for a ``dev`` threshold the
deviation from the target of the same period, in percent of it for an amount and in
percentage points for a rate (``dev > 2pp``). A quarter's value is compared with an annual
value threshold only when the KPI is not cumulative (``avg``/``last``): a quarter of a
``sum`` KPI is a part of the year, so such a risk is judged on the year's landing forecast
when one is given, else not judged (reason ``cumulative_quarter``).

Pure Decimal, no text: ``present.risk_rows`` words what is decided here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from opsreport.core.periods import Period
from opsreport.core.records import Kpi, Risk, Threshold
from opsreport.engine.metrics import Metrics, QuarterPoint

__all__ = [
    "STANCES",
    "RiskJudgement",
    "judge_risks",
    "latest_quarter",
    "plan_risks",
    "report_risks",
    "risk_level",
]

STANCES = ("reported", "live", "watch")
HUNDRED = Decimal(100)
# A deviation beyond this many percent is not a figure anyone can act on (a target of
# 10⁻¹⁵ missed by 10¹⁵): it stays unjudged like a zero target, never an overflow.
_DEVIATION_LIMIT = Decimal("1e100")


@dataclass(frozen=True)
class RiskJudgement:
    """One risk judged on one period's figures.

    ``observed`` is the figure judged (the actual, the landing forecast, or the deviation
    in percent — points when ``threshold.in_points``); ``margin`` its distance to the
    trigger line, |observed − limit| in the threshold's unit, past it when ``crossed``.
    """

    risk: Risk
    kpi: Kpi | None
    score: int | None  # likelihood × impact, 1–25
    level: str | None  # high (≥ 15), medium (≥ 6), low
    stance: str  # reported | live | watch (see the module)
    period: Period | None  # the quarter judged on; None: the annual figures
    figure: str | None  # actual | forecast | deviation: what ``observed`` is
    observed: Decimal | None
    reference: Decimal | None  # the target a deviation is measured from
    crossed: bool | None  # the figure is past the trigger line; None: nothing judged
    margin: Decimal | None
    reason: str | None = None  # why nothing was judged

    @property
    def threshold(self) -> Threshold | None:
        return self.risk.threshold

    @property
    def triggered(self) -> bool | None:
        """A live alarm: only an in-year plan's crossed line is one."""
        if self.crossed is None:
            return None
        return self.crossed and self.stance == "live"


def risk_level(risk: Risk) -> tuple[int | None, str | None]:
    """Score = likelihood × impact; high from 15, medium from 6, else low."""
    score = risk.likelihood * risk.impact if risk.likelihood and risk.impact else None
    level = None if score is None else "high" if score >= 15 else "medium" if score >= 6 else "low"
    return score, level


def latest_quarter(metrics: Metrics, before: int | None = None) -> Period | None:
    """The latest quarter of the workbook's own year (``meta.year``) with an actual in
    ``periods``, any KPI; ``before`` keeps only quarters before that one (a Q3 draft is
    made from Q1–Q2). None when there is none."""
    year = metrics.report.meta.year
    if year is None:
        return None
    found: Period | None = None
    for series in metrics.quarters:
        for point in series.points:
            period = point.period
            if point.actual is None or period.year != year:
                continue
            if before is not None and period.quarter >= before:
                continue
            if found is None or period.quarter > found.quarter:
                found = Period(year, period.quarter)
    return found


def _deviation(actual: Decimal, target: Decimal, threshold: Threshold) -> Decimal | None:
    """|actual − target| in points (a rate's dev in points), else in percent of |target|;
    None for a zero target or a deviation beyond any usable figure."""
    gap = abs(actual - target)
    if threshold.in_points:
        return gap
    if target == 0:
        return None
    deviation = gap / abs(target) * HUNDRED
    return deviation if deviation < _DEVIATION_LIMIT else None


def _judge(
    risk: Risk,
    kpi: Kpi | None,
    stance: str,
    period: Period | None,
    point: QuarterPoint | None,
    forecast: Decimal | None,
    quarter_target: Decimal | None,
) -> RiskJudgement:
    score, level = risk_level(risk)
    threshold = risk.threshold

    def unjudged(reason: str, figure: str | None = None) -> RiskJudgement:
        return RiskJudgement(
            risk, kpi, score, level, stance, period, figure, None, None, None, None, reason
        )

    if threshold is None or kpi is None:
        return unjudged("no_threshold")
    if period is None:
        actual, target = kpi.actual, kpi.target
    elif point is None:
        return unjudged("no_quarter_actual")
    else:
        actual = point.actual
        target = quarter_target if quarter_target is not None else point.target
    if threshold.kind == "dev":
        if actual is None:
            return unjudged("no_actual" if period is None else "no_quarter_actual")
        if target is None:
            return unjudged("no_target" if period is None else "no_quarter_target")
        observed = _deviation(actual, target, threshold)
        if observed is None:
            return unjudged("target_negligible", "deviation")
        figure = "deviation"
    elif period is not None and kpi.aggregation == "sum":
        if forecast is None:
            return unjudged("cumulative_quarter")
        observed, figure, target = forecast, "forecast", None
    else:
        if actual is None:
            return unjudged("no_actual" if period is None else "no_quarter_actual")
        observed, figure, target = actual, "actual", None
    crossed = threshold.holds(observed)
    margin = abs(observed - threshold.limit)
    return RiskJudgement(
        risk, kpi, score, level, stance, period, figure, observed, target, crossed, margin
    )


def judge_risks(
    metrics: Metrics,
    on: Period | None = None,
    *,
    stance: str | None = None,
    quarter_targets: Mapping[str, Decimal] | None = None,
    forecasts: Mapping[str, Decimal] | None = None,
) -> tuple[RiskJudgement, ...]:
    """Every risk of the workbook judged on the annual figures (``on=None``) or on the
    quarter ``on`` (its actual; its deviation from its quarter target).

    ``stance`` defaults to ``reported`` for the annual figures and ``live`` for a quarter.
    ``quarter_targets`` (KPI key → that quarter's target) stand in for ``periods.target``
    where the quarter target comes from a split; ``forecasts`` (KPI key → the year's
    landing forecast) let a ``sum`` KPI's annual value threshold be judged in the year.
    """
    stance = stance or ("reported" if on is None else "live")
    if stance not in STANCES:
        raise ValueError(f"unknown stance {stance!r}: one of {', '.join(STANCES)}")
    # The KPI as judged (with the target a growth target made), as metrics.compute does.
    kpi_of = {result.kpi.key: result.kpi for result in metrics.results}
    points: dict[str, QuarterPoint] = {}
    if on is not None:
        for series in metrics.quarters:
            for point in series.points:
                matches = point.period.year == on.year and point.period.quarter == on.quarter
                if matches and point.period.month is None and point.actual is not None:
                    points.setdefault(series.kpi.key, point)
    targets = quarter_targets or {}
    landing = forecasts or {}
    judged = []
    for risk in metrics.report.risks:
        kpi = kpi_of.get(risk.kpi or "")
        key = kpi.key if kpi is not None else ""
        judged.append(
            _judge(
                risk,
                kpi,
                stance,
                on,
                points.get(key) if on is not None else None,
                landing.get(key) if on is not None else None,
                targets.get(key),
            )
        )
    return tuple(judged)


def plan_risks(
    metrics: Metrics,
    year: int,
    quarter: int,
    *,
    quarter_targets: Mapping[str, Decimal] | None = None,
    forecasts: Mapping[str, Decimal] | None = None,
) -> tuple[RiskJudgement, ...]:
    """The risks of a plan draft for ``year`` Q``quarter``.

    A draft for the workbook's own year with a quarter's actuals before it is judged on
    the latest such quarter (``live``); any other draft — next year's, or this year's
    before a quarter has an actual — watches the risks on the latest known figures (the
    annual ones; ``watch``): nothing of the plan year has happened yet. A KPI whose annual
    actual is blank (its year still in progress) is watched on its latest quarter instead.
    """
    latest = latest_quarter(metrics, before=quarter if metrics.report.meta.year == year else None)
    if metrics.report.meta.year == year and latest is not None:
        if quarter_targets is None and forecasts is None:
            quarter_targets, forecasts = _in_year_figures(metrics, latest)
        return judge_risks(metrics, latest, quarter_targets=quarter_targets, forecasts=forecasts)
    return _latest_where_blank(metrics, "watch", latest, forecasts)


def _in_year_figures(
    metrics: Metrics, latest: Period
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """The in-year re-plan's figures a draft's risks are judged by (engine.in_year): each
    KPI's target for the latest quarter (typed or the original split) and its landing
    forecast, so a ``sum`` KPI's annual line (直接利润 < 7.5) is judged on where the year lands."""
    from opsreport.engine.in_year import replan

    found = replan(metrics)
    targets: dict[str, Decimal] = {}
    landings: dict[str, Decimal] = {}
    for plan in found.kpis if found is not None else ():
        review = next((r for r in plan.reviews if r.quarter == latest.quarter), None)
        if review is not None and review.target is not None:
            targets[plan.kpi.key] = review.target
        if plan.landing is not None:
            landings[plan.kpi.key] = plan.landing
    return targets, landings


def report_risks(metrics: Metrics) -> tuple[RiskJudgement, ...]:
    """The annual report's risks: this year's annual figures (``reported``); a KPI whose
    annual actual is blank while the year is in progress is judged on its latest quarter."""
    return _latest_where_blank(metrics, "reported", latest_quarter(metrics), None)


def _latest_where_blank(
    metrics: Metrics,
    stance: str,
    latest: Period | None,
    forecasts: Mapping[str, Decimal] | None,
) -> tuple[RiskJudgement, ...]:
    """The annual judgements, with the ``latest`` quarter's standing in where the annual
    actual is blank and that quarter can judge the risk."""
    annual = judge_risks(metrics, None, stance=stance)
    if latest is None:
        return annual
    quarterly = judge_risks(metrics, latest, stance=stance, forecasts=forecasts)
    return tuple(
        by_quarter if year.reason == "no_actual" and by_quarter.crossed is not None else year
        for year, by_quarter in zip(annual, quarterly, strict=True)
    )
