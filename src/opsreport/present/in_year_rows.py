"""An in-year draft's review, landing forecast and catch-up targets, in the draft's words.

The figures are :mod:`opsreport.engine.in_year`'s; here they are formatted once, as the
rows and sentences every format of the draft shows (``in_year`` in the plan context).
"""

from __future__ import annotations

from decimal import Decimal

from opsreport.core.rounding import decimal_places
from opsreport.core.units import parse_unit
from opsreport.engine.in_year import KpiReplan, Replan
from opsreport.present import formatting as f
from opsreport.present.context_types import (
    CatchUpRow,
    InYear,
    InYearLabels,
    ReviewQuarterRow,
    ReviewRow,
)

__all__ = ["IN_YEAR_LABELS", "in_year_items", "no_in_year", "progress_sentence"]

IN_YEAR_LABELS: dict[str, InYearLabels] = {
    "zh": {
        "review": "前期回顾",
        "by_quarter": "分季度完成情况",
        "catch_up": "追赶目标",
        "ytd": "年初至今",
        "ytd_target": "年初至今目标",
        "ytd_attainment": "年初至今完成率",
        "year_share": "全年进度",
        "landing": "全年预计",
        "landing_attainment": "预计完成率",
        "review_quarter": "季度",
        "review_actual": "实际",
        "review_target": "季度目标",
        "review_attainment": "完成率",
        "review_source": "目标来源",
        "remaining": "尚需完成",
        "this_quarter": "本季度目标",
        "original": "原季度目标",
        "change": "调整",
        "later": "其后季度",
        "flag": "提示",
        "landing_methods": {
            "seasonal": "按去年季节性推算",
            "run_rate": "按年初至今季度均值推算",
            "average": "按年初至今平均水平",
            "latest": "按最新季度值",
        },
        "catch_up_methods": {
            "seasonal": "剩余目标按去年季节性分配",
            "even": "剩余目标平均分配（暂无季节性数据）",
            "path": "由最新值到年末目标的路径",
            "average": "其余季度所需平均值",
            "ahead": "全年目标已完成，保持原季度目标",
            "overrun": "全年额度已用完",
        },
        "sources": {"periods": "分期表", "split": "年度目标拆分"},
        "beyond_best": "⚠ 超过历史最佳季度（{best}）",
    },
    "en": {
        "review": "Review of the year so far",
        "by_quarter": "Quarter by quarter",
        "catch_up": "Catch-up targets",
        "ytd": "Year to date",
        "ytd_target": "YTD target",
        "ytd_attainment": "YTD attainment",
        "year_share": "Of the year",
        "landing": "Landing",
        "landing_attainment": "Landing vs target",
        "review_quarter": "Quarter",
        "review_actual": "Actual",
        "review_target": "Quarter target",
        "review_attainment": "Attainment",
        "review_source": "Target from",
        "remaining": "Still to deliver",
        "this_quarter": "This quarter",
        "original": "Original target",
        "change": "Change",
        "later": "Later quarters",
        "flag": "Flag",
        "landing_methods": {
            "seasonal": "at last year's seasonality",
            "run_rate": "at the year-to-date quarterly run rate",
            "average": "at the average so far",
            "latest": "at the latest quarter's value",
        },
        "catch_up_methods": {
            "seasonal": "what is left, by last year's seasonality",
            "even": "what is left, evenly (no seasonality data)",
            "path": "path from the latest value to the year-end target",
            "average": "the average the remaining quarters need",
            "ahead": "annual target met: original quarter targets kept",
            "overrun": "the year's allowance is used up",
        },
        "sources": {"periods": "periods sheet", "split": "split of the annual target"},
        "beyond_best": "⚠ beyond the best quarter on record ({best})",
    },
}


def _signed(value: Decimal | None, unit: str, places: int, lang: str) -> str:
    """A change of a target: points for a rate, the unit's amount otherwise; signed."""
    if value is None:
        return ""
    if parse_unit(unit).is_rate:
        return "±0" if value == 0 else f.fmt_pp(value, places, signed=True, lang=lang)
    text = f.fmt_signed(value, unit, places, lang)
    return text if text.startswith(("+", "-")) else "±0"  # zero, or a change that rounds to it


def _target_text(value: Decimal | None, unit: str, places: int, lang: str) -> str:
    """A quarter target with the decimals it has, at most ``places``: 47, 8.85, 47.75."""
    shown = places if value is None else min(places, decimal_places(value))
    return f.fmt_amount(value, unit, shown, lang)


def _quarter_name(quarter: int, lang: str) -> str:
    return f"第{quarter}季度" if lang == "zh" else f"Q{quarter}"


