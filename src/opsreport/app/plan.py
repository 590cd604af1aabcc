"""``opsreport plan``: a quarterly plan draft from the same workbook.

The quarter targets come from next year's goals (and KPIs with a next_target):
the goal's own q1–q4 when given; otherwise the annual target split by this
year's seasonality in ``periods``; otherwise evenly. How a KPI aggregates
decides the split: ``sum`` quarters add up to the year exactly after rounding
(the remainder goes to Q4); ``last`` quarters are a path from the baseline to
the year-end target; ``avg`` quarters average to the annual target.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from opsreport.app.analysis import Analysis
from opsreport.core.records import Goal, Kpi, Report, Task
from opsreport.core.units import convert_unit, parse_unit
from opsreport.engine.metrics import Metrics
from opsreport.present import formatting as f

__all__ = [
    "QuarterTarget",
    "TargetTexts",
    "build_plan",
    "build_plans",
    "draft_year",
    "parse_quarter",
    "plan_context",
    "quarter_bounds",
    "quarter_targets",
    "quarters_to_draft",
    "render_plan_documents",
    "split_annual",
    "target_texts",
    "tasks_in_quarter",
]

FOUR = Decimal(4)


def parse_quarter(text: str, plan_year: int | None) -> int:
    """``Q1``–``Q4`` or ``2027Q1`` (whose year must be the plan year)."""
    match = re.fullmatch(r"(?:(\d{4})[-\s]?)?[Qq]([1-4])", text.strip())
    if not match:
        raise ValueError(f"not a quarter: {text!r} (use Q1–Q4 or e.g. 2027Q1)")
    year = int(match.group(1)) if match.group(1) else None
    if year is not None and plan_year is not None and year != plan_year:
        raise ValueError(f"{text}: the workbook plans {plan_year}, not {year}")
    return int(match.group(2))


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter; 9999 Q4 too (no step into year 10000)."""
    import calendar

    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year, 3 * quarter, calendar.monthrange(year, 3 * quarter)[1])
    return start, end


# --------------------------------------------------------------------------- splits


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
        path = [f.round_half_up(baseline + step * q, places) for q in (1, 2, 3)]  # any size
        return [*path, annual], "path"
    usable = weights is not None and len(weights) == 4 and all(w > 0 for w in weights)
    shares = [w / sum(weights) for w in weights] if usable else [Decimal(1) / FOUR] * 4  # type: ignore[arg-type]
    method = "seasonal" if usable else "even"
    total = annual if how == "sum" else annual * FOUR
    quarters = [f.round_half_up(total * share, places) for share in shares[:3]]
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
        values = [p.actual for p in series.points]
        usable = len(values) == 4 and all(v is not None and v > 0 for v in values)
        seasons[series.kpi.key] = values if usable else None  # type: ignore[assignment]
    return seasons


def quarter_targets(metrics: Metrics) -> list[QuarterTarget]:
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
        places = f.kpi_places(goal.target, baseline, *given)
        if all(q is not None for q in given):
            quarters, method = list(given), "given"  # type: ignore[arg-type]
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
                tuple(quarters),
                method,
                places,
            )  # type: ignore[arg-type]
        )
    for kpi in report.kpis:
        if kpi.next_target is None or kpi.key in covered:
            continue
        places = f.kpi_places(kpi.next_target, kpi.actual)
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
                tuple(quarters),
                method,
                places,
            )  # type: ignore[arg-type]
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


def draft_year(report: Report) -> int:
    """The year the plan drafts: the workbook's plan year, else the year after its own."""
    return report.meta.plan_year or (
        report.meta.year + 1 if report.meta.year else dt.date.today().year
    )


def quarters_to_draft(analysis: Analysis) -> list[int]:
    report = analysis.report
    has_targets = any(g.target is not None for g in report.goals) or any(
        k.next_target is not None for k in report.kpis
    )
    return [1, 2, 3, 4] if has_targets or report.tasks else []


# --------------------------------------------------------------------------- context

PLAN_LABELS = {
    "zh": {
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
        "resource_basis": {"people": "在岗人数", "money": "全年的四分之一", "other": "按计划交付"},
        "methods": {
            "given": "按目标表季度值",
            "seasonal": "按今年季节性",
            "even": "平均拆分",
            "path": "基线到年末目标的路径",
            "flat": "全年保持",
        },
        "aggregations": {"sum": "累计", "last": "期末", "avg": "平均"},
    },
    "en": {
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
        "resource_basis": {
            "people": "headcount in post",
            "money": "a quarter of the year",
            "other": "delivered as planned",
        },
        "methods": {
            "given": "quarter targets from the goals sheet",
            "seasonal": "by this year's seasonality",
            "even": "evenly",
            "path": "path from baseline to year-end target",
            "flat": "held all year",
        },
        "aggregations": {"sum": "cumulative", "last": "end of period", "avg": "average"},
    },
}

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


