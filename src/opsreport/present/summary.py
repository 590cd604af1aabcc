"""The report's opening and close, and each dimension's line.

The opening reads as a manager's first paragraph: the year and the team, the headline
(the heaviest KPIs with their result, in one line), the counts that matter (never a
"0项…"), the weighted score with what it weighs, and next year's first goals. The
close says what next year commits to: its goals, its tasks and what they need.
"""

from __future__ import annotations

import unicodedata

from opsreport.engine.metrics import GroupSummary, KpiResult, Metrics
from opsreport.engine.selection import Selection
from opsreport.present import formatting as f
from opsreport.present.context_types import KpiRow, Summary
from opsreport.present.context_values import to_float
from opsreport.present.value_rows import value_line

__all__ = ["closing", "count_phrase", "group_summary", "headline"]

COMMITMENT_GOALS = 2  # goals the opening's last sentence names; the close names three


def count_phrase(met: int, near: int, missed: int, lang: str) -> str:
    """「12项达成、3项接近目标、4项未达成」 without the zero counts; all of one kind:
    「5项均已达成」 / "all 5 met" (one KPI: 「1项达成」)."""
    parts = [
        (met, "项达成", "met"),
        (near, "项接近目标", "near target"),
        (missed, "项未达成", "missed"),
    ]
    shown = [(n, zh, en) for n, zh, en in parts if n]
    if not shown:
        return ""
    if len(shown) == 1 and shown[0][0] > 1 and lang == "zh":
        n, zh, _ = shown[0]
        return (
            f"{n}"
            + {"项达成": "项均已达成", "项接近目标": "项均接近目标", "项未达成": "项均未达成"}[zh]
        )
    if lang == "zh":
        return "、".join(f"{n}{zh}" for n, zh, _ in shown)
    if len(shown) == 1 and shown[0][0] > 1:
        return f"all {shown[0][0]} {shown[0][2]}"
    return ", ".join(f"{n} {en}" for n, _, en in shown)


def _score_phrase(summary: GroupSummary, cap: str, lang: str, *, overall: bool) -> str:
    """The weighted score with what it weighs: the KPIs it counts and, once in the
    opening, the cap per KPI."""
    if summary.score is None:
        return ""
    score = f.fmt_pct(summary.score)
    if lang == "zh":
        if overall:
            return f"综合完成率{score}（按{summary.scored}项指标的权重加权，单项完成率最高计{cap}）"
        return f"加权完成率{score}（计入{summary.scored}项设权重的指标）"
    if overall:
        return (
            f"overall attainment {score} (weighted over {f.count_noun(summary.scored, 'KPI')}, "
            f"each counted up to {cap})"
        )
    return f"weighted attainment {score} ({summary.scored} weighted)"


def _result_phrase(row: KpiRow, lang: str) -> str:
    """A KPI's result in the headline: 直接利润8.37亿元（完成率104.6%）."""
    if lang == "zh":
        text = f.join_words(row["name"], row["actual"])
    else:  # mid-sentence: "with first contact resolution 70.4%", acronyms (CSAT) kept
        name = row["name"]
        name = name[:1].lower() + name[1:] if name[1:2].islower() else name
        text = f"{name} {row['actual']}"
    if row["attainment"] and row["attainment"] != f.DASH:
        text += (
            f"（完成率{row['attainment']}）"
            if lang == "zh"
            else f" ({row['attainment']} of target)"
        )
    return text


def _context(company_goals: str | None, mandate: str | None, lang: str) -> str:
    """The company's goals and the unit's mandate, as the manager wrote them (a sentence
    each, closed with a full stop if it has none: 。 after Chinese, also in an English
    document — 「…降下来.」 reads as a typo)."""
    texts = [t.strip() for t in (company_goals, mandate) if t and t.strip()]
    closed = [
        t
        if t.endswith(("。", ".", "！", "!", "；", ";", "？", "?"))
        else t + ("。" if lang == "zh" or _is_wide(t[-1]) else ".")
        for t in texts
    ]
    text = ""
    for part in closed:  # en: a space between sentences, none after a Chinese 。
        text += " " if text and lang != "zh" and not _is_wide(text[-1]) else ""
        text += part
    return text


