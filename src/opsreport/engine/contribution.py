"""Contribution analysis: a breakdown KPI's change from prior year (and its gap to target)
split by item, so the report can say which items drove it and which held it back.

Pure Decimal, no text. An item's contribution is its own ``actual − prior_year``; the
items' contributions add up to the change of the items' total (not necessarily the KPI's
own change: a breakdown may cover part of a KPI, or sum differently). Rates (%, pp) do
not add across items: their per-item changes are given, but no total and no shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsreport.engine.metrics import BreakdownItem, BreakdownTable

__all__ = ["BridgeStep", "Contribution", "ItemContribution", "bridge_steps", "contribution"]

ZERO = Decimal(0)
BRIDGE_ITEMS = 8  # items a bridge shows one by one; the smaller rest are one "others" step


@dataclass(frozen=True)
class ItemContribution:
    """One item's part of the change (and of the gap to target)."""

    item: str
    change: Decimal | None  # actual − prior_year; None without both
    change_share: Decimal | None  # change / the items' total change (fraction; additive KPIs)
    good_change: bool | None  # the change is good for the KPI's direction (0 counts as good)
    target_gap: Decimal | None  # actual − target; None without both
    gap_share: Decimal | None  # target_gap / the items' total gap (fraction; additive KPIs)
    good_gap: bool | None


@dataclass(frozen=True)
class Contribution:
    """A breakdown table's change and gap split by item.

    ``contributors`` are the items whose change is good for the KPI (largest first),
    ``detractors`` those whose change is bad (worst first). ``change`` is the change of
    the items' total over the items with both figures (``prior``→``actual``);
    ``adds_up`` says those totals are the KPI's own actual and prior year, so the change
    may be called the KPI's.
    """

    dimension: str
    kpi_key: str
    additive: bool  # amounts add up across items; rates do not
    items: tuple[ItemContribution, ...]  # in the table's order
    prior: Decimal | None  # Σ prior_year of the items with both figures
    actual: Decimal | None  # Σ actual of the same items
    change: Decimal | None  # actual − prior = Σ item changes
    good_change: bool | None
    adds_up: bool
    target: Decimal | None  # Σ target of the items with actual and target
    target_gap: Decimal | None  # Σ item gaps
    good_gap: bool | None
    contributors: tuple[ItemContribution, ...]
    detractors: tuple[ItemContribution, ...]


def _good(sign: int, delta: Decimal | None) -> bool | None:
    return None if delta is None else sign * delta >= 0


def _share(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or whole is None or whole == 0:
        return None
    return part / whole


def contribution(table: BreakdownTable) -> Contribution:
    """The change from prior year and the gap to target of ``table``, item by item."""
    kpi = table.kpi
    sign = kpi.sign
    additive = not kpi.is_rate
    both: list[BreakdownItem] = [
        i for i in table.items if i.actual is not None and i.prior_year is not None
    ]
    aimed: list[BreakdownItem] = [
        i for i in table.items if i.actual is not None and i.target is not None
    ]
    prior = actual = change = target = gap = None
    if additive and both:
        prior = sum((i.prior_year for i in both if i.prior_year is not None), ZERO)
        actual = sum((i.actual for i in both if i.actual is not None), ZERO)
        change = actual - prior
    if additive and aimed:
        target = sum((i.target for i in aimed if i.target is not None), ZERO)
        gap = sum((i.actual for i in aimed if i.actual is not None), ZERO) - target
    items = []
    for i in table.items:
        delta = (
            i.actual - i.prior_year if i.actual is not None and i.prior_year is not None else None
        )
        off = i.actual - i.target if i.actual is not None and i.target is not None else None
        items.append(
            ItemContribution(
                item=i.item,
                change=delta,
                change_share=_share(delta, change),
                good_change=_good(sign, delta),
                target_gap=off,
                gap_share=_share(off, gap),
                good_gap=_good(sign, off),
            )
        )
    moved = [c for c in items if c.change is not None and c.change != 0]
    contributors = sorted(
        (c for c in moved if c.good_change), key=lambda c: -sign * (c.change or ZERO)
    )
    detractors = sorted(
        (c for c in moved if not c.good_change), key=lambda c: sign * (c.change or ZERO)
    )
    adds_up = (
        change is not None
        and len(both) == len(table.items)
        and kpi.actual is not None
        and kpi.prior_year is not None
        and actual == kpi.actual
        and prior == kpi.prior_year
    )
    return Contribution(
        dimension=table.dimension,
        kpi_key=kpi.key,
        additive=additive,
        items=tuple(items),
        prior=prior,
        actual=actual,
        change=change,
        good_change=_good(sign, change),
        adds_up=adds_up,
        target=target,
        target_gap=gap,
        good_gap=_good(sign, gap),
        contributors=tuple(contributors),
        detractors=tuple(detractors),
    )


@dataclass(frozen=True)
class BridgeStep:
    """One step of a variance bridge: the PY total, an item's change (or the rest's,
    ``grouped`` > 0 items), the AC total; ``start``/``end`` are where its bar runs."""

    kind: str  # "prior", "item", "others", "actual"
    item: str  # the item's name; "" for the totals and the others
    grouped: int  # how many items an "others" step holds
    delta: Decimal  # the step's change (the totals: their value)
    start: Decimal
    end: Decimal
    good: bool | None  # for the item steps: good for the KPI's direction


def bridge_steps(share: Contribution, sign: int, limit: int = BRIDGE_ITEMS) -> list[BridgeStep]:
    """PY total → each item's change, largest rise first → AC total; beyond ``limit`` items
    the smallest changes (by size) are one "others" step. Empty for a rate KPI or when no
    item has both figures: such a bridge would not add up."""
    if not share.additive or share.prior is None or share.actual is None:
        return []
    changes = [c for c in share.items if c.change is not None]
    by_size = sorted(changes, key=lambda c: -abs(c.change or ZERO))
    shown = by_size if len(by_size) <= limit else by_size[: max(limit - 1, 1)]
    rest = by_size[len(shown) :]
    shown.sort(key=lambda c: -(c.change or ZERO))
    steps = [BridgeStep("prior", "", 0, share.prior, ZERO, share.prior, None)]
    level = share.prior
    for c in shown:
        delta = c.change or ZERO
        steps.append(BridgeStep("item", c.item, 0, delta, level, level + delta, c.good_change))
        level += delta
    if rest:
        delta = sum((c.change or ZERO for c in rest), ZERO)
        steps.append(
            BridgeStep("others", "", len(rest), delta, level, level + delta, _good(sign, delta))
        )
        level += delta
    steps.append(BridgeStep("actual", "", 0, share.actual, ZERO, share.actual, None))
    return steps
