"""What a plan draft's templates read: the report context plus the quarter's rows and words.

The figures are decided in ``engine.plan_targets`` (quarter targets, warning lines, the
quarter's tasks and resources, the plan year); here they are formatted, once, as the
plain data every format of the draft shows.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from opsreport.core.records import Report
from opsreport.core.units import parse_unit
from opsreport.engine.in_year import catch_up_targets, replan
from opsreport.engine.metrics import Metrics
from opsreport.engine.plan_targets import (
    QuarterTarget,
    draft_year,
    quarter_bounds,
    quarter_targets,
    tasks_in_quarter,
)
from opsreport.engine.warning_lines import warning_rules
from opsreport.present import formatting as f
from opsreport.present.context_types import (
    Milestone,
    PlanContext,
    PlanLabels,
    PlanSections,
    PlanTarget,
    PlanTask,
    ReportContext,
    TargetFields,
)
from opsreport.present.in_year_rows import IN_YEAR_LABELS, in_year_items, no_in_year
from opsreport.present.plan_resources import BASIS_WORDS, plan_resource_rows
from opsreport.present.quarter_text import (
    QUARTER_TEXT_LABELS,
    quarter_problems,
    starting_point,
)
from opsreport.present.risk_rows import plan_risk_items
from opsreport.present.warning_rows import warning_texts

__all__ = ["PLAN_LABELS", "PlanSource", "TargetTexts", "plan_context", "target_texts"]


class PlanSource(Protocol):
    """What a draft is made from: a workbook's records and figures (an ``Analysis``)."""

    @property
    def report(self) -> Report: ...

    @property
    def metrics(self) -> Metrics: ...


PLAN_LABELS: dict[str, PlanLabels] = {
    "zh": {
        **IN_YEAR_LABELS["zh"],  # the in-year review's and catch-up's words
        **QUARTER_TEXT_LABELS["zh"],
        "title": "{org}{year}年第{quarter}季度运营计划",
        "background": "背景与现状",
        "problem": "问题界定",
        "targets": "本季度目标",
        "path": "实施路径",
        "risks": "风险评估",
        "resources": "资源需求",
        "timeline": "时间轴与里程碑",
        "monitoring": "监控预警",
        "quarter_target": "本季度目标",
        "annual_target": "全年目标",
        "method": "拆分方式",
        "warning_line": "预警线",
        "rule": "预警规则",
        "gap": "差距",
        "undated": "未排期任务",
        "quarter_share": "本季度",
        "annual": "全年",
        "no_tasks": "本季度没有排期的任务。",
        "carries_over": "↔ 表示跨季度的任务",
        "resource_basis": BASIS_WORDS["zh"],
        "methods": {
            "given": "按目标表季度值",
            "seasonal": "按季节性",
            "seasonal_year": "按{year}年季节性",
            "even": "平均拆分（暂无季节性数据，待补充）",
            "path": "基线到年末目标的路径",
            "path_avg": "自基线起的直线路径（四季平均为全年目标）",
            "flat": "全年保持",
            "catch_up": "追赶目标（按前期实际重排）",
            "unreachable": "全年保持（从基线出发的直线路径无法使平均值达标）",
        },
        "aggregations": {"sum": "累计", "last": "期末", "avg": "平均"},
    },
    "en": {
        **IN_YEAR_LABELS["en"],
        **QUARTER_TEXT_LABELS["en"],
        "title": "{org} Q{quarter} {year} operations plan",
        "background": "Background",
        "problem": "Problem definition",
        "targets": "Targets for the quarter",
        "path": "Implementation path",
        "risks": "Risk assessment",
        "resources": "Resources",
        "timeline": "Timeline and milestones",
        "monitoring": "Monitoring",
        "quarter_target": "Quarter target",
        "annual_target": "Annual target",
        "method": "Split",
        "warning_line": "Warning line",
        "rule": "Warning rule",
        "gap": "Gap",
        "undated": "Tasks without dates",
        "quarter_share": "This quarter",
        "annual": "Year",
        "no_tasks": "No task is scheduled in this quarter.",
        "carries_over": "↔ marks a task that runs across the quarter boundary",
        "resource_basis": BASIS_WORDS["en"],
        "methods": {
            "given": "quarter targets from the goals sheet",
            "seasonal": "by seasonality",
            "seasonal_year": "by {year} seasonality",
            "even": "even split (placeholder: no seasonality data)",
            "path": "path from baseline to year-end target",
            "path_avg": "path from baseline (the quarters average the annual target)",
            "flat": "held all year",
            "catch_up": "catch-up (re-planned from the actuals so far)",
            "unreachable": "held all year (no straight path from the baseline averages to it)",
        },
        "aggregations": {"sum": "cumulative", "last": "end of period", "avg": "average"},
    },
}


