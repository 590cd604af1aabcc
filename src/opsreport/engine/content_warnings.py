"""Warnings about content that loads but probably does not mean what it says.

These never stop a build; ``opsreport check --strict`` turns them into failures.
"""

from __future__ import annotations

from decimal import Decimal

from opsreport.core.records import Diagnostic, Location
from opsreport.engine.metrics import Metrics

__all__ = ["content_warnings"]

_TOLERANCE = Decimal("0.005")


def _plain(value: Decimal | None) -> str:
    """A figure as digits, never in exponent form (1E-15 → 0.000000000000001)."""
    return "–" if value is None else f"{value.normalize():f}"


def content_warnings(metrics: Metrics) -> list[Diagnostic]:
    report = metrics.report
    file = str(report.source)
    found: list[Diagnostic] = []

    def warn(message: str, location: Location | None, hint: str, code: str) -> None:
        found.append(Diagnostic("warning", message, location or Location(file), hint, code))

    if report.meta.year is None and report.meta.plan_year is None:
        warn(
            "the workbook says no year: the report's title has none, and plan drafts are "
            "for the year they are made in",
            Location(file),
            'add a "year" row (年度) to the meta sheet (概况), e.g. year | 2026',
            "no_year",
        )
    judged = {result.kpi.key: result.kpi for result in metrics.results}  # made targets too
    for kpi in report.kpis:
        values = [v for v in (kpi.target, kpi.actual, kpi.prior_year) if v is not None]
        if kpi.unit_info.is_percent and values and all(abs(v) <= 1 for v in values) and any(values):
            warn(
                f"{kpi.name}: a % KPI whose values all look like fractions "
                f"({', '.join(_plain(v) for v in values)}), read as {_plain(values[0])}%",
                kpi.location,
                "format the cells as percentages (0.148 → 14.8%) or type 14.8",
                "percent_as_fraction",
            )
        if kpi.weight is not None and judged[kpi.key].target is None:
            warn(
                f"{kpi.name}: a weight without a target does not count in the score",
                kpi.location,
                "give the KPI a target or remove its weight",
                "weight_without_target",
            )
    for series in metrics.quarters:
        kpi = series.kpi
        gap = series.annual_gap
        if (
            gap is not None
            and kpi.aggregation == "sum"
            and abs(gap) > _TOLERANCE * max(abs(kpi.actual or Decimal(1)), Decimal(1))
        ):
            warn(
                f"{kpi.name}: the quarters add up to {_plain(series.total_actual)}, "
                f"the year says {_plain(kpi.actual)}",
                kpi.location,
                "correct the periods sheet or the annual actual; or set the KPI's aggregation to last/avg",
                "quarters_do_not_add_up",
            )
    for table in metrics.breakdowns:
        if table.coverage is not None and abs(table.coverage - 1) > _TOLERANCE:
            warn(
                f"{table.kpi.name} by {table.dimension or 'item'}: the items add up to "
                f"{_plain(table.total_actual)}, not to the KPI's actual {_plain(table.kpi.actual)}; "
                "shares are of the items' total",
                None,
                "add the missing items (e.g. 其他 / other) or correct the figures",
                "breakdown_does_not_add_up",
            )
    for goal in report.goals:
        given = [q is not None for q in goal.quarter_targets]
        if any(given) and not all(given):
            warn(
                f"goal {goal.goal!r}: only some of q1–q4 are filled; the plan splits the annual target instead",
                goal.location,
                "fill all four quarter targets, or none",
                "partial_quarter_targets",
            )
    for task in report.tasks:
        if task.start is not None and task.end is None:  # (an end alone is a deadline)
            warn(
                f"task {task.task!r} starts {task.start.isoformat()} but has no end: the "
                "task timeline draws it as that one day",
                task.location,
                "give the task an end date; a task without dates is listed, not drawn",
                "task_without_end",
            )
    for check in metrics.goals:
        if not check.is_smart:
            warn(
                f"goal {check.goal.goal!r} is not SMART (fails {'/'.join(check.failed)})",
                check.goal.location,
                "see the SMART verdicts in the report",
                "goal_not_smart",
            )
    return found
