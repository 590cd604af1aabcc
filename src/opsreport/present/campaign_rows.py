"""The quarterly campaign review (活动复盘) in the report's words: rows, quarters, a summary.

One shape for the report's section and the deck's slide: each campaign with its quarter,
investment in its unit, the KPI it served with that KPI's quarter (its actual and change
on last year, as the quarterly table writes them), its result and the users' feedback.
"""

from __future__ import annotations

from decimal import Decimal

from opsreport.engine.campaigns import CampaignLine, campaign_review
from opsreport.engine.metrics import Metrics
from opsreport.present import formatting as f
from opsreport.present.context_types import CampaignQuarterItem, CampaignRow, Campaigns
from opsreport.present.context_values import to_float
from opsreport.present.kpi_view import quarter_places

__all__ = ["campaign_items"]


def _total(totals: tuple[tuple[str, Decimal], ...], lang: str) -> str:
    join = "、" if lang == "zh" else ", "
    return join.join(f.fmt_amount(amount, unit, None, lang) for unit, amount in totals)


def _kpi_figure(line: CampaignLine, lang: str) -> str:
    """GMV 2026Q4实际16.3亿元，同比+20.1% / GMV 2026Q4: 1,630 M CNY, +20.1% YoY."""
    series, point = line.kpi_series, line.kpi_quarter
    if series is None or point is None or point.actual is None:
        return ""
    kpi, places = series.kpi, quarter_places(series)
    actual = f.fmt_amount(point.actual, kpi.unit, places, lang)
    change = ""
    if point.var_prior is not None:
        delta = f.fmt_delta(point.var_prior, point.var_prior_pct, kpi.unit, lang, places)
        change = f"，同比{delta}" if lang == "zh" else f", {delta} YoY"
    label = point.period.label
    if lang == "zh":
        return f"{f.join_words(kpi.name, label)}实际{actual}{change}"
    return f"{kpi.name} {label}: {actual}{change}"


def _row(line: CampaignLine, metrics: Metrics, lang: str) -> CampaignRow:
    campaign = line.campaign
    kpi = metrics.report.kpi(campaign.kpi).name if campaign.kpi else ""
    return {
        "quarter": campaign.quarter.label if campaign.quarter else "",
        "name": campaign.name,
        "theme": campaign.theme or "",
        "investment": f.fmt_amount(campaign.investment, campaign.unit, None, lang)
        if campaign.investment is not None
        else "",
        "investment_value": to_float(campaign.investment),
        "kpi": kpi,
        "kpi_figure": _kpi_figure(line, lang),
        "result": campaign.result or "",
        "feedback": campaign.feedback or "",
    }


def campaign_items(metrics: Metrics, lang: str) -> Campaigns:
    """The campaigns by quarter and in one list, with the investment totals in a sentence."""
    review = campaign_review(metrics)
    quarters: list[CampaignQuarterItem] = []
    rows: list[CampaignRow] = []
    for quarter in review.quarters:
        items = [_row(line, metrics, lang) for line in quarter.lines]
        rows.extend(items)
        quarters.append(
            {
                "quarter": quarter.quarter.label if quarter.quarter else "",
                "rows": items,
                "total": _total(quarter.totals, lang),
            }
        )
    total = _total(review.totals, lang)
    dated = sum(1 for q in review.quarters if q.quarter is not None)
    summary = ""
    if review.count:
        if lang == "zh":
            summary = f"全年复盘{review.count}项重点活动"
            summary += f"，分布在{dated}个季度" if dated else ""
            summary += f"，投入合计{total}。" if total else "。"
        else:
            noun = f.count_noun(review.count, "campaign")
            summary = f"{noun} reviewed" + (
                f" across {f.count_noun(dated, 'quarter')}" if dated else ""
            )
            summary += f", {total} invested in all." if total else "."
    return {"rows": rows, "quarters": quarters, "total": total, "summary": summary,
            "count": review.count}  # fmt: skip
