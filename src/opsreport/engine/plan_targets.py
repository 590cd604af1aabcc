"""Next year's quarter targets, warning lines and the quarter's tasks and resources.

The quarter targets come from next year's goals (and KPIs with a next_target):
the goal's own q1–q4 when given; otherwise the annual target split by this
year's seasonality in ``periods``; otherwise evenly. How a KPI aggregates
decides the split: ``sum`` quarters add up to the year exactly after rounding
(the remainder goes to Q4); ``last`` quarters are a path from the baseline to
the year-end target; ``avg`` quarters average to the annual target.

Pure Decimal, no text: ``present.plan_context`` formats what is decided here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from opsreport.core.records import Goal, Kpi, Report, Task
from opsreport.core.rounding import display_places, kpi_places, round_half_up
from opsreport.core.units import convert_unit, parse_unit
from opsreport.engine.metrics import Metrics

__all__ = [
    "QuarterTarget",
    "draft_year",
    "quarter_bounds",
    "quarter_share",
    "quarter_targets",
    "resource_kind",
    "split_annual",
    "tasks_in_quarter",
    "warning_line",
]

FOUR = Decimal(4)


def draft_year(report: Report, today: dt.date | None = None) -> int:
    """The year a plan draft is for: the one rule its file name, heading, quarter dates
    and a ``2027Q1`` on the command line all follow.

    The meta sheet's ``plan_year``; else its ``year`` + 1; a workbook with neither plans
    the year of ``today`` (the day the draft is made, by default the real one).
    """
    meta = report.meta
    if meta.plan_year:
        return meta.plan_year
    if meta.year:
        return meta.year + 1
    return (today or dt.date.today()).year


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter; 9999 Q4 too (no step into year 10000)."""
    import calendar

    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year, 3 * quarter, calendar.monthrange(year, 3 * quarter)[1])
    return start, end


def split_annual(
    annual: Decimal,
    how: str,
    *,
    baseline: Decimal | None = None,
    weights: list[Decimal] | None = None,
    places: int = 2,
) -> tuple[list[Decimal], str]:
    """Four quarter targets for an annual target, and the method used.

    - ``sum``: annual × weight (evenly without weights), rounded half-up;
      Q4 takes the rounding remainder so the quarters add up exactly.
    - ``last``: a straight path from the baseline to the year-end target;
      Q4 is the annual target itself.
    - ``avg``: annual × weight / mean weight, so the four average to the year
      (Q4 again takes the remainder).
    """
    if how == "last":
        if baseline is None:
            return [annual] * 4, "flat"
        step = (annual - baseline) / FOUR
        path = [round_half_up(baseline + step * q, places) for q in (1, 2, 3)]  # any size
        return [*path, annual], "path"
    if weights is not None and len(weights) == 4 and all(w > 0 for w in weights):
        weight_sum = sum(weights, Decimal(0))
        shares, method = [w / weight_sum for w in weights], "seasonal"
    else:
        shares, method = [Decimal(1) / FOUR] * 4, "even"
    total = annual if how == "sum" else annual * FOUR
    quarters = [round_half_up(total * share, places) for share in shares[:3]]
    quarters.append(total - sum(quarters, Decimal(0)))
    return quarters, method


@dataclass(frozen=True)
class QuarterTarget:
    """Next year's quarter targets of one goal or KPI."""

    name: str
    kpi: Kpi | None
    goal: Goal | None
    unit: str
    direction: str
    aggregation: str
    baseline: Decimal | None
    annual: Decimal
    quarters: tuple[Decimal, Decimal, Decimal, Decimal]
    method: str  # given | seasonal | even | path | flat
    places: int


def _four(quarters: list[Decimal]) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    q1, q2, q3, q4 = quarters
    return q1, q2, q3, q4


def _seasonal_weights(
    seasons: dict[str, list[Decimal] | None], kpi: Kpi | None
) -> list[Decimal] | None:
    """This year's quarterly actuals of the KPI, when all four are there and positive."""
    return seasons.get(kpi.key) if kpi is not None else None


