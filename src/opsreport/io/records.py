"""The rows of each contract sheet turned into the validated records of core/records.py.

A reader each for meta, kpis and periods (a settings table, duplicate KPIs, wide and
long period layouts); the list sheets (breakdown, problems, goals, tasks, risks,
resources) share one loop, :func:`read_records`, driven by each sheet's
:class:`RecordSheet`. Required values, duplicates, references to unknown KPIs and
impossible combinations (a task ending before it starts, a quarter given as a quarter and as
months) are diagnostics naming the row and column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Generic, TypeVar

from opsreport.core.aggregation import default_aggregation
from opsreport.core.choices import (
    parse_aggregation,
    parse_direction,
    parse_level,
    parse_value_kind,
)
from opsreport.core.dates import parse_date
from opsreport.core.numbers import is_percent_format, parse_number
from opsreport.core.periods import parse_period
from opsreport.core.records import (
    BreakdownRow,
    Goal,
    Kpi,
    Meta,
    PeriodValue,
    Problem,
    Resource,
    Risk,
    Task,
    ValueRow,
)
from opsreport.core.text import match_key, normalize_text
from opsreport.core.thresholds import parse_threshold
from opsreport.core.units import parse_unit
from opsreport.core.value_problem import ValueProblem
from opsreport.io import schema
from opsreport.io.collector import Collector
from opsreport.io.drivers import DriverCell, read_driver_cell, resolve_drivers
from opsreport.io.package import DAMAGED_HINT
from opsreport.io.rows import KpiIndex, RowReader, row_readers
from opsreport.io.sheet_xml import Unreadable, column_letter
from opsreport.io.sheets import RawSheet

__all__ = [
    "BREAKDOWN",
    "GOALS",
    "PROBLEMS",
    "RESOURCES",
    "RISKS",
    "TASKS",
    "VALUES",
    "RecordSheet",
    "Row",
    "check_period_grain",
    "link_resource_tasks",
    "read_kpis",
    "read_meta",
    "read_periods",
    "read_records",
]

R = TypeVar("R")


def read_meta(sheet: RawSheet | None, collector: Collector) -> Meta:
    if sheet is None:
        return Meta()
    values: dict[str, Any] = {}
    extra: dict[str, str] = {}
    for reader in row_readers(sheet, collector):
        key_text = reader.text("key")
        if not key_text:
            continue
        key = schema.match_meta_key(key_text)
        cell = reader.cell("value")
        if key is None:
            value = reader.text("value")
            if value is not None:
                extra[key_text] = value
            continue
        if key in {"year", "plan_year"}:
            cell = reader.cell("value")
            if cell is not None and isinstance(cell.value, str):
                cell.value = re.sub(r"\s*年度?$", "", cell.value.strip())  # 2026年 is a year
            number = reader.number("value")
            if number is not None:
                if number != number.to_integral_value() or not 1900 <= number <= 2200:
                    collector.error(
                        f"{key_text}: not a year ({cell.value if cell else ''})",
                        sheet.title,
                        reader.row_number,
                        "B",
                        hint="write a four-digit year such as 2026",
                        code="bad_value",
                    )
                else:
                    values[key] = int(number)
        elif key == "language":
            text = (reader.text("value") or "").lower()
            language = {"zh": "zh", "中文": "zh", "cn": "zh", "chinese": "zh", "zh-cn": "zh",
                        "en": "en", "english": "en", "英文": "en", "英语": "en"}.get(text)  # fmt: skip
            if text and language is None:
                collector.error(
                    f"{key_text}: unknown language ({text})",
                    sheet.title,
                    reader.row_number,
                    "B",
                    hint="use zh or en",
                    code="bad_value",
                )
            values["language"] = language
        elif key == "team_size":
            extra["team_size"] = reader.text("value") or ""
        elif key == "date":
            values["date"] = _meta_date(reader, key_text)
        elif key in {"warning_tolerance", "warning_tolerance_pp"}:
            values[key] = _meta_tolerance(reader, key_text, points=key.endswith("_pp"))
        else:
            values[key] = reader.text("value")
    year = values.get("year")
    return Meta(
        title=values.get("title"),
        org=values.get("org"),
        year=year,
        plan_year=values.get("plan_year") or (year + 1 if year else None),
        author=values.get("author"),
        language=values.get("language"),
        company_goals=values.get("company_goals"),
        mandate=values.get("mandate"),
        date=values.get("date"),
        extra=extra,
        warning_tolerance=values.get("warning_tolerance"),
        warning_tolerance_pp=values.get("warning_tolerance_pp"),
    )


def _meta_date(reader: RowReader, key_text: str) -> dt.date | None:
    """The report's date (日期): a date cell or text such as 2027-01-15 or 2027年1月15日."""
    cell = reader._raw("value")
    if cell is None:
        return None
    try:
        return parse_date(cell.value, epoch=reader.sheet.epoch)
    except ValueProblem as problem:
        reader.collector.error(f"{key_text}: {problem.message}", reader.sheet.title, cell.row,
                               cell.column, hint=problem.hint, code="bad_value")  # fmt: skip
        return None


