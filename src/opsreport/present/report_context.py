"""The report context: one plain dict that every renderer and template reads.

Built once from the engine's results. Every figure arrives formatted (strings
such as ``"8.37亿元"``, ``"+4.6%"``, ``"104.6%"``) next to its raw value
(``*_value`` floats) for templates that format with the filters. No renderer
computes a figure; ``opsreport context WORKBOOK --json`` prints this dict.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeVar

from opsreport.core.records import Location
from opsreport.core.units import parse_unit
from opsreport.engine.metrics import (
    FigureError,
    GoalCheck,
    KpiResult,
    Metrics,
    RiskResult,
    figure_problem,
    kpi_label,
)
from opsreport.present import formatting as f

__all__ = ["LABELS", "build_context"]

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "results": "经营成果与目标达成",
        "overview": "总体达成情况",
        "quarters": "季度趋势",
        "breakdown": "结构分析",
        "problems": "问题与原因分析",
        "goals": "明年目标（SMART）",
        "tasks": "重点任务与里程碑",
        "resources": "资源需求",
        "risks": "风险与应对",
        "subjective": "主观原因",
        "objective": "客观原因",
        "impact": "影响",
        "action": "改进措施",
        "related": "相关数据",
        "kpi": "指标",
        "ac": "实际",
        "pl": "目标",
        "py": "上年",
        "dpl": "较目标",
        "dpl_pct": "较目标%",
        "dpy": "同比",
        "dpy_pct": "同比%",
        "attainment": "完成率",
        "status": "状态",
        "share": "占比",
        "share_prior": "上年占比",
        "share_change": "占比变化",
        "rank": "排名",
        "item": "项目",
        "period": "期间",
        "qoq": "环比",
        "goal": "目标",
        "baseline": "基线",
        "target": "目标值",
        "change": "需提升",
        "deadline": "截止",
        "owner": "负责人",
        "measure": "衡量口径",
        "aligns_to": "对齐",
        "smart": "SMART检查",
        "phase": "阶段",
        "task": "任务",
        "start": "开始",
        "end": "结束",
        "milestone": "里程碑",
        "deliverable": "交付物",
        "category": "类别",
        "amount": "金额/数量",
        "note": "备注",
        "total": "合计",
        "risk": "风险",
        "likelihood": "可能性",
        "severity": "影响程度",
        "score": "风险值",
        "level": "等级",
        "trigger": "触发条件",
        "observed": "当前值",
        "triggered": "已触发",
        "not_triggered": "未触发",
        "no_trigger": "无量化触发",
        "response": "应对预案",
        "author": "汇报人",
        "date": "日期",
        "org": "部门",
        "not_smart": "不符合SMART",
        "smart_ok": "符合SMART",
        "triggered_header": "已触发的风险",
        "milestones": "里程碑",
        "charts": "图表",
        "next_target": "明年目标",
        "next_change": "需变化",
        "direction_higher": "越高越好",
        "direction_lower": "越低越好",
        "source": "数据来源",
        "colon": "：",
        "quarters_more": "另有{n}项指标的季度数据未逐一列出（见 opsreport metrics --what quarters）。",
        "kpis_more": "另有{n}项指标未逐项列出（{met}项达成、{near}项接近、{missed}项未达成）；完整清单见 opsreport metrics --csv。",
        "gap": "",
        "sep": "；",
    },
    "en": {
        "results": "Results against target",
        "overview": "Overview",
        "quarters": "Quarterly trend",
        "breakdown": "Breakdown",
        "problems": "Problems and their causes",
        "goals": "Next year's SMART goals",
        "tasks": "Tasks and milestones",
        "resources": "Resources",
        "risks": "Risks and responses",
        "subjective": "Subjective causes",
        "objective": "Objective causes",
        "impact": "Impact",
        "action": "Action",
        "related": "Figures",
        "kpi": "KPI",
        "ac": "AC",
        "pl": "PL",
        "py": "PY",
        "dpl": "ΔPL",
        "dpl_pct": "ΔPL%",
        "dpy": "ΔPY",
        "dpy_pct": "ΔPY%",
        "attainment": "Attainment",
        "status": "Status",
        "share": "Share",
        "share_prior": "Share PY",
        "share_change": "Share Δ",
        "rank": "Rank",
        "item": "Item",
        "period": "Period",
        "qoq": "QoQ",
        "goal": "Goal",
        "baseline": "Baseline",
        "target": "Target",
        "change": "Required change",
        "deadline": "Deadline",
        "owner": "Owner",
        "measure": "Measure",
        "aligns_to": "Serves",
        "smart": "SMART check",
        "phase": "Phase",
        "task": "Task",
        "start": "Start",
        "end": "End",
        "milestone": "Milestone",
        "deliverable": "Deliverable",
        "category": "Category",
        "amount": "Amount",
        "note": "Note",
        "total": "Total",
        "risk": "Risk",
        "likelihood": "Likelihood",
        "severity": "Impact",
        "score": "Score",
        "level": "Level",
        "trigger": "Trigger",
        "observed": "Now",
        "triggered": "triggered",
        "not_triggered": "not triggered",
        "no_trigger": "no quantified trigger",
        "response": "Response",
        "author": "Author",
        "date": "Date",
        "org": "Unit",
        "not_smart": "not SMART",
        "smart_ok": "SMART",
        "triggered_header": "Triggered risks",
        "milestones": "Milestones",
        "charts": "Charts",
        "next_target": "Next year's target",
        "next_change": "Change required",
        "direction_higher": "higher is better",
        "direction_lower": "lower is better",
        "source": "Source",
        "colon": ": ",
        "quarters_more": "The quarterly figures of {n} more KPIs are not listed one by one (see opsreport metrics --what quarters).",
        "kpis_more": "Further KPIs not listed one by one: {n} ({met} met, {near} near, {missed} missed); for the full list run opsreport metrics --csv.",
        "gap": " ",
        "sep": "; ",
    },
}


def _float(value: Decimal | None) -> float | None:
    """A figure as a float for templates; never inf or nan (the engine's figures fit)."""
    if value is None:
        return None
    number = float(value)
    if not math.isfinite(number):
        raise OverflowError(f"{value} does not fit a float")
    return number


# What a figure the formatters or floats cannot take raises (Decimal signals are
# ArithmeticErrors); FigureError is a ValueError too, and passes through untouched.
_RENDER_ERRORS = (ArithmeticError, ValueError, TypeError)
_T = TypeVar("_T")
_I = TypeVar("_I")


def _render_failure(
    exc: Exception, subject: str, location: Location | None, file: str
) -> FigureError:
    """A located error for a value the context could not render (a bug's last resort)."""
    if isinstance(exc, FigureError):
        return exc
    message = f"{subject}: a figure could not be rendered ({type(exc).__name__}: {exc})"
    return FigureError([figure_problem(message, location, file, hint="")])


def _each(
    items: Iterable[_I],
    build: Callable[[_I], _T],
    describe: Callable[[_I], tuple[str, Location | None]],
    file: str,
) -> list[_T]:
    """``build(item)`` for every item; a failure names the item (``describe``: its
    subject and location) instead of surfacing as a bare InvalidOperation."""
    built = []
    for item in items:
        try:
            built.append(build(item))
        except _RENDER_ERRORS as exc:
            raise _render_failure(exc, *describe(item), file) from exc
    return built


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


# The formatted figures of a KPI row: the strings of many rows repeat ("104.6%", "+4.6%",
# "—", a common target), so each build keeps one copy of each (see _shared).
_FORMATTED = (
    "actual", "target", "prior_year", "next_target", "base", "actual_number",
    "target_number", "prior_year_number", "var_target", "var_target_pct", "var_prior",
    "var_prior_pct", "delta_target", "delta_prior", "attainment", "share", "next_change",
    "next_change_pct", "weight",
)  # fmt: skip


def _shared(row: dict[str, Any], keys: Iterable[str], texts: dict[str, str]) -> dict[str, Any]:
    """``row`` with its ``keys`` replaced by the equal string already in ``texts``.

    A row holds ~20 formatted figures; one string costs ~60 bytes, so a 50,000-KPI
    context spends ~60 MB on them, most of them copies of another row's. Values are
    equal, so no output changes; the same table serves every row of one build.
    """
    for key in keys:
        value = row[key]
        row[key] = texts.setdefault(value, value)
    return row


def _kpi_row(result: KpiResult, lang: str, texts: dict[str, str] | None = None) -> dict[str, Any]:
    row = _kpi_fields(result, lang)
    return row if texts is None else _shared(row, _FORMATTED, texts)


def _kpi_fields(result: KpiResult, lang: str) -> dict[str, Any]:
    kpi = result.kpi
    unit = kpi.unit
    places = f.kpi_places(kpi.target, kpi.actual, kpi.prior_year, kpi.next_target)
    rate = kpi.is_rate
    labels = LABELS[lang]

    def amount(value: Decimal | None) -> str:
        return f.fmt_amount(value, unit, places, lang)

    def signed(value: Decimal | None) -> str:
        if value is None:
            return f.DASH
        if rate:
            return f.fmt_pp(value, max(places, 1), signed=True, lang=lang)
        text = f.fmt_amount(abs(value), unit, places, lang)
        return ("+" if value > 0 else "-" if value < 0 else "") + text

    return {
        "key": kpi.key,
        "id": kpi.id or "",
        "name": kpi.name,
        "group": kpi.group or "",
        "unit": unit,
        "is_rate": rate,
        "direction": kpi.direction,
        "direction_label": labels[f"direction_{kpi.direction}"],
        "actual": amount(kpi.actual),
        "target": amount(kpi.target),
        "prior_year": amount(kpi.prior_year),
        "next_target": amount(kpi.next_target),
        "base": amount(kpi.base) if kpi.base is not None else "",
        "base_name": kpi.base_name or "",
        "actual_number": f.fmt_number(kpi.actual, places),
        "target_number": f.fmt_number(kpi.target, places),
        "prior_year_number": f.fmt_number(kpi.prior_year, places),
        "var_target": signed(result.var_target),
        # A percent of a percent confuses readers: rates show their variance in pp only.
        "var_target_pct": f.DASH if rate else f.fmt_pct(result.var_target_pct, signed=True),
        "var_prior": signed(result.var_prior),
        "var_prior_pct": f.DASH if rate else f.fmt_pct(result.var_prior_pct, signed=True),
        "delta_target": f.fmt_delta(result.var_target, result.var_target_pct, unit, lang, places),
        "delta_prior": f.fmt_delta(result.var_prior, result.var_prior_pct, unit, lang, places),
        "attainment": f.fmt_pct(result.attainment),
        "share": f.fmt_pct(result.share) if result.share is not None else "",
        "next_change": signed(result.next_change),
        "next_change_pct": f.fmt_pct(result.next_change_pct, signed=True),
        "status": result.status,
        "status_label": f.STATUS_LABELS[lang][result.status],
        "good_target": result.good_vs_target,
        "good_prior": result.good_vs_prior,
        "sentence": f.sentence(result, lang),
        "owner": kpi.owner or "",
        "source": kpi.source or "",
        "note": kpi.note or "",
        "weight": f.fmt_number(kpi.weight) if kpi.weight is not None else "",
        "actual_value": _float(kpi.actual),
        "target_value": _float(kpi.target),
        "prior_year_value": _float(kpi.prior_year),
        "next_target_value": _float(kpi.next_target),
        "attainment_value": _float(result.attainment),
        "var_target_value": _float(result.var_target),
        "var_target_pct_value": None if rate else _float(result.var_target_pct),
        "var_prior_value": _float(result.var_prior),
        "var_prior_pct_value": None if rate else _float(result.var_prior_pct),
        "share_value": _float(result.share),
    }


def _headline(metrics: Metrics, rows: dict[str, dict[str, Any]], lang: str) -> dict[str, Any]:
    overall = metrics.overall
    total = len(metrics.results)
    rated = total - overall.unrated
    lead = _lead_kpi(metrics)
    triggered = [r for r in metrics.risks if r.triggered]
    meta = metrics.report.meta
    score = f.fmt_pct(overall.score) if overall.score is not None else ""
    if lang == "zh":
        who = meta.org or "团队"
        size = meta.extra.get("team_size")
        opening = f"{meta.year or ''}年，{who}" + (f"（团队{size}人）" if size else "")
        which = f"，其中{rated}项设有目标：" if rated < total else "："
        opening += f"共跟踪{total}项指标{which}{overall.met}项达成、{overall.near}项接近目标、{overall.missed}项未达成"
        opening += f"，加权综合完成率{score}" if score else ""
        opening += "。"
        headline = rows[lead.kpi.key]["sentence"] if lead else ""
    else:
        who = meta.org or "The team"
        size = meta.extra.get("team_size")
        opening = f"In {meta.year or 'the year'}, {who}" + (f" (a team of {size})" if size else "")
        which = f", {rated} of them with a target:" if rated < total else ":"
        opening += f" tracked {f.count_noun(total, 'KPI')}{which} {overall.met} met, {overall.near} near target and {overall.missed} missed"
        opening += f"; the weighted overall attainment was {score}" if score else ""
        opening += "."
        headline = rows[lead.kpi.key]["sentence"] if lead else ""
    return {
        "opening": opening,
        "headline": headline,
        "lead_kpi": lead.kpi.key if lead else None,
        "total": total,
        "rated": rated,
        "met": overall.met,
        "near": overall.near,
        "missed": overall.missed,
        "unrated": overall.unrated,
        "score": score,
        "score_value": _float(overall.score),
        "risks_triggered": len(triggered),
        "goals_not_smart": sum(1 for g in metrics.goals if not g.is_smart),
    }


def _lead_kpi(metrics: Metrics) -> KpiResult | None:
    """The KPI a reader expects first: the heaviest weight, else the first with a target."""
    weighted = [r for r in metrics.results if r.kpi.weight is not None and r.attainment is not None]
    if weighted:
        return max(weighted, key=lambda r: r.kpi.weight or 0)
    with_target = [r for r in metrics.results if r.attainment is not None]
    return with_target[0] if with_target else (metrics.results[0] if metrics.results else None)


def _group_summary(name: str, rows: list[dict[str, Any]], summary: Any, lang: str) -> str:
    score = f.fmt_pct(summary.score) if summary.score is not None else None
    if lang == "zh":
        text = f"{name}维度共{len(rows)}项指标：{summary.met}项达成、{summary.near}项接近、{summary.missed}项未达成"
        return text + (f"，加权完成率{score}。" if score else "。")
    text = f"{name}: {f.count_noun(len(rows), 'KPI')}, {summary.met} met, {summary.near} near, {summary.missed} missed"
    return text + (f"; weighted attainment {score}." if score else ".")


def _quarters(metrics: Metrics, lang: str) -> list[dict[str, Any]]:
    from opsreport.engine.metrics import featured_quarters

    return _each(
        featured_quarters(metrics),
        lambda series: _quarter_item(series, lang),
        lambda series: (f"{kpi_label(series.kpi)}, quarterly figures", series.kpi.location),
        str(metrics.report.source),
    )


def _quarter_item(series: Any, lang: str) -> dict[str, Any]:
    kpi = series.kpi
    places = f.kpi_places(
        kpi.target, kpi.actual, kpi.prior_year, *(p.actual for p in series.points)
    )
    rows = []
    for point in series.points:
        rows.append(
            {
                "period": point.period.label,
                "actual": f.fmt_amount(point.actual, kpi.unit, places, lang),
                "target": f.fmt_amount(point.target, kpi.unit, places, lang),
                "prior_year": f.fmt_amount(point.prior_year, kpi.unit, places, lang),
                "attainment": f.fmt_pct(point.attainment),
                "delta_prior": f.fmt_delta(
                    point.var_prior, point.var_prior_pct, kpi.unit, lang, places
                ),
                "good_prior": None if point.var_prior is None else kpi.sign * point.var_prior >= 0,
                "qoq": f.fmt_delta(point.change, point.change_pct, kpi.unit, lang, places),
                "good_qoq": None if point.change is None else kpi.sign * point.change >= 0,
                "actual_value": _float(point.actual),
            }
        )
    return {
        "key": kpi.key,
        "name": kpi.name,
        "unit": kpi.unit,
        "aggregation": kpi.aggregation,
        "rows": rows,
        "has_target": any(p.target is not None for p in series.points),
        "has_prior_year": any(p.prior_year is not None for p in series.points),
        "chart": f"quarterly:{kpi.key}",
        "summary": _quarter_sentence(series, places, lang),
    }


def _quarter_sentence(series: Any, places: int, lang: str) -> str:
    kpi = series.kpi
    points = [p for p in series.points if p.actual is not None]
    if len(points) < 2:
        return ""
    best = max(points, key=lambda p: kpi.sign * p.actual)
    worst = min(points, key=lambda p: kpi.sign * p.actual)
    first, last = points[0], points[-1]
    amount = lambda v: f.fmt_amount(v, kpi.unit, places, lang)  # noqa: E731
    if lang == "zh":
        text = f"{kpi.name}由{first.period.label}的{amount(first.actual)}变为{last.period.label}的{amount(last.actual)}"
        text += f"，表现最好的是{best.period.label}（{amount(best.actual)}），最弱的是{worst.period.label}（{amount(worst.actual)}）"
        below, every = _quarters_below_target(series)
        if every:
            text += "；各季度均未达季度目标"
        elif below:
            text += f"；{('、'.join(below))}未达季度目标"
        return text + "。"
    text = f"{kpi.name} moved from {amount(first.actual)} in {first.period.label} to {amount(last.actual)} in {last.period.label}"
    text += f"; best {best.period.label} ({amount(best.actual)}), weakest {worst.period.label} ({amount(worst.actual)})"
    below, every = _quarters_below_target(series)
    if every:
        text += "; below the quarterly target in every quarter"
    elif below:
        text += f"; below the quarterly target in {', '.join(below)}"
    return text + "."


def _quarters_below_target(series: Any) -> tuple[list[str], bool]:
    """The quarters that missed their target, and whether every quarter with one did."""
    judged = [p for p in series.points if p.attainment is not None]
    below = [p.period.label for p in judged if p.attainment < 1]
    reported = [p for p in series.points if p.actual is not None]
    every = len(judged) > 2 and len(below) == len(judged) == len(reported)
    return below, every


def _breakdowns(metrics: Metrics, lang: str) -> list[dict[str, Any]]:
    return _each(
        metrics.breakdowns,
        lambda table: _breakdown_item(table, lang),
        lambda table: (
            f"{kpi_label(table.kpi)}, breakdown by {table.dimension or 'item'}",
            table.kpi.location,
        ),
        str(metrics.report.source),
    )


def _breakdown_item(table: Any, lang: str) -> dict[str, Any]:
    kpi = table.kpi
    places = f.kpi_places(
        kpi.actual, *(i.actual for i in table.items), *(i.prior_year for i in table.items)
    )
    rows = [
        {
            "rank": item.rank or "",
            "item": item.item,
            "actual": f.fmt_amount(item.actual, kpi.unit, places, lang),
            "prior_year": f.fmt_amount(item.prior_year, kpi.unit, places, lang),
            "share": f.fmt_pct(item.share),
            "share_prior": f.fmt_pct(item.share_prior),
            "share_change": f.fmt_pp(item.share_change_pp, signed=True, lang=lang),
            "var_prior_pct": f.fmt_pct(item.var_prior_pct, signed=True),
            "good_prior": None
            if item.var_prior_pct is None
            else kpi.sign * item.var_prior_pct >= 0,
            "attainment": f.fmt_pct(item.attainment),
            "share_value": _float(item.share),
        }
        for item in table.items
    ]
    top = table.items[0] if table.items else None
    movers = sorted(
        (i for i in table.items if i.share_change_pp is not None),
        key=lambda i: i.share_change_pp or 0,
    )
    dimension = table.dimension or LABELS[lang]["item"]
    if lang == "zh":
        summary = f"按{dimension}看，{kpi.name}合计{f.fmt_amount(table.total_actual, kpi.unit, places, lang)}"
        if top and top.share is not None:
            summary += f"，{top.item}居首，占{f.fmt_pct(top.share)}"
        if movers and movers[-1].share_change_pp and movers[-1].share_change_pp > 0:
            summary += f"；{movers[-1].item}占比提升最多（{f.fmt_pp(movers[-1].share_change_pp, signed=True, lang=lang)}）"
        if movers and movers[0].share_change_pp and movers[0].share_change_pp < 0:
            summary += f"，{movers[0].item}下降最多（{f.fmt_pp(movers[0].share_change_pp, signed=True, lang=lang)}）"
        summary += "。"
    else:
        summary = f"By {dimension}, {kpi.name} totals {f.fmt_amount(table.total_actual, kpi.unit, places, lang)}"
        if top and top.share is not None:
            summary += f"; {top.item} leads with {f.fmt_pct(top.share)}"
        if movers and movers[-1].share_change_pp and movers[-1].share_change_pp > 0:
            summary += f"; {movers[-1].item} gained most share ({f.fmt_pp(movers[-1].share_change_pp, signed=True, lang=lang)})"
        if movers and movers[0].share_change_pp and movers[0].share_change_pp < 0:
            summary += f", {movers[0].item} lost most ({f.fmt_pp(movers[0].share_change_pp, signed=True, lang=lang)})"
        summary += "."
    return {
        "dimension": dimension,
        "kpi": kpi.name,
        "kpi_key": kpi.key,
        "unit": kpi.unit,
        "total": f.fmt_amount(table.total_actual, kpi.unit, places, lang),
        "total_prior": f.fmt_amount(table.total_prior, kpi.unit, places, lang),
        "rows": rows,
        "chart": f"breakdown:{table.dimension}:{kpi.key}",
        "summary": summary,
    }


def _problems(metrics: Metrics, rows: dict[str, dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    labels = LABELS[lang]
    items = []
    for problem in metrics.report.problems:
        row = rows.get(problem.kpi or "")
        figures = ""
        if row:
            sep = "，" if lang == "zh" else ", "
            parts = [f"{labels['ac']} {row['actual']}" if lang == "en" else f"实际{row['actual']}"]
            if row["target"] != f.DASH:
                parts.append(
                    f"{labels['pl']} {row['target']}" if lang == "en" else f"目标{row['target']}"
                )
                parts.append(
                    f"{labels['attainment']} {row['attainment']}"
                    if lang == "en"
                    else f"完成率{row['attainment']}"
                )
            if row["prior_year"] != f.DASH:
                parts.append(
                    f"{labels['dpy']} {row['delta_prior']}"
                    if lang == "en"
                    else f"同比{row['delta_prior']}"
                )
            figures = (
                f"{row['name']}: " + sep.join(parts)
                if lang == "en"
                else f"{row['name']}：" + sep.join(parts)
            )
        items.append(
            {
                "area": problem.area or "",
                "problem": problem.problem,
                "kpi": row["name"] if row else "",
                "figures": figures,
                "subjective": problem.subjective or "",
                "objective": problem.objective or "",
                "impact": problem.impact or "",
                "action": problem.action or "",
            }
        )
    return items


def _areas(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Problems by area, areas in the order the workbook first names them (Jinja's
    groupby would sort them alphabetically)."""
    areas: dict[str, list[dict[str, Any]]] = {}
    for problem in problems:
        areas.setdefault(problem["area"] or "", []).append(problem)
    return [{"area": area, "problems": items} for area, items in areas.items()]


def _goal(check: GoalCheck, lang: str) -> dict[str, Any]:
    goal = check.goal
    unit = goal.unit
    places = f.kpi_places(check.baseline, goal.target)
    rate = parse_unit(unit).is_rate
    names = f.SMART_NAMES[lang]
    change_pct = ""
    if check.required_change is None:
        change_amount = change = f.DASH
    elif rate:
        change_amount = change = f.fmt_pp(
            check.required_change, max(places, 1), signed=True, lang=lang
        )
    else:
        change_amount = change = (
            "+" if check.required_change > 0 else "-" if check.required_change < 0 else ""
        ) + f.fmt_amount(abs(check.required_change), unit, places, lang)
        if check.required_change_pct is not None:
            change_pct = f.fmt_pct(check.required_change_pct, signed=True)
            change += f"（{change_pct}）" if lang == "zh" else f" ({change_pct})"
    smart = [
        {
            "letter": letter,
            "name": names[letter],
            "passed": verdict.passed,
            "mark": "✓" if verdict.passed else "✗" if verdict.passed is False else "?",
            "reason": f.verdict_text(verdict, unit, lang),
        }
        for letter, verdict in check.letters.items()
    ]
    failed = [s for s in smart if s["passed"] is False]
    sep = "；" if lang == "zh" else "; "
    return {
        "goal": goal.goal,
        "kpi": check.kpi.name if check.kpi else "",
        "baseline": f.fmt_amount(check.baseline, unit, places, lang),
        "target": f.fmt_amount(goal.target, unit, places, lang),
        "unit": unit,
        "direction": goal.direction,
        "required_change": change,
        "required_change_amount": change_amount,
        "required_change_pct": change_pct,
        "deadline": _date(goal.deadline),
        "owner": goal.owner or "",
        "measure": goal.measure or (check.kpi.source if check.kpi and check.kpi.source else ""),
        "aligns_to": goal.aligns_to or "",
        "smart": smart,
        "smart_marks": " ".join(f"{s['letter']}{s['mark']}" for s in smart),
        "is_smart": check.is_smart,
        "failed": "".join(str(s["letter"]) for s in failed),
        "why_not": sep.join(
            f"{s['letter']}（{s['name']}）：{s['reason']}"
            if lang == "zh"
            else f"{s['letter']} ({s['name']}): {s['reason']}"
            for s in failed
        ),
        "quarter_targets": [
            f.fmt_amount(q, unit, places, lang) if q is not None else ""
            for q in goal.quarter_targets
        ],
    }


def _tasks(metrics: Metrics) -> dict[str, Any]:
    phases: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
    milestones = []
    for task in metrics.report.tasks:
        row = {
            "phase": task.phase or "",
            "task": task.task,
            "start": _date(task.start),
            "end": _date(task.end),
            "owner": task.owner or "",
            "milestone": task.milestone or "",
            "deliverable": task.deliverable or "",
        }
        phases.setdefault(task.phase or "", []).append(row)
        if task.milestone:
            milestones.append(
                {
                    "milestone": task.milestone,
                    "date": _date(task.end or task.start),
                    "task": task.task,
                    "owner": task.owner or "",
                    "deliverable": task.deliverable or "",
                }
            )
    milestones.sort(key=lambda m: m["date"] or "9999")
    return {
        "phases": [{"name": name, "tasks": tasks} for name, tasks in phases.items()],
        "all": [t for tasks in phases.values() for t in tasks],
        "milestones": milestones,
    }


def _resources(metrics: Metrics, lang: str) -> dict[str, Any]:
    resources = metrics.report.resources
    unit_totals: dict[str, Decimal] = defaultdict(Decimal)
    for resource in resources:
        if resource.amount is not None:
            unit_totals[resource.unit] += resource.amount
    categories: OrderedDict[str, list[Any]] = OrderedDict()
    for resource in resources:
        categories.setdefault(resource.category, []).append(resource)
    result = []
    for name, members in categories.items():
        by_unit: dict[str, Decimal] = defaultdict(Decimal)
        for member in members:
            if member.amount is not None:
                by_unit[member.unit] += member.amount
        items = []
        for member in members:
            total = by_unit.get(member.unit)
            items.append(
                {
                    "item": member.item or "",
                    "amount": f.fmt_amount(member.amount, member.unit, None, lang),
                    "share": f.fmt_pct(member.amount / total)
                    if member.amount is not None and total
                    else "",
                    "note": member.note or "",
                    "amount_value": _float(member.amount),
                }
            )
        totals = [
            {
                "amount": f.fmt_amount(amount, unit, None, lang),
                "share_of_all": f.fmt_pct(amount / unit_totals[unit]) if unit_totals[unit] else "",
            }
            for unit, amount in by_unit.items()
        ]
        result.append(
            {
                "name": name,
                "items": items,
                "totals": totals,
                "total": "、".join(t["amount"] for t in totals)
                if lang == "zh"
                else ", ".join(t["amount"] for t in totals),
            }
        )
    grand = [f.fmt_amount(amount, unit, None, lang) for unit, amount in unit_totals.items()]
    return {
        "categories": result,
        "totals": grand,
        "total": ("、" if lang == "zh" else ", ").join(grand),
    }


def _risk(
    number: int, result: RiskResult, rows: dict[str, dict[str, Any]], lang: str
) -> dict[str, Any]:
    risk = result.risk
    labels = LABELS[lang]
    kpi = result.kpi
    observed = ""
    if result.observed is not None and kpi is not None:
        if risk.threshold and risk.threshold.kind == "dev":
            observed = f.fmt_pct(result.observed / 100)
            observed = f"偏离目标{observed}" if lang == "zh" else f"{observed} off target"
        else:
            observed = rows[kpi.key]["actual"]
    status = (
        labels["triggered"]
        if result.triggered
        else labels["not_triggered"]
        if result.triggered is False
        else labels["no_trigger"]
    )
    return {
        "no": f"R{number}",
        "risk": risk.risk,
        "category": risk.category or "",
        "likelihood": risk.likelihood or "",
        "impact": risk.impact or "",
        "score": result.score or "",
        "level": result.level,
        "level_label": f.RISK_LEVELS[lang][result.level],
        "kpi": kpi.name if kpi else "",
        "threshold": f.fmt_threshold(
            risk.threshold.kind, risk.threshold.operator, risk.threshold.limit, kpi.unit, lang
        )
        if risk.threshold and kpi
        else "",
        "observed": observed,
        "triggered": result.triggered,
        "status": status,
        "response": risk.response or "",
        "owner": risk.owner or "",
    }


KPIS_PER_GROUP = 50
_SEVERITY = {"missed": 3, "near": 2, "met": 1, None: 0}


def _listed(
    results: list[KpiResult] | tuple[KpiResult, ...], limit: int | None
) -> list[KpiResult] | tuple[KpiResult, ...]:
    """The KPIs of a dimension a document lists one by one, in workbook order.

    A dimension of hundreds of KPIs makes a report nobody reads (and a Word file
    that takes a gigabyte to build). Beyond ``limit`` the document lists the
    weighted KPIs first, then the missed, near and met ones furthest from
    target, and summarises the rest in one sentence.
    """
    if not limit or len(results) <= limit:
        return results

    def notability(item: tuple[int, KpiResult]) -> tuple[Decimal, int, Decimal, int]:
        index, result = item
        distance = abs(result.attainment - 1) if result.attainment is not None else Decimal(0)
        return (result.kpi.weight or Decimal(0), _SEVERITY[result.status], distance, -index)

    chosen = sorted(enumerate(results), key=notability, reverse=True)[:limit]
    return [result for _, result in sorted(chosen, key=lambda item: item[0])]


def _more(hidden: list[KpiResult], lang: str) -> dict[str, Any] | None:
    if not hidden:
        return None
    counts = {status: sum(1 for r in hidden if r.status == status) for status in _SEVERITY}
    text = LABELS[lang]["kpis_more"].format(
        n=len(hidden), met=counts["met"], near=counts["near"], missed=counts["missed"]
    )
    return {
        "count": len(hidden),
        "met": counts["met"],
        "near": counts["near"],
        "missed": counts["missed"],
        "text": text,
    }


def build_context(
    metrics: Metrics,
    lang: str | None = None,
    *,
    today: dt.date | None = None,
    kpis_per_group: int | None = KPIS_PER_GROUP,
) -> dict[str, Any]:
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
    built = _each(
        metrics.results,
        lambda r: _kpi_row(r, lang, texts),
        lambda r: (kpi_label(r.kpi), r.kpi.location),
        file,
    )
    rows = {row["key"]: row for row in built}
    try:
        return _build_context(metrics, lang, rows, today, kpis_per_group)
    except _RENDER_ERRORS as exc:
        raise _render_failure(exc, "the report's summary", None, file) from exc


def _build_context(
    metrics: Metrics,
    lang: str,
    rows: dict[str, dict[str, Any]],
    today: dt.date | None,
    kpis_per_group: int | None,
) -> dict[str, Any]:
    report = metrics.report
    file = str(report.source)
    groups = []
    for summary in metrics.groups:
        members = [rows[r.kpi.key] for r in summary.results]
        listed = _listed(summary.results, kpis_per_group)
        shown = {id(r) for r in listed}
        name = summary.name or ("指标" if lang == "zh" else "KPIs")
        groups.append(
            {
                "name": name,
                "kpis": [rows[r.kpi.key] for r in listed],
                "more": _more([r for r in summary.results if id(r) not in shown], lang),
                "met": summary.met,
                "near": summary.near,
                "missed": summary.missed,
                "score": f.fmt_pct(summary.score) if summary.score is not None else "",
                "summary": _group_summary(name, members, summary, lang),
            }
        )
    risks = _each(
        enumerate(metrics.risks, start=1),
        lambda item: _risk(item[0], item[1], rows, lang),
        lambda item: (f"risk R{item[0]}", item[1].risk.location),
        file,
    )
    meta = report.meta
    title = meta.title or (
        f"{meta.org or ''}{meta.year or ''}年度工作总结与{meta.plan_year or ''}年工作计划"
        if lang == "zh"
        else f"{meta.org or 'Operations'} {meta.year or ''} review and {meta.plan_year or ''} plan"
    )
    goals = _each(
        metrics.goals,
        lambda check: _goal(check, lang),
        lambda check: (f"goal {check.goal.goal[:60]!r}", check.goal.location),
        file,
    )
    problems = _problems(metrics, rows, lang)
    context: dict[str, Any] = {
        "lang": lang,
        "labels": LABELS[lang],
        "meta": {
            "title": title,
            "org": meta.org or "",
            "year": meta.year or "",
            "plan_year": meta.plan_year or "",
            "author": meta.author or "",
            "date": (today or dt.date.today()).isoformat(),
            "extra": dict(meta.extra),
        },
        "summary": _headline(metrics, rows, lang),
        "groups": groups,
        "kpis": list(rows.values()),
        "quarters": _quarters(metrics, lang),
        "quarters_more": max(0, len([q for q in metrics.quarters if len(q.points) >= 2]) - 8),
        "breakdowns": _breakdowns(metrics, lang),
        "problems": problems,
        "problem_areas": _areas(problems),
        "goals": goals,
        "goals_not_smart": [g for g in goals if not g["is_smart"]],
        "tasks": _tasks(metrics),
        "resources": _resources(metrics, lang),
        "risks": risks,
        "risks_triggered": [r for r in risks if r["triggered"]],
        "charts": {},
    }
    context["sections"] = {
        "results": bool(rows),
        "quarters": bool(context["quarters"]),
        "breakdown": bool(context["breakdowns"]),
        "problems": bool(context["problems"]),
        "goals": bool(goals),
        "tasks": bool(report.tasks),
        "resources": bool(report.resources),
        "risks": bool(risks),
    }
    return context
