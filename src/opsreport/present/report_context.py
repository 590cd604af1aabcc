"""The report context: one plain dict that every renderer and template reads.

Built once from the engine's results. Every figure arrives formatted (strings
such as ``"8.37亿元"``, ``"+4.6%"``, ``"104.6%"``) next to its raw value
(``*_value`` floats) for templates that format with the filters. No renderer
computes a figure; ``opsreport context WORKBOOK --json`` prints this dict.
"""

from __future__ import annotations

import datetime as dt

from opsreport.engine.metrics import Metrics, kpi_label
from opsreport.engine.plan_targets import draft_year
from opsreport.engine.risk_judgement import report_risks
from opsreport.engine.selection import KPIS_PER_GROUP, Selection, select
from opsreport.present.breakdown_rows import breakdown_items
from opsreport.present.campaign_rows import campaign_items
from opsreport.present.context_types import AnnualContext, KpiRow, ReportContext, Sections
from opsreport.present.context_values import RENDER_ERRORS, each_item, render_failure
from opsreport.present.goal_rows import goal_item
from opsreport.present.kpi_rows import group_items, kpi_row
from opsreport.present.kpi_view import KpiView, kpi_views
from opsreport.present.labels import LABELS
from opsreport.present.narrative import Narrative
from opsreport.present.plan_rows import resource_items, task_items
from opsreport.present.problem_rows import problem_areas, problem_items
from opsreport.present.quarter_rows import quarter_items
from opsreport.present.risk_rows import risk_item
from opsreport.present.summary import headline
from opsreport.present.value_rows import value_items

__all__ = ["KPIS_PER_GROUP", "LABELS", "build_context"]


def build_context(
    metrics: Metrics,
    lang: str | None = None,
    *,
    today: dt.date | None = None,
    kpis_per_group: int | None = KPIS_PER_GROUP,
) -> ReportContext:
    """Everything a template may use, for one report in one language.

    ``kpis_per_group`` caps the KPIs each dimension lists one by one (``None`` or 0:
    all); ``kpis`` always holds every KPI.
    """
    report = metrics.report
    lang = lang or report.meta.language or "zh"
    if lang not in LABELS:
        raise ValueError(f"unknown language {lang!r}: use zh or en")
    file = str(report.source)
    texts: dict[str, str] = {}
    selection = select(metrics, kpis_per_group)
    views = kpi_views(metrics, lang, selection)
    narrative = Narrative.of(metrics, views, lang)
    built = each_item(
        metrics.results,
        lambda r: kpi_row(r, views[r.kpi.key], lang, texts, narrative),
        lambda r: (kpi_label(r.kpi), r.kpi.location),
        file,
    )
    rows = {row["key"]: row for row in built}
    try:
        return _build_context(metrics, selection, lang, rows, views, today)
    except RENDER_ERRORS as exc:
        raise render_failure(exc, "the report's summary", None, file) from exc


def _build_context(
    metrics: Metrics,
    selection: Selection,
    lang: str,
    rows: dict[str, KpiRow],
    views: dict[str, KpiView],
    today: dt.date | None,
) -> ReportContext:
    report = metrics.report
    file = str(report.source)
    groups = group_items(metrics, rows, views, lang)
    risks = each_item(
        enumerate(report_risks(metrics), start=1),
        lambda item: risk_item(item[0], item[1], report.meta.year, lang),
        lambda item: (f"risk R{item[0]}", item[1].risk.location),
        file,
    )
    meta = report.meta
    plan_year = draft_year(report, today)  # the plan drafts' rule: a title never says "与年"
    title = meta.title or (
        f"{meta.org or ''}{meta.year or ''}年度工作总结与{plan_year}年工作计划"
        if lang == "zh"
        else " ".join(
            part
            for part in (
                meta.org or "Operations",
                str(meta.year or ""),
                f"review and {plan_year} plan",
            )
            if part
        )
    )
    goals = each_item(
        metrics.goals,
        lambda check: goal_item(check, lang),
        lambda check: (f"goal {check.goal.goal[:60]!r}", check.goal.location),
        file,
    )
    problems = problem_items(metrics, rows, lang)
    annual: AnnualContext = {
        "lang": lang,
        "labels": LABELS[lang],
        "meta": {
            "title": title,
            "org": meta.org or "",
            "year": meta.year or "",
            "plan_year": plan_year,
            "author": meta.author or "",
            "date": (meta.date or today or dt.date.today()).isoformat(),  # 报告日期 if given
            "extra": dict(meta.extra),
        },
        "summary": headline(metrics, rows, selection, plan_year, lang),
        "groups": groups,
        "kpis": list(rows.values()),
        "quarters": quarter_items(metrics, selection.quarters, lang),
        "quarters_more": selection.quarters_more,
        "breakdowns": breakdown_items(metrics, lang),
        "problems": problems,
        "problem_areas": problem_areas(problems),
        "goals": goals,
        "goals_not_smart": [g for g in goals if not g["is_smart"]],
        "tasks": task_items(metrics),
        "resources": resource_items(metrics, lang),
        "risks": risks,
        "risks_triggered": [r for r in risks if r["triggered"]],
        "risks_crossed": [r for r in risks if r["crossed"]],
        "value": value_items(metrics, lang),
        "campaigns": campaign_items(metrics, lang),
        "charts": {},
    }
    sections: Sections = {
        "results": bool(rows),
        "value": bool(report.values),
        "quarters": bool(annual["quarters"]),
        "campaigns": bool(report.campaigns),
        "breakdown": bool(annual["breakdowns"]),
        "problems": bool(annual["problems"]),
        "goals": bool(goals),
        "tasks": bool(report.tasks),
        "resources": bool(report.resources),
        "risks": bool(risks),
    }
    return {**annual, "sections": sections}