def _is_wide(char: str) -> bool:
    """A CJK character or full-width form (Chinese text ends with 。, not '.')."""
    return unicodedata.east_asian_width(char) in {"W", "F"}


def _goal_names(metrics: Metrics, limit: int) -> tuple[list[str], int]:
    """The first ``limit`` goals' texts (their sheet order) and how many goals there are."""
    goals = [check.goal.goal.rstrip("。.") for check in metrics.goals]
    return goals[:limit], len(goals)


def headline(
    metrics: Metrics, rows: dict[str, KpiRow], selection: Selection, plan_year: int, lang: str
) -> Summary:
    """The opening paragraph (headline, counts, score, next year's first goals)."""
    overall = metrics.overall
    total = len(metrics.results)
    rated = total - overall.unrated
    meta = metrics.report.meta
    cap = f.fmt_pct(metrics.settings.attainment_cap, 0)
    size = meta.extra.get("team_size")
    results = [_result_phrase(rows[r.kpi.key], lang) for r in selection.headline]
    counts = count_phrase(overall.met, overall.near, overall.missed, lang)
    score = _score_phrase(overall, cap, lang, overall=True)
    goals, goal_count = _goal_names(metrics, COMMITMENT_GOALS)
    value = value_line(metrics, lang)
    context = _context(meta.company_goals, meta.mandate, lang)
    if lang == "zh":
        who = meta.org or "团队"
        line = f"{meta.year or ''}年，{who}" + (f"（团队{size}人）" if size else "")
        line += f"以{f.join_list(results, lang)}收官。" if results else "。"
        if rated == 0:
            opening = f"全年跟踪{total}项指标，" + _none_rated(metrics.results, lang)
        elif rated < total:
            opening = f"全年跟踪{total}项指标，其中{rated}项设有目标：{counts}"
        else:
            opening = f"全年跟踪{total}项指标：{counts}"
        if rated:
            opening += f"；{score}。" if score else "。"
        opening += value
        commitment = (
            f"{plan_year}年，{who}将以{f.join_list(goals, lang)}"
            + ("为首要目标。" if goal_count > len(goals) else "为目标。")
            if goals
            else ""
        )
    else:
        who = meta.org or "the team"
        line = f"In {meta.year or 'the year'}, {who}" + (f" (a team of {size})" if size else "")
        line += f" closed the year with {f.join_list(results, lang)}." if results else "."
        if rated == 0:
            opening = f"It tracked {f.count_noun(total, 'KPI')}, " + _none_rated(
                metrics.results, lang
            )
        elif rated < total:
            opening = f"Of {f.count_noun(total, 'KPI')} tracked, {rated} had a target: {counts}"
        else:
            opening = f"It tracked {f.count_noun(total, 'KPI')}: {counts}"
        if rated:
            opening += f"; {score}." if score else "."
        opening += f" {value}" if value else ""
        lead_in = "Its first goals" if goal_count > len(goals) else "Its goals"
        commitment = f"{lead_in} for {plan_year}: {'; '.join(goals)}." if goals else ""
    lead = selection.lead
    return {
        "context": context,
        "headline": line,
        "opening": opening,
        "commitment": commitment,
        "closing": closing(metrics, plan_year, lang),
        "lead_kpi": lead.kpi.key if lead else None,
        "headline_kpis": [r.kpi.key for r in selection.headline],
        "total": total,
        "rated": rated,
        "met": overall.met,
        "near": overall.near,
        "missed": overall.missed,
        "unrated": overall.unrated,
        "score": f.fmt_pct(overall.score) if overall.score is not None else "",
        "score_value": to_float(overall.score),
        "scored": overall.scored,
        "risks_triggered": sum(1 for r in metrics.risks if r.triggered),
        "goals_not_smart": sum(1 for g in metrics.goals if not g.is_smart),
    }


