"""The KPI engine: pure functions from a validated Report to computed figures.

No I/O and no display text. Every figure that cannot be computed is ``None``
with a reason code in ``reasons``; nothing here returns ``inf`` or ``nan`` or
raises on a zero, a missing figure or a negative base. Arithmetic is in
Decimal so that 8.37 / 20 is exactly 0.4185 and rounds as Excel shows it.

Bounded whatever the input: :func:`compute` refuses a figure that is not a
finite number below 10¹⁰⁰ in magnitude (:class:`FigureError`, naming the KPI
and its row). Ratios (attainment, variance %, share, growth …) are exact for
every figure a workbook can hold: the loader's |x| < 10¹⁵ and non-zero
|x| ≥ 10⁻¹⁵ make at most 10³⁰ (a target of 10⁻¹⁵ beaten by 10¹⁵). Only a
ratio beyond ``RATIO_LIMIT`` (10¹⁰⁰, reached by records built by hand) is
``None`` like a zero reference, with the reason ``*_negligible``. So every
figure here converts to a finite float.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from opsreport.core.aggregation import aggregate
from opsreport.core.periods import Period
from opsreport.core.records import (
    BreakdownRow,
    Diagnostic,
    Goal,
    Kpi,
    Location,
    PeriodValue,
    Report,
    Risk,
)
from opsreport.core.units import convert_unit
from opsreport.engine.resources import ResourcePlan, resource_plan
from opsreport.engine.targets import effective_target
from opsreport.errors import FigureError

__all__ = [
    "FIGURE_LIMIT",
    "RATIO_LIMIT",
    "BreakdownItem",
    "BreakdownTable",
    "FigureError",
    "GoalCheck",
    "GroupSummary",
    "KpiResult",
    "Metrics",
    "QuarterPoint",
    "RiskResult",
    "Settings",
    "Verdict",
    "attainment_of",
    "check_figures",
    "check_goal",
    "compute",
    "compute_kpi",
    "evaluate_risk",
    "figure_problem",
    "json_number",
    "kpi_label",
]

ONE = Decimal(1)
ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Settings:
    near_threshold: Decimal = Decimal("0.95")  # attainment from here to 100% is "near"
    attainment_cap: Decimal = Decimal("1.2")  # cap per KPI in the weighted score
    stretch_factor: Decimal = Decimal(2)  # SMART-A: needs more than 2× this year's change
    deviation_warning: Decimal = Decimal(8)  # percent: plans' warning lines of amounts
    deviation_warning_pp: Decimal = Decimal(1)  # points: plans' warning lines of rates


DEFAULT_SETTINGS = Settings()


# A ratio beyond this would overflow floats (with weights, sums and × 100 for
# percent): it is None, like a zero reference. Workbook figures stay far below it.
RATIO_LIMIT = Decimal("1e100")
# Input figures must be finite and below 10**FIGURE_DIGITS in magnitude, so that sums
# of every row, ratios up to RATIO_LIMIT and products with weights stay finite floats.
FIGURE_DIGITS = 100
FIGURE_LIMIT = Decimal(10) ** FIGURE_DIGITS


def kpi_label(kpi: Kpi) -> str:
    """How a message names a KPI: its id and name (cut at 60 characters)."""
    name = " ".join(kpi.name.split())
    name = name if len(name) <= 60 else name[:59] + "…"
    return f"KPI {kpi.id} ({name})" if kpi.id and kpi.id != kpi.name else f"KPI {name}"


_FIGURE_HINT = "opsreport computes with finite figures below 10^100 in magnitude"


def figure_problem(
    message: str, location: Location | None, file: str, hint: str = _FIGURE_HINT
) -> Diagnostic:
    """One located ``figure`` error (the record's row, else just the file)."""
    return Diagnostic("error", message, location or Location(file), hint, code="figure")


def _unusable(value: Decimal | None) -> str | None:
    """Why an input figure cannot be computed with, or None when it can."""
    if value is None:
        return None
    if not isinstance(value, Decimal):
        return f"{value!r} is not a Decimal"
    if not value.is_finite():
        return f"{value} is not a finite number"
    if value and value.adjusted() >= FIGURE_DIGITS:
        return f"{value:.3E} is beyond ±10^{FIGURE_DIGITS}"
    return None


_KPI_FIGURES = (
    "target", "actual", "prior_year", "next_target", "base", "weight", "benchmark", "target_growth",
)  # fmt: skip
_ROW_FIGURES = ("actual", "target", "prior_year")


def _fits(value: object) -> bool:
    """No figure, or a finite Decimal below 10**FIGURE_DIGITS in magnitude."""
    return value is None or (
        isinstance(value, Decimal)
        and value.is_finite()
        and (not value or value.adjusted() < FIGURE_DIGITS)
    )


def check_figures(report: Report) -> list[Diagnostic]:
    """Every input figure that is not finite or not below 10¹⁰⁰, as located errors.

    The loader's own caps are far tighter; this guards the library API, where
    records may be built by hand. (Subjects are named only for a figure that fails:
    this runs over every figure of every report.)
    """
    file = str(report.source)
    found: list[Diagnostic] = []
    kpis = {kpi.key: kpi for kpi in report.kpis}

    def refuse(subject: str, field_name: str, value: object, location: Location | None) -> None:
        why = _unusable(value)  # type: ignore[arg-type]
        found.append(figure_problem(f"{subject} › {field_name}: {why}", location, file))

    for kpi in report.kpis:
        for name in _KPI_FIGURES:
            if not _fits(value := getattr(kpi, name)):
                refuse(kpi_label(kpi), name, value, kpi.location)
    rows: list[PeriodValue | BreakdownRow] = [*report.periods, *report.breakdown]
    for row in rows:
        for name in _ROW_FIGURES:
            if not _fits(value := getattr(row, name)):
                owner = kpis.get(row.kpi)
                subject = kpi_label(owner) if owner is not None else f"KPI {row.kpi}"
                refuse(subject, name, value, row.location)
    for goal in report.goals:
        named = (("baseline", goal.baseline), ("target", goal.target))
        quarters = tuple((f"q{n}", q) for n, q in enumerate(goal.quarter_targets, start=1))
        for name, value in named + quarters:
            if not _fits(value):
                refuse(f"goal {goal.goal[:60]!r}", name, value, goal.location)
    for resource in report.resources:
        if not _fits(resource.amount):
            subject = f"resource {resource.category[:60]!r}"
            refuse(subject, "amount", resource.amount, resource.location)
    for goal in report.goals:
        if not _fits(goal.base):
            refuse(f"goal {goal.goal[:60]!r}", "base", goal.base, goal.location)
    for worth in report.values:
        if not _fits(worth.amount):
            refuse(f"value {(worth.label or '')[:60]!r}", "amount", worth.amount, worth.location)
    for risk in report.risks:
        if risk.threshold is not None and not _fits(risk.threshold.limit):
            refuse(f"risk {risk.risk[:60]!r}", "trigger", risk.threshold.limit, risk.location)
    return found


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """numerator / denominator, or None when the denominator is zero or negligible
    (the quotient would exceed ``RATIO_LIMIT`` in magnitude)."""
    if not denominator or abs(numerator) > RATIO_LIMIT * abs(denominator):
        return None
    return numerator / denominator


def attainment_of(actual: Decimal | None, target: Decimal | None, sign: int) -> Decimal | None:
    """1 + sign × (actual − target) ÷ |target|, the attainment of a quarter, a year to date or a
    landing forecast as of a KPI; None without both figures or with a zero (negligible) target."""
    if actual is None or target is None:
        return None
    relative = _ratio(actual - target, abs(target))
    return None if relative is None else ONE + sign * relative


def _why_not(denominator: Decimal, zero: str) -> str:
    """The reason code of a ratio that is None: ``target_zero`` or ``target_negligible``."""
    return zero if not denominator else zero.removesuffix("_zero") + "_negligible"


@dataclass(frozen=True)
class KpiResult:
    """All figures of one KPI. Fractions are fractions (1.046, not 104.6)."""

    kpi: Kpi
    attainment: Decimal | None
    var_target: Decimal | None
    var_target_pct: Decimal | None
    var_prior: Decimal | None
    var_prior_pct: Decimal | None
    share: Decimal | None
    next_change: Decimal | None
    next_change_pct: Decimal | None
    status: str | None
    reasons: dict[str, str] = field(default_factory=dict)
    # Where ``kpi.target`` came from: "given" (typed), "growth" (made from target_growth:
    # ``kpi`` is then the record with that target filled in), None (no target).
    target_source: str | None = None

    @property
    def good_vs_target(self) -> bool | None:
        """Is the variance to target good for this KPI's direction? None when unknown."""
        return None if self.var_target is None else self.kpi.sign * self.var_target >= 0

    @property
    def good_vs_prior(self) -> bool | None:
        return None if self.var_prior is None else self.kpi.sign * self.var_prior >= 0

    def as_json(self) -> dict[str, object]:
        """The ``metrics --json`` object, keys as documented."""
        kpi = self.kpi
        return {
            "id": kpi.id,
            "name": kpi.name,
            "group": kpi.group,
            "unit": kpi.unit or None,
            "direction": kpi.direction,
            "target": json_number(kpi.target),
            "actual": json_number(kpi.actual),
            "prior_year": json_number(kpi.prior_year),
            "attainment": json_number(self.attainment),
            "var_target": json_number(self.var_target),
            "var_target_pct": json_number(self.var_target_pct),
            "var_prior": json_number(self.var_prior),
            "var_prior_pct": json_number(self.var_prior_pct),
            "share": json_number(self.share),
            "next_target": json_number(kpi.next_target),
            "next_change": json_number(self.next_change),
            "next_change_pct": json_number(self.next_change_pct),
            "status": self.status,
        }


def json_number(value: Decimal | None) -> float | int | None:
    """JSON number: 15 significant digits, so 1/3 is 0.333333333333333, 0.37 stays 0.37
    and every figure a workbook holds (at most 15 digits, as Excel keeps them) is
    written exactly: 999999999999999 is not rounded to 1e15.

    Never ``inf`` or ``nan`` (which ``json.dumps`` would write as the non-JSON
    ``Infinity``/``NaN``): such a value raises ValueError. :func:`compute` makes
    only figures that convert.
    """
    if value is None:
        return None
    rounded = float(f"{value:.15g}") if value.is_finite() else math.inf
    if not math.isfinite(rounded):
        raise ValueError(f"{value} cannot be written as a JSON number")
    return int(rounded) if value == value.to_integral_value() and abs(rounded) < 2**53 else rounded


def compute_kpi(kpi: Kpi, settings: Settings = DEFAULT_SETTINGS) -> KpiResult:
    """Every figure of one KPI; an arithmetic failure names the KPI and its row."""
    try:
        return _compute_kpi(kpi, settings)
    except (ArithmeticError, TypeError, ValueError) as exc:
        why = _unusable(kpi.actual) or _unusable(kpi.target) or f"{type(exc).__name__}: {exc}"
        file = kpi.location.file if kpi.location else "<report>"
        raise FigureError(
            [
                figure_problem(
                    f"{kpi_label(kpi)}: cannot compute its figures ({why})", kpi.location, file
                )
            ]
        ) from exc


def _compute_kpi(kpi: Kpi, settings: Settings) -> KpiResult:
    reasons: dict[str, str] = {}
    effective = effective_target(kpi)
    if effective.source == "growth":  # the target the growth target makes (engine/targets)
        kpi = replace(kpi, target=effective.target)
    actual, target, prior = kpi.actual, kpi.target, kpi.prior_year

    var_target = var_target_pct = attainment = None
    if actual is None or target is None:
        reasons["var_target"] = "no_actual" if actual is None else "no_target"
        reasons["attainment"] = reasons["var_target"]
    else:
        var_target = actual - target
        var_target_pct = _ratio(var_target, abs(target))
        if var_target_pct is None:
            reasons["var_target_pct"] = reasons["attainment"] = _why_not(target, "target_zero")
        else:
            attainment = ONE + kpi.sign * var_target_pct
            # Decimal keeps the sign exact: attainment >= 1 exactly when the variance is good.

    var_prior = var_prior_pct = None
    if actual is None or prior is None:
        reasons["var_prior"] = "no_actual" if actual is None else "no_prior_year"
    else:
        var_prior = actual - prior
        var_prior_pct = _ratio(var_prior, abs(prior))
        if var_prior_pct is None:
            reasons["var_prior_pct"] = _why_not(prior, "prior_zero")

    share = None
    if kpi.base is not None:
        if actual is None:
            reasons["share"] = "no_actual"
        elif kpi.base <= 0:
            reasons["share"] = "base_zero" if kpi.base == 0 else "base_negative"
        else:
            share = _ratio(actual, kpi.base)
            if share is None:
                reasons["share"] = "base_negligible"

    next_change = next_change_pct = None
    if kpi.next_target is not None:
        if actual is None:
            reasons["next_change"] = "no_actual"
        else:
            next_change = kpi.next_target - actual
            next_change_pct = _ratio(next_change, abs(actual))
            if next_change_pct is None:
                reasons["next_change_pct"] = _why_not(actual, "actual_zero")

    status = None
    if attainment is not None:
        if attainment >= ONE:
            status = "met"
        elif attainment >= settings.near_threshold:
            status = "near"
        else:
            status = "missed"
    return KpiResult(
        kpi, attainment, var_target, var_target_pct, var_prior, var_prior_pct, share,
        next_change, next_change_pct, status, reasons, effective.source,
    )  # fmt: skip


# --------------------------------------------------------------------------- groups, score


@dataclass(frozen=True)
class GroupSummary:
    name: str | None
    results: tuple[KpiResult, ...]
    met: int
    near: int
    missed: int
    unrated: int
    score: Decimal | None  # weighted, capped attainment of the group's weighted KPIs
    scored: int = 0  # the KPIs the score counts: a weight and an attainment


def weighted_score(
    results: list[KpiResult] | tuple[KpiResult, ...], cap: Decimal
) -> Decimal | None:
    """Σ w·min(attainment, cap) / Σ w over KPIs that have both a weight and an attainment."""
    total_weight = ZERO
    total = ZERO
    for result in results:
        weight = result.kpi.weight
        if weight is None or weight == 0 or result.attainment is None:
            continue
        total_weight += weight
        total += weight * min(result.attainment, cap)
    return _ratio(total, total_weight)


def _summarise(name: str | None, results: list[KpiResult], settings: Settings) -> GroupSummary:
    counts: defaultdict[str, int] = defaultdict(int)
    for result in results:
        counts[result.status or "unrated"] += 1
    return GroupSummary(
        name, tuple(results), counts["met"], counts["near"], counts["missed"], counts["unrated"],
        weighted_score(results, settings.attainment_cap),
        sum(1 for r in results if r.kpi.weight and r.attainment is not None),
    )  # fmt: skip


# --------------------------------------------------------------------------- quarters


@dataclass(frozen=True)
class QuarterPoint:
    period: Period
    actual: Decimal | None
    target: Decimal | None
    prior_year: Decimal | None
    attainment: Decimal | None
    var_prior: Decimal | None
    var_prior_pct: Decimal | None
    change: Decimal | None  # vs the previous quarter, in the KPI's unit
    change_pct: Decimal | None


@dataclass(frozen=True)
class QuarterSeries:
    kpi: Kpi
    points: tuple[QuarterPoint, ...]
    total_actual: Decimal | None  # the quarters aggregated the KPI's way
    annual_gap: Decimal | None  # total_actual − the annual actual (0 when consistent)


def quarter_series(kpi: Kpi, values: list[PeriodValue], year: int | None) -> QuarterSeries:
    """Quarters of one KPI; months are rolled up by the KPI's aggregation."""
    by_quarter: dict[tuple[int | None, int], list[PeriodValue]] = defaultdict(list)
    for value in values:
        by_quarter[(value.period.year, value.period.quarter)].append(value)
    if year is not None and any(y == year for y, _ in by_quarter):
        by_quarter = {k: v for k, v in by_quarter.items() if k[0] == year}
    points: list[QuarterPoint] = []
    previous: Decimal | None = None
    for (quarter_year, quarter), members in sorted(
        by_quarter.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1])
    ):
        members.sort(key=lambda v: v.period.month or 0)
        how = kpi.aggregation if any(v.period.month for v in members) else "last"
        actual = aggregate([v.actual for v in members], how)
        target = aggregate([v.target for v in members], how)
        prior = aggregate([v.prior_year for v in members], how)
        attainment = attainment_of(actual, target, kpi.sign)
        var_prior = actual - prior if actual is not None and prior is not None else None
        var_prior_pct = _ratio(var_prior, abs(prior)) if var_prior is not None and prior else None
        change = actual - previous if actual is not None and previous is not None else None
        change_pct = (
            _ratio(change, abs(previous)) if change is not None and previous is not None else None
        )
        points.append(
            QuarterPoint(
                Period(quarter_year, quarter),
                actual,
                target,
                prior,
                attainment,
                var_prior,
                var_prior_pct,
                change,
                change_pct,
            )
        )
        previous = actual
    total = aggregate([p.actual for p in points], kpi.aggregation) if points else None
    gap = (
        total - kpi.actual
        if total is not None and kpi.actual is not None and len(points) == 4
        else None
    )
    return QuarterSeries(kpi, tuple(points), total, gap)