def _seasons(metrics: Metrics) -> dict[str, list[Decimal] | None]:
    """The first usable quarterly series of every KPI, by key, in one pass: 50,000 KPIs
    against 2,000 series then cost a lookup each instead of a search (16 s)."""
    seasons: dict[str, list[Decimal] | None] = {}
    for series in metrics.quarters:
        if seasons.get(series.kpi.key) is not None:
            continue
        values = [p.actual for p in series.points if p.actual is not None and p.actual > 0]
        usable = len(values) == len(series.points) == 4
        seasons[series.kpi.key] = values if usable else None
    return seasons


def quarter_targets(metrics: Metrics) -> list[QuarterTarget]:
    """Every goal with a target, then every KPI with a next_target no goal covers."""
    report = metrics.report
    kpis = {kpi.key: kpi for kpi in report.kpis}
    seasons = _seasons(metrics)
    targets: list[QuarterTarget] = []
    covered: set[str] = set()
    for goal in report.goals:
        if goal.target is None:
            continue
        kpi = kpis.get(goal.kpi or "")
        if kpi is not None:
            covered.add(kpi.key)
        how = kpi.aggregation if kpi else "sum" if not parse_unit(goal.unit).is_rate else "last"
        baseline = (
            goal.baseline
            if goal.baseline is not None
            else convert_unit(kpi.actual, kpi.unit, goal.unit or kpi.unit)
            if kpi
            else None
        )
        given = goal.quarter_targets
        places = kpi_places(goal.target, baseline, *given)
        known = [q for q in given if q is not None]
        if len(known) == len(given):
            quarters, method = known, "given"
        else:
            weights = _seasonal_weights(seasons, kpi) if how != "last" else None
            quarters, method = split_annual(
                goal.target, how, baseline=baseline, weights=weights, places=max(places, 0)
            )
        targets.append(
            QuarterTarget(
                goal.goal,
                kpi,
                goal,
                goal.unit,
                goal.direction,
                how,
                baseline,
                goal.target,
                _four(quarters),
                method,
                places,
            )
        )
    for kpi in report.kpis:
        if kpi.next_target is None or kpi.key in covered:
            continue
        places = display_places(kpi)  # the KPI's one precision, as in its table row
        weights = _seasonal_weights(seasons, kpi) if kpi.aggregation != "last" else None
        quarters, method = split_annual(
            kpi.next_target, kpi.aggregation, baseline=kpi.actual, weights=weights, places=places
        )
        targets.append(
            QuarterTarget(
                kpi.name,
                kpi,
                None,
                kpi.unit,
                kpi.direction,
                kpi.aggregation,
                kpi.actual,
                kpi.next_target,
                _four(quarters),
                method,
                places,
            )
        )
    return targets


def tasks_in_quarter(tasks: list[Task], year: int, quarter: int) -> list[Task]:
    """Tasks whose dates overlap the quarter (a task across a boundary is in both)."""
    start, end = quarter_bounds(year, quarter)
    found = []
    for task in tasks:
        first = task.start or task.end
        last = task.end or task.start
        if first is None or last is None:
            continue
        if first <= end and last >= start:
            found.append(task)
    return found


def warning_line(value: Decimal, direction: str, warning_pct: Decimal) -> Decimal:
    """The figure past which a quarter target alerts: ``warning_pct`` % below it when
    higher is better, above it otherwise."""
    tolerance = value * warning_pct / 100
    return value - tolerance if direction == "higher" else value + tolerance


_PEOPLE_UNITS = {"人", "名", "人员", "fte", "people", "heads", "headcount", "person", "persons"}
_MONEY_UNITS = {"元", "rmb", "cny", "usd", "$", "eur", "€", "gbp", "£", "美元", "欧元"}


def resource_kind(unit: str) -> str:
    """People are a stock (in post all quarter); money is spent a quarter at a time; other
    resources (a system, a licence) are delivered as planned, not split."""
    base = parse_unit(unit).base.strip().lower()
    if base in _PEOPLE_UNITS:
        return "people"
    if base in _MONEY_UNITS:
        return "money"
    return "other"


def quarter_share(amount: Decimal, kind: str) -> Decimal:
    """A resource's amount for one quarter: a quarter of money, people and other
    resources as they are (see :func:`resource_kind`)."""
    return amount / FOUR if kind == "money" else amount
