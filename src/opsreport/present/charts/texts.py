"""The charts' words in both report languages (titles, subtitles, alt texts, keys, months)."""

from __future__ import annotations

from opsreport.present.formatting import count_noun

__all__ = [
    "MONTHS_EN",
    "TEXTS",
    "chart_language",
    "chart_text",
]

TEXTS: dict[str, dict[str, str]] = {
    "zh": {
        "attainment": "指标完成率",
        "attainment_sub": "单位：%；竖线为100%；绿色=达成，黄色=接近，红色=未达成",
        "attainment_alt": "条形图：{n}项指标的完成率，达成{met}项、接近{near}项、未达成{missed}项。",
        "variance_target": "与目标差异（ΔPL%）",
        "variance_prior": "同比差异（ΔPY%）",
        "variance_sub_target": "相对目标；比率类与金额类分栏，各用其单位；绿色=有利，红色=不利",
        "variance_sub_prior": "相对上年；比率类与金额类分栏，各用其单位；绿色=有利，红色=不利",
        "variance_panel_rate": "比率类指标　单位：个百分点（pp）",
        "variance_panel_amount": "金额类指标　单位：%",
        "variance_alt": "针形图：{n}项指标的{what}，有利{good}项、不利{bad}项。",
        "variance_what_target": "与目标差异",
        "variance_what_prior": "同比差异",
        "quarterly": "季度趋势：{name}",
        "quarterly_sub": "单位：{unit}",
        "quarterly_alt": "柱形图：{name}各季度实际值，与上年同期和目标对比。",
        "breakdown": "{dimension}结构：{name}",
        "breakdown_sub": "单位：占比%；白色细框为上年占比；pp为占比变化",
        "breakdown_sub_native": "单位：占比%；深色=实际占比，灰色=上年占比",
        "breakdown_alt": "条形图：{name}按{dimension}的占比，共{n}项。",
        "bridge": "{dimension}变动桥：{name}",
        "bridge_sub": "单位：{unit}；上年→各{dimension}同比变化→实际；绿色=有利，红色=不利",
        "bridge_sub_items": "单位：{unit}；各{dimension}合计（各项之和）；绿色=有利，红色=不利",
        "bridge_alt": "瀑布图：{name}由上年{py}到实际{ac}，按{dimension}分为{n}步变化。",
        "bridge_others": "其余{n}项",
        "bridge_items": "项目",
        "risks": "风险矩阵（可能性×影响）",
        "risks_sub": "横轴可能性、纵轴影响（1–5）；红圈=已触发",
        "risks_alt": "风险矩阵：{n}项风险按可能性和影响分布，其中{triggered}项已触发。",
        "risks_sub_reported": "横轴可能性、纵轴影响（1–5）；灰圈=今年实际已越过触发线",
        "risks_alt_reported": "风险矩阵：{n}项风险按可能性和影响分布，其中{triggered}项的触发线今年实际已越过。",
        "risks_sub_watch": "横轴可能性、纵轴影响（1–5）；计划年度尚无实际值，风险监控中",
        "risks_alt_watch": "风险矩阵：{n}项风险按可能性和影响分布，计划年度尚无实际值，监控中。",
        "crossed": "（今年已越线）",
        "likelihood": "可能性",
        "impact": "影响",
        "triggered": "（已触发）",
        "timeline": "任务时间轴",
        "timeline_sub": "{start}至{end}；菱形=里程碑",
        "timeline_alt": "甘特图：{n}项任务，{start}至{end}。",
        "more": "其余{n:,}项未显示",
        "ac": "实际",
        "py": "上年",
        "pl": "目标",
        "no_phase": "未分阶段",
    },
    "en": {
        "attainment": "Attainment by KPI",
        "attainment_sub": "Unit: %; line at 100%; green = met, amber = near, red = missed",
        "attainment_alt": "Bar chart of attainment for {kpis}: {met} met, {near} near, {missed} missed.",
        "variance_target": "Variance to plan (ΔPL%)",
        "variance_prior": "Variance to prior year (ΔPY%)",
        "variance_sub_target": "Against plan; rates and amounts apart, each in its unit; green = good, red = bad",
        "variance_sub_prior": "Against prior year; rates and amounts apart, each in its unit; green = good, red = bad",
        "variance_panel_rate": "Rates · unit: percentage points (pp)",
        "variance_panel_amount": "Amounts · unit: %",
        "variance_alt": "Pin chart of the {what} of {kpis}: {good} good, {bad} bad.",
        "variance_what_target": "variance to plan",
        "variance_what_prior": "variance to prior year",
        "quarterly": "Quarterly trend: {name}",
        "quarterly_sub": "Unit: {unit}",
        "quarterly_alt": "Column chart of {name} by quarter, actual against prior year and plan.",
        "breakdown": "{dimension} mix: {name}",
        "breakdown_sub": "Unit: share in %; white tick = prior-year share; pp = change in share",
        "breakdown_sub_native": "Unit: share in %; dark = AC share, grey = PY share",
        "breakdown_alt": "Bar chart of the share of {name} by {dimension}, {n} items.",
        "bridge": "{name} bridge by {dimension}",
        "bridge_sub": "Unit: {unit}; PY → change by {dimension} → AC; green = good, red = bad",
        "bridge_sub_items": "Unit: {unit}; the {dimension} items' sum; green = good, red = bad",
        "bridge_alt": "Waterfall chart of {name} from PY {py} to AC {ac} in {n} steps by {dimension}.",
        "bridge_others": "{n} others",
        "bridge_items": "item",
        "risks": "Risk matrix (likelihood × impact)",
        "risks_sub": "Likelihood across, impact up (1–5); red ring = triggered",
        "risks_alt": "Risk matrix of {risks} by likelihood and impact; {triggered} triggered.",
        "risks_sub_reported": "Likelihood across, impact up (1–5); grey ring = this year's actual past the trigger line",
        "risks_alt_reported": "Risk matrix of {risks} by likelihood and impact; this year's actual is past the trigger line of {triggered}.",
        "risks_sub_watch": "Likelihood across, impact up (1–5); no actual of the plan year yet: watched",
        "risks_alt_watch": "Risk matrix of {risks} by likelihood and impact; no actual of the plan year yet: watched.",
        "crossed": " (past the line this year)",
        "likelihood": "Likelihood",
        "impact": "Impact",
        "triggered": " (triggered)",
        "timeline": "Task timeline",
        "timeline_sub": "{start} to {end}; diamond = milestone",
        "timeline_alt": "Gantt chart of {tasks} from {start} to {end}.",
        "more": "… {n:,} more",
        "ac": "AC",
        "py": "PY",
        "pl": "PL",
        "no_phase": "No phase",
    },
}
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def chart_language(lang: str | None) -> str:
    """The language of chart texts: "zh" for any zh* tag (and none), else "en"."""
    return "zh" if (lang or "zh").lower().startswith("zh") else "en"


def chart_text(lang: str, key: str, **params: object) -> str:
    """A chart's text in ``lang`` with its ``params`` filled in; counts agree with their nouns."""
    text = TEXTS[chart_language(lang)][key]
    count = params.get("n")
    if isinstance(count, int):  # English counts agree with their noun: 1 KPI, 2 KPIs
        params["kpis"] = count_noun(count, "KPI")
        params["risks"] = count_noun(count, "risk")
        params["tasks"] = count_noun(count, "task")
    return text.format(**params) if params else text