def _meta_tolerance(reader: RowReader, key_text: str, *, points: bool) -> Decimal | None:
    """A plan's warning tolerance (预警容差): percent of an amount's target (``5%``), or
    for rates percentage points (``2个百分点``); from 0 to 100."""
    number = reader.number("value", "pp" if points else "%")
    if number is None or 0 <= number <= 100:
        return number
    cell = reader.cell("value")
    example = "2个百分点 (2pp)" if points else "5%"
    reader.collector.error(
        f"{key_text}: not a warning tolerance ({cell.value if cell else number})",
        reader.sheet.title,
        reader.row_number,
        "B",
        hint=f"write a tolerance from 0 to 100, e.g. {example}",
        code="bad_value",
    )
    return None


_NUMBER_FIELDS = ("target", "actual", "prior_year", "next_target", "base", "benchmark")


def read_kpis(sheet: RawSheet, collector: Collector) -> list[Kpi]:
    kpis: list[Kpi] = []
    first_row: dict[str, int] = {}
    driver_cells: dict[int, DriverCell] = {}
    for reader in row_readers(sheet, collector):
        name = reader.text("name")
        kpi_id = reader.text("id")
        if not name:
            if "name" not in reader.refused and any(
                reader.cell(f) is not None for f in ("name", "id", *_NUMBER_FIELDS)
            ):
                collector.error(
                    "a KPI without a name",
                    sheet.title,
                    reader.row_number,
                    reader.location("name").column,
                    hint="give every KPI row a name (指标)",
                    code="missing_name",
                )
            continue
        unit = reader.text("unit") or ""
        if not unit and any(reader.is_percent(f) for f in ("target", "actual", "prior_year")):
            unit = "%"  # shown as percentages in Excel: a rate
        numbers = {f: reader.number(f, unit) for f in _NUMBER_FIELDS}
        aggregation = reader.parsed("aggregation", parse_aggregation)
        weight = _weight(reader)
        key = kpi_id or name
        folded = match_key(key)
        if folded in first_row:
            collector.error(
                f"duplicate KPI {'id' if kpi_id else 'name'} {key!r} (first on row {first_row[folded]})",
                sheet.title,
                reader.row_number,
                reader.location("id" if kpi_id else "name").column,
                hint="give each KPI its own id",
                code="duplicate_kpi",
            )
            continue
        first_row[folded] = reader.row_number
        if (drivers := read_driver_cell(reader)) is not None:
            driver_cells[len(kpis)] = drivers
        kpis.append(
            Kpi(
                key=key,
                name=name,
                id=kpi_id,
                group=reader.text("group"),
                base_name=reader.text("base_name"),
                unit=unit,
                direction=reader.parsed("direction", parse_direction) or "higher",
                aggregation=aggregation or default_aggregation(unit, name),
                aggregation_inferred=aggregation is None,
                weight=weight,
                owner=reader.text("owner"),
                source=reader.text("source"),
                note=reader.text("note"),
                location=reader.location(),
                benchmark_name=reader.text("benchmark_name"),
                target_growth=_target_growth(reader, unit, numbers["prior_year"]),
                target=numbers["target"],
                actual=numbers["actual"],
                prior_year=numbers["prior_year"],
                next_target=numbers["next_target"],
                base=numbers["base"],
                benchmark=numbers["benchmark"],
            )
        )
    if driver_cells:
        kpis = resolve_drivers(kpis, driver_cells, collector)
    if not kpis and not collector.has_errors:
        collector.error(
            "no KPI rows under the header",
            sheet.title,
            sheet.header_row,
            hint="add one row per KPI with at least its name",
            code="no_kpis",
        )
    return kpis


