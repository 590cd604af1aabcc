"""A plan draft's resource rows: what falls in the quarter, and by which rule, in words.

The amounts are decided in ``engine.quarter_resources``; here each row says how (按天数分摊
2027-04-01–2027-09-30 / 交付于 2027-06-30 / 自 2027-05-01 起在岗 / 全年平均（未排期）) and
the quarter's totals per unit are written in one line.
"""

from __future__ import annotations

from decimal import Decimal

from opsreport.core.records import Report
from opsreport.engine.quarter_resources import ResourceSchedule, resource_schedules
from opsreport.present import formatting as f
from opsreport.present.context_types import PlanResource

__all__ = ["BASIS_WORDS", "basis_text", "plan_resource_rows"]

# The words of each rule; {start}, {end}, {days}, {total}, {task} are filled in.
BASIS_WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "days": "按天数分摊 {start}–{end}（本季度{days}/{total}天）",
        "delivery": "交付于 {end}",
        "in_post": "自 {start} 起在岗",
        "in_post_to": "{start} 至 {end} 在岗",
        "in_post_until": "在岗至 {end}",
        "even_money": "全年平均（未排期）",
        "even_people": "全年在岗（未排期）",
        "even_other": "全年（未排期）",
        "from_task": "，按任务「{task}」",
        "total": "本季度合计：{amounts}",
        "separator": "、",
    },
    "en": {
        "days": "by days, {start}–{end} ({days} of {total} days)",
        "delivery": "delivered on {end}",
        "in_post": "in post from {start}",
        "in_post_to": "in post {start} to {end}",
        "in_post_until": "in post until {end}",
        "even_money": "spread evenly, no dates",
        "even_people": "in post all year, no dates",
        "even_other": "all year, no dates",
        "from_task": ", dates of the task {task}",
        "total": "Quarter total: {amounts}",
        "separator": ", ",
    },
}


def basis_text(schedule: ResourceSchedule, quarter: int, lang: str) -> str:
    """Which rule gave the quarter's amount, with the dates it used."""
    words = BASIS_WORDS[lang]
    start = schedule.start.isoformat() if schedule.start else ""
    end = schedule.end.isoformat() if schedule.end else ""
    if schedule.basis == "even":
        return words[f"even_{schedule.kind}"]
    if schedule.basis == "days":
        key = "days"
    elif schedule.basis == "delivery":
        key, end = "delivery", end or start
    elif start and end:
        key = "in_post_to"
    else:
        key = "in_post" if start else "in_post_until"
    text = words[key].format(
        start=start,
        end=end,
        days=f.fmt_number(Decimal(schedule.days[quarter - 1]), 0),
        total=f.fmt_number(Decimal(schedule.total_days), 0),
    )
    if schedule.from_task:
        text += words["from_task"].format(task=schedule.resource.task or "")
    return text


def plan_resource_rows(
    report: Report, year: int, quarter: int, lang: str
) -> tuple[list[PlanResource], str]:
    """The rows of the resources that fall in the quarter (an undated row falls in every
    quarter), and the quarter's totals per unit in one line (empty without rows)."""
    rows: list[PlanResource] = []
    totals: dict[str, Decimal] = {}
    for schedule in resource_schedules(report.resources, report.tasks, year):
        amount = schedule.quarters[quarter - 1]
        if amount == 0 and schedule.basis != "even":
            continue  # it falls in another quarter (or another year)
        resource = schedule.resource
        totals[resource.unit] = totals.get(resource.unit, Decimal(0)) + amount
        rows.append(
            {
                "category": resource.category,
                "item": resource.item or "",
                "annual": f.fmt_amount(resource.amount, resource.unit, None, lang),
                "quarter": f.fmt_amount(amount, resource.unit, None, lang),
                "basis": basis_text(schedule, quarter, lang),
                "note": resource.note or "",
            }
        )
    words = BASIS_WORDS[lang]
    amounts = words["separator"].join(
        f.fmt_amount(total, unit, None, lang) for unit, total in totals.items()
    )
    return rows, words["total"].format(amounts=amounts) if rows else ""
