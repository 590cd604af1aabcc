"""Next year's goals: baseline, target, required change and each SMART letter in words."""

from __future__ import annotations

from opsreport.core.records import Goal as GoalRecord
from opsreport.core.units import parse_unit
from opsreport.engine.metrics import GoalCheck
from opsreport.engine.value import goal_shares
from opsreport.present import formatting as f
from opsreport.present.context_types import Goal, SmartCheck
from opsreport.present.context_values import iso_date

__all__ = ["goal_item"]


def _share_text(goal: GoalRecord, unit: str, lang: str) -> str:
    """「占公司新增利润12亿元的83.3%」: the goal's target as a share of its base."""
    (share,) = goal_shares([goal])
    if share.share is None or goal.base is None:
        return ""
    base = f.fmt_amount(goal.base, unit, None, lang)
    pct = f.fmt_pct(share.share)
    if lang == "zh":
        return f"占{goal.base_name or '基数'}{base}的{pct}"
    return f"{pct} of {goal.base_name or 'the base'} ({base})"


def goal_item(check: GoalCheck, lang: str) -> Goal:
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
        change_amount = change = f.fmt_signed(check.required_change, unit, places, lang)
        if check.required_change_pct is not None:
            change_pct = f.fmt_pct(check.required_change_pct, signed=True)
            change += f"（{change_pct}）" if lang == "zh" else f" ({change_pct})"
    smart: list[SmartCheck] = [
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
    share = _share_text(goal, unit, lang)
    aligns = sep.join(text for text in (goal.aligns_to or "", share) if text)
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
        "deadline": iso_date(goal.deadline),
        "owner": goal.owner or "",
        "measure": goal.measure or (check.kpi.source if check.kpi and check.kpi.source else ""),
        "aligns_to": aligns,
        "share": share,
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