_POINT_WORDS = ("pp", "ppt", "百分点", "pct")


def _target_growth(reader: RowReader, unit: str, prior: Decimal | None) -> Decimal | None:
    """目标增幅: percent for amounts (30%, or 0.3 in a %-formatted cell, is 30), points for
    rates (+3, 3个百分点 or 3pp is 3). A percent on a rate KPI (3 points or 3% of last
    year?) and points on an amount KPI are refused; a plain number on an amount is
    percent (30 is +30%), and one below 1 is said back (0.3 reads as +0.3%)."""
    cell = reader._raw("target_growth")
    if cell is None:
        return None
    rate = _is_rate(unit)
    if isinstance(cell.value, str):
        typed = normalize_text(cell.value).lower()
        percent = typed.endswith(("%", "％"))
        points = any(word in typed for word in _POINT_WORDS)
    else:
        typed = ""
        percent, points = is_percent_format(cell.number_format), False
    where = (reader.sheet.title, cell.row, cell.column)
    if rate and percent:
        reader.refused.add("target_growth")
        reader.collector.error(
            f"target_growth: a percent ({cell.value!r}) on a rate KPI: percentage points, "
            "or percent of last year's rate?",
            *where,
            hint="a rate's growth target is in percentage points: write +3 or 3个百分点",
            code="bad_value",
        )
        return None
    if not rate and points:
        reader.refused.add("target_growth")
        reader.collector.error(
            f"target_growth: percentage points ({cell.value!r}) on a KPI in {unit or 'no unit'}",
            *where,
            hint="an amount's growth target is a percent of last year: write 30%",
            code="bad_value",
        )
        return None
    try:
        growth = parse_number(cell.value, number_format=cell.number_format, unit=parse_unit("%"))
    except ValueProblem as problem:
        reader._problem("target_growth", problem, cell)
        return None
    if growth is None:
        return None
    if not rate and not percent and 0 < abs(growth) < 1:
        reader.collector.warning(
            f"target_growth: {typed or cell.value} is read as {growth:+}% (a plain number is "
            "a percent)",
            *where,
            hint="write 30% (or format the cell as a percentage) if you mean thirty percent",
            code="growth_plain_fraction",
        )
    if prior is None:
        reader.collector.warning(
            "target_growth: the KPI has no prior year, so the growth target makes no target",
            *where,
            hint="fill in the prior year (上年), or give the target itself (目标)",
            code="growth_without_prior",
        )
    elif not rate and prior < 0:
        reader.collector.warning(
            "target_growth: the prior year is negative, so a percent growth on it makes no target",
            *where,
            hint="give the target itself (目标)",
            code="growth_negative_prior",
        )
    return growth


def _is_rate(unit: str) -> bool:
    return parse_unit(unit).is_rate


def _weight(reader: RowReader) -> Decimal | None:
    """Weights are relative: 20%, 0.2 and 20 all mean a fifth when the others match."""
    cell = reader._raw("weight")
    if cell is None:
        return None
    try:
        value = parse_number(cell.value, number_format=cell.number_format)
    except ValueProblem as problem:
        reader._problem("weight", problem, cell)
        return None
    if value is not None and reader.is_percent("weight"):
        value = value / 100
    if value is not None and value < 0:
        reader.collector.error(
            "weight: a negative weight",
            reader.sheet.title,
            cell.row,
            cell.column,
            hint="weights are zero or positive",
            code="bad_value",
        )
        return None
    return value