def _quarters_span(last: int, lang: str) -> str:
    """第1–2季度 / Q1–Q2 (第1季度 / Q1 for one)."""
    if lang == "zh":
        return "第1季度" if last == 1 else f"第1–{last}季度"
    return "Q1" if last == 1 else f"Q1–Q{last}"


def _sentence(plan: KpiReplan, drafted: int, lang: str) -> str:
    """One KPI's starting point: year to date, the landing and what the quarter must do."""
    kpi, unit, places = plan.kpi, plan.kpi.unit, plan.places
    labels = IN_YEAR_LABELS[lang]

    def amount(value: Decimal | None) -> str:  # the KPI's own figures, as typed
        return f.fmt_amount(value, unit, plan.figure_places, lang)

    def quarterly(value: Decimal | None) -> str:  # quarter targets: what the split needs
        return _target_text(value, unit, places, lang)

    zh = lang == "zh"
    parts: list[str] = []
    how = kpi.aggregation
    if how == "sum":
        ytd = f"年初至今{amount(plan.ytd)}" if zh else f"{amount(plan.ytd)} year to date"
        if plan.year_share is not None and plan.annual is not None:
            ytd += (
                f"，完成全年目标{amount(plan.annual)}的{f.fmt_pct(plan.year_share)}"
                if zh
                else f", {f.fmt_pct(plan.year_share)} of the {amount(plan.annual)} annual target"
            )
    elif how == "avg":
        ytd = f"年初至今平均{amount(plan.ytd)}" if zh else f"{amount(plan.ytd)} on average so far"
        if plan.annual is not None:
            ytd += (
                f"（全年目标{amount(plan.annual)}）" if zh else f" (target {amount(plan.annual)})"
            )
    else:
        latest = _quarter_name(len(plan.reviews), lang)
        ytd = (
            f"{latest}末{amount(plan.ytd)}" if zh else f"{amount(plan.ytd)} at the end of {latest}"
        )
        if plan.annual is not None:
            ytd += (
                f"（年末目标{amount(plan.annual)}）"
                if zh
                else f" (year-end target {amount(plan.annual)})"
            )
    parts.append(ytd)
    if plan.landing is not None and plan.landing_method is not None:
        method = labels["landing_methods"][plan.landing_method]
        landing = (
            f"{method}，全年预计{amount(plan.landing)}"
            if zh
            else f"{method}, the year lands at {amount(plan.landing)}"
        )
        if plan.landing_attainment is not None:
            rate = f.attainment_text(plan.landing_attainment)
            landing += f"，完成率{rate}" if zh else f" ({rate} of target)"
        parts.append(landing)
    this = next((c for c in plan.catch_up if c.quarter == drafted), None)
    if this is not None and plan.catch_up_method not in {"ahead", "overrun"}:
        need = quarterly(this.target)
        quarter = _quarter_name(drafted, lang)
        if how == "avg":
            text = f"{quarter}需达到{need}" if zh else f"{quarter} needs {need}"
        elif how == "last":
            text = f"{quarter}末需达到{need}" if zh else f"{quarter} must end at {need}"
        else:
            text = f"{quarter}需完成{need}" if zh else f"{quarter} must deliver {need}"
        if this.original is not None and this.change:
            text += (
                f"（原目标{quarterly(this.original)}）"
                if zh
                else f" (originally {quarterly(this.original)})"
            )
        flagged = next((c for c in plan.catch_up if c.beyond_best and c.quarter >= drafted), None)
        if flagged is not None and plan.best is not None:
            best = (
                _signed(plan.best, unit, plan.figure_places, lang)
                if how == "last"
                else quarterly(plan.best)
            )
            if flagged is not this:  # a later quarter's target is the stretch
                later = _quarter_name(flagged.quarter, lang)
                text += (
                    f"，{later}需{quarterly(flagged.target)}"
                    if zh
                    else f", and {later} {quarterly(flagged.target)}"
                )
            text += (
                f"，超过历史最佳季度（{best}）"
                if zh
                else f", beyond the best quarter on record ({best})"
            )
        parts.append(text)
    elif plan.catch_up_method == "ahead":
        parts.append("全年目标已提前完成" if zh else "the annual target is met already")
    elif plan.catch_up_method == "overrun":
        parts.append("全年额度已用完" if zh else "the year's allowance is used up")
    join = "；" if zh else "; "
    colon = "：" if zh else ": "
    return f"{kpi.name}{colon}{join.join(parts)}{'。' if zh else '.'}"


def progress_sentence(plan: KpiReplan, lang: str) -> str:
    """A KPI of the year in progress as the annual report says it (no annual actual yet):
    its year to date and where the year lands, without a quarter's catch-up."""
    return _sentence(plan, 0, lang)