@dataclass(frozen=True)
class TargetTexts:
    """One quarter target's figures as every quarter's draft shows them, formatted once
    (:func:`target_texts`): a 50,000-KPI check drafts four quarters from one list."""

    target: QuarterTarget
    fields: dict[str, Any]  # name … annual: the row's first keys, in order
    quarters: tuple[str, str, str, str]
    is_rate: bool


def target_texts(metrics: Metrics, lang: str) -> list[TargetTexts]:
    """What :func:`plan_context` shows of each quarter target in any quarter."""
    labels = PLAN_LABELS[lang]
    texts: dict[str, str] = {}  # equal strings kept once (see context._shared)

    def amount(value: Decimal | None, unit: str, places: int) -> str:
        text = f.fmt_amount(value, unit, places, lang)
        return texts.setdefault(text, text)

    found = []
    for target in quarter_targets(metrics):
        places, unit = target.places, target.unit
        fields = {
            "name": target.name,
            "kpi": target.kpi.name if target.kpi else "",
            "unit": unit,
            "aggregation": labels["aggregations"].get(target.aggregation, target.aggregation),
            "method": labels["methods"][target.method],
            "baseline": amount(target.baseline, unit, places),
            "annual": amount(target.annual, unit, places),
        }
        quarters = tuple(amount(q, unit, places) for q in target.quarters)
        found.append(TargetTexts(target, fields, quarters, parse_unit(unit).is_rate))  # type: ignore[arg-type]
    return found


def plan_context(
    analysis: Analysis,
    quarter: int,
    lang: str | None = None,
    *,
    today: dt.date | None = None,
    base: dict[str, Any] | None = None,
    targets: list[TargetTexts] | None = None,
) -> dict[str, Any]:
    """What a plan template sees: the annual context plus the quarter's own figures.

    ``base`` (the report context :func:`opsreport.present.report_context.build_context` gives for
    this ``lang`` and ``today``) and ``targets`` (:func:`target_texts`) are reused
    instead of built again when given, e.g. for the four quarters of one check; the
    context returned is new, ``base`` is left as it was.
    """
    from opsreport.present.report_context import build_context

    metrics = analysis.metrics
    report = analysis.report
    lang = lang or report.meta.language or "zh"
    base = dict(base if base is not None else build_context(metrics, lang, today=today))
    base["sections"] = dict(base["sections"])
    labels = PLAN_LABELS[lang]
    year = draft_year(report)
    start, end = quarter_bounds(year, quarter)
    warning = metrics.settings.deviation_warning
    rule = (
        f"较目标偏离超过{f.fmt_number(warning)}%即预警"
        if lang == "zh"
        else f"alert when more than {f.fmt_number(warning)}% off target"
    )

    rows = []
    for texts in targets if targets is not None else target_texts(metrics, lang):
        target = texts.target
        value = target.quarters[quarter - 1]
        tolerance = value * warning / 100
        line = value - tolerance if target.direction == "higher" else value + tolerance
        rows.append(
            {
                **texts.fields,
                "quarters": list(texts.quarters),
                "target": texts.quarters[quarter - 1],
                "target_value": float(value),
                "warning_line": f.fmt_amount(line, target.unit, max(target.places, 1), lang),
                "rule": rule,
                "is_rate": texts.is_rate,
            }
        )

    quarter_tasks = tasks_in_quarter(report.tasks, year, quarter)
    phases: dict[str, list[dict[str, str]]] = {}
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
    milestones = [
        {
            "milestone": t.milestone,
            "date": (t.end or t.start).isoformat(),
            "task": t.task,
            "owner": t.owner or "",
            "deliverable": t.deliverable or "",
        }
        for t in report.tasks
        if t.milestone and (t.end or t.start) and start <= (t.end or t.start) <= end  # type: ignore[operator]
    ]
    milestones.sort(key=lambda m: m["date"])
    undated = [t.task for t in report.tasks if t.start is None and t.end is None]

    resources = []
    for resource in report.resources:
        if resource.amount is None:
            continue
        kind = resource_kind(resource.unit)
        share = resource.amount / FOUR if kind == "money" else resource.amount
        resources.append(
            {
                "category": resource.category,
                "item": resource.item or "",
                "annual": f.fmt_amount(resource.amount, resource.unit, None, lang),
                "quarter": f.fmt_amount(share.normalize(), resource.unit, None, lang),
                "basis": labels["resource_basis"][kind],
                "note": resource.note or "",
            }
        )

    gaps = [k for k in base["kpis"] if k["status"] in {"missed", "near"}]
    title = labels["title"].format(org=report.meta.org or "", year=year, quarter=quarter)
    base.update(
        {
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
                "resources": resources,
                "warning_pct": f.fmt_number(warning),
            },
            "plan_labels": labels,
        }
    )
    base["sections"].update(
        {
            "plan_targets": bool(rows),
            "plan_tasks": bool(quarter_tasks) or bool(report.tasks),
            "plan_resources": bool(resources),
        }
    )
    return base