def read_periods(
    sheet: RawSheet, index: KpiIndex, year: int | None, collector: Collector
) -> list[PeriodValue]:
    values: list[PeriodValue] = []
    seen: dict[tuple[str, Any], int] = {}
    for reader in row_readers(sheet, collector):
        kpi = index.resolve(reader)
        if kpi is None:
            continue
        if sheet.wide_periods:
            for column, period in sheet.wide_periods.items():
                cell = reader.cells.get(column)
                if cell is None:
                    continue
                if isinstance(cell.value, Unreadable):
                    collector.error(f"{period.label}: {cell.value}", sheet.title, cell.row,
                                    cell.column, hint=DAMAGED_HINT, code="damaged_cell")  # fmt: skip
                    continue
                if cell.is_error:
                    collector.error(
                        f"{period.label}: an Excel error value ({cell.value})",
                        sheet.title, cell.row, cell.column,
                        hint="fix the formula or type the figure", code="excel_error",
                    )  # fmt: skip
                    continue
                try:
                    actual = parse_number(
                        cell.value, number_format=cell.number_format, unit=kpi.unit_info
                    )
                except ValueProblem as problem:
                    collector.error(f"{period.label}: {problem.message}", sheet.title, cell.row, cell.column,
                                    hint=problem.hint, code="bad_value")  # fmt: skip
                    continue
                full = period if period.year else type(period)(year, period.quarter, period.month)
                values.append(PeriodValue(kpi.key, full, actual, location=reader.location()))
            continue
        period = reader.parsed("period", parse_period)
        if period is None:
            if reader.cell("period") is None:
                collector.error("a row without a period", sheet.title, reader.row_number,
                                reader.location("period").column, hint="fill in the period (2026Q1, 3月 …)",
                                code="missing_value")  # fmt: skip
            continue
        if period.year is None:
            period = type(period)(year, period.quarter, period.month)
        marker = (kpi.key, period)
        if marker in seen:
            collector.error(
                f"{kpi.name} {period.label} appears twice (first on row {seen[marker]})",
                sheet.title,
                reader.row_number,
                reader.location("period").column,
                hint="keep one row per KPI and period",
                code="duplicate_period",
            )
            continue
        seen[marker] = reader.row_number
        values.append(
            PeriodValue(
                kpi.key,
                period,
                actual=reader.number("actual", kpi.unit),
                target=reader.number("target", kpi.unit),
                prior_year=reader.number("prior_year", kpi.unit),
                location=reader.location(),
            )
        )
    return values


def check_period_grain(
    values: list[PeriodValue], sheet: RawSheet | None, collector: Collector
) -> None:
    """A quarter given both as a quarter row and as month rows would be counted twice."""
    grains: dict[tuple[str, int | None, int], set[str]] = {}
    first: dict[tuple[str, int | None, int], PeriodValue] = {}
    seen: set[tuple[str, Any]] = set()
    for value in values:
        key = (value.kpi, value.period.year, value.period.quarter)
        grains.setdefault(key, set()).add("month" if value.period.month else "quarter")
        first.setdefault(key, value)
        marker = (value.kpi, value.period)
        if marker in seen and sheet is not None and sheet.wide_periods:
            where = value.location
            collector.error(
                f"{value.kpi} {value.period.label} appears twice",
                sheet.title, where.row if where else None,
                hint="keep one row per KPI", code="duplicate_period",
            )  # fmt: skip
        seen.add(marker)
    for key, kinds in grains.items():
        if len(kinds) > 1 and sheet is not None:
            where = first[key].location
            collector.error(
                f"{key[0]} Q{key[2]}{f' {key[1]}' if key[1] else ''} is given both as a quarter and as months",
                sheet.title, where.row if where else None,
                hint="keep either the quarter row or its month rows, not both (they would be counted twice)",
                code="mixed_period_grain",
            )  # fmt: skip


