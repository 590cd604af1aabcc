"""The workbook contract: sheet and column names with their Chinese aliases.

One table drives the loader, ``opsreport init`` and the documentation, so the
three cannot drift apart. Names match case-insensitively after NFKC
normalisation; spaces, hyphens and underscores are interchangeable.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["SHEETS", "Column", "SheetSpec", "match_column", "match_sheet", "normalize_name"]


@dataclass(frozen=True)
class Column:
    field: str
    aliases: tuple[str, ...]
    # text | number | growth | kpi | kpis | date | level | direction | aggregation | unit | value_kind
    kind: str = "text"
    required: bool = False
    help_en: str = ""
    help_zh: str = ""


@dataclass(frozen=True)
class SheetSpec:
    name: str
    aliases: tuple[str, ...]
    columns: tuple[Column, ...]
    required: bool = False

    def column(self, field: str) -> Column:
        return next(column for column in self.columns if column.field == field)


def normalize_name(text: object) -> str:
    """The form names are compared in: NFKC, lower case, one underscore for any gap."""
    value = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    return re.sub(r"[\s\-_]+", "_", value)


def _c(
    field: str,
    *aliases: str,
    kind: str = "text",
    required: bool = False,
    en: str = "",
    zh: str = "",
) -> Column:
    return Column(field, (field, *aliases), kind, required, en, zh)


# fmt: off
_CAMPAIGN_COLUMNS = (  # the campaigns sheet (活动复盘): written compactly, schema.py is long
        _c("quarter", "季度", "期间", "period", kind="period",
           en="quarter (Q4, 2026Q4) or month (11月) it ran in", zh="季度：Q4、第4季度或月份"),
        _c("name", "活动", "活动名称", "campaign", required=True,
           en="campaign name", zh="活动名称"),
        _c("theme", "主题", "活动主题", en="theme", zh="活动主题"),
        _c("investment", "投入", "投入金额", "投入资源", "spend", "budget", kind="number",
           en="amount invested, in the unit column's unit", zh="投入金额（单位见单位列）"),
        _c("unit", "单位", "投入单位", kind="unit",
           en="unit of the investment: 万元, USD k …", zh="投入的单位：万元、元…"),
        _c("kpi", "关联指标", "指标", "指标编号", "kpi_id", kind="kpi",
           en="KPI id or name the campaign served", zh="关联指标编号或名称"),
        _c("result", "效果", "活动效果", "结果", "outcome",
           en="result, with its figure", zh="活动效果（带数据）"),
        _c("feedback", "用户反馈", "反馈", "复盘", "review",
           en="user feedback and lessons", zh="用户反馈与复盘"),
)
# fmt: on

SHEETS: dict[str, SheetSpec] = {
    spec.name: spec
    for spec in (
        SheetSpec(
            "meta",
            ("meta", "概况", "基本信息", "info"),
            (
                _c("key", "键", "项目", "name", required=True, en="setting name", zh="设置项"),
                _c("value", "值", "内容", required=True, en="setting value", zh="取值"),
            ),
        ),
        SheetSpec(
            "kpis",
            ("kpis", "kpi", "指标", "指标表"),
            (
                _c(
                    "id",
                    "编号",
                    "代码",
                    "code",
                    en="short unique code, e.g. P01",
                    zh="唯一编号，如 P01",
                ),
                _c("name", "指标", "指标名称", "kpi", required=True, en="KPI name", zh="指标名称"),
                _c(
                    "group",
                    "维度",
                    "分组",
                    "类别",
                    "dimension",
                    en="dimension, e.g. profit / users / efficiency",
                    zh="维度：利润/用户/效率",
                ),
                _c(
                    "unit",
                    "单位",
                    kind="unit",
                    en="unit: %, pp, 亿元, 万元, USD, days …",
                    zh="单位：%、个百分点、亿元、万元、元、天",
                ),
                _c(
                    "direction",
                    "方向",
                    "口径方向",
                    kind="direction",
                    en="higher or lower is better",
                    zh="越高越好 / 越低越好",
                ),
                _c(
                    "target",
                    "目标",
                    "目标值",
                    "plan",
                    kind="number",
                    en="this year's target",
                    zh="本年目标",
                ),
                _c(
                    "actual",
                    "实际",
                    "实际值",
                    "完成",
                    "完成值",
                    kind="number",
                    en="this year's actual",
                    zh="本年实际",
                ),
                _c(
                    "prior_year",
                    "上年",
                    "去年",
                    "上年同期",
                    "prior",
                    "py",
                    "last_year",
                    kind="number",
                    en="last year's actual",
                    zh="上年实际",
                ),
                _c(
                    "next_target",
                    "明年目标",
                    "下年目标",
                    "next_year_target",
                    kind="number",
                    en="next year's target",
                    zh="明年目标",
                ),
                _c(
                    "base",
                    "占比基数",
                    "基数",
                    "公司总额",
                    "total",
                    kind="number",
                    en="company total the KPI is a share of",
                    zh="占比的分母（公司总额）",
                ),
                _c(
                    "base_name",
                    "基数名称",
                    "占比口径",
                    "base_label",
                    en="what the base is, e.g. company profit growth",
                    zh="基数名称，如 公司利润增量",
                ),
                _c(
                    "aggregation",
                    "汇总方式",
                    "汇总",
                    "agg",
                    kind="aggregation",
                    en="sum, last or avg across quarters",
                    zh="季度汇总方式：求和/期末/平均",
                ),
                _c(
                    "weight",
                    "权重",
                    kind="number",
                    en="weight in the overall score",
                    zh="综合得分权重",
                ),
                _c("owner", "负责人", "责任人", en="owner", zh="负责人"),
                _c("source", "数据来源", "来源", en="data source", zh="数据来源"),
                _c("note", "备注", "说明", "notes", "comment", en="note", zh="备注"),
                _c(
                    "benchmark",
                    "行业基准",
                    "行业均值",
                    "基准值",
                    kind="number",
                    en="benchmark figure in the KPI's unit, e.g. the industry average",
                    zh="行业基准（与指标同单位）",
                ),
                _c(
                    "benchmark_name",
                    "基准口径",
                    "基准名称",
                    en="what the benchmark is (default: industry average)",
                    zh="基准口径（默认 行业均值）",
                ),
                _c(
                    "target_growth",
                    "目标增幅",
                    "增长目标",
                    kind="growth",
                    en="target as growth on last year: 30% for amounts, +3 (pp) for rates",
                    zh="目标增幅：金额类写 30%，比率类写 +3（个百分点）",
                ),
                _c(
                    "drivers",
                    "驱动指标",
                    "主要驱动",
                    kind="kpis",
                    en="ids or names of the KPIs that explain this one, separated by , or 、",
                    zh="驱动本指标的指标编号或名称，用 , 或 、 分隔",
                ),
            ),
            required=True,
        ),
        SheetSpec(
            "periods",
            ("periods", "分期", "季度", "月度", "quarters", "trend"),
            (
                _c(
                    "kpi",
                    "指标",
                    "指标名称",
                    "编号",
                    "指标编号",
                    "kpi_id",
                    kind="kpi",
                    required=True,
                    en="KPI id or name",
                    zh="指标编号或名称",
                ),
                _c(
                    "period",
                    "期间",
                    "季度",
                    "月份",
                    "quarter",
                    "month",
                    kind="period",
                    en="2026Q1, Q1, 2026-03, 3月",
                    zh="期间：2026Q1、Q1、2026-03、3月",
                ),
                _c(
                    "actual",
                    "实际",
                    "实际值",
                    kind="number",
                    en="actual of the period",
                    zh="当期实际",
                ),
                _c(
                    "target",
                    "目标",
                    "目标值",
                    kind="number",
                    en="target of the period",
                    zh="当期目标",
                ),
                _c(
                    "prior_year",
                    "上年",
                    "上年同期",
                    "去年同期",
                    "prior",
                    kind="number",
                    en="same period last year",
                    zh="上年同期",
                ),
            ),
        ),
        SheetSpec(
            "breakdown",
            ("breakdown", "结构", "构成", "拆分", "mix"),
            (
                _c(
                    "dimension",
                    "维度",
                    "分类",
                    "breakdown",
                    en="channel, category …",
                    zh="维度：渠道、品类…",
                ),
                _c(
                    "item",
                    "项目",
                    "名称",
                    "明细",
                    required=True,
                    en="channel or category name",
                    zh="渠道或品类名称",
                ),
                _c(
                    "kpi",
                    "指标",
                    "编号",
                    "指标编号",
                    "kpi_id",
                    kind="kpi",
                    required=True,
                    en="KPI id or name",
                    zh="指标编号或名称",
                ),
                _c("actual", "实际", "实际值", kind="number", en="actual", zh="本年实际"),
                _c(
                    "prior_year",
                    "上年",
                    "去年",
                    "prior",
                    kind="number",
                    en="last year",
                    zh="上年实际",
                ),
                _c("target", "目标", "目标值", kind="number", en="target", zh="本年目标"),
            ),
        ),
        SheetSpec(
            "problems",
            ("problems", "问题", "问题分析", "issues"),
            (
                _c(
                    "area",
                    "领域",
                    "方面",
                    "类别",
                    en="area: traffic, users, product, organisation",
                    zh="领域：流量/用户/商品/组织",
                ),
                _c(
                    "problem",
                    "问题",
                    "问题描述",
                    required=True,
                    en="the problem, with its figure",
                    zh="问题（带数据）",
                ),
                _c(
                    "kpi",
                    "关联指标",
                    "指标",
                    "指标编号",
                    "kpi_id",
                    kind="kpi",
                    en="KPI id or name it refers to",
                    zh="关联指标编号或名称",
                ),
                _c(
                    "subjective",
                    "主观原因",
                    "内因",
                    "internal_causes",
                    en="what the team did or failed to do",
                    zh="主观原因（团队自身）",
                ),
                _c(
                    "objective",
                    "客观原因",
                    "外因",
                    "external_causes",
                    en="market, platform, suppliers",
                    zh="客观原因（市场/平台/供应商）",
                ),
                _c("impact", "影响", en="impact", zh="影响"),
                _c("action", "改进措施", "措施", "对策", "actions", en="action", zh="改进措施"),
            ),
        ),
        SheetSpec(
            "goals",
            ("goals", "目标", "年度目标", "明年目标", "objectives"),
            (
                _c(
                    "goal", "目标", "目标描述", required=True, en="the goal in words", zh="目标描述"
                ),
                _c(
                    "kpi",
                    "关联指标",
                    "指标",
                    "指标编号",
                    "kpi_id",
                    kind="kpi",
                    en="KPI id or name",
                    zh="关联指标编号或名称",
                ),
                _c(
                    "baseline",
                    "基线",
                    "基线值",
                    "现状",
                    kind="number",
                    en="starting value (this year's actual)",
                    zh="基线（本年实际）",
                ),
                _c("target", "目标值", "目标数值", kind="number", en="target value", zh="目标值"),
                _c(
                    "unit",
                    "单位",
                    kind="unit",
                    en="unit (defaults to the KPI's)",
                    zh="单位（默认同指标）",
                ),
                _c(
                    "direction",
                    "方向",
                    kind="direction",
                    en="higher or lower is better",
                    zh="越高越好 / 越低越好",
                ),
                _c(
                    "deadline",
                    "截止",
                    "截止日期",
                    "期限",
                    "due",
                    kind="date",
                    en="deadline",
                    zh="截止日期",
                ),
                _c("owner", "负责人", "责任人", en="owner", zh="负责人"),
                _c(
                    "measure",
                    "衡量口径",
                    "数据来源",
                    "口径",
                    "source",
                    en="how it is measured (data source)",
                    zh="衡量口径/数据来源",
                ),
                _c(
                    "aligns_to",
                    "对齐",
                    "对齐目标",
                    "公司目标",
                    "alignment",
                    en="company goal it serves",
                    zh="对齐的公司目标",
                ),
                _c(
                    "q1",
                    "一季度",
                    "第一季度",
                    "1季度",
                    kind="number",
                    en="Q1 target",
                    zh="一季度目标",
                ),
                _c(
                    "q2",
                    "二季度",
                    "第二季度",
                    "2季度",
                    kind="number",
                    en="Q2 target",
                    zh="二季度目标",
                ),
                _c(
                    "q3",
                    "三季度",
                    "第三季度",
                    "3季度",
                    kind="number",
                    en="Q3 target",
                    zh="三季度目标",
                ),
                _c(
                    "q4",
                    "四季度",
                    "第四季度",
                    "4季度",
                    kind="number",
                    en="Q4 target",
                    zh="四季度目标",
                ),
                _c(
                    "base",
                    "占比基数",
                    "基数",
                    "公司总额",
                    kind="number",
                    en="company total the target is a share of (goal's unit)",
                    zh="占比基数（公司总额，与目标同单位）",
                ),
                _c(
                    "base_name",
                    "基数名称",
                    "占比口径",
                    en="what the base is, e.g. company profit growth",
                    zh="基数名称，如 公司新增利润",
                ),
            ),
        ),
        SheetSpec(
            "tasks",
            ("tasks", "任务", "任务计划", "行动计划", "plan"),
            (
                _c("phase", "阶段", en="phase", zh="阶段"),
                _c("task", "任务", "任务名称", "事项", required=True, en="task", zh="任务"),
                _c(
                    "start",
                    "开始",
                    "开始日期",
                    "开始时间",
                    kind="date",
                    en="start date or week (W3)",
                    zh="开始日期或周（第3周）",
                ),
                _c(
                    "end",
                    "结束",
                    "结束日期",
                    "完成日期",
                    "结束时间",
                    kind="date",
                    en="end date or week",
                    zh="结束日期或周",
                ),
                _c("owner", "负责人", "责任人", en="owner", zh="负责人"),
                _c("milestone", "里程碑", en="milestone reached when the task ends", zh="里程碑"),
                _c("deliverable", "交付物", "产出", "成果", en="deliverable", zh="交付物"),
            ),
        ),
        SheetSpec(
            "risks",
            ("risks", "风险", "风险清单", "风险评估"),
            (
                _c("risk", "风险", "风险描述", required=True, en="the risk", zh="风险描述"),
                _c("category", "类别", "类型", en="category", zh="类别"),
                _c(
                    "likelihood",
                    "可能性",
                    "概率",
                    "probability",
                    kind="level",
                    en="1–5 or low/medium/high",
                    zh="1–5 或 低/中/高",
                ),
                _c(
                    "impact",
                    "影响程度",
                    "影响",
                    "severity",
                    kind="level",
                    en="1–5 or low/medium/high",
                    zh="1–5 或 低/中/高",
                ),
                _c(
                    "kpi",
                    "触发指标",
                    "指标",
                    "关联指标",
                    "指标编号",
                    "kpi_id",
                    kind="kpi",
                    en="KPI the trigger watches",
                    zh="触发指标",
                ),
                _c(
                    "threshold",
                    "阈值",
                    "触发阈值",
                    "触发条件",
                    "trigger",
                    en="< 25, >= 3.5 or dev > 8%",
                    zh="如 < 25、>= 3.5、dev > 8%",
                ),
                _c(
                    "response",
                    "预案",
                    "应对措施",
                    "应对",
                    "mitigation",
                    en="response",
                    zh="应对预案",
                ),
                _c("owner", "负责人", "责任人", en="owner", zh="负责人"),
            ),
        ),
        SheetSpec(
            "resources",
            ("resources", "资源", "资源需求", "预算", "budget"),
            (
                _c(
                    "category",
                    "类别",
                    "类型",
                    "资源类别",
                    required=True,
                    en="people, budget, technology …",
                    zh="人力/预算/技术…",
                ),
                _c("item", "项目", "明细", "名称", en="item", zh="项目"),
                _c(
                    "amount",
                    "金额",
                    "数量",
                    "quantity",
                    kind="number",
                    en="amount",
                    zh="金额或数量",
                ),
                _c("unit", "单位", kind="unit", en="unit: 万元, 人, USD …", zh="单位：万元、人…"),
                _c("note", "备注", "说明", en="note", zh="备注"),
                _c(
                    "start",
                    "开始",
                    "开始日期",
                    kind="date",
                    en="spend from / in post from",
                    zh="开始日期：支出起始、到岗日期",
                ),
                _c(
                    "end",
                    "结束",
                    "结束日期",
                    "交付日期",
                    kind="date",
                    en="spend until / delivered on",
                    zh="结束日期：支出截止、交付日期",
                ),
                _c(
                    "task",
                    "关联任务",
                    "任务",
                    en="a task of the tasks sheet whose dates it takes",
                    zh="关联任务：取该任务的日期",
                ),
            ),
        ),
        SheetSpec(
            "value",
            ("value", "价值", "价值贡献", "values"),
            (
                _c(
                    "kpi",
                    "关联指标",
                    "指标",
                    "指标编号",
                    "kpi_id",
                    kind="kpi",
                    required=True,
                    en="KPI id or name whose result was worth this",
                    zh="关联指标编号或名称",
                ),
                _c(
                    "label",
                    "价值",
                    "内容",
                    "价值内容",
                    required=True,
                    en="what it was worth, e.g. cost headroom released",
                    zh="价值内容，如 释放费用空间",
                ),
                _c(
                    "amount",
                    "金额",
                    "数额",
                    kind="number",
                    required=True,
                    en="amount",
                    zh="金额",
                ),
                _c(
                    "unit",
                    "单位",
                    kind="unit",
                    en="unit: 亿元, 万元, USD m …",
                    zh="单位：亿元、万元、元",
                ),
                _c(
                    "kind",
                    "类型",
                    "价值类型",
                    "type",
                    kind="value_kind",
                    required=True,
                    en="gain, saving, cash or loss",
                    zh="收益/节省/现金流/损失",
                ),
            ),
        ),
        SheetSpec(
            "campaigns",
            ("campaigns", "campaign", "活动", "活动复盘", "重点活动"),
            _CAMPAIGN_COLUMNS,
        ),
    )
}

META_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title", "标题", "报告标题"),
    "org": ("org", "部门", "组织", "团队", "organisation", "organization", "department", "team"),
    "year": ("year", "年度", "年份", "本年度"),
    "plan_year": ("plan_year", "计划年度", "明年", "下一年度"),
    "author": ("author", "汇报人", "作者", "报告人", "负责人"),
    "language": ("language", "语言", "lang"),
    "team_size": ("team_size", "团队人数", "人数", "headcount"),
    "company_goals": ("company_goals", "公司目标", "公司年度目标"),
    "mandate": ("mandate", "部门目标", "考核目标", "部门使命"),
    "date": ("date", "日期", "报告日期"),
    "warning_tolerance": ("warning_tolerance", "预警容差", "预警容差(%)"),
    "warning_tolerance_pp": ("warning_tolerance_pp", "预警容差(百分点)", "预警容差(pp)"),
}

_SHEET_INDEX = {
    normalize_name(alias): spec.name for spec in SHEETS.values() for alias in spec.aliases
}
_META_INDEX = {
    normalize_name(alias): key for key, aliases in META_KEYS.items() for alias in aliases
}


def match_sheet(title: str) -> str | None:
    """The contract's sheet a workbook sheet title stands for, if any."""
    return _SHEET_INDEX.get(normalize_name(title))


def match_column(spec: SheetSpec, header: object) -> str | None:
    """The field a header names; a bracketed unit such as 目标(亿元) is ignored."""
    name = normalize_name(header)
    if not name:
        return None
    candidates = [name]
    stripped = re.sub(r"[(（\[【].*?[)）\]】]$", "", name).strip("_ ")
    if stripped and stripped != name:
        candidates.append(stripped)
    for candidate in candidates:
        for column in spec.columns:
            if candidate in {normalize_name(alias) for alias in column.aliases}:
                return column.field
    return None


def match_meta_key(key: object) -> str | None:
    return _META_INDEX.get(normalize_name(key))
