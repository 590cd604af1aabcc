"""Reading a KPI workbook into a validated :class:`~opsreport.core.records.Report`.

The loader never writes to the file, checks what the file really is before
parsing it (magic bytes, zip bounds), reads with openpyxl protected by
defusedxml, and reports every problem of a file at once, each naming its
file, sheet and cell. It formats no text for documents.

This module composes the steps, each in its own module: :mod:`~opsreport.io.sniff`
(what the file is), :mod:`~opsreport.io.package` (the workbook-level parts),
:mod:`~opsreport.io.sheets` over :mod:`~opsreport.io.sheet_xml` and
:mod:`~opsreport.io.merges` (each sheet's header and rows), :mod:`~opsreport.io.rows`
and :mod:`~opsreport.io.records` (typed records), within :mod:`~opsreport.io.limits`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from opsreport.core.aggregation import default_aggregation
from opsreport.core.records import Diagnostic, Location, Report
from opsreport.errors import WorkbookError
from opsreport.io import schema
from opsreport.io.campaign_records import CAMPAIGNS
from opsreport.io.collector import Collector
from opsreport.io.limits import DEFAULT_LIMITS, Limits
from opsreport.io.package import WorkbookRefused, open_workbook
from opsreport.io.records import (
    BREAKDOWN,
    GOALS,
    PROBLEMS,
    RESOURCES,
    RISKS,
    TASKS,
    VALUES,
    check_period_grain,
    link_resource_tasks,
    read_kpis,
    read_meta,
    read_periods,
    read_records,
)
from opsreport.io.rows import KpiIndex
from opsreport.io.sheets import RawSheet, read_sheet_guarded
from opsreport.io.sniff import sniff_file

__all__ = ["DEFAULT_LIMITS", "Limits", "WorkbookError", "default_aggregation", "load_report"]


def load_report(path: str | os.PathLike[str], *, limits: Limits = DEFAULT_LIMITS) -> Report:
    """Read, validate and type a KPI workbook; raise :class:`WorkbookError` listing every problem.

    No other exception leaves it for anything in the file: damaged XML, zip or
    deflate data, a part beyond a limit, memory running out on a part are each a
    diagnostic naming the file, the sheet (and the cell) where it can.
    """
    path = Path(path)
    collector = Collector(str(path))
    problems = sniff_file(path, limits)
    if problems:
        raise WorkbookError(problems)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise WorkbookError([Diagnostic("error", f"cannot be opened ({exc.strerror or exc})",
                                        Location(str(path)), "check the file's permissions",
                                        "unreadable")]) from None  # fmt: skip
    with handle:
        try:
            wb = open_workbook(handle, limits)
        except WorkbookRefused as refused:
            raise WorkbookError(
                [
                    Diagnostic(
                        "error", refused.message, Location(str(path)), refused.hint, refused.code
                    )
                ]
            ) from None
        try:
            return _load(path, wb, limits, collector)
        finally:
            wb.close()


def _load(path: Path, wb: Any, limits: Limits, collector: Collector) -> Report:
    if not wb.worksheets:
        collector.error(
            "the workbook has no worksheets openpyxl can read (a Strict Open XML file?)",
            hint="save it in Excel as 'Excel Workbook (.xlsx)', not 'Strict Open XML Spreadsheet'",
            code="no_worksheets",
        )
        raise WorkbookError(collector.items)
    chosen: dict[str, Any] = {}
    for ws in wb.worksheets:
        name = schema.match_sheet(ws.title)
        if name is None:
            collector.warning(
                "unknown sheet is ignored",
                ws.title,
                hint="known sheets: " + ", ".join(schema.SHEETS),
                code="unknown_sheet",
            )
            continue
        if name in chosen:
            collector.error(
                f"two sheets mean {name}: {chosen[name].title!r} and {ws.title!r}",
                ws.title,
                hint="rename or delete one of them",
                code="duplicate_sheet",
            )
            continue
        chosen[name] = ws
    if "kpis" not in chosen:
        collector.error(
            "no kpis sheet (指标)",
            hint="name the sheet with your KPIs kpis or 指标; sheets found: "
            + ", ".join(repr(ws.title) for ws in wb.worksheets),
            code="missing_sheet",
        )
        raise WorkbookError(collector.items)

    raw: dict[str, RawSheet | None] = {}
    for name, ws in chosen.items():
        sheet = read_sheet_guarded(ws, name, wb._archive, limits, collector)
        if sheet is not None:
            sheet.epoch = wb.epoch
        raw[name] = sheet
    meta = read_meta(raw.get("meta"), collector)
    kpi_sheet = raw.get("kpis")
    kpis = read_kpis(kpi_sheet, collector) if kpi_sheet else []
    index = KpiIndex(kpis)
    report = Report(
        source=path, meta=meta, kpis=kpis, sheets=frozenset(n for n, s in raw.items() if s)
    )
    if periods := raw.get("periods"):
        report.periods = read_periods(periods, index, meta.year, collector)
    if breakdown := raw.get("breakdown"):
        report.breakdown = read_records(breakdown, BREAKDOWN, index, meta.plan_year, collector)
    if problems := raw.get("problems"):
        report.problems = read_records(problems, PROBLEMS, index, meta.plan_year, collector)
    if goals := raw.get("goals"):
        report.goals = read_records(goals, GOALS, index, meta.plan_year, collector)
    if tasks := raw.get("tasks"):
        report.tasks = read_records(tasks, TASKS, index, meta.plan_year, collector)
    if risks := raw.get("risks"):
        report.risks = read_records(risks, RISKS, index, meta.plan_year, collector)
    if resources := raw.get("resources"):
        read = read_records(resources, RESOURCES, index, meta.plan_year, collector)
        report.resources = link_resource_tasks(read, report.tasks, resources, collector)
    if values := raw.get("value"):
        report.values = read_records(values, VALUES, index, meta.plan_year, collector)
    if campaigns := raw.get("campaigns"):
        report.campaigns = read_records(campaigns, CAMPAIGNS, index, meta.year, collector)
    if report.periods:
        check_period_grain(report.periods, periods, collector)
    if collector.has_errors:
        raise WorkbookError(collector.items)
    report.warnings = collector.items
    return report
