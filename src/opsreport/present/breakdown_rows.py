"""The breakdown section: a KPI by item, shares and movers, in rows and one sentence;
the change from prior year (and the gap to target) split by item in a second one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from opsreport.core.rounding import display_places
from opsreport.engine.contribution import Contribution, ItemContribution, contribution
from opsreport.engine.metrics import BreakdownTable, Metrics, kpi_label
from opsreport.present import formatting as f
from opsreport.present.context_types import Breakdown, BreakdownRow
from opsreport.present.context_values import each_item, to_float
from opsreport.present.labels import LABELS

__all__ = ["breakdown_items", "breakdown_places", "contribution_sentence"]


def breakdown_items(metrics: Metrics, lang: str) -> list[Breakdown]:
    return each_item(
        metrics.breakdowns,
        lambda table: _breakdown_item(table, lang),
        lambda table: (
            f"{kpi_label(table.kpi)}, breakdown by {table.dimension or 'item'}",
            table.kpi.location,
        ),
        str(metrics.report.source),
    )


def breakdown_places(table: BreakdownTable) -> int:
    """Decimal places of a breakdown's figures (table, sentences, charts): the KPI's own
    display places, or more if an item's actual or prior year has more (at most 2)."""
    kpi = table.kpi
    return max(
        display_places(kpi),
        f.kpi_places(
            kpi.actual, *(i.actual for i in table.items), *(i.prior_year for i in table.items)
        ),
    )


def _breakdown_item(table: BreakdownTable, lang: str) -> Breakdown:
    kpi = table.kpi
    places = breakdown_places(table)
    share = contribution(table)
    rows: list[BreakdownRow] = [
        {
            "rank": item.rank or "",
            "item": item.item,
            "actual": f.fmt_amount(item.actual, kpi.unit, places, lang),
            "prior_year": f.fmt_amount(item.prior_year, kpi.unit, places, lang),
            "actual_figure": f.fmt_figure(item.actual, kpi.unit, places, lang),
            "prior_year_figure": f.fmt_figure(item.prior_year, kpi.unit, places, lang),
            "share": f.fmt_pct(item.share),
            "share_prior": f.fmt_pct(item.share_prior),
            "share_change": f.fmt_pp(item.share_change_pp, signed=True, lang=lang),
            "var_prior_pct": f.fmt_pct(item.var_prior_pct, signed=True),
            "good_prior": None
            if item.var_prior_pct is None
            else kpi.sign * item.var_prior_pct >= 0,
            "attainment": f.fmt_pct(item.attainment),
            "share_value": to_float(item.share),
            "change": _signed(part.change, kpi, places, lang),
            "change_share": f.fmt_pct(part.change_share),
            "good_change": part.good_change,
            "target_gap": _signed(part.target_gap, kpi, places, lang),
            "good_gap": part.good_gap,
        }
        for item, part in zip(table.items, share.items, strict=True)  # one part per item
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
        "unit_header": f.header_unit(kpi.unit, lang),
        "total_figure": f.fmt_figure(table.total_actual, kpi.unit, places, lang),
        "total_prior_figure": f.fmt_figure(table.total_prior, kpi.unit, places, lang),
        "rows": rows,
        "chart": f"breakdown:{table.dimension}:{kpi.key}",
        "summary": summary,
        "change": _signed(share.change, kpi, places, lang),
        "target_gap": _signed(share.target_gap, kpi, places, lang),
        "contribution": contribution_sentence(table, share, places, lang),
        "bridge_chart": f"bridge:{table.dimension}:{kpi.key}",
    }


# --------------------------------------------------------------------------- contribution

_DRIVERS = 3  # items named as driving the change
_OFFSETS = 2  # items named as moving against it


def _signed(value: Decimal | None, kpi: Any, places: int, lang: str) -> str:
    """A change in the KPI's unit, signed: +5.1亿元, -0.4亿元; a rate's in points."""
    if value is None:
        return ""
    if kpi.is_rate:
        return f.fmt_pp(value, max(places, 1), signed=True, lang=lang)
    return f.fmt_signed(value, kpi.unit, places, lang)


def _size(value: Decimal, kpi: Any, places: int, lang: str) -> str:
    """A change's size without its sign (the verb carries the direction): 8.3亿元."""
    if kpi.is_rate:
        return f.fmt_pp(abs(value), max(places, 1), lang=lang)
    return f.fmt_amount(abs(value), kpi.unit, places, lang)


def _moved(
    items: tuple[ItemContribution, ...], up: bool, gap: bool = False
) -> list[ItemContribution]:
    """The items that moved up (or down), largest move first."""
    chosen = [
        c
        for c in items
        if (value := c.target_gap if gap else c.change) is not None
        and (value > 0) == up
        and value != 0
    ]
    return sorted(chosen, key=lambda c: -abs((c.target_gap if gap else c.change) or Decimal(0)))