def closing(metrics: Metrics, plan_year: int, lang: str) -> str:
    """The last paragraph: next year's goals, the phases and tasks that deliver them,
    what they need; empty when the workbook plans nothing."""
    report = metrics.report
    goals, goal_count = _goal_names(metrics, 3)
    tasks = report.tasks
    phases = len({task.phase for task in tasks if task.phase})
    milestones = sum(1 for task in tasks if task.milestone)
    needs = [
        f.fmt_amount(total.amount, total.unit, None, lang) for total in metrics.resources.totals
    ]
    if not (goals or tasks or needs):
        return ""
    who = report.meta.org or ("团队" if lang == "zh" else "the team")
    if lang == "zh":
        text = f"{plan_year}年，{who}将"
        if goals:
            more = f"等{goal_count}项目标" if goal_count > len(goals) else ""
            text += f"围绕{f.join_list(goals, lang)}{more}"
        if tasks:
            how = (
                f"分{phases}个阶段推进{len(tasks)}项任务"
                if phases > 1
                else f"推进{len(tasks)}项任务"
            )
            text += ("，" if goals else "") + how
            text += f"、设{milestones}个里程碑" if milestones else ""
        elif goals:
            text += "开展工作"
        text += f"，所需资源{'、'.join(needs)}" if needs else ""
        return text + "。"
    text = f"In {plan_year}, {who}"
    if goals:
        count = f"{goal_count} goals, among them" if goal_count > len(goals) else "these goals"
        text += f" works towards {count}: " + "; ".join(goals) + "."
        text += " It plans" if tasks else ""
    else:
        text += " plans" if tasks else ""
    if tasks:
        text += f" {f.count_noun(len(tasks), 'task')}"
        text += f" in {phases} phases" if phases > 1 else ""
        text += f" with {f.count_noun(milestones, 'milestone')}" if milestones else ""
    if needs:
        text += (" and needs " if tasks else (" It needs " if goals else " needs ")) + f.join_list(
            needs, lang
        )
    return text if text.endswith(".") else text + "."


def _none_rated(results: tuple[KpiResult, ...] | list[KpiResult], lang: str) -> str:
    """Why no KPI is rated: none has a target, or (a year in progress) none has its annual
    actual yet — never 「均未设目标」 beside the targets."""
    targeted = sum(1 for r in results if r.kpi.target is not None)
    if lang == "zh":
        if not targeted:
            return "均未设目标。"
        return f"其中{targeted}项设有目标，均尚无全年实际数据。"
    if not targeted:
        return "none with a target."
    return f"{targeted} with a target, none with an annual actual yet."


def group_summary(name: str, rows: list[KpiRow], summary: GroupSummary, cap: str, lang: str) -> str:
    """A dimension's line: its KPIs, the counts that are not zero, its weighted score."""
    counts = count_phrase(summary.met, summary.near, summary.missed, lang)
    score = _score_phrase(summary, cap, lang, overall=False)
    if lang == "zh":
        text = f"{name}维度共{len(rows)}项指标"
        rated = len(rows) - summary.unrated
        if not rated:
            return text + "，" + _none_rated(summary.results, lang)
        text += f"，其中{rated}项设有目标：{counts}" if rated < len(rows) else f"：{counts}"
        return text + (f"；{score}。" if score else "。")
    text = f"{name}: {f.count_noun(len(rows), 'KPI')}"
    rated = len(rows) - summary.unrated
    if not rated:
        return text + ", " + _none_rated(summary.results, lang)
    text += f", {rated} with a target: {counts}" if rated < len(rows) else f", {counts}"
    return text + (f"; {score}." if score else ".")