@dataclass(frozen=True)
class TargetTexts:
    """One quarter target's figures as every quarter's draft shows them, formatted once
    (:func:`target_texts`): a 50,000-KPI check drafts four quarters from one list."""

    target: QuarterTarget
    fields: TargetFields  # name … annual: the row's first keys, in order
    quarters: tuple[str, str, str, str]
    is_rate: bool
    quarter_figures: tuple[str, str, str, str] = ("", "", "", "")  # without the unit


def _method_label(target: QuarterTarget, labels: PlanLabels) -> str:
    """How a row was split; a seasonal split names the year whose quarters shaped it."""
    methods = labels["methods"]
    if target.season_year is not None and target.method == "seasonal":
        return methods["seasonal_year"].format(year=target.season_year)
    if target.method == "path" and target.aggregation == "avg":  # it ends past the target
        return methods["path_avg"]
    return methods[target.method]


def _goal_unit(name: str, unit: str, lang: str) -> str:
    """The unit the goal cell names after the goal (its figures stand bare beside it):
    none when the goal already gives a figure in that unit (直接利润达到9.5亿元, not
    直接利润达到9.5亿元（亿元）); a unit the name only mentions (人效提升, 人) is named."""
    header = f.header_unit(unit, lang)
    if header and re.search(rf"\d\s*{re.escape(header)}", name):
        return ""
    return header


def target_texts(
    metrics: Metrics, lang: str, targets: list[QuarterTarget] | None = None
) -> list[TargetTexts]:
    """What :func:`plan_context` shows of each quarter target in any quarter: next year's
    (:func:`~opsreport.engine.plan_targets.quarter_targets`) or the ``targets`` given
    (an in-year draft's catch-up targets)."""
    labels = PLAN_LABELS[lang]
    texts: dict[str, str] = {}  # equal strings kept once (see context._shared)

    def amount(value: Decimal | None, unit: str, places: int) -> str:
        text = f.fmt_amount(value, unit, places, lang)
        return texts.setdefault(text, text)

    def figure(value: Decimal | None, unit: str, places: int) -> str:
        text = f.fmt_figure(value, unit, places, lang)
        return texts.setdefault(text, text)

    found = []
    for target in quarter_targets(metrics) if targets is None else targets:
        places, unit = target.places, target.unit
        fields: TargetFields = {
            "name": target.name,
            "kpi": target.kpi.name if target.kpi else "",
            "unit": unit,
            "aggregation": labels["aggregations"].get(target.aggregation, target.aggregation),
            "method": _method_label(target, labels),
            "baseline": amount(target.baseline, unit, places),
            "annual": amount(target.annual, unit, places),
            "unit_header": _goal_unit(target.name, unit, lang),
            "baseline_figure": figure(target.baseline, unit, places),
            "annual_figure": figure(target.annual, unit, places),
        }
        q1, q2, q3, q4 = (amount(q, unit, places) for q in target.quarters)
        b1, b2, b3, b4 = (figure(q, unit, places) for q in target.quarters)
        found.append(
            TargetTexts(
                target, fields, (q1, q2, q3, q4), parse_unit(unit).is_rate, (b1, b2, b3, b4)
            )
        )
    return found


