"""The plan's tasks (by phase, with milestones) and resources (by category, with totals)."""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal

from opsreport.engine.metrics import Metrics
from opsreport.present import formatting as f
from opsreport.present.context_types import (
    Milestone,
    ResourceCategory,
    Resources,
    ResourceTotal,
    TaskRow,
    Tasks,
)
from opsreport.present.context_values import iso_date, to_float

__all__ = ["resource_items", "task_items"]


def task_items(metrics: Metrics) -> Tasks:
    phases: OrderedDict[str, list[TaskRow]] = OrderedDict()
    milestones: list[Milestone] = []
    for task in metrics.report.tasks:
        row: TaskRow = {
            "phase": task.phase or "",
            "task": task.task,
            "start": iso_date(task.start),
            "end": iso_date(task.end),
            "owner": task.owner or "",
            "milestone": task.milestone or "",
            "deliverable": task.deliverable or "",
        }
        phases.setdefault(task.phase or "", []).append(row)
        if task.milestone:
            milestones.append(
                {
                    "milestone": task.milestone,
                    "date": iso_date(task.end or task.start),
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


def _share(fraction: Decimal | None) -> str:
    return f.fmt_pct(fraction) if fraction is not None else ""


def resource_items(metrics: Metrics, lang: str) -> Resources:
    """The engine's resource plan (categories, shares, totals) in the report's words."""
    plan = metrics.resources
    join = "、" if lang == "zh" else ", "
    categories: list[ResourceCategory] = []
    for category in plan.categories:
        # one unit for every item: named in the header, the amounts bare (3,200 under 金额（万元）)
        # an item without an amount has no unit to share: its blank unit does not mix them
        units = {line.resource.unit for line in category.lines if line.resource.amount is not None}
        units = units or {line.resource.unit for line in category.lines}
        shared = units.pop() if len(units) == 1 else ""

        def amount(value: Decimal | None, unit: str, shared: str = shared) -> str:
            if shared:
                return f.fmt_figure(value, unit, None, lang)
            return f.fmt_amount(value, unit, None, lang)

        totals: list[ResourceTotal] = [
            {
                "amount": f.fmt_amount(total.amount, total.unit, None, lang),
                "share_of_all": _share(total.share_of_all),
            }
            for total in category.totals
        ]
        categories.append(
            {
                "name": category.name,
                "items": [
                    {
                        "item": line.resource.item or "",
                        "amount": f.fmt_amount(
                            line.resource.amount, line.resource.unit, None, lang
                        ),
                        "amount_figure": amount(line.resource.amount, line.resource.unit),
                        "share": _share(line.share),
                        "note": line.resource.note or "",
                        "amount_value": to_float(line.resource.amount),
                    }
                    for line in category.lines
                ],
                "totals": totals,
                "total": join.join(t["amount"] for t in totals),
                "unit_header": f.header_unit(shared, lang),
                "total_figure": join.join(amount(t.amount, t.unit) for t in category.totals),
            }
        )
    grand = [f.fmt_amount(total.amount, total.unit, None, lang) for total in plan.totals]
    return {"categories": categories, "totals": grand, "total": join.join(grand)}