# --------------------------------------------------------------------------- list sheets
# breakdown, problems, goals, tasks, risks and resources share one loop (read_records):
# each sheet declares which fields make a row a record, whether the row names a KPI, and
# what a row without them is; its builder turns one row into its record.


@dataclass(frozen=True)
class Row:
    """One row of a list sheet as its builder gets it: the key fields' texts, already read."""

    reader: RowReader
    texts: dict[str, str | None]
    kpi: Kpi | None
    plan_year: int | None


@dataclass(frozen=True)
class RecordSheet(Generic[R]):
    """How the rows of one list sheet become records, read by :func:`read_records`.

    ``keys`` are read first, in order: a row where none holds text is no record. With
    ``refers_to_kpi`` the row's KPI reference is resolved next, so an unknown KPI is an
    error on any row. A row without its keys is skipped silently, unless ``missing`` is
    given: then it is that error (with ``missing_hint``) when one of ``missing_if_any`` is
    filled, or always if that is empty. ``build`` may still refuse a row (None).
    """

    keys: tuple[str, ...]
    build: Callable[[Row], R | None]
    refers_to_kpi: bool = False
    missing: str = ""
    missing_hint: str = ""
    missing_if_any: tuple[str, ...] = ()


def read_records(
    sheet: RawSheet,
    spec: RecordSheet[R],
    index: KpiIndex,
    plan_year: int | None,
    collector: Collector,
) -> list[R]:
    """The records of a list sheet, each row read as ``spec`` says."""
    records: list[R] = []
    for reader in row_readers(sheet, collector):
        texts = {key: reader.text(key) for key in spec.keys}
        kpi = index.resolve(reader) if spec.refers_to_kpi else None
        if all(text is None for text in texts.values()):
            if spec.missing and (
                not spec.missing_if_any
                or any(reader.cell(f) is not None for f in spec.missing_if_any)
            ):
                collector.error(spec.missing, sheet.title, reader.row_number,
                                reader.location(spec.keys[0]).column, hint=spec.missing_hint,
                                code="missing_value")  # fmt: skip
            continue
        record = spec.build(Row(reader, texts, kpi, plan_year))
        if record is not None:
            records.append(record)
    return records


def _breakdown_row(row: Row) -> BreakdownRow | None:
    reader, kpi = row.reader, row.kpi
    if kpi is None:
        if reader.cell("kpi") is None:
            reader.collector.error("a row without a KPI", reader.sheet.title, reader.row_number,
                                   reader.location("kpi").column, hint="say which KPI the figures belong to",
                                   code="missing_value")  # fmt: skip
        return None
    return BreakdownRow(
        dimension=reader.text("dimension") or "",
        item=row.texts["item"] or "",
        kpi=kpi.key,
        actual=reader.number("actual", kpi.unit),
        prior_year=reader.number("prior_year", kpi.unit),
        target=reader.number("target", kpi.unit),
        location=reader.location(),
    )


def _problem(row: Row) -> Problem:
    reader = row.reader
    return Problem(
        area=reader.text("area"),
        problem=row.texts["problem"] or "",
        kpi=row.kpi.key if row.kpi else None,
        subjective=reader.text("subjective"),
        objective=reader.text("objective"),
        impact=reader.text("impact"),
        action=reader.text("action"),
        location=reader.location(),
    )