def plan_context(
    analysis: PlanSource,
    quarter: int,
    lang: str | None = None,
    *,
    today: dt.date | None = None,
    base: ReportContext | None = None,
    targets: list[TargetTexts] | None = None,
    year: int | None = None,
) -> PlanContext:
    """What a plan template sees: the annual context plus the quarter's own figures.

    ``base`` (the report context :func:`opsreport.present.report_context.build_context` gives for
    this ``lang`` and ``today``) and ``targets`` (:func:`target_texts`) are reused
    instead of built again when given, e.g. for the four quarters of one check; the
    context returned is new, ``base`` is left as it was. ``year``: the draft's year
    (``app.plan.resolve_quarters``), by default the plan year; the workbook's own year
    in progress makes an in-year draft (``in_year``: review, landing, catch-up targets).
    """
    from opsreport.present.report_context import build_context

    metrics = analysis.metrics
    report = analysis.report
    lang = lang or report.meta.language or "zh"
    if base is None:
        base = build_context(metrics, lang, today=today)
    labels = PLAN_LABELS[lang]
    year = year or draft_year(report, today)
    start, end = quarter_bounds(year, quarter)
    replanned = replan(metrics) if year == report.meta.year else None
    if replanned is not None and quarter > replanned.elapsed:
        in_year = in_year_items(replanned, quarter, lang)
        targets = target_texts(metrics, lang, catch_up_targets(replanned))
    else:
        in_year = no_in_year()
    warning = metrics.settings.deviation_warning
    rules = warning_rules(report, metrics.settings)  # 偏离目标 > 2个百分点, meta, default

    rows: list[PlanTarget] = []
    target_list = targets if targets is not None else target_texts(metrics, lang)
    for texts in target_list:
        target = texts.target
        value = target.quarters[quarter - 1]
        line, rule = warning_texts(rules, target, quarter, lang)
        rows.append(
            {
                **texts.fields,
                "quarters": list(texts.quarters),
                "quarter_figures": list(texts.quarter_figures),
                "target": texts.quarters[quarter - 1],
                "target_figure": texts.quarter_figures[quarter - 1],
                "target_value": float(value),
                "warning_line": line,
                "rule": rule,
                "is_rate": texts.is_rate,
            }
        )

    quarter_tasks = tasks_in_quarter(report.tasks, year, quarter)
    phases: dict[str, list[PlanTask]] = {}
    for task in quarter_tasks:
        phases.setdefault(task.phase or "", []).append(
            {
                "task": task.task,
                "start": task.start.isoformat() if task.start else "",
                "end": task.end.isoformat() if task.end else "",
                "owner": task.owner or "",
                "milestone": task.milestone or "",
                "deliverable": task.deliverable or "",
                "carries_over": bool(task.end and task.end > end)
                or bool(task.start and task.start < start),
            }
        )
    milestones: list[Milestone] = []
    for t in report.tasks:
        when = t.end or t.start
        if t.milestone and when is not None and start <= when <= end:
            milestones.append(
                {
                    "milestone": t.milestone,
                    "date": when.isoformat(),
                    "task": t.task,
                    "owner": t.owner or "",
                    "deliverable": t.deliverable or "",
                }
            )
    milestones.sort(key=lambda m: m["date"])
    undated = [t.task for t in report.tasks if t.start is None and t.end is None]

    # What falls in the quarter by its dates (engine.quarter_resources), with the rule used.
    resources, resources_total = plan_resource_rows(report, year, quarter, lang)

    # the KPIs short of target; in a year in progress the review says who is behind
    gaps = (
        [] if in_year["active"] else [k for k in base["kpis"] if k["status"] in {"missed", "near"}]
    )
    # the quarter's own text: the problems its tasks address; for Q2–Q4 of next year where
    # the plan stands as it begins (an in-year draft starts from its review instead)
    addressed = quarter_problems(list(report.problems), base["problems"], quarter_tasks, lang)
    start_texts = [] if in_year["active"] else starting_point(target_list, quarter, lang)
    title = labels["title"].format(org=report.meta.org or "", year=year, quarter=quarter)
    sections: PlanSections = {
        **base["sections"],
        "plan_targets": bool(rows),
        "plan_tasks": bool(quarter_tasks) or bool(report.tasks),
        "plan_resources": bool(resources),
    }
    # Risks judged on the plan's period: the latest quarter in the year, else watched.
    risks = plan_risk_items(metrics, year, quarter, lang)
    context: PlanContext = {
        **base,  # a new dict: ``base`` is left as it was
        "risks": risks,
        "risks_triggered": [r for r in risks if r["triggered"]],
        "risks_crossed": [r for r in risks if r["crossed"]],
        "sections": sections,
        "plan": {
            "title": title.strip(),
            "year": year,
            "quarter": quarter,
            "label": f"{year}Q{quarter}",
            "start": start.isoformat(),
            "end": end.isoformat(),
            "targets": rows,
            "phases": [{"name": name, "tasks": tasks} for name, tasks in phases.items()],
            "task_count": len(quarter_tasks),
            "milestones": milestones,
            "undated": undated,
            "gaps": gaps,
            "problems": addressed,
            "problems_other": len(report.problems) - len(addressed),
            "starting_point": start_texts,
            "resources": resources,
            "resources_total": resources_total,
            "warning_pct": f.fmt_number(warning),
        },
        "plan_labels": labels,
        "in_year": in_year,
    }
    return context
