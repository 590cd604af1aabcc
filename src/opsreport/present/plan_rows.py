"""The plan's tasks (by phase, with milestones) and resources (by category, with totals)."""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from decimal import Decimal
from typing import Any

from opsreport.engine.metrics import Metrics
from opsreport.present import formatting as f
from opsreport.present.context_types import (
    Milestone,
    ResourceCategory,
    ResourceItem,
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


def resource_items(metrics: Metrics, lang: str) -> Resources:
    resources = metrics.report.resources
    unit_totals: dict[str, Decimal] = defaultdict(Decimal)
    for resource in resources:
        if resource.amount is not None:
            unit_totals[resource.unit] += resource.amount
    categories: OrderedDict[str, list[Any]] = OrderedDict()
    for resource in resources:
        categories.setdefault(resource.category, []).append(resource)
    result: list[ResourceCategory] = []
    for name, members in categories.items():
        by_unit: dict[str, Decimal] = defaultdict(Decimal)
        for member in members:
            if member.amount is not None:
                by_unit[member.unit] += member.amount
        items: list[ResourceItem] = []
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
                    "amount_value": to_float(member.amount),
                }
            )
        totals: list[ResourceTotal] = [
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