def _goal(row: Row) -> Goal:
    reader, kpi = row.reader, row.kpi
    unit = reader.text("unit") or (kpi.unit if kpi else "")
    quarters = tuple(reader.number(f"q{q}", unit) for q in range(1, 5))
    return Goal(
        goal=row.texts["goal"] or "",
        kpi=kpi.key if kpi else None,
        baseline=reader.number("baseline", unit),
        target=reader.number("target", unit),
        unit=unit,
        direction=reader.parsed("direction", parse_direction)
        or (kpi.direction if kpi else "higher"),
        deadline=reader.parsed(
            "deadline",
            parse_date,
            default_year=row.plan_year,
            week_end=True,
            epoch=reader.sheet.epoch,
        ),
        owner=reader.text("owner"),
        measure=reader.text("measure"),
        aligns_to=reader.text("aligns_to"),
        base=reader.number("base", unit),
        base_name=reader.text("base_name"),
        quarter_targets=quarters,  # type: ignore[arg-type]
        location=reader.location(),
    )


def _task(row: Row) -> Task:
    reader, plan_year, epoch = row.reader, row.plan_year, row.reader.sheet.epoch
    start = reader.parsed("start", parse_date, default_year=plan_year, epoch=epoch)
    end = reader.parsed("end", parse_date, default_year=plan_year, week_end=True, epoch=epoch)
    if start and end and end < start:
        reader.collector.error(
            f"the task ends ({end}) before it starts ({start})",
            reader.sheet.title,
            reader.row_number,
            reader.location("end").column,
            hint="swap the dates or correct one of them",
            code="bad_dates",
        )
    return Task(
        phase=reader.text("phase"),
        task=row.texts["task"] or "",
        start=start,
        end=end,
        owner=reader.text("owner"),
        milestone=reader.text("milestone"),
        deliverable=reader.text("deliverable"),
        location=reader.location(),
    )


def _risk(row: Row) -> Risk:
    reader, kpi = row.reader, row.kpi
    threshold = None
    raw = reader.text("threshold")
    if raw:
        cell = reader.cell("threshold")
        assert cell is not None
        if kpi is None and reader.cell("kpi") is None:
            reader.collector.error(
                "a threshold without a KPI to watch",
                reader.sheet.title,
                cell.row,
                cell.column,
                hint="fill in the KPI (触发指标) the threshold applies to",
                code="threshold_without_kpi",
            )
        elif kpi is not None:
            try:
                threshold = parse_threshold(raw, kpi.unit)
            except ValueProblem as problem:
                reader._problem("threshold", problem, cell)
    return Risk(
        risk=row.texts["risk"] or "",
        category=reader.text("category"),
        likelihood=reader.parsed("likelihood", parse_level),
        impact=reader.parsed("impact", parse_level),
        kpi=kpi.key if kpi else None,
        threshold=threshold,
        response=reader.text("response"),
        owner=reader.text("owner"),
        location=reader.location(),
    )


def _resource(row: Row) -> Resource:
    reader, category, item = row.reader, row.texts["category"], row.texts["item"]
    plan_year, epoch = row.plan_year, reader.sheet.epoch
    unit = reader.text("unit") or ""
    start = reader.parsed("start", parse_date, default_year=plan_year, epoch=epoch)
    end = reader.parsed("end", parse_date, default_year=plan_year, week_end=True, epoch=epoch)
    if start and end and end < start:
        reader.collector.error(
            f"the resource ends ({end}) before it starts ({start})",
            reader.sheet.title,
            reader.row_number,
            reader.location("end").column,
            hint="swap the dates or correct one of them",
            code="bad_dates",
        )
    return Resource(
        category=category or item or "",
        item=item,
        amount=reader.number("amount", unit),
        unit=unit,
        note=reader.text("note"),
        location=reader.location(),
        start=start,
        end=end,
        task=reader.text("task"),
    )


