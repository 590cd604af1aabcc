"""Records built in a test, without writing an xlsx: a KPI, a goal, a risk … a whole Report.

Tests above the loader (engine, present, render) need a :class:`~opsreport.core.records.Report`,
not a workbook: writing one with openpyxl and reading it back safely is slow and couples
every such test to the loader. These builders make the records as the loader would
(io/records.py): text cleaned as a cell's text is, a KPI's key its id or else its name,
its aggregation inferred from unit and name when not given, a goal's blank unit and
direction taken from its KPI, a risk's threshold read in its KPI's unit, a period without
a year in the report's year, every record's location its row in the sheet of its kind
(header on row 1). tests/test_builders.py proves it: a workbook loaded and the same
figures built here compute and render alike.

Figures are given as they would be typed: ints, strings or Decimals (``"8.37"``, 8,
``D("1e-15")``), converted exactly with ``Decimal(str(x))``; a float converts through its
shortest repr (8.37 is 8.37), as the loader reads a number cell. Unlike the loader the
builders do not bound them (``"1e100"`` or ``"NaN"`` are kept), so tests of the engine's
own refusals can still build them.

A reference to a KPI (``kpi=``) is the :class:`Kpi` itself or its id or name: a string is
resolved by :func:`report` (NFKC and case-folded, id first, as the loader does); a
:func:`goal` or :func:`risk` made outside :func:`report` with a string reference keeps it
as the key and has no KPI to inherit a unit or direction from.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from opsreport.app.analysis import Analysis
from opsreport.core.aggregation import default_aggregation
from opsreport.core.choices import (
    parse_aggregation,
    parse_direction,
    parse_level,
    parse_value_kind,
)
from opsreport.core.periods import Period, parse_period
from opsreport.core.records import (
    BreakdownRow,
    Goal,
    Kpi,
    Location,
    Meta,
    PeriodValue,
    Problem,
    Report,
    Resource,
    Risk,
    Task,
    Threshold,
    ValueRow,
)
from opsreport.core.text import clean_text, match_key
from opsreport.core.thresholds import parse_threshold
from opsreport.core.value_problem import ValueProblem
from opsreport.engine.content_warnings import content_warnings
from opsreport.engine.metrics import DEFAULT_SETTINGS, Metrics, Settings, compute
from opsreport.present.context_types import ReportContext
from opsreport.present.report_context import KPIS_PER_GROUP, build_context

__all__ = [
    "SOURCE",
    "analysis",
    "breakdown",
    "context",
    "goal",
    "kpi",
    "meta",
    "metrics",
    "period",
    "problem",
    "report",
    "resource",
    "risk",
    "task",
    "value",
]

# The file a built report says it was read from (its locations name it).
SOURCE = Path("built.xlsx")

Number = Decimal | int | float | str
KpiRef = Kpi | str
Day = dt.date | str

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_R = TypeVar("_R", bound="DataclassInstance")


# --------------------------------------------------------------------------- values


def _number(value: Number | None) -> Decimal | None:
    """A figure as typed, exactly: ``Decimal(str(x))`` (so 8.37 is 8.37, not 8.3699…)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError(f"a figure, not {value!r}")
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def _text(value: object, *, multiline: bool = False) -> str | None:
    """Text as the loader keeps a cell's: cleaned (clean_text), blank is None."""
    return clean_text(value, multiline=multiline) or None