def no_in_year() -> InYear:
    """The ``in_year`` of a next-year draft: inactive, nothing in it."""
    return {
        "active": False,
        "year": 0,
        "elapsed": 0,
        "span": "",
        "lead": "",
        "sentences": [],
        "review": [],
        "quarters": [],
        "catch_up": [],
    }


def in_year_items(replan: Replan, drafted: int, lang: str) -> InYear:
    """The review, the landing forecast and the catch-up targets of a draft for quarter
    ``drafted`` of the year in progress."""
    labels = IN_YEAR_LABELS[lang]
    zh = lang == "zh"
    review: list[ReviewRow] = []
    quarters: list[ReviewQuarterRow] = []
    catch_up: list[CatchUpRow] = []
    sentences: list[str] = []
    for plan in replan.kpis:
        unit, places = plan.kpi.unit, plan.places

        def amount(value: Decimal | None, unit: str = unit, places: int = places) -> str:
            return _target_text(value, unit, places, lang)

        def own(value: Decimal | None, unit: str = unit, places: int = plan.figure_places) -> str:
            return f.fmt_amount(value, unit, places, lang)

        review.append(
            {
                "name": plan.kpi.name,
                "annual": own(plan.annual),
                "ytd": own(plan.ytd),
                "ytd_target": amount(plan.ytd_target),
                "ytd_attainment": f.attainment_text(plan.ytd_attainment),
                "year_share": f.fmt_pct(plan.year_share) if plan.year_share is not None else "",
                "landing": own(plan.landing),
                "landing_attainment": f.attainment_text(plan.landing_attainment),
                "landing_method": labels["landing_methods"].get(plan.landing_method or "", ""),
                "on_track": None
                if plan.landing_attainment is None
                else plan.landing_attainment >= 1,
            }
        )
        for item in plan.reviews:
            quarters.append(
                {
                    "name": plan.kpi.name,
                    "quarter": _quarter_name(item.quarter, lang),
                    "actual": own(item.actual),
                    "target": amount(item.target),
                    "attainment": f.attainment_text(item.attainment),
                    "source": labels["sources"].get(item.target_source or "", ""),
                }
            )
        this = next((c for c in plan.catch_up if c.quarter == drafted), None)
        if this is not None:
            later = [c for c in plan.catch_up if c.quarter > drafted]
            best = (
                _signed(plan.best, unit, plan.figure_places, lang)
                if plan.kpi.aggregation == "last"
                else amount(plan.best)
            )
            flagged = any(c.beyond_best for c in plan.catch_up if c.quarter >= drafted)
            catch_up.append(
                {
                    "name": plan.kpi.name,
                    "annual": own(plan.annual),
                    "ytd": own(plan.ytd),
                    "remaining": own(plan.remaining) if plan.remaining is not None else "",
                    "target": amount(this.target),
                    "target_value": float(this.target),
                    "original": amount(this.original),
                    "change": _signed(this.change, unit, places, lang),
                    "later": ("、" if zh else ", ").join(
                        f"{_quarter_name(c.quarter, lang)} {amount(c.target)}" for c in later
                    ),
                    "method": labels["catch_up_methods"][plan.catch_up_method or "even"],
                    "beyond_best": flagged,
                    "flag": labels["beyond_best"].format(best=best) if flagged else "",
                }
            )
        sentences.append(_sentence(plan, drafted, lang))
    targeted = [p for p in replan.kpis if p.landing_attainment is not None]
    on_track = sum(
        1 for p in targeted if p.landing_attainment is not None and p.landing_attainment >= 1
    )
    behind = len(targeted) - on_track
    span = _quarters_span(replan.elapsed, lang)
    if zh:
        where = f"截至{replan.year}年{span}，{len(targeted)}项有年度目标的指标"
        if behind == len(targeted):
            lead = f"{where}均需追赶。"
        elif on_track == len(targeted):
            lead = f"{where}均按当前节奏可完成全年目标。"
        else:
            lead = f"{where}中{on_track}项按当前节奏可完成全年目标，{behind}项需追赶。"
    else:
        where = f"After {span} {replan.year}, of {len(targeted)} KPIs with an annual target"
        if behind == len(targeted):
            lead = f"{where}, all are behind their pace."
        elif on_track == len(targeted):
            lead = f"{where}, all are on course for it."
        else:
            lead = f"{where}, {on_track} are on course and {behind} behind."
    return {
        "active": True,
        "year": replan.year,
        "elapsed": replan.elapsed,
        "span": span,
        "lead": lead if targeted else "",
        "sentences": sentences,
        "review": review,
        "quarters": quarters,
        "catch_up": catch_up,
    }
