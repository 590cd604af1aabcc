"""In-year re-planning: the quarters so far, where the year will land, what is left to do.

When ``periods`` holds actuals for some quarters of the workbook's own year (Q1–Qk,
k < 4), a plan draft for quarter k+1 of that year starts from them (docs/plans.md §3):

- the **review**: each elapsed quarter's actual against its quarter target (the
  ``periods.target`` typed for it, else the original split of the annual target), the
  year-to-date actual, target and attainment;
- the **landing forecast**: where the year ends at the current pace (``sum``: YTD plus
  the remaining prior-year quarters scaled by YTD ÷ the same quarters of the prior
  year, else YTD × 4 ÷ k; ``avg``: the average so far; ``last``: the latest value);
- the **catch-up targets** of the remaining quarters (``sum``: annual − YTD spread by
  prior-year seasonality, else evenly; ``last``: a path from the latest actual to the
  year-end target; ``avg``: (annual × 4 − Σ elapsed) ÷ remaining in each), beside the
  original quarter target, flagged when the pace needed is beyond the best quarter on
  record.

Pure Decimal, no text: ``present.in_year_rows`` words it.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from typing import TYPE_CHECKING

from opsreport.core.aggregation import aggregate
from opsreport.core.records import Kpi, PeriodValue, Report
from opsreport.core.rounding import decimal_places, display_places, kpi_places
from opsreport.engine.metrics import Metrics, attainment_of, quarter_series

if TYPE_CHECKING:
    from opsreport.engine.plan_targets import QuarterTarget
from opsreport.engine.splits import average_split, path, split_places, spread

__all__ = [
    "CatchUp",
    "KpiReplan",
    "QuarterReview",
    "Replan",
    "catch_up_targets",
    "draft_quarter_year",
    "elapsed_quarters",
    "in_progress",
    "replan",
]

ZERO = Decimal(0)
FOUR = Decimal(4)


def _year_rows(report: Report, year: int) -> list[PeriodValue]:
    """The periods rows of ``year`` (rows without a year belong to the workbook's year)."""
    own = report.meta.year
    return [
        v
        for v in report.periods
        if v.period.year == year or (v.period.year is None and year == own)
    ]


def elapsed_quarters(report: Report) -> int:
    """The last quarter of the workbook's year with an actual in ``periods`` (0–4): a
    quarter row with an actual, or the quarter's last month (March for Q1) with one."""
    year = report.meta.year
    if year is None:
        return 0
    return max(
        (
            v.period.quarter
            for v in _year_rows(report, year)
            if v.actual is not None and v.period.month in (None, 3 * v.period.quarter)
        ),
        default=0,
    )


def in_progress(report: Report) -> bool:
    """The workbook's year has actuals for its first quarters but not all four."""
    return 1 <= elapsed_quarters(report) <= 3


@dataclass(frozen=True)
class QuarterReview:
    """One elapsed quarter: its actual against its quarter target."""

    quarter: int
    actual: Decimal | None
    target: Decimal | None
    target_source: str | None  # "periods" (typed) | "split" (the original split) | None
    attainment: Decimal | None


@dataclass(frozen=True)
class CatchUp:
    """What a remaining quarter must deliver for the year to reach its target."""

    quarter: int
    target: Decimal
    original: Decimal | None  # the quarter target of the original split (or typed)
    change: Decimal | None  # target − original, in the KPI's unit
    beyond_best: bool  # needs better than the best quarter on record


@dataclass(frozen=True)
class KpiReplan:
    """One KPI's review, landing forecast and catch-up targets."""

    kpi: Kpi  # as judged: with the target a growth target made
    annual: Decimal | None  # the year's target
    places: int  # the decimals its quarter targets (original and catch-up) are shown with
    figure_places: int  # those of its own figures (annual target, YTD, landing): as typed
    reviews: tuple[QuarterReview, ...]  # Q1 … Qk
    ytd: Decimal | None  # the quarters so far aggregated the KPI's way
    ytd_target: Decimal | None
    ytd_attainment: Decimal | None
    year_share: Decimal | None  # sum KPIs: YTD ÷ the annual target (how much is done)
    landing: Decimal | None
    landing_method: str | None  # seasonal | run_rate | average | latest
    landing_attainment: Decimal | None
    remaining: Decimal | None  # sum KPIs: annual − YTD
    catch_up: tuple[CatchUp, ...]  # Qk+1 … Q4 (empty without an annual target)
    catch_up_method: str | None  # seasonal | even | path | average | ahead | overrun
    best: (
        Decimal | None
    )  # the best quarter on record (see _best_on_record): the bar a catch-up is flagged against

    @property
    def beyond_best(self) -> bool:
        return any(c.beyond_best for c in self.catch_up)


@dataclass(frozen=True)
class Replan:
    """The in-year re-plan of a workbook: ``elapsed`` quarters of ``year`` are in."""

    year: int
    elapsed: int
    kpis: tuple[KpiReplan, ...]

    def target_of(self, key: str, quarter: int) -> CatchUp | None:
        for plan in self.kpis:
            if plan.kpi.key == key:
                return next((c for c in plan.catch_up if c.quarter == quarter), None)
        return None


def _prior_quarters(
    kpi: Kpi, rows: list[PeriodValue], prior_rows: list[PeriodValue], year: int
) -> list[Decimal | None]:
    """Last year's four quarters of a KPI: the ``prior_year`` column of this year's rows,
    else the actuals of last year's rows."""
    found: list[Decimal | None] = [None] * 4
    if rows:
        for point in quarter_series(kpi, rows, year).points:
            found[point.period.quarter - 1] = point.prior_year
    if prior_rows:
        for point in quarter_series(kpi, prior_rows, year - 1).points:
            if found[point.period.quarter - 1] is None:
                found[point.period.quarter - 1] = point.actual
    return found


def _split_places(kpi: Kpi, annual: Decimal | None) -> int:
    """The places of the original split, as the plan drafts choose them: the even split of
    a ``sum`` target (52 ÷ 4), a path's step from last year for ``last`` and ``avg``."""
    if annual is None:
        return 0
    if kpi.aggregation == "sum" or kpi.prior_year is None:
        return split_places(annual)
    if kpi.aggregation == "avg":
        from opsreport.engine.plan_targets import average_path_end

        end = average_path_end(kpi.prior_year, annual)
        return split_places(end, kpi.prior_year)
    return split_places(annual, kpi.prior_year)


def _original_split(
    kpi: Kpi, annual: Decimal, prior: list[Decimal | None], places: int
) -> list[Decimal]:
    """The quarter targets the year started from when none were typed: the annual target
    split the plan drafts' way (engine.plan_targets) by last year's seasonality."""
    from opsreport.engine.plan_targets import split_annual

    weights = [q for q in prior if q is not None]
    usable = len(weights) == 4 and all(w > 0 for w in weights)
    quarters, _ = split_annual(
        annual,
        kpi.aggregation,
        baseline=kpi.prior_year,
        weights=weights if usable else None,
        places=places,
        direction=kpi.direction,
        unit=kpi.unit,
    )
    return quarters


def _better(a: Decimal, b: Decimal, sign: int) -> bool:
    """``a`` is strictly better than ``b`` for a KPI of this sign."""
    return sign * (a - b) > 0


def _kpi_replan(
    kpi: Kpi, rows: list[PeriodValue], prior_rows: list[PeriodValue], year: int, elapsed: int
) -> KpiReplan | None:
    series = quarter_series(kpi, rows, year)
    points = {p.period.quarter: p for p in series.points}
    if not any(points.get(q) and points[q].actual is not None for q in range(1, elapsed + 1)):
        return None
    how, sign, annual = kpi.aggregation, kpi.sign, kpi.target
    prior = _prior_quarters(kpi, rows, prior_rows, year)
    typed = [points[q].target if q in points else None for q in range(1, 5)]
    # the original split is displayed with the plan drafts' precision; a catch-up may
    # need the decimals of what is left (:func:`~opsreport.engine.splits.split_places`)
    places = max(_split_places(kpi, annual), display_places(kpi))
    original: list[Decimal | None] = list(typed)
    split = _original_split(kpi, annual, prior, places) if annual is not None else None
    sources: list[str | None] = ["periods" if t is not None else None for t in typed]
    if split is not None:
        for n in range(4):
            if original[n] is None:
                original[n], sources[n] = split[n], "split"

    reviews = []
    actuals: list[Decimal] = []
    for q in range(1, elapsed + 1):
        point = points.get(q)
        actual = point.actual if point else None
        if actual is not None:
            actuals.append(actual)
        reviews.append(
            QuarterReview(q, actual, original[q - 1], sources[q - 1],
                          attainment_of(actual, original[q - 1], sign))
        )  # fmt: skip
    complete = len(actuals) == elapsed
    ytd = aggregate(actuals, how) if actuals and (complete or how == "last") else None
    elapsed_targets = [t for t in original[:elapsed] if t is not None]
    ytd_target = (
        aggregate(elapsed_targets, how) if len(elapsed_targets) == elapsed and elapsed else None
    )
    ytd_attainment = attainment_of(ytd, ytd_target, sign)
    year_share = ytd / annual if how == "sum" and ytd is not None and annual else None

    landing, landing_method = _landing(ytd, how, elapsed, prior)
    landing_attainment = attainment_of(landing, annual, sign)

    best = _best_on_record(how, sign, actuals, prior)

    remaining = annual - ytd if how == "sum" and annual is not None and ytd is not None else None
    catch_up: tuple[CatchUp, ...] = ()
    method = None
    if annual is not None and ytd is not None and elapsed < 4:
        places = max(places, _catch_up_places(kpi, annual, ytd, actuals, elapsed))
        targets, method = _catch_up(kpi, annual, ytd, actuals, elapsed, prior, original, places)
        found = []
        previous = ytd  # a last KPI's pace is its change on the quarter before
        for q, target in zip(range(elapsed + 1, 5), targets, strict=True):
            before = original[q - 1]
            pace = target - previous if how == "last" else target
            previous = target
            beyond = best is not None and method not in {"ahead", "overrun"}
            found.append(
                CatchUp(
                    q,
                    target,
                    before,
                    target - before if before is not None else None,
                    beyond and best is not None and _better(pace, best, sign),
                )
            )
        catch_up = tuple(found)
    figure_places = kpi_places(annual, kpi.prior_year, *actuals, ytd)  # an average: 12.5
    return KpiReplan(
        kpi, annual, places, figure_places, tuple(reviews), ytd, ytd_target, ytd_attainment, year_share,
        landing, landing_method, landing_attainment, remaining, catch_up, method, best,
    )  # fmt: skip


def _catch_up_places(
    kpi: Kpi, annual: Decimal, ytd: Decimal, actuals: list[Decimal], elapsed: int
) -> int:
    """The decimals a catch-up target needs: those of its exact even value (what is left ÷
    the quarters left, the average needed, the path's step), never fewer than the figures
    typed, at most two more (the rule of :func:`~opsreport.engine.splits.split_places`)."""
    left = 4 - elapsed
    typed = max(decimal_places(v) for v in (annual, *actuals))
    if kpi.aggregation == "avg":
        exact = (annual * FOUR - sum(actuals, ZERO)) / left
    else:  # sum: the even share of what is left; last: the path's step
        exact = (annual - ytd) / left
    return min(max(typed, decimal_places(exact)), typed + 2)


def _best_on_record(
    how: str, sign: int, actuals: list[Decimal], prior: list[Decimal | None]
) -> Decimal | None:
    """The best quarter on record, this year's and last year's: the best quarterly figure
    (``sum``, ``avg``), or for a ``last`` KPI the best change on the quarter before (its
    pace; a rate that must rise is judged by how fast it has ever risen)."""
    if how == "last":
        candidates = [
            later - earlier
            for series in (actuals, [p for p in prior if p is not None])
            for earlier, later in pairwise(series)
        ]
    else:
        candidates = [*actuals, *(p for p in prior if p is not None)]
    best = None
    for value in candidates:
        if best is None or _better(value, best, sign):
            best = value
    return best


def _landing(
    ytd: Decimal | None, how: str, elapsed: int, prior: list[Decimal | None]
) -> tuple[Decimal | None, str | None]:
    if ytd is None:
        return None, None
    if how == "avg":
        return ytd, "average"
    if how == "last":
        return ytd, "latest"
    done, rest = prior[:elapsed], prior[elapsed:]
    if all(p is not None for p in prior):
        base = sum((p for p in done if p is not None), ZERO)
        if base > 0:
            scale = ytd / base
            return ytd + sum((p for p in rest if p is not None), ZERO) * scale, "seasonal"
    return ytd * FOUR / elapsed, "run_rate"


def _catch_up(
    kpi: Kpi,
    annual: Decimal,
    ytd: Decimal,
    actuals: list[Decimal],
    elapsed: int,
    prior: list[Decimal | None],
    original: list[Decimal | None],
    places: int,
) -> tuple[list[Decimal], str]:
    """The remaining quarters' targets and the method that made them."""
    left = 4 - elapsed
    if kpi.aggregation == "last":
        return path(ytd, annual, left, places, kpi.direction), "path"
    if kpi.aggregation == "avg":
        need = (annual * FOUR - sum(actuals, ZERO)) / left
        return average_split(need, [Decimal(1)] * left, places, kpi.direction), "average"
    remaining = annual - ytd
    # Met or spent only means something for a total that grows from zero (a target of
    # −40, a loss allowed, is spread like any other total).
    if annual >= 0 and kpi.direction == "higher" and remaining <= 0:
        # the year's target is met already: the original quarter targets keep the pace
        kept = [o if o is not None else ZERO for o in original[elapsed:]]
        return kept, "ahead"
    if annual >= 0 and kpi.direction == "lower" and remaining < 0:
        return [ZERO] * left, "overrun"  # the year's allowance is spent
    weights = prior[elapsed:]
    if all(w is not None and w > 0 for w in weights):
        return spread(remaining, [w for w in weights if w is not None], places), "seasonal"
    return spread(remaining, [Decimal(1)] * left, places), "even"


# Each Metrics' re-plan, by identity while it lives: the KPI views, the metrics rows, the
# plan context and the risks of one build or check all ask for it (a Metrics is frozen).
_REPLANNED: dict[int, tuple[weakref.ref[Metrics], Replan | None]] = {}


def replan(metrics: Metrics) -> Replan | None:
    """The in-year re-plan, or None when the workbook's year is not in progress; made once
    for a Metrics (the same Replan object for it after)."""
    key = id(metrics)
    kept = _REPLANNED.get(key)
    if kept is not None and kept[0]() is metrics:
        return kept[1]
    found = _replan(metrics)

    def forget(gone: weakref.ref[Metrics]) -> None:
        if _REPLANNED.get(key, (None, None))[0] is gone:
            del _REPLANNED[key]

    _REPLANNED[key] = (weakref.ref(metrics, forget), found)
    return found


def _replan(metrics: Metrics) -> Replan | None:
    report = metrics.report
    year = report.meta.year
    elapsed = elapsed_quarters(report)
    if year is None or not 1 <= elapsed <= 3:
        return None
    by_kpi: dict[str, list[PeriodValue]] = defaultdict(list)
    prior_by_kpi: dict[str, list[PeriodValue]] = defaultdict(list)
    for value in _year_rows(report, year):
        by_kpi[value.kpi].append(value)
    for value in _year_rows(report, year - 1):
        prior_by_kpi[value.kpi].append(value)
    plans = []
    for result in metrics.results:
        kpi = result.kpi  # with the target a growth target made
        if kpi.key not in by_kpi:
            continue
        plan = _kpi_replan(kpi, by_kpi[kpi.key], prior_by_kpi.get(kpi.key, []), year, elapsed)
        if plan is not None:
            plans.append(plan)
    return Replan(year, elapsed, tuple(plans))


def draft_quarter_year(report: Report, quarter: int, asked: int | None, plan_year: int) -> int:
    """The year of the quarter a draft is for (docs/plans.md §1).

    ``asked`` is the year typed (``2026Q3``) or None (``Q3``). A bare quarter is the next
    one of that name still to come: in a workbook whose year is in progress (actuals for
    Q1–Qk of it, k < 4) Q(k+1)…Q4 are that year's, the others ``plan_year``'s (next
    year's). A typed year must be the plan year, or the workbook's year for a quarter
    after the last one with actuals. Raises ValueError saying which quarters can be
    drafted.
    """
    own, elapsed = report.meta.year, elapsed_quarters(report)
    progressing = own is not None and 1 <= elapsed <= 3
    if asked is None:
        return own if progressing and own is not None and quarter > elapsed else plan_year
    if asked == plan_year:
        return plan_year
    if asked == own and progressing:
        if quarter > elapsed:
            return own
        raise ValueError(
            f"{asked}Q{quarter} has its actuals already (periods hold {own} Q1–Q{elapsed}): "
            f"plan {own}Q{elapsed + 1}" + ("–Q4" if elapsed < 3 else "") + f", or {plan_year}Q1–Q4"
        )
    if asked == own:
        why = (
            "all four quarters have actuals"
            if elapsed == 4
            else "periods hold no actuals of it to re-plan from"
        )
        raise ValueError(
            f"{asked}Q{quarter}: {own} cannot be re-planned ({why}); the workbook plans {plan_year}"
        )
    raise ValueError(f"{asked}Q{quarter}: the workbook plans {plan_year}, not {asked}")


def catch_up_targets(plan: Replan) -> list[QuarterTarget]:
    """The year's quarter targets as an in-year draft monitors them: the quarters so far
    at their original targets, the remaining ones at their catch-up targets (method
    "catch_up"), for every KPI with an annual target."""
    from opsreport.engine.plan_targets import QuarterTarget

    found = []
    for item in plan.kpis:
        if item.annual is None or not item.catch_up:
            continue
        elapsed = [r.target if r.target is not None else r.actual or ZERO for r in item.reviews]
        quarters = [*elapsed, *(c.target for c in item.catch_up)]
        q1, q2, q3, q4 = quarters
        kpi = item.kpi
        found.append(
            QuarterTarget(
                kpi.name,
                kpi,
                None,
                kpi.unit,
                kpi.direction,
                kpi.aggregation,
                item.ytd,
                item.annual,
                (q1, q2, q3, q4),
                "catch_up",
                item.places,
            )
        )
    return found
