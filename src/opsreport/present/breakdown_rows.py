"""The breakdown section: a KPI by item, shares and movers, in rows and one sentence."""

from __future__ import annotations

from typing import Any

from opsreport.engine.metrics import Metrics, kpi_label
from opsreport.present import formatting as f
from opsreport.present.context_types import Breakdown, BreakdownRow
from opsreport.present.context_values import each_item, to_float
from opsreport.present.labels import LABELS

__all__ = ["breakdown_items"]


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


def _breakdown_item(table: Any, lang: str) -> Breakdown:
    kpi = table.kpi
    places = f.kpi_places(
        kpi.actual, *(i.actual for i in table.items), *(i.prior_year for i in table.items)
    )
    rows: list[BreakdownRow] = [
        {
            "rank": item.rank or "",
            "item": item.item,
            "actual": f.fmt_amount(item.actual, kpi.unit, places, lang),
            "prior_year": f.fmt_amount(item.prior_year, kpi.unit, places, lang),
            "share": f.fmt_pct(item.share),
            "share_prior": f.fmt_pct(item.share_prior),
            "share_change": f.fmt_pp(item.share_change_pp, signed=True, lang=lang),
            "var_prior_pct": f.fmt_pct(item.var_prior_pct, signed=True),
            "good_prior": None
            if item.var_prior_pct is None
            else kpi.sign * item.var_prior_pct >= 0,
            "attainment": f.fmt_pct(item.attainment),
            "share_value": to_float(item.share),
        }
        for item in table.items
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
        "rows": rows,
        "chart": f"breakdown:{table.dimension}:{kpi.key}",
        "summary": summary,
    }