# --------------------------------------------------------------------------- breakdown


@dataclass(frozen=True)
class BreakdownItem:
    item: str
    actual: Decimal | None
    prior_year: Decimal | None
    target: Decimal | None
    share: Decimal | None
    share_prior: Decimal | None
    share_change_pp: Decimal | None  # (share − share_prior) × 100
    var_prior_pct: Decimal | None
    attainment: Decimal | None
    rank: int | None
    rank_prior: int | None


@dataclass(frozen=True)
class BreakdownTable:
    dimension: str
    kpi: Kpi
    items: tuple[BreakdownItem, ...]  # ranked by actual, largest first
    total_actual: Decimal | None
    total_prior: Decimal | None
    coverage: Decimal | None  # total_actual / the KPI's annual actual


def _ranks(values: dict[str, Decimal | None]) -> dict[str, int]:
    ordered = sorted((v, k) for k, v in values.items() if v is not None)
    ordered.reverse()
    ranks: dict[str, int] = {}
    for position, (_, key) in enumerate(ordered, start=1):
        ranks[key] = position
    return ranks


def breakdown_tables(report: Report) -> list[BreakdownTable]:
    grouped: dict[tuple[str, str], list[BreakdownRow]] = defaultdict(list)
    for row in report.breakdown:
        grouped[(row.dimension, row.kpi)].append(row)
    tables = []
    for (dimension, kpi_key), rows in grouped.items():
        kpi = report.kpi(kpi_key)
        actuals = [r.actual for r in rows if r.actual is not None]
        priors = [r.prior_year for r in rows if r.prior_year is not None]
        total = sum(actuals, ZERO) if actuals else None
        total_prior = sum(priors, ZERO) if priors else None
        rank = _ranks({r.item: r.actual for r in rows})
        rank_prior = _ranks({r.item: r.prior_year for r in rows})
        items = []
        for r in rows:
            share = (
                _ratio(r.actual, total) if r.actual is not None and total and total > 0 else None
            )
            share_prior = (
                _ratio(r.prior_year, total_prior)
                if r.prior_year is not None and total_prior and total_prior > 0
                else None
            )
            change = (
                (share - share_prior) * HUNDRED
                if share is not None and share_prior is not None
                else None
            )
            var_prior_pct = (
                _ratio(r.actual - r.prior_year, abs(r.prior_year))
                if r.actual is not None and r.prior_year is not None
                else None
            )
            relative = (
                _ratio(r.actual - r.target, abs(r.target))
                if r.actual is not None and r.target is not None
                else None
            )
            attainment = None if relative is None else ONE + kpi.sign * relative
            items.append(
                BreakdownItem(
                    r.item,
                    r.actual,
                    r.prior_year,
                    r.target,
                    share,
                    share_prior,
                    change,
                    var_prior_pct,
                    attainment,
                    rank.get(r.item),
                    rank_prior.get(r.item),
                )
            )
        items.sort(key=lambda i: (i.rank is None, i.rank or 0))
        coverage = _ratio(total, kpi.actual) if total is not None and kpi.actual else None
        tables.append(BreakdownTable(dimension, kpi, tuple(items), total, total_prior, coverage))
    return tables