# --------------------------------------------------------------------------- rendering


def render_plan_documents(
    analysis: Analysis,
    quarter: int,
    formats: tuple[str, ...],
    *,
    lang: str | None = None,
    template_dir: Path | None = None,
    charts: bool = True,
    today: dt.date | None = None,
    asset_dir_name: str = "charts",
    base: dict[str, Any] | None = None,
    targets: list[TargetTexts] | None = None,
) -> tuple[dict[str, bytes], dict[str, bytes], str]:
    """One quarter's draft in every format, in memory: (documents, chart files, lang).

    ``base`` and ``targets``: see :func:`plan_context`.
    """
    lang = lang or analysis.report.meta.language or "zh"
    context = plan_context(analysis, quarter, lang, today=today, base=base, targets=targets)
    drawn: dict[str, Any] = {}
    if charts:
        from functools import partial

        from opsreport.app.build import chart_encodings
        from opsreport.present import charts as chart_module

        year = context["plan"]["year"]
        start, end = quarter_bounds(year, quarter)
        tasks = tasks_in_quarter(analysis.report.tasks, year, quarter)
        title = context["plan_labels"]["timeline"]
        specs: list[tuple[str, Any, tuple[Any, ...]]] = [
            ("risks", chart_module.risk_matrix_chart, (list(analysis.metrics.risks), lang))
        ]
        if tasks:
            gantt = partial(chart_module.timeline_chart, start=start, end=end, title=title)
            specs.insert(0, ("timeline", gantt, (tasks, lang)))
        drawn = chart_module.draw_charts(specs, encode=chart_encodings(formats))
    from opsreport.app.build import render_formats

    documents, assets = render_formats(
        context, drawn, formats, "plan", template_dir, asset_dir_name
    )
    return documents, assets, lang


def build_plan(
    workbook: str | Path,
    quarter: int,
    *,
    output: Path | None = None,
    formats: tuple[str, ...] = ("docx",),
    lang: str | None = None,
    template_dir: Path | None = None,
    charts: bool = True,
    today: dt.date | None = None,
    analysis: Analysis | None = None,
) -> list[Path]:
    """Write one quarter's plan draft; returns the files written."""
    return build_plans(
        workbook, [quarter], output=output, formats=formats, lang=lang,
        template_dir=template_dir, charts=charts, today=today, analysis=analysis,
    )  # fmt: skip


def build_plans(
    workbook: str | Path,
    quarters: Sequence[int],
    *,
    output: Path | None = None,
    formats: tuple[str, ...] = ("docx",),
    lang: str | None = None,
    template_dir: Path | None = None,
    charts: bool = True,
    today: dt.date | None = None,
    analysis: Analysis | None = None,
) -> list[Path]:
    """Write the plan drafts of ``quarters`` as one all-or-nothing set (every format,
    every chart file); returns the documents written, quarter by quarter.

    ``output`` is a folder, or with one quarter a file name too.
    """
    from opsreport.app.analysis import analyze
    from opsreport.app.build import check_outputs, output_paths, output_set
    from opsreport.io.files import OutputError, write_files

    workbook = Path(workbook)
    if len(quarters) > 1 and output is not None and Path(output).suffix:
        raise OutputError(f"{output}: with several quarters, -o must be a folder")
    analysis = analysis or analyze(workbook)
    year = analysis.report.meta.plan_year or ""
    builds = []
    for quarter in quarters:
        stem = workbook.with_name(f"{workbook.stem}-plan-{year}Q{quarter}.xlsx")
        paths = (
            output_paths(stem, formats, output)
            if output is None or Path(output).suffix == ""
            else output_paths(workbook, formats, output)
        )
        check_outputs(workbook, paths)
        builds.append((quarter, paths))
    rendered = []
    for quarter, paths in builds:
        md_path = paths.get("md")
        documents, assets, _ = render_plan_documents(
            analysis, quarter, formats, lang=lang, template_dir=template_dir, charts=charts,
            today=today, asset_dir_name=f"{md_path.stem}-charts" if md_path else "charts",
        )  # fmt: skip
        rendered.append((paths, documents, assets))
    files, inside = output_set(rendered)
    written = write_files(files, inside=inside, protect=(workbook,))
    return written[: sum(len(documents) for _, documents, _ in rendered)]