def contribution_sentence(
    table: BreakdownTable, share: Contribution, places: int, lang: str
) -> str:
    """Which items drove the change from prior year and which held it back, and where the
    gap to target sits: 「GMV同比增加8.3亿元，其中抖音贡献+4.2亿元（占增量50.6%）…」.

    "贡献"/"contributed" only for a rise of a higher-is-better KPI; a fall, or any move
    of a lower-is-better one, is told with its verb. When the items' totals are not the
    KPI's own figures the subject is the items' total. A rate's items do not add up:
    the items that moved most are named instead. "" when no item has both figures.
    """
    kpi = table.kpi
    zh = lang == "zh"
    dimension = table.dimension or LABELS[lang]["item"]
    if not share.additive:
        return _rate_sentence(table, share, places, lang)
    if share.change is None:
        return ""
    change = share.change
    if share.adds_up:
        subject = kpi.name
    else:
        subject = (
            f"{kpi.name}各{dimension}合计" if zh else f"The {dimension} items' total of {kpi.name}"
        )
    up = change > 0
    size = _size(change, kpi, places, lang)
    if change == 0:
        text = f"{subject}与上年持平" if zh else f"{subject} is level with the prior year"
    elif zh:
        text = f"{f.join_words(subject, '同比' + ('增加' if up else '减少'))}{size}"
    else:
        text = f"{subject} {'rose' if up else 'fell'} {size} from the prior year"
    drivers = _moved(share.items, up)[:_DRIVERS] if change else []
    offsets = _moved(share.items, not up)[:_OFFSETS] if change else []
    if drivers:
        praise = up and kpi.sign > 0
        first = drivers[0]
        first_share = ""
        if first.change_share is not None and 0 < first.change_share <= 1 and len(drivers) > 1:
            first_share = (
                f"（占{'增量' if up else '降幅'}{f.fmt_pct(first.change_share)}）"
                if zh
                else f" ({f.fmt_pct(first.change_share)} of the change)"
            )
        if praise:
            named = [
                f"{c.item}{'贡献' if n == 0 else ''}{_signed(c.change, kpi, places, lang)}"
                if zh
                else f"{c.item} {'contributed ' if n == 0 else ''}{_signed(c.change, kpi, places, lang)}"
                for n, c in enumerate(drivers)
            ]
        else:
            verb_zh = "增加" if up else "减少"
            verb_en = "rose" if up else "fell"
            named = [
                f"{c.item}{verb_zh}{_size(c.change or Decimal(0), kpi, places, lang)}"
                if zh
                else f"{c.item} {verb_en} {_size(c.change or Decimal(0), kpi, places, lang)}"
                for c in drivers
            ]
        named[0] += first_share
        if zh:
            text += ("，其中" if share.good_change else "，主要因") + "、".join(named)
        else:
            text += (", of which " if share.good_change else ", mainly as ") + f.join_list(
                named, lang
            )
    if offsets:
        listed = [
            f"{c.item}{'增加' if (c.change or 0) > 0 else '减少'}{_size(c.change or Decimal(0), kpi, places, lang)}"
            if zh
            else f"{c.item} {'rose' if (c.change or 0) > 0 else 'fell'} {_size(c.change or Decimal(0), kpi, places, lang)}"
            for c in offsets
        ]
        text += ("；" if zh else "; ") + f.join_list(listed, lang)
    if not share.adds_up:
        text += "（各项之和）" if zh else " (the items' sum)"
    text += "。" if zh else "."
    return text + _target_clause(share, kpi, places, lang)


def _target_clause(share: Contribution, kpi: Any, places: int, lang: str) -> str:
    """Where the gap to target sits: 「较目标合计低3.4亿元，缺口主要在抖音（-1.2亿元）」."""
    gap = share.target_gap
    if gap is None:
        return ""
    zh = lang == "zh"
    if gap == 0:
        return "各项合计与目标持平。" if zh else " The items together are on target."
    above = gap > 0
    size = _size(gap, kpi, places, lang)
    where = _moved(share.items, above, gap=True)[:_OFFSETS]
    listed = [
        f"{c.item}（{_signed(c.target_gap, kpi, places, lang)}）"
        if zh
        else f"{c.item} ({_signed(c.target_gap, kpi, places, lang)})"
        for c in where
    ]
    if zh:
        text = f"与目标相比，各项合计{'高于' if above else '低于'}目标{size}"
        if listed:
            text += ("，主要来自" if share.good_gap else "，缺口主要在") + "、".join(listed)
        return text + "。"
    text = f" Against target, the items together are {size} {'above' if above else 'below'}"
    if listed:
        text += (", mostly from " if share.good_gap else ", the shortfall mostly in ") + (
            f.join_list(listed, lang)
        )
    return text + "."


def _rate_sentence(table: BreakdownTable, share: Contribution, places: int, lang: str) -> str:
    """A rate's items do not add up: name the items whose rate moved most."""
    moved = sorted(
        (c for c in share.items if c.change is not None and c.change != 0),
        key=lambda c: -abs(c.change or Decimal(0)),
    )[:_DRIVERS]
    if not moved:
        return ""
    kpi = table.kpi
    dimension = table.dimension or LABELS[lang]["item"]
    if lang == "zh":
        named = "、".join(f"{c.item}（{_signed(c.change, kpi, places, lang)}）" for c in moved)
        return f"按{dimension}看，{kpi.name}同比变化最大的是{named}。"
    named = f.join_list([f"{c.item} ({_signed(c.change, kpi, places, lang)})" for c in moved], lang)
    return f"By {dimension}, {kpi.name} moved most in {named}."