# --------------------------------------------------------------------------- SMART


@dataclass(frozen=True)
class Verdict:
    """One SMART letter: passed (True/False, None when it cannot be judged) and why."""

    passed: bool | None
    code: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class GoalCheck:
    goal: Goal
    kpi: Kpi | None
    baseline: Decimal | None
    required_change: Decimal | None  # target − baseline, in the goal's unit
    required_change_pct: Decimal | None
    achieved_change: Decimal | None  # this year's actual − prior year of the KPI
    letters: dict[str, Verdict]

    @property
    def is_smart(self) -> bool:
        return all(v.passed is not False for v in self.letters.values())

    @property
    def failed(self) -> list[str]:
        return [letter for letter, v in self.letters.items() if v.passed is False]


def _has_number(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def check_goal(
    goal: Goal, kpi: Kpi | None, plan_year: int | None, settings: Settings = DEFAULT_SETTINGS
) -> GoalCheck:
    letters: dict[str, Verdict] = {}
    # S: names a KPI, or a concrete, countable object.
    if kpi is not None:
        letters["S"] = Verdict(True, "kpi_linked", {"kpi": kpi.name})
    elif _has_number(goal.goal):
        letters["S"] = Verdict(True, "concrete_object")
    else:
        letters["S"] = Verdict(False, "vague")
    # M: a numeric target and a data source.
    source = goal.measure or (kpi.source if kpi else None)
    if goal.target is None:
        letters["M"] = Verdict(False, "no_target")
    elif not source:
        letters["M"] = Verdict(False, "no_source")
    else:
        letters["M"] = Verdict(True, "measurable", {"source": source})
    # A: the required change against what was achieved this year.
    # The KPI's figures in the goal's unit (a 万元 goal on a 亿元 KPI), None if incomparable.
    kpi_actual = convert_unit(kpi.actual, kpi.unit, goal.unit or kpi.unit) if kpi else None
    kpi_prior = convert_unit(kpi.prior_year, kpi.unit, goal.unit or kpi.unit) if kpi else None
    baseline = goal.baseline if goal.baseline is not None else kpi_actual
    required = goal.target - baseline if goal.target is not None and baseline is not None else None
    required_pct = (
        _ratio(required, abs(baseline)) if required is not None and baseline is not None else None
    )
    achieved = kpi_actual - kpi_prior if kpi_actual is not None and kpi_prior is not None else None
    units_differ = kpi is not None and kpi.actual is not None and kpi_actual is None
    if units_differ and required is not None and kpi is not None:
        letters["A"] = Verdict(None, "units_differ", {"goal_unit": goal.unit, "kpi_unit": kpi.unit})
    elif required is None:
        letters["A"] = Verdict(None, "no_baseline" if goal.target is not None else "no_target")
    elif goal.sign * required <= 0:
        letters["A"] = Verdict(True, "holds_level")
    elif achieved is None:
        letters["A"] = Verdict(None, "no_history")
    elif goal.sign * achieved <= 0:
        letters["A"] = Verdict(
            False, "no_improvement_this_year", {"required": required, "achieved": achieved}
        )
    else:
        # None: this year's change is negligible beside the one required, a stretch.
        ratio = _ratio(abs(required), abs(achieved))
        passed = ratio is not None and ratio <= settings.stretch_factor
        letters["A"] = Verdict(
            passed,
            "within_reach" if passed else "stretch",
            {"required": required, "achieved": achieved, "ratio": ratio},
        )
    # R: aligned with a company goal.
    letters["R"] = (
        Verdict(True, "aligned", {"to": goal.aligns_to})
        if goal.aligns_to
        else Verdict(False, "not_aligned")
    )
    # T: a deadline within the plan year.
    if goal.deadline is None:
        letters["T"] = Verdict(False, "no_deadline")
    elif plan_year is not None and goal.deadline.year != plan_year:
        letters["T"] = Verdict(
            False, "outside_plan_year", {"deadline": goal.deadline, "plan_year": plan_year}
        )
    else:
        letters["T"] = Verdict(True, "dated", {"deadline": goal.deadline})
    return GoalCheck(goal, kpi, baseline, required, required_pct, achieved, letters)


# --------------------------------------------------------------------------- risks


@dataclass(frozen=True)
class RiskResult:
    risk: Risk
    kpi: Kpi | None
    score: int | None  # likelihood × impact, 1–25
    level: str | None  # high (≥ 15), medium (≥ 6), low
    triggered: bool | None  # None when there is nothing to evaluate
    observed: Decimal | None  # the KPI's actual, or |ΔPL%| in percent for dev thresholds
    reason: str | None = None


def evaluate_risk(risk: Risk, kpi: Kpi | None) -> RiskResult:
    score = risk.likelihood * risk.impact if risk.likelihood and risk.impact else None
    level = None if score is None else "high" if score >= 15 else "medium" if score >= 6 else "low"
    threshold = risk.threshold
    if threshold is None or kpi is None:
        return RiskResult(risk, kpi, score, level, None, None, "no_threshold")
    if kpi.actual is None:
        return RiskResult(risk, kpi, score, level, None, None, "no_actual")
    if threshold.kind == "dev":
        if kpi.target is None or kpi.target == 0:
            return RiskResult(risk, kpi, score, level, None, None, "no_target")
        deviation = _ratio(abs(kpi.actual - kpi.target), abs(kpi.target))
        if deviation is None:
            return RiskResult(risk, kpi, score, level, None, None, "target_negligible")
        observed = deviation * HUNDRED
    else:
        observed = kpi.actual
    return RiskResult(risk, kpi, score, level, threshold.holds(observed), observed)


# --------------------------------------------------------------------------- everything


@dataclass(frozen=True)
class Metrics:
    """Every computed figure of a report, ready for the context builder."""

    report: Report
    settings: Settings
    results: tuple[KpiResult, ...]
    groups: tuple[GroupSummary, ...]
    overall: GroupSummary
    quarters: tuple[QuarterSeries, ...]
    breakdowns: tuple[BreakdownTable, ...]
    goals: tuple[GoalCheck, ...]
    risks: tuple[RiskResult, ...]
    resources: ResourcePlan  # the plan's resources by category, with totals and shares

    def result(self, key: str) -> KpiResult:
        return next(r for r in self.results if r.kpi.key == key)


def compute(report: Report, settings: Settings = DEFAULT_SETTINGS) -> Metrics:
    """Every figure of the report; raises FigureError (a WorkbookError) naming each
    input figure that is not finite or not below 10¹⁰⁰."""
    problems = check_figures(report)
    if problems:
        raise FigureError(problems)
    results = [compute_kpi(kpi, settings) for kpi in report.kpis]
    by_group: dict[str | None, list[KpiResult]] = {}
    for result in results:
        by_group.setdefault(result.kpi.group, []).append(result)
    groups = tuple(_summarise(name, members, settings) for name, members in by_group.items())

    periods_by_kpi: dict[str, list[PeriodValue]] = defaultdict(list)
    for value in report.periods:
        periods_by_kpi[value.kpi].append(value)
    quarters = tuple(
        quarter_series(kpi, periods_by_kpi[kpi.key], report.meta.year)
        for kpi in report.kpis
        if kpi.key in periods_by_kpi
    )
    # A KPI as judged: with the target a growth target made (result.kpi), so that a risk
    # "偏离目标 > 5%" reads the same target as the KPI's attainment.
    kpi_of = {result.kpi.key: result.kpi for result in results}
    goals = tuple(
        check_goal(g, kpi_of.get(g.kpi or ""), report.meta.plan_year, settings)
        for g in report.goals
    )
    risks = tuple(evaluate_risk(r, kpi_of.get(r.kpi or "")) for r in report.risks)
    return Metrics(
        report, settings, tuple(results), groups, _summarise(None, results, settings), quarters,
        tuple(breakdown_tables(report)), goals, risks, resource_plan(report.resources),
    )  # fmt: skip


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1
