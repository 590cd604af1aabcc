"""Next year's quarter targets and the quarter's tasks and resources (warning lines:
``engine.warning_lines``).

The quarter targets come from next year's goals (and KPIs with a next_target): the
goal's own q1–q4 when given; otherwise the annual target split by how the KPI
aggregates (docs/plans.md §2), with the arithmetic of ``engine.splits``:

- ``sum``: spread by seasonality — the plan year's periods (their ``target``, else
  their ``prior_year``), else this year's quarterly actuals, else the prior year's —
  by largest remainder so the quarters add up to the year exactly; with no
  seasonality an even split, labelled as a placeholder in the draft;
- ``last``: a straight path from the baseline to the year-end target;
- ``avg``: with a baseline, a straight path from it whose four quarters average to
  the annual target; without one, the annual target shaped by seasonality (else held
  in every quarter).

Quarter targets keep the decimals their exact value needs (55 → 13.75, not 14) and
are rounded towards the stricter side on paths and averages.

Pure Decimal, no text: ``present.plan_context`` formats what is decided here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from opsreport.core.records import Goal, Kpi, PeriodValue, Report, Task
from opsreport.core.rounding import display_places, kpi_places
from opsreport.core.units import convert_unit, parse_unit
from opsreport.engine.metrics import Metrics, quarter_series
from opsreport.engine.quarter_resources import resource_kind  # where resources are dated now
from opsreport.engine.splits import average_split, path, split_places, spread

__all__ = [
    "QuarterTarget",
    "Season",
    "average_path_end",
    "draft_year",
    "planned_to_date",
    "quarter_bounds",
    "quarter_targets",
    "resource_kind",
    "season",
    "split_annual",
    "tasks_in_quarter",
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
    direction: str = "",
    unit: str = "",
) -> tuple[list[Decimal], str]:
    """Four quarter targets for an annual target, and the method used.

    - ``sum``: :func:`~opsreport.engine.splits.spread` by ``weights`` ("seasonal"),
      else evenly ("even", a placeholder): largest remainder, the quarters add up to
      ``annual`` exactly (55 at 2 places: 13.75 × 4).
    - ``last``: :func:`~opsreport.engine.splits.path` from the baseline to ``annual``
      ("path"; Q4 is ``annual`` itself), else ``annual`` in every quarter ("flat").
    - ``avg``: with a baseline b, the straight path from b whose four quarters average
      to the annual target A: quarter k is b + k × s with b + 2.5 s = A, i.e. the path
      from b to E = b + 1.6 × (A − b) = (8A − 3b) ÷ 5 ("path"; 41 → 45 avg: E = 47.4,
      quarters 42.6 / 44.2 / 45.8 / 47.4, mean 45). When that path would leave what
      the figure can be — cross zero, or a percentage within 0–100 going past 100 —
      no straight path averages to A ("unreachable", the quarters as without a
      baseline). Without a baseline: :func:`~opsreport.engine.splits.average_split`
      by ``weights`` ("seasonal"), else A in every quarter ("flat").

    ``direction`` ("higher"/"lower") rounds paths and averages towards the stricter
    side; any other value rounds half-up. ``unit`` tells a percentage (0–100).
    """
    usable = weights is not None and len(weights) == 4 and all(w > 0 for w in weights)
    if how == "last":
        if baseline is None:
            return [annual] * 4, "flat"
        return path(baseline, annual, 4, places, direction), "path"
    if how == "avg":
        if baseline is not None:
            end = average_path_end(baseline, annual)
            if _reachable(baseline, annual, end, unit):
                return path(baseline, end, 4, places, direction), "path"
            method = "unreachable"
        else:
            method = "seasonal" if usable else "flat"
        shares = weights if usable else None
        return average_split(annual, shares, places, direction), method
    if usable and weights is not None:
        return spread(annual, weights, places), "seasonal"
    return spread(annual, [Decimal(1)] * 4, places), "even"


def average_path_end(baseline: Decimal, annual: Decimal) -> Decimal:
    """Where the straight path from ``baseline`` must end for its four quarters to
    average ``annual``: quarters b + k·s (k = 1…4) average b + 2.5 s, so s = (A − b) ÷ 2.5
    and the end b + 4 s = (8A − 3b) ÷ 5 (exact: ÷ 5 ends within one more decimal)."""
    return (8 * annual - 3 * baseline) / 5


def _reachable(baseline: Decimal, annual: Decimal, end: Decimal, unit: str) -> bool:
    """The path's end is a figure the KPI can be: on the side of zero the baseline and
    the target are on, and a percentage they keep within 0–100 stays within it."""
    if baseline >= 0 and annual >= 0 and end < 0:
        return False
    if baseline <= 0 and annual <= 0 and end > 0:
        return False
    hundred = Decimal(100)
    percent = parse_unit(unit).is_percent if unit else False
    return not (percent and 0 <= baseline <= hundred and 0 <= annual <= hundred and end > hundred)


@dataclass(frozen=True)
class QuarterTarget:
    """Next year's quarter targets of one goal or KPI.

    ``places`` is the one precision the whole row (baseline, annual, quarters) is
    shown with: the typed figures' and what the split needs (``splits.split_places``).
    ``season_year`` is the year whose quarters gave a "seasonal" split its shape.
    """

    name: str
    kpi: Kpi | None
    goal: Goal | None
    unit: str
    direction: str
    aggregation: str
    baseline: Decimal | None
    annual: Decimal
    quarters: tuple[Decimal, Decimal, Decimal, Decimal]
    method: str  # given | seasonal | even | path | flat | unreachable
    places: int
    season_year: int | None = None


def _four(quarters: list[Decimal]) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    q1, q2, q3, q4 = quarters
    return q1, q2, q3, q4


@dataclass(frozen=True)
class Season:
    """Four positive quarterly figures of a KPI that give a split its shape, and the
    year they are figures of (None: periods without a year)."""

    weights: list[Decimal]
    year: int | None


def _four_positive(values: list[Decimal | None]) -> list[Decimal] | None:
    known = [v for v in values if v is not None and v > 0]
    return known if len(known) == 4 == len(values) else None


def _quarters_of(
    kpi: Kpi, rows: list[PeriodValue], year: int | None, field: str
) -> list[Decimal] | None:
    """Q1–Q4 of one field (actual, target, prior_year) of one year's rows (months rolled
    up by the KPI's aggregation), when all four are there and positive."""
    if not rows:
        return None
    points = quarter_series(kpi, rows, year).points
    if [p.period.quarter for p in points] != [1, 2, 3, 4]:
        return None
    return _four_positive([getattr(p, field) for p in points])


