"""The plan's resources summed: per category and unit, each item's share, the grand totals.

Amounts only add up within one unit (万元 with 万元, 人 with 人); a category with
two units has two totals. Pure Decimal: ``present.plan_rows`` formats them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from opsreport.core.records import Resource

__all__ = ["ResourceCategory", "ResourceLine", "ResourcePlan", "UnitTotal", "resource_plan"]


@dataclass(frozen=True, slots=True)
class ResourceLine:
    """One resource and its share of its category's total in its unit."""

    resource: Resource
    share: Decimal | None  # None: no amount, or the category's total in its unit is 0


@dataclass(frozen=True, slots=True)
class UnitTotal:
    """An amount in one unit, and its share of all categories' total in that unit."""

    unit: str
    amount: Decimal
    share_of_all: Decimal | None  # None: all categories' total in the unit is 0


@dataclass(frozen=True, slots=True)
class ResourceCategory:
    name: str
    lines: tuple[ResourceLine, ...]
    totals: tuple[UnitTotal, ...]  # one per unit, in the order the units first appear


@dataclass(frozen=True, slots=True)
class ResourcePlan:
    categories: tuple[ResourceCategory, ...]  # in the order they first appear
    totals: tuple[UnitTotal, ...]  # all categories, one per unit (share_of_all 1 or None)


def _unit_totals(resources: Sequence[Resource]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for resource in resources:
        if resource.amount is not None:
            totals[resource.unit] = totals.get(resource.unit, Decimal(0)) + resource.amount
    return totals


def _share(part: Decimal, whole: Decimal | None) -> Decimal | None:
    return part / whole if whole else None


def resource_plan(resources: Sequence[Resource]) -> ResourcePlan:
    """The resources by category with their totals and shares."""
    grand = _unit_totals(resources)
    members: dict[str, list[Resource]] = {}
    for resource in resources:
        members.setdefault(resource.category, []).append(resource)
    categories = []
    for name, group in members.items():
        by_unit = _unit_totals(group)
        lines = tuple(
            ResourceLine(
                r,
                _share(r.amount, by_unit.get(r.unit)) if r.amount is not None else None,
            )
            for r in group
        )
        totals = tuple(
            UnitTotal(unit, amount, _share(amount, grand[unit])) for unit, amount in by_unit.items()
        )
        categories.append(ResourceCategory(name, lines, totals))
    return ResourcePlan(
        tuple(categories),
        tuple(UnitTotal(unit, amount, _share(amount, amount)) for unit, amount in grand.items()),
    )