def link_resource_tasks(
    resources: list[Resource], tasks: list[Task], sheet: RawSheet, collector: Collector
) -> list[Resource]:
    """Each resource's ``task`` as the tasks sheet spells it; a name no task has, or two
    tasks share, is an error on the resource's task cell of ``sheet`` (like an unknown KPI).

    Run after both sheets are read: a resource may name a task of any row."""
    index = sheet.columns.get("task")
    column = column_letter(index) if index is not None else None
    names: dict[str, list[str]] = {}
    for task in tasks:
        names.setdefault(match_key(task.task), []).append(task.task)
    linked = []
    for resource in resources:
        if resource.task is None:
            linked.append(resource)
            continue
        found = names.get(match_key(resource.task), [])
        row = resource.location.row if resource.location else None
        if len(found) == 1:
            linked.append(replace(resource, task=found[0]))
            continue
        if found:
            collector.error(
                f"task: the name {resource.task!r} fits {len(found)} tasks",
                sheet.title, row, column,
                hint="give the tasks different names in the tasks sheet",
                code="ambiguous_task",
            )  # fmt: skip
        else:
            examples = ", ".join(repr(t.task) for t in tasks[:3])
            collector.error(
                f"task: unknown task {resource.task!r}",
                sheet.title, row, column,
                hint=f"use the name of a row of the tasks sheet (e.g. {examples})"
                if tasks
                else "the workbook has no tasks sheet with a task of that name: add it there",
                code="unknown_task",
            )  # fmt: skip
        linked.append(replace(resource, task=None))
    return linked


def _value_row(row: Row) -> ValueRow | None:
    """A value row needs its label, KPI, a positive amount and its kind; the unit should be
    given (a value without one cannot be added to the others)."""
    reader, kpi = row.reader, row.kpi
    title, collector = reader.sheet.title, reader.collector
    unit = reader.text("unit") or ""
    amount = reader.number("amount", unit)
    kind = reader.parsed("kind", parse_value_kind)
    if kpi is None and reader.cell("kpi") is None:
        collector.error("a value row without its KPI", title, reader.row_number,
                        reader.location("kpi").column,
                        hint="say which KPI's result was worth this (关联指标)",
                        code="missing_value")  # fmt: skip
    if amount is None and "amount" not in reader.refused:
        collector.error("a value row without an amount", title, reader.row_number,
                        reader.location("amount").column, hint="fill in the amount (金额)",
                        code="missing_value")  # fmt: skip
    elif amount is not None and amount < 0:
        collector.error(f"amount: a negative amount ({amount})", title, reader.row_number,
                        reader.location("amount").column,
                        hint="type the amount as a positive figure; the kind (类型) says "
                        "whether it is a loss (损失)", code="bad_value")  # fmt: skip
        amount = None
    if kind is None and "kind" not in reader.refused:
        collector.error("a value row without its kind", title, reader.row_number,
                        reader.location("kind").column,
                        hint="use gain, saving, cash or loss (收益/节省/现金流/损失)",
                        code="missing_value")  # fmt: skip
    if kpi is None or amount is None or kind is None:
        return None
    if not unit:
        collector.warning("a value without a unit: it is left out of the totals",
                          title, reader.row_number, reader.location("unit").column,
                          hint="give its unit (亿元, 万元, 元, USD m …)",
                          code="value_without_unit")  # fmt: skip
    return ValueRow(
        kpi=kpi.key,
        amount=amount,
        kind=kind,
        label=row.texts["label"],
        unit=unit,
        location=reader.location(),
    )


BREAKDOWN = RecordSheet(
    ("item",),
    _breakdown_row,
    refers_to_kpi=True,
    missing="a row without an item",
    missing_hint="name the channel or category",
)
PROBLEMS = RecordSheet(("problem",), _problem, refers_to_kpi=True)
GOALS = RecordSheet(
    ("goal",),
    _goal,
    refers_to_kpi=True,
    missing="a goal row without the goal text",
    missing_hint="describe the goal in words",
    missing_if_any=("target", "baseline", "kpi"),
)
TASKS = RecordSheet(("task",), _task)
RISKS = RecordSheet(("risk",), _risk, refers_to_kpi=True)
RESOURCES = RecordSheet(("category", "item"), _resource)
VALUES = RecordSheet(
    ("label",),
    _value_row,
    refers_to_kpi=True,
    missing="a value row without its label",
    missing_hint="say what the result was worth in words (价值), e.g. 释放费用空间",
    missing_if_any=("kpi", "amount", "kind", "unit"),
)