def _day(value: Day | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def _key(ref: KpiRef | None) -> str | None:
    if ref is None:
        return None
    return ref.key if isinstance(ref, Kpi) else ref


# --------------------------------------------------------------------------- records


def meta(
    *,
    title: str | None = None,
    org: str | None = None,
    year: int | None = None,
    plan_year: int | None = None,
    author: str | None = None,
    language: str | None = None,
    company_goals: str | None = None,
    mandate: str | None = None,
    date: Day | None = None,
    extra: Mapping[str, str] | None = None,
) -> Meta:
    """The meta sheet's values; ``plan_year`` defaults to ``year + 1`` as in the loader."""
    return Meta(
        title=_text(title),
        org=_text(org),
        year=year,
        plan_year=plan_year or (year + 1 if year else None),
        author=_text(author),
        language=language,
        company_goals=_text(company_goals),
        mandate=_text(mandate),
        date=_day(date),
        extra=dict(extra or {}),
    )


def kpi(
    name: str,
    *,
    id: str | None = None,
    group: str | None = None,
    unit: str = "",
    direction: str = "higher",
    target: Number | None = None,
    actual: Number | None = None,
    prior_year: Number | None = None,
    next_target: Number | None = None,
    base: Number | None = None,
    base_name: str | None = None,
    aggregation: str | None = None,
    weight: Number | None = None,
    owner: str | None = None,
    source: str | None = None,
    note: str | None = None,
    location: Location | None = None,
    benchmark: Number | None = None,
    benchmark_name: str | None = None,
    target_growth: Number | None = None,
    drivers: Sequence[KpiRef] = (),
) -> Kpi:
    """A KPI row: key = id or name; ``direction`` and ``aggregation`` in any spelling the
    sheet accepts (越低越好, 期末 …); no aggregation given: inferred from unit and name.
    ``target_growth``: percent for amounts (30 = +30%), points for rates (3 = +3 pp), as
    the loader reads it; ``drivers``: KPIs or their ids/names (resolved by :func:`report`)."""
    clean_name = _text(name)
    if clean_name is None:
        raise ValueError("a KPI needs a name")
    clean_id = _text(id)
    clean_unit = _text(unit) or ""
    chosen = parse_aggregation(aggregation)
    return Kpi(
        key=clean_id or clean_name,
        name=clean_name,
        id=clean_id,
        group=_text(group),
        unit=clean_unit,
        direction=parse_direction(direction) or "higher",
        target=_number(target),
        actual=_number(actual),
        prior_year=_number(prior_year),
        next_target=_number(next_target),
        base=_number(base),
        base_name=_text(base_name),
        aggregation=chosen or default_aggregation(clean_unit, clean_name),
        aggregation_inferred=chosen is None,
        weight=_number(weight),
        owner=_text(owner),
        source=_text(source),
        note=_text(note, multiline=True),
        location=location,
        benchmark=_number(benchmark),
        benchmark_name=_text(benchmark_name),
        target_growth=_number(target_growth),
        drivers=tuple(d.key if isinstance(d, Kpi) else d for d in drivers),
    )


def period(
    kpi: KpiRef,
    when: str | Period,
    *,
    actual: Number | None = None,
    target: Number | None = None,
    prior_year: Number | None = None,
    location: Location | None = None,
) -> PeriodValue:
    """One row of the periods sheet: ``when`` as typed (2026Q1, Q2, 3月, 2026-03 …);
    without a year it takes the report's year in :func:`report`."""
    return PeriodValue(
        _key(kpi) or "",
        when if isinstance(when, Period) else parse_period(when),
        actual=_number(actual),
        target=_number(target),
        prior_year=_number(prior_year),
        location=location,
    )


def breakdown(
    kpi: KpiRef,
    item: str,
    *,
    dimension: str = "",
    actual: Number | None = None,
    prior_year: Number | None = None,
    target: Number | None = None,
    location: Location | None = None,
) -> BreakdownRow:
    """One row of the breakdown sheet: an item (channel, category …) of a KPI."""
    clean_item = _text(item)
    if clean_item is None:
        raise ValueError("a breakdown row needs an item")
    return BreakdownRow(
        dimension=_text(dimension) or "",
        item=clean_item,
        kpi=_key(kpi) or "",
        actual=_number(actual),
        prior_year=_number(prior_year),
        target=_number(target),
        location=location,
    )


def problem(
    problem: str,
    *,
    area: str | None = None,
    kpi: KpiRef | None = None,
    subjective: str | None = None,
    objective: str | None = None,
    impact: str | None = None,
    action: str | None = None,
    location: Location | None = None,
) -> Problem:
    """One row of the problems sheet."""
    clean = _text(problem, multiline=True)
    if clean is None:
        raise ValueError("a problem row needs the problem")
    return Problem(
        area=_text(area),
        problem=clean,
        kpi=_key(kpi),
        subjective=_text(subjective, multiline=True),
        objective=_text(objective, multiline=True),
        impact=_text(impact, multiline=True),
        action=_text(action, multiline=True),
        location=location,
    )


@dataclasses.dataclass(frozen=True)
class _GoalOfNamedKpi(Goal):
    """A goal whose KPI is named by a string: :func:`report` resolves the name to the
    KPI's key and, as the loader does, gives it the KPI's direction when none was given
    (its blank unit too). Outside a report it is a plain goal."""

    direction_given: bool = True


def goal(
    goal: str,
    *,
    kpi: KpiRef | None = None,
    baseline: Number | None = None,
    target: Number | None = None,
    unit: str = "",
    direction: str | None = None,
    deadline: Day | None = None,
    owner: str | None = None,
    measure: str | None = None,
    aligns_to: str | None = None,
    quarters: Sequence[Number | None] = (None, None, None, None),
    location: Location | None = None,
    base: Number | None = None,
    base_name: str | None = None,
) -> Goal:
    """One row of the goals sheet. A blank unit and no direction: the KPI's (the loader's
    rule); ``quarters``: the Q1–Q4 targets, if the row gives them."""
    clean = _text(goal)
    if clean is None:
        raise ValueError("a goal row needs the goal text")
    if len(quarters) != 4:
        raise ValueError("quarters: four quarter targets (None where blank)")
    linked = kpi if isinstance(kpi, Kpi) else None
    chosen = parse_direction(direction)
    q1, q2, q3, q4 = (_number(q) for q in quarters)
    fields: dict[str, Any] = {
        "goal": clean,
        "kpi": _key(kpi),
        "baseline": _number(baseline),
        "target": _number(target),
        "unit": _text(unit) or (linked.unit if linked else ""),
        "direction": chosen or (linked.direction if linked else "higher"),
        "deadline": _day(deadline),
        "owner": _text(owner),
        "measure": _text(measure, multiline=True),
        "aligns_to": _text(aligns_to),
        "base": _number(base),
        "base_name": _text(base_name),
        "quarter_targets": (q1, q2, q3, q4),
        "location": location,
    }
    if isinstance(kpi, str):
        return _GoalOfNamedKpi(**fields, direction_given=chosen is not None)
    return Goal(**fields)


def task(
    task: str,
    *,
    phase: str | None = None,
    start: Day | None = None,
    end: Day | None = None,
    owner: str | None = None,
    milestone: str | None = None,
    deliverable: str | None = None,
    location: Location | None = None,
) -> Task:
    """One row of the tasks sheet; dates as dates or ISO text. Refuses an end before the
    start, as the loader does."""
    clean = _text(task)
    if clean is None:
        raise ValueError("a task row needs the task")
    first, last = _day(start), _day(end)
    if first and last and last < first:
        raise ValueError(f"the task ends ({last}) before it starts ({first})")
    return Task(
        phase=_text(phase),
        task=clean,
        start=first,
        end=last,
        owner=_text(owner),
        milestone=_text(milestone),
        deliverable=_text(deliverable, multiline=True),
        location=location,
    )


@dataclasses.dataclass(frozen=True)
class _RiskOfNamedKpi(Risk):
    """A risk whose KPI is named by a string: :func:`report` resolves the name and reads
    the threshold in that KPI's unit (``> 4.7亿`` in a 万元 KPI is 47,000)."""

    threshold_text: str | None = None


def risk(
    risk: str,
    *,
    category: str | None = None,
    likelihood: int | str | None = None,
    impact: int | str | None = None,
    kpi: KpiRef | None = None,
    threshold: str | Threshold | None = None,
    response: str | None = None,
    owner: str | None = None,
    location: Location | None = None,
) -> Risk:
    """One row of the risks sheet: levels 1–5 or 低/中/高; a threshold as typed
    (``> 47``, ``dev > 8%``), read in its KPI's unit."""
    clean = _text(risk)
    if clean is None:
        raise ValueError("a risk row needs the risk")
    if isinstance(threshold, str) and kpi is None:
        raise ValueError("a threshold without a KPI to watch")
    fields: dict[str, Any] = {
        "risk": clean,
        "category": _text(category),
        "likelihood": parse_level(likelihood),
        "impact": parse_level(impact),
        "kpi": _key(kpi),
        "threshold": threshold if isinstance(threshold, Threshold) else None,
        "response": _text(response, multiline=True),
        "owner": _text(owner),
        "location": location,
    }
    if isinstance(threshold, str) and isinstance(kpi, Kpi):
        fields["threshold"] = parse_threshold(threshold, kpi.unit)
    if isinstance(kpi, str):
        raw = threshold if isinstance(threshold, str) else None
        if raw is not None:  # read again in the KPI's unit by report()
            with contextlib.suppress(ValueProblem):
                fields["threshold"] = parse_threshold(raw, "")
        return _RiskOfNamedKpi(**fields, threshold_text=raw)
    return Risk(**fields)


def resource(
    category: str | None,
    *,
    item: str | None = None,
    amount: Number | None = None,
    unit: str = "",
    note: str | None = None,
    location: Location | None = None,
    start: Day | None = None,
    end: Day | None = None,
    task: str | None = None,
) -> Resource:
    """One row of the resources sheet; a blank category takes the item, as in the loader,
    and an end before the start is refused, as the loader does (the task name is not
    checked here: that needs the tasks sheet)."""
    clean_category, clean_item = _text(category), _text(item)
    if clean_category is None and clean_item is None:
        raise ValueError("a resource row needs a category or an item")
    first, last = _day(start), _day(end)
    if first and last and last < first:
        raise ValueError(f"the resource ends ({last}) before it starts ({first})")
    return Resource(
        category=clean_category or clean_item or "",
        item=clean_item,
        amount=_number(amount),
        unit=_text(unit) or "",
        note=_text(note, multiline=True),
        location=location,
        start=first,
        end=last,
        task=_text(task),
    )


def value(
    kpi: KpiRef,
    label: str,
    amount: Number,
    kind: str,
    *,
    unit: str = "",
    location: Location | None = None,
) -> ValueRow:
    """One row of the value sheet; ``kind`` in any spelling (节省, saving …)."""
    clean_label = _text(label)
    parsed_kind = parse_value_kind(kind)
    number = _number(amount)
    if clean_label is None or parsed_kind is None or number is None:
        raise ValueError("a value row needs its label, amount and kind")
    return ValueRow(
        kpi=_key(kpi) or "",
        amount=number,
        kind=parsed_kind,
        label=clean_label,
        unit=_text(unit) or "",
        location=location,
    )


# --------------------------------------------------------------------------- the report


class _Kpis:
    """The loader's reference rule: a KPI by id, else by its one name (NFKC, case-folded)."""

    def __init__(self, kpis: Sequence[Kpi]) -> None:
        self.by_id = {match_key(k.id): k for k in kpis if k.id}
        self.by_name: dict[str, list[Kpi]] = {}
        for k in kpis:
            self.by_name.setdefault(match_key(k.name), []).append(k)
        self.by_key = {k.key: k for k in kpis}

    def resolve(self, ref: str | None, sheet: str) -> Kpi | None:
        if ref is None:
            return None
        if ref in self.by_key:
            return self.by_key[ref]
        folded = match_key(ref)
        if folded in self.by_id:
            return self.by_id[folded]
        matches = self.by_name.get(folded, [])
        if len(matches) != 1:
            what = "fits several KPIs" if matches else "is no KPI"
            raise ValueError(f"{sheet}: {ref!r} {what} (the loader refuses it)")
        return matches[0]


def _located(records: Iterable[_R], file: str, title: str) -> list[_R]:
    """Each record at its row under a header on row 1, unless it says where it is."""
    placed: list[_R] = []
    for row, record in enumerate(records, start=2):
        if getattr(record, "location", None) is None:
            record = dataclasses.replace(record, location=Location(file, title, row))
        placed.append(record)
    return placed


def _plain(record: object, kind: type[_R], **changes: Any) -> _R:
    """``record`` as an instance of ``kind`` itself (the loader's class), with ``changes``."""
    names = [f.name for f in dataclasses.fields(kind)]
    values = {name: getattr(record, name) for name in names} | changes
    return kind(**values)


def report(
    kpis: Sequence[Kpi],
    *,
    meta: Meta | None = None,
    periods: Sequence[PeriodValue] | None = None,
    breakdown: Sequence[BreakdownRow] | None = None,
    problems: Sequence[Problem] | None = None,
    goals: Sequence[Goal] | None = None,
    tasks: Sequence[Task] | None = None,
    risks: Sequence[Risk] | None = None,
    resources: Sequence[Resource] | None = None,
    values: Sequence[ValueRow] | None = None,
    source: str | Path = SOURCE,
    titles: Mapping[str, str] | None = None,
) -> Report:
    """A Report as the loader makes it from a workbook with these rows.

    ``meta`` None: no meta sheet; a sheet given (even as ``[]``) is in ``report.sheets``.
    ``titles`` names the sheets as the workbook does ({"kpis": "指标"}); locations use
    them. KPI references resolve as in the loader; an unknown or ambiguous one, a
    duplicate KPI key and a quarter given both as a quarter and as months raise
    ValueError (the loader refuses them too).
    """
    path = Path(source)
    file = str(path)
    names = dict(titles or {})

    def title(sheet: str) -> str:
        return names.get(sheet, sheet)

    seen: set[str] = set()
    for k in kpis:
        if match_key(k.key) in seen:
            raise ValueError(f"duplicate KPI {k.key!r}")
        seen.add(match_key(k.key))
    built_meta = meta or Meta()
    placed_kpis = _located(kpis, file, title("kpis"))
    index = _Kpis(placed_kpis)
    placed_kpis = [
        dataclasses.replace(k, drivers=tuple(_driver_key(index, d) for d in k.drivers))
        if k.drivers
        else k
        for k in placed_kpis
    ]

    def key_of(ref: str | None, sheet: str) -> str | None:
        found = index.resolve(ref, sheet)
        return found.key if found else None

    built_periods = [
        dataclasses.replace(
            value,
            kpi=key_of(value.kpi, "periods") or "",
            period=value.period
            if value.period.year is not None
            else Period(built_meta.year, value.period.quarter, value.period.month),
        )
        for value in periods or ()
    ]
    _check_grain(built_periods)
    built_goals = []
    for g in goals or ():
        linked = index.resolve(g.kpi, "goals")
        changes: dict[str, Any] = {"kpi": linked.key if linked else None}
        if isinstance(g, _GoalOfNamedKpi) and linked is not None:
            changes["unit"] = g.unit or linked.unit
            if not g.direction_given:
                changes["direction"] = linked.direction
        built_goals.append(_plain(g, Goal, **changes))
    built_risks = []
    for r in risks or ():
        linked = index.resolve(r.kpi, "risks")
        changes = {"kpi": linked.key if linked else None}
        if isinstance(r, _RiskOfNamedKpi) and r.threshold_text and linked is not None:
            changes["threshold"] = parse_threshold(r.threshold_text, linked.unit)
        built_risks.append(_plain(r, Risk, **changes))
    built_breakdown = [
        dataclasses.replace(row, kpi=key_of(row.kpi, "breakdown") or "") for row in breakdown or ()
    ]
    built_problems = [dataclasses.replace(p, kpi=key_of(p.kpi, "problems")) for p in problems or ()]
    built_values = [dataclasses.replace(v, kpi=key_of(v.kpi, "value") or "") for v in values or ()]
    given = {
        "meta": meta,
        "periods": periods,
        "breakdown": breakdown,
        "problems": problems,
        "goals": goals,
        "tasks": tasks,
        "risks": risks,
        "resources": resources,
        "value": values,
    }
    return Report(
        source=path,
        meta=built_meta,
        kpis=placed_kpis,
        periods=_located(built_periods, file, title("periods")),
        breakdown=_located(built_breakdown, file, title("breakdown")),
        problems=_located(built_problems, file, title("problems")),
        goals=_located(built_goals, file, title("goals")),
        tasks=_located(tasks or (), file, title("tasks")),
        risks=_located(built_risks, file, title("risks")),
        resources=_located(resources or (), file, title("resources")),
        values=_located(built_values, file, title("value")),
        sheets=frozenset({"kpis"} | {name for name, rows in given.items() if rows is not None}),
    )


def _driver_key(index: _Kpis, ref: str) -> str:
    """A driver reference resolved as the loader does; itself is refused there too."""
    found = index.resolve(ref, "kpis drivers")
    assert found is not None
    return found.key


def _check_grain(values: Sequence[PeriodValue]) -> None:
    """The loader refuses a KPI's period twice, and a quarter given as a quarter and as months."""
    grains: dict[tuple[str, int | None, int], set[bool]] = {}
    seen: set[tuple[str, Period]] = set()
    for value in values:
        if (value.kpi, value.period) in seen:
            raise ValueError(f"{value.kpi} {value.period.label} appears twice")
        seen.add((value.kpi, value.period))
        key = (value.kpi, value.period.year, value.period.quarter)
        grains.setdefault(key, set()).add(value.period.month is None)
    for (kpi_key, year, quarter), kinds in grains.items():
        if len(kinds) > 1:
            raise ValueError(f"{kpi_key} Q{quarter} {year}: given as a quarter and as months")


# --------------------------------------------------------------------------- above the report


def metrics(built: Report, settings: Settings = DEFAULT_SETTINGS) -> Metrics:
    """The engine's figures of a built report (engine.metrics.compute)."""
    return compute(built, settings)


def analysis(built: Report, settings: Settings = DEFAULT_SETTINGS) -> Analysis:
    """What ``opsreport.analyze`` returns for the workbook the report stands for."""
    computed = compute(built, settings)
    return Analysis(built, computed, tuple(built.warnings) + tuple(content_warnings(computed)))


def context(
    built: Report,
    lang: str | None = None,
    *,
    today: dt.date | None = None,
    kpis_per_group: int | None = KPIS_PER_GROUP,
) -> ReportContext:
    """The report context of a built report (present.report_context.build_context)."""
    return build_context(compute(built), lang, today=today, kpis_per_group=kpis_per_group)
