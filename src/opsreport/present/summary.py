"""The report's opening: the year in one paragraph, the lead KPI, each dimension's line."""

from __future__ import annotations

from typing import Any

from opsreport.engine.metrics import KpiResult, Metrics
from opsreport.present import formatting as f
from opsreport.present.context_types import KpiRow, Summary
from opsreport.present.context_values import to_float

__all__ = ["group_summary", "headline"]


def headline(
    metrics: Metrics, rows: dict[str, KpiRow], lead: KpiResult | None, lang: str
) -> Summary:
    overall = metrics.overall
    total = len(metrics.results)
    rated = total - overall.unrated
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
        "score_value": to_float(overall.score),
        "risks_triggered": len(triggered),
        "goals_not_smart": sum(1 for g in metrics.goals if not g.is_smart),
    }


def group_summary(name: str, rows: list[KpiRow], summary: Any, lang: str) -> str:
    score = f.fmt_pct(summary.score) if summary.score is not None else None
    if lang == "zh":
        text = f"{name}维度共{len(rows)}项指标：{summary.met}项达成、{summary.near}项接近、{summary.missed}项未达成"
        return text + (f"，加权完成率{score}。" if score else "。")
    text = f"{name}: {f.count_noun(len(rows), 'KPI')}, {summary.met} met, {summary.near} near, {summary.missed} missed"
    return text + (f"; weighted attainment {score}." if score else ".")
