"""A next-year draft's own text: where the plan stands when the quarter begins, and the
problems the quarter's tasks address (docs/plans.md §6)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from opsreport.core.records import Problem as ProblemRecord
from opsreport.core.records import Task
from opsreport.core.units import parse_unit
from opsreport.engine.addressed import problems_addressed
from opsreport.engine.plan_targets import planned_to_date
from opsreport.present import formatting as f
from opsreport.present.context_types import PlanProblem, Problem, QuarterTextLabels

if TYPE_CHECKING:
    from opsreport.present.plan_context import TargetTexts

__all__ = ["QUARTER_TEXT_LABELS", "quarter_problems", "starting_point"]

QUARTER_TEXT_LABELS: dict[str, QuarterTextLabels] = {
    "zh": {
        "starting": "承接前期计划",
        "addressed_by": "本季度任务",
        "problems_other": "另有{n}个问题由其他季度的任务解决（见年度总结）。",
        "no_problem_addressed": "本季度的任务不直接对应年度总结中的问题。",
    },
    "en": {
        "starting": "Where the plan stands",
        "addressed_by": "this quarter's tasks",
        "problems_other": "Problems left to other quarters' tasks: {n} (see the annual review).",
        "no_problem_addressed": "This quarter's tasks address none of the problems of the annual review.",
    },
}


def starting_point(targets: list[TargetTexts], quarter: int, lang: str) -> list[str]:
    """One sentence per target of a Q2–Q4 draft: what the quarters before it plan and what
    this quarter must reach (Q1 starts from the year-end figures: no sentences)."""
    zh = lang == "zh"
    found = []
    for texts in targets:
        target = texts.target
        before = planned_to_date(target, quarter)
        if before is None:
            continue
        unit, places = target.unit, target.places
        this = texts.quarters[quarter - 1]
        planned = f.fmt_amount(before, unit, places, lang)
        previous = f"第{quarter - 1}季度" if zh else f"Q{quarter - 1}"
        if target.aggregation == "sum" and not parse_unit(unit).is_rate:
            span = (
                ("第1季度" if quarter == 2 else f"第1–{quarter - 1}季度")
                if zh
                else ("Q1" if quarter == 2 else f"Q1–Q{quarter - 1}")
            )
            share = f.fmt_pct(before / target.annual) if target.annual else ""
            text = (
                f"{target.name}：{span}计划累计{planned}"
                + (f"（全年目标{texts.fields['annual']}的{share}）" if share else "")
                + f"，本季度目标{this}。"
                if zh
                else f"{target.name}: {span} plan {planned}"
                + (f" ({share} of the {texts.fields['annual']} annual target)" if share else "")
                + f"; this quarter's target is {this}."
            )
        elif target.aggregation == "last":
            text = (
                f"{target.name}：{previous}末计划达到{planned}，本季度末目标{this}（年末{texts.fields['annual']}）。"
                if zh
                else f"{target.name}: planned at {planned} by the end of {previous}; "
                f"{this} by the end of this quarter ({texts.fields['annual']} at year end)."
            )
        else:
            text = (
                f"{target.name}：{previous}目标{planned}，本季度目标{this}（全年平均{texts.fields['annual']}）。"
                if zh
                else f"{target.name}: {planned} in {previous}; {this} this quarter "
                f"({texts.fields['annual']} on average over the year)."
            )
        found.append(text)
    return found


def quarter_problems(
    records: list[ProblemRecord], rows: list[Problem], tasks: list[Task], lang: str
) -> list[PlanProblem]:
    """The report's problem rows (``rows``, in the order of ``records``) that the quarter's
    ``tasks`` address (engine.addressed), each with the names of those tasks."""
    join = "、" if lang == "zh" else "; "
    by_record = {id(record): row for record, row in zip(records, rows, strict=False)}
    found: list[PlanProblem] = []
    for item in problems_addressed(records, tasks):
        row = by_record.get(id(item.problem))
        if row is not None:
            found.append({**row, "tasks": join.join(task.task for task in item.tasks)})
    return found
