"""Metrics as JSON objects and terminal tables (what ``opsreport metrics`` prints)."""

from __future__ import annotations

from typing import Any

from opsreport.engine.metrics import (
    FigureError,
    KpiResult,
    Metrics,
    figure_problem,
    json_number,
    kpi_label,
)
from opsreport.engine.plan_targets import draft_year, quarter_targets
from opsreport.engine.quarter_resources import resource_schedules
from opsreport.engine.risk_judgement import RiskJudgement, report_risks
from opsreport.engine.selection import featured_quarters, select
from opsreport.engine.story import KpiStory, kpi_stories
from opsreport.engine.value import goal_shares, value_totals
from opsreport.engine.warning_lines import warning_rules
from opsreport.present.formatting import (
    fmt_amount,
    fmt_delta,
    fmt_pct,
    verdict_text,
)
from opsreport.present.kpi_view import kpi_views
from opsreport.present.terminal import terminal_text  # one function for every line printed

__all__ = ["metrics_csv", "metrics_json", "neutralize", "print_table", "terminal_text"]


def _cell(value: object) -> str:
    """A Rich table cell holding user text: ``[…]`` is text, not markup; one line."""
    from rich.markup import escape

    return escape(terminal_text(value))


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralize(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula (=, +, -, @ …) gets a leading ',
    so a KPI named "=HYPERLINK(…)" stays text; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def metrics_csv(metrics: Metrics, what: str = "kpis") -> str:
    """The JSON rows as CSV (nested values as JSON text), safe to open in Excel."""
    import csv
    import io
    import json

    rows = metrics_json(metrics, what)
    stream = io.StringIO()
    if not rows:
        return ""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(list(rows[0]))
    for row in rows:
        writer.writerow(
            [
                neutralize(json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v)
                if v is not None
                else ""
                for v in row.values()
            ]
        )
    return "\ufeff" + stream.getvalue()  # a BOM so that Excel reads UTF-8 (Chinese) correctly


def _narrative_json(metrics: Metrics, result: KpiResult, story: KpiStory) -> dict[str, Any]:
    """The kpis row's narrative fields, from the story the KPI's sentence tells
    (engine/story): benchmark, growth target, drivers and the first driver's chain."""
    kpi = result.kpi

    def label(key: str) -> str:
        named = metrics.report.kpi(key)
        return named.id or named.name

    gap_pct = story.benchmark_gap_pct
    return {
        "target_source": result.target_source,
        "target_growth": json_number(kpi.target_growth),
        "growth": json_number(story.growth),
        "growth_vs_target_pp": json_number(story.growth_gap),
        "benchmark": json_number(kpi.benchmark),
        "benchmark_name": kpi.benchmark_name,
        "benchmark_gap": json_number(story.benchmark_gap),
        "benchmark_gap_pct": json_number(gap_pct * 100 if gap_pct is not None else None),
        "drivers": [label(key) for key in story.drivers],
        # the sentence's first chain, then the KPI it explains: root cause first
        "chain": [label(key) for key in story.chains[0]] + [label(kpi.key)] if story.chains else [],
        "note": kpi.note,
    }


def _value_json(metrics: Metrics) -> list[dict[str, Any]]:
    """One row per value row (its KPI, kind, amount) and the totals of its kind and unit."""
    totals = value_totals(metrics.report.values)
    rows: list[dict[str, Any]] = []
    for worth in metrics.report.values:
        kpi = metrics.report.kpi(worth.kpi)
        base = worth.unit and next(
            (t for t in totals if t.kind == worth.kind and _same_base(t.unit, worth.unit)), None
        )
        rows.append(
            {
                "kpi": kpi.id or kpi.name,
                "label": worth.label,
                "kind": worth.kind,
                "amount": json_number(worth.amount),
                "unit": worth.unit or None,
                "kind_total": json_number(base.amount) if base else None,
                "kind_total_unit": base.unit if base else None,
            }
        )
    return rows


def _same_base(a: str, b: str) -> bool:
    from opsreport.core.units import parse_unit

    return parse_unit(a).base.lower() == parse_unit(b).base.lower()


def metrics_json(metrics: Metrics, what: str = "kpis") -> list[dict[str, Any]]:
    """The rows ``metrics --json`` prints; every number finite (strict JSON)."""
    if what == "kpis":
        selection = select(metrics)
        lead = selection.lead.kpi.key if selection.lead else None
        stories = kpi_stories(metrics)  # the sentences' figures (present/narrative)
        so_far = _year_to_date(metrics)
        return [
            {
                **_kpi_json(result, str(metrics.report.source)),
                "featured": result.kpi.key in selection.featured,
                "lead": result.kpi.key == lead,
                **_narrative_json(metrics, result, stories[result.kpi.key]),
                **so_far.get(result.kpi.key, _NOT_IN_PROGRESS),
            }
            for result in metrics.results
        ]
    if what == "value":
        return _value_json(metrics)
    if what == "goals":
        return [_goal_json(check) for check in metrics.goals]
    if what == "risks":
        year = metrics.report.meta.year
        return [_risk_json(risk, year) for risk in report_risks(metrics)]
    if what == "quarters":
        shown = {id(series) for series in featured_quarters(metrics)}
        return [
            {
                "id": series.kpi.id,
                "name": series.kpi.name,
                "aggregation": series.kpi.aggregation,
                "quarters": [
                    {
                        "period": point.period.label,
                        "actual": json_number(point.actual),
                        "target": json_number(point.target),
                        "prior_year": json_number(point.prior_year),
                        "attainment": json_number(point.attainment),
                        "var_prior": json_number(point.var_prior),
                        "var_prior_pct": json_number(point.var_prior_pct),
                        "change": json_number(point.change),
                        "change_pct": json_number(point.change_pct),
                    }
                    for point in series.points
                ],
                "total_actual": json_number(series.total_actual),
                "annual_gap": json_number(series.annual_gap),
                "featured": id(series) in shown,
            }
            for series in metrics.quarters
        ]
    if what == "resources":
        return _resources_json(metrics)
    if what == "plan":
        return _plan_json(metrics)
    if what == "in_year":
        return _in_year_json(metrics)
    if what == "breakdown":
        from opsreport.engine.contribution import contribution

        return [
            {
                "dimension": table.dimension,
                "kpi": table.kpi.id or table.kpi.name,
                "total_actual": json_number(table.total_actual),
                "total_prior": json_number(table.total_prior),
                "coverage": json_number(table.coverage),
                "change": json_number(share.change),
                "target_gap": json_number(share.target_gap),
                "adds_up": share.adds_up,
                "items": [
                    {
                        "item": item.item,
                        "actual": json_number(item.actual),
                        "prior_year": json_number(item.prior_year),
                        "target": json_number(item.target),
                        "share": json_number(item.share),
                        "share_prior": json_number(item.share_prior),
                        "share_change_pp": json_number(item.share_change_pp),
                        "var_prior_pct": json_number(item.var_prior_pct),
                        "attainment": json_number(item.attainment),
                        "rank": item.rank,
                        "rank_prior": item.rank_prior,
                        "change": json_number(part.change),
                        "change_share": json_number(part.change_share),
                        "good_change": part.good_change,
                        "target_gap": json_number(part.target_gap),
                        "gap_share": json_number(part.gap_share),
                        "good_gap": part.good_gap,
                    }
                    for item, part in zip(table.items, share.items, strict=True)
                ],
            }
            for table in metrics.breakdowns
            for share in [contribution(table)]
        ]
    raise ValueError(f"unknown selection {what!r}")


def _resources_json(metrics: Metrics) -> list[dict[str, Any]]:
    """Each resource by category with its totals, its dates and its amount in each quarter
    of the plan year (engine.quarter_resources: the amounts the plan drafts show)."""
    report = metrics.report
    schedules = resource_schedules(report.resources, report.tasks, draft_year(report))
    by_resource = {id(s.resource): s for s in schedules}
    rows = []
    for category in metrics.resources.categories:
        for line in category.lines:
            resource = line.resource
            total = next((t for t in category.totals if t.unit == resource.unit), None)
            schedule = by_resource.get(id(resource))
            quarters = schedule.quarters if schedule else (None, None, None, None)
            rows.append(
                {
                    "category": category.name,
                    "item": resource.item,
                    "amount": json_number(resource.amount),
                    "unit": resource.unit or None,
                    "share": json_number(line.share),
                    "category_total": json_number(total.amount) if total else None,
                    "category_share_of_all": json_number(total.share_of_all) if total else None,
                    "note": resource.note,
                    "start": resource.start.isoformat() if resource.start else None,
                    "end": resource.end.isoformat() if resource.end else None,
                    "task": resource.task,
                    "basis": schedule.basis if schedule else None,
                    **{f"q{q}": json_number(quarters[q - 1]) for q in range(1, 5)},
                }
            )
    return rows


_NOT_IN_PROGRESS: dict[str, Any] = {"in_progress": False, "ytd": None, "ytd_attainment": None}


def _year_to_date(metrics: Metrics) -> dict[str, dict[str, Any]]:
    """A KPI with no annual actual yet in a year in progress: its year to date and its
    attainment stand in (``in_progress``), by key."""
    from opsreport.engine.in_year import replan

    found = replan(metrics)
    if found is None:
        return {}
    return {
        plan.kpi.key: {
            "in_progress": True,
            "ytd": json_number(plan.ytd),
            "ytd_attainment": json_number(plan.ytd_attainment),
        }
        for plan in found.kpis
        if plan.kpi.actual is None
    }


def _in_year_json(metrics: Metrics) -> list[dict[str, Any]]:
    """The year in progress as its in-year drafts re-plan it (engine.in_year): each KPI's
    quarters so far, year to date, landing forecast and catch-up targets; no rows when the
    workbook's year is not in progress."""
    from opsreport.engine.in_year import replan

    found = replan(metrics)
    if found is None:
        return []
    return [
        {
            "year": found.year,
            "elapsed": found.elapsed,
            "id": plan.kpi.id,
            "name": plan.kpi.name,
            "unit": plan.kpi.unit or None,
            "direction": plan.kpi.direction,
            "aggregation": plan.kpi.aggregation,
            "annual": json_number(plan.annual),
            "quarters": [
                {
                    "quarter": review.quarter,
                    "actual": json_number(review.actual),
                    "target": json_number(review.target),
                    "target_source": review.target_source,
                    "attainment": json_number(review.attainment),
                }
                for review in plan.reviews
            ],
            "ytd": json_number(plan.ytd),
            "ytd_target": json_number(plan.ytd_target),
            "ytd_attainment": json_number(plan.ytd_attainment),
            "year_share": json_number(plan.year_share),
            "landing": json_number(plan.landing),
            "landing_method": plan.landing_method,
            "landing_attainment": json_number(plan.landing_attainment),
            "remaining": json_number(plan.remaining),
            "catch_up": [
                {
                    "quarter": item.quarter,
                    "target": json_number(item.target),
                    "original": json_number(item.original),
                    "change": json_number(item.change),
                    "beyond_best": item.beyond_best,
                }
                for item in plan.catch_up
            ],
            "catch_up_method": plan.catch_up_method,
            "best": json_number(plan.best),
            "places": plan.places,
        }
        for plan in found.kpis
    ]


def _plan_json(metrics: Metrics) -> list[dict[str, Any]]:
    """Next year's quarter targets and their warning lines, as the plan drafts use them."""
    year = draft_year(metrics.report)
    rules = warning_rules(metrics.report, metrics.settings)
    return [
        {
            "year": year,
            "name": target.name,
            "kpi": target.kpi.id or target.kpi.name if target.kpi else None,
            "from_goal": target.goal is not None,
            "unit": target.unit or None,
            "direction": target.direction,
            "aggregation": target.aggregation,
            "baseline": json_number(target.baseline),
            "annual": json_number(target.annual),
            **{f"q{n}": json_number(value) for n, value in enumerate(target.quarters, start=1)},
            "method": target.method,
            "season_year": target.season_year,
            "places": target.places,
            **{f"warning_q{n}": json_number(rules.line(target, n).value) for n in range(1, 5)},
            "warning_tolerance": json_number(rules.tolerance(target).value),
            "warning_tolerance_in": "points" if rules.tolerance(target).in_points else "percent",
            "warning_tolerance_source": rules.tolerance(target).source,
        }
        for target in quarter_targets(metrics)
    ]


def _kpi_json(result: Any, file: str) -> dict[str, Any]:
    try:
        return result.as_json()  # type: ignore[no-any-return]
    except ValueError as exc:  # a figure beyond a float: only from records built by hand
        kpi = result.kpi
        message = f"{kpi_label(kpi)}: cannot be written as JSON ({exc})"
        raise FigureError([figure_problem(message, kpi.location, file)]) from exc


def _goal_json(check: Any) -> dict[str, Any]:
    goal = check.goal
    return {
        "goal": goal.goal,
        "kpi": check.kpi.id or check.kpi.name if check.kpi else None,
        "baseline": json_number(check.baseline),
        "target": json_number(goal.target),
        "unit": goal.unit or None,
        "direction": goal.direction,
        "deadline": goal.deadline.isoformat() if goal.deadline else None,
        "owner": goal.owner,
        "measure": goal.measure,
        "aligns_to": goal.aligns_to,
        "base": json_number(goal.base),
        "base_name": goal.base_name,
        # target ÷ base, a fraction as a KPI's share (engine.value: the 43.2% the goals table says)
        "share": json_number(goal_shares((goal,))[0].share),
        "required_change": json_number(check.required_change),
        "required_change_pct": json_number(check.required_change_pct),
        "achieved_change": json_number(check.achieved_change),
        "smart": {
            letter: {
                "passed": verdict.passed,
                "code": verdict.code,
                "reason": verdict_text(verdict, goal.unit, "en"),
            }
            for letter, verdict in check.letters.items()
        },
        "is_smart": check.is_smart,
        "failed": check.failed,
    }


def _risk_json(result: RiskJudgement, year: int | None) -> dict[str, Any]:
    """A risk judged on this year's annual figures (``judged_on``: the year, or "annual"
    when the workbook gives none) — ``crossed`` is a fact about that year, ``triggered``
    (a live alarm) only ever true for a quarter (see engine.risk_judgement)."""
    risk = result.risk
    return {
        "risk": risk.risk,
        "category": risk.category,
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "score": result.score,
        "level": result.level,
        "kpi": result.kpi.id or result.kpi.name if result.kpi else None,
        "threshold": risk.threshold.text if risk.threshold else None,
        "judged_on": result.period.label if result.period else str(year or "annual"),
        "figure": result.figure,
        "observed": json_number(result.observed),
        "margin": json_number(result.margin),
        "crossed": result.crossed,
        "triggered": result.triggered,
        "reason": result.reason,
        "response": risk.response,
        "owner": risk.owner,
    }


# The columns a terminal has room for, where a table has more (``--json`` has them all).
_TERMINAL_COLUMNS = {
    "plan": ("name", "unit", "baseline", "annual", "q1", "q2", "q3", "q4", "method"),
    "resources": ("category", "item", "amount", "unit", "share", "note"),
}


def print_table(metrics: Metrics, what: str = "kpis", lang: str = "zh") -> None:
    """A terminal table; goals/risks/quarters/breakdown print their JSON rows as a table."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if what != "kpis":
        rows = metrics_json(metrics, what)
        if not rows:
            console.print(f"(no {what})")
            return
        table = Table(show_lines=False)
        keys = list(_TERMINAL_COLUMNS.get(what, ())) or [
            k for k in rows[0] if not isinstance(rows[0][k], (dict, list))
        ]
        for key in keys:
            table.add_column(key)
        for row in rows:
            table.add_row(*("" if row[k] is None else _cell(row[k]) for k in keys))
        console.print(table)
        return
    table = Table(title=_cell(metrics.report.meta.title or str(metrics.report.source)))
    for column, justify in [
        ("KPI", "left"), ("AC", "right"), ("PL", "right"), ("PY", "right"),
        ("ΔPL", "right"), ("ΔPY", "right"), ("attainment", "right"), ("status", "left"),
    ]:  # fmt: skip
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    views = kpi_views(metrics, lang, None)
    for result in metrics.results:
        kpi = result.kpi
        view = views[kpi.key]  # the report's places and label: 9.00亿元 in both
        places = view.places
        colour = {"met": "green", "near": "yellow", "missed": "red"}.get(result.status or "", "")
        table.add_row(
            _cell(kpi.name),
            _cell(fmt_amount(kpi.actual, kpi.unit, places, lang)),  # the unit is user text
            _cell(fmt_amount(kpi.target, kpi.unit, places, lang)),
            _cell(fmt_amount(kpi.prior_year, kpi.unit, places, lang)),
            _cell(fmt_delta(result.var_target, result.var_target_pct, kpi.unit, lang, places)),
            _cell(fmt_delta(result.var_prior, result.var_prior_pct, kpi.unit, lang, places)),
            fmt_pct(result.attainment),
            f"[{colour}]{view.status_label}[/]" if colour else view.status_label,
        )
    console.print(table)


def print_context_outline(data: Any, prefix: str = "", depth: int = 0) -> None:
    """Every key a template may use, with an example value, as an indented outline."""
    import sys

    def show(value: Any) -> str:
        text = terminal_text(value)
        return text if len(text) <= 60 else text[:57] + "…"

    if isinstance(data, dict):
        for key, value in data.items():
            key = terminal_text(key)  # meta.extra's keys are the workbook's text
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(value, (dict, list)) and value:
                sys.stdout.write(f"{'  ' * depth}{path}\n")
                print_context_outline(value, path, depth + 1)
            else:
                sys.stdout.write(f"{'  ' * depth}{path} = {show(value)}\n")
    elif isinstance(data, list):
        sys.stdout.write(
            f"{'  ' * depth}{prefix}[0 … {len(data) - 1}]  ({len(data)} items; the first:)\n"
        )
        print_context_outline(data[0], f"{prefix}[0]", depth + 1)