def season(kpi: Kpi, rows: list[PeriodValue], plan_year: int, year: int | None) -> Season | None:
    """The seasonality of a KPI, first found of (docs/plans.md §2):

    1. the plan year's rows: their ``target`` (quarter targets typed for next year),
       else their ``prior_year`` (the year before the plan year);
    2. this year's (``year``'s) actuals — rows without a year count as this year's;
    3. the prior year's: the actuals of year − 1's rows, else the ``prior_year`` column
       of this year's rows.
    """
    by_year: dict[int | None, list[PeriodValue]] = defaultdict(list)
    for row in rows:
        by_year[row.period.year].append(row)
    planned = by_year.get(plan_year, [])
    for field, shape_year in (("target", plan_year), ("prior_year", plan_year - 1)):
        found = _quarters_of(kpi, planned, plan_year, field)
        if found is not None:
            return Season(found, shape_year)
    own = by_year.get(year, []) if year is not None else []
    own = own or by_year.get(None, [])
    found = _quarters_of(kpi, own, year, "actual")
    if found is not None:
        return Season(found, year)
    if year is not None:
        found = _quarters_of(kpi, by_year.get(year - 1, []), year - 1, "actual")
        if found is None:
            found = _quarters_of(kpi, own, year, "prior_year")
        if found is not None:
            return Season(found, year - 1)
    return None


def _seasons(report: Report, plan_year: int) -> dict[str, Season | None]:
    """Every KPI's seasonality, by key, from one pass over ``periods``: 50,000 KPIs
    against 2,000 series then cost a lookup each instead of a search."""
    rows: dict[str, list[PeriodValue]] = defaultdict(list)
    for row in report.periods:
        rows[row.kpi].append(row)
    kpis = {kpi.key: kpi for kpi in report.kpis}
    return {
        key: season(kpis[key], found, plan_year, report.meta.year)
        for key, found in rows.items()
        if key in kpis
    }


def _target(
    name: str,
    kpi: Kpi | None,
    goal: Goal | None,
    unit: str,
    direction: str,
    how: str,
    baseline: Decimal | None,
    annual: Decimal,
    shape: Season | None,
    places: int,
) -> QuarterTarget:
    """One row's split: the places the split needs on top of the typed ones."""
    if how == "avg":  # a path from b runs to (8A − 3b) ÷ 5; else A itself, or shaped
        if baseline is not None:
            places = max(places, split_places(average_path_end(baseline, annual), baseline))
    else:  # sum: the even split A ÷ 4; last: the path's step (A − b) ÷ 4
        places = max(places, split_places(annual, *([baseline] if how == "last" else [])))
    weights = shape.weights if shape is not None and how != "last" else None
    quarters, method = split_annual(
        annual, how, baseline=baseline, weights=weights, places=places,
        direction=direction, unit=unit,
    )  # fmt: skip
    season_year = shape.year if shape is not None and weights and method != "path" else None
    return QuarterTarget(
        name, kpi, goal, unit, direction, how, baseline, annual, _four(quarters), method,
        places, season_year,
    )  # fmt: skip


def quarter_targets(metrics: Metrics) -> list[QuarterTarget]:
    """Every goal with a target, then every KPI with a next_target no goal covers."""
    report = metrics.report
    kpis = {kpi.key: kpi for kpi in report.kpis}
    seasons = _seasons(report, draft_year(report))
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
            targets.append(
                QuarterTarget(
                    goal.goal, kpi, goal, goal.unit, goal.direction, how, baseline,
                    goal.target, _four(known), "given", places,
                )
            )  # fmt: skip
            continue
        shape = seasons.get(kpi.key) if kpi is not None else None
        targets.append(
            _target(goal.goal, kpi, goal, goal.unit, goal.direction, how, baseline,
                    goal.target, shape, places)
        )  # fmt: skip
    for kpi in report.kpis:
        if kpi.next_target is None or kpi.key in covered:
            continue
        targets.append(
            _target(kpi.name, kpi, None, kpi.unit, kpi.direction, kpi.aggregation, kpi.actual,
                    kpi.next_target, seasons.get(kpi.key), display_places(kpi))
        )  # fmt: skip
    return targets


def planned_to_date(target: QuarterTarget, quarter: int) -> Decimal | None:
    """Where the plan stands when ``quarter`` begins, the starting point of its draft: the
    quarters before it added up for a ``sum`` target (Q1–Q2 of 13.75 each: 27.5), the
    previous quarter's target otherwise; None for Q1 (the year-end figures are its start)."""
    if quarter <= 1:
        return None
    before = target.quarters[: quarter - 1]
    return sum(before, Decimal(0)) if target.aggregation == "sum" else before[-1]


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
