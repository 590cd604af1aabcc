#!/usr/bin/env python3
"""Generate the example KPI workbooks in ``examples/``.

Usage::

    python scripts/make_examples.py [--out DIR]

The workbooks are written the way a spreadsheet program would write them: typed cells
(numbers as numbers, dates as date cells), no formulas, a bold frozen header row, column
widths, percent rates stored as fractions with a percent format (a few typed as text, as
users do) and money with ``#,##0.00``. Everything is fixed (no randomness, no current date,
fixed document properties and zip timestamps), so two runs give byte-identical files.
"""

from __future__ import annotations

import argparse
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.xml.functions import tostring

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"

FIXED_TIME = datetime(2027, 1, 15, 9, 0, 0)  # document created/modified
ZIP_TIME = (2027, 1, 15, 9, 0, 0)  # timestamp of every zip member

DATE_FMT = "yyyy-mm-dd"
MONEY_FMT = "#,##0.00"
INT_FMT = "#,##0"
ONE_DEC_FMT = "0.0"

HEADER_FONT = Font(name="Calibri", size=11, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_BORDER = Border(bottom=Side(style="thin", color="8EA9DB"))
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
MAX_WIDTH = 44  # wider text columns are wrapped


@dataclass(frozen=True)
class Fmt:
    """A cell value with an explicit number format."""

    value: object
    fmt: str


# Number formats by KPI unit; "%" values are given in percent in the data below
# (24.1 means 24.1 %) and written as fractions (0.241) with a percent format.
UNIT_FORMATS = {
    "pp": ONE_DEC_FMT,
    "亿元": MONEY_FMT,
    "万元": MONEY_FMT,
    "元": MONEY_FMT,
    "万人": INT_FMT,
    "万元/人": INT_FMT,
    "天": ONE_DEC_FMT,
    "条": INT_FMT,
    "小时": ONE_DEC_FMT,
    "分": "0",
    "人": "0",
    "套": "0",
    "USD": MONEY_FMT,
    "k USD": MONEY_FMT,
    "minutes": ONE_DEC_FMT,
    "hours": ONE_DEC_FMT,
    "days": ONE_DEC_FMT,
    "tickets": INT_FMT,
    "points": "0",
    "FTE": "0",
    "licence": "0",
}


def _pct_format(values: list[object]) -> str:
    """'0.0%' unless one of the (percent) values needs two decimals."""
    for v in values:
        if isinstance(v, int | float) and round(v, 1) != round(v, 6):
            return "0.00%"
    return "0.0%"


def typed(values: list[object], unit: str | None) -> list[object]:
    """Wrap the numbers of one row that share ``unit`` with the matching number format.

    Strings stay text cells ("2.6%" typed by a user); None stays empty.
    """
    if unit == "%":
        fmt = _pct_format(values)
        return [Fmt(round(v / 100, 6), fmt) if isinstance(v, int | float) else v for v in values]
    fmt = UNIT_FORMATS.get(unit or "")
    if fmt is None:
        return list(values)
    return [Fmt(v, fmt) if isinstance(v, int | float) else v for v in values]


def _display_width(value: object) -> int:
    """Approximate rendered width in Excel character units (CJK counts double)."""
    fmt = None
    if isinstance(value, Fmt):
        value, fmt = value.value, value.fmt
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    if isinstance(value, int | float) and fmt and "%" in fmt:
        text = f"{value * 100:.2f}%"
    elif isinstance(value, int | float) and fmt == MONEY_FMT:
        text = f"{value:,.2f}"
    elif isinstance(value, int | float):
        text = f"{value:,}"
    else:
        text = str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def write_sheet(
    wb: Workbook,
    title: str,
    header: list[str],
    rows: list[list[object] | tuple[object, ...]],
    col_formats: dict[str, str] | None = None,
) -> None:
    """Append a sheet: bold frozen header on row 1, typed cells, widths, wrapped long text.

    ``col_formats`` maps a header to the number format of that column's numbers; a cell
    given as ``Fmt`` keeps its own format; dates get ``yyyy-mm-dd``.
    """
    ws = wb.create_sheet(title)
    col_formats = col_formats or {}
    widths = [_display_width(h) + 2 for h in header]
    for col, name in enumerate(header, start=1):
        cell = ws.cell(row=1, column=col, value=name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = HEADER_BORDER
        cell.alignment = HEADER_ALIGN
    for r, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise ValueError(f"{title} row {r}: {len(row)} values for {len(header)} columns")
        for c, raw in enumerate(row, start=1):
            widths[c - 1] = max(widths[c - 1], _display_width(raw) + 2)
            value, fmt = (raw.value, raw.fmt) if isinstance(raw, Fmt) else (raw, None)
            cell = ws.cell(row=r, column=c, value=value)
            if fmt is None and isinstance(value, date):
                fmt = DATE_FMT
            if fmt is None and isinstance(value, int | float):
                fmt = col_formats.get(header[c - 1])
            if fmt:
                cell.number_format = fmt
    for c, width in enumerate(widths, start=1):
        letter = get_column_letter(c)
        ws.column_dimensions[letter].width = min(max(width, 8), MAX_WIDTH)
        if width > MAX_WIDTH:
            for (cell,) in ws.iter_rows(min_row=2, min_col=c, max_col=c):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"


def new_workbook(title: str, subject: str, language: str) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    props = wb.properties
    props.creator = "opsreport examples"
    props.lastModifiedBy = "opsreport examples"
    props.title = title
    props.subject = subject
    props.language = language
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    return wb


def save_reproducible(wb: Workbook, path: Path) -> int:
    """Save ``wb`` to ``path`` with fixed core properties and zip timestamps; return size."""
    buf = io.BytesIO()
    wb.save(buf)  # openpyxl stamps properties.modified with the current time ...
    wb.properties.modified = FIXED_TIME  # ... so put the fixed time back
    core_xml = tostring(wb.properties.to_tree())
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = core_xml if info.filename == "docProps/core.xml" else src.read(info)
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.create_system = 3
            member.external_attr = 0o600 << 16
            dst.writestr(member, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())
    return len(out.getvalue())


def _goal_row(g: tuple, bases: dict[str, tuple[float, str]]) -> list[object]:
    """goal, kpi, baseline, target, unit, ..., aligns_to, [q1..q4] -> typed sheet row.

    ``bases`` maps a goal's text to its 占比基数 and 基数名称 (the last two columns).
    """
    *fields, quarters = g
    base, base_name = bases.get(fields[0], (None, None))
    values = typed([fields[2], fields[3], *(quarters or [None] * 4), base], fields[4])
    return [*fields[:2], *values[:2], *fields[4:], *values[2:], base_name]


def _resource_row(r: tuple) -> list[object]:
    category, item, amount, unit, note, start, end, task = r
    return [category, item, *typed([amount], unit), unit, note, start, end, task]


def _value_row(v: tuple) -> list[object]:
    kpi, label, amount, unit, kind = v
    return [kpi, label, *typed([amount], unit), unit, kind]


# --------------------------------------------------------------------------------------
# Chinese example: 电商运营中心 2026
# --------------------------------------------------------------------------------------

# fmt: off
ZH_HI, ZH_LO = "越高越好", "越低越好"

ZH_META = [
    ("标题", "电商运营中心2026年度工作总结与2027年工作计划"),
    ("部门", "电商运营中心"),
    ("年度", 2026),
    ("计划年度", 2027),
    ("汇报人", "王敏"),
    ("语言", "zh"),
    ("团队人数", 36),
    ("公司目标", "公司2026年的目标是线上GMV同比增长20%、公司利润增量20亿元，"
     "同时把营销费用率和库存周转天数降下来"),
    ("部门目标", "电商运营中心今年背的是直接利润8亿元、GMV 52亿元两个硬指标，"
     "另外要把会员和内容两块做起来，给明年的增长打底"),
    ("日期", date(2027, 1, 15)),
]

ZH_KPI_HEADER = [
    "编号", "指标", "维度", "单位", "方向", "目标", "实际", "上年", "明年目标",
    "占比基数", "汇总方式", "权重", "负责人", "数据来源", "备注", "基数名称",
    "行业基准", "基准口径", "目标增幅", "驱动指标",
]

# What each 占比基数 is (the 基数名称 column), so that a sentence can say 占公司利润增量20亿元的41.9%.
ZH_BASE_NAMES = {"P01": "公司利润增量", "P02": "集团线上GMV"}

# The narrative columns (issue 13), by KPI id: 行业基准 (in the KPI's unit, "%" in percent),
# 基准口径 (blank: the documents say 行业均值), 目标增幅 (a Fmt or text as a user types it:
# percent for amounts, points for rates) and 驱动指标 (ids or names, separated by 、).
ZH_BENCHMARKS = {"U09": (55.0, None), "C04": (14, "抖音同类目均值")}
ZH_GROWTH_TARGETS = {
    "E05": Fmt(0.1, "0%"),  # 公司要求人效增长10%; the typed target 2,220 implies +10.7%
    "P07": "+10个百分点",  # no typed target: 28% + 10 points = 38%
}
ZH_DRIVERS = {"P06": "自有品牌占比", "C02": "C01", "C03": "C02"}

# 编号, 指标, 维度, 单位, 方向, 目标, 实际, 上年, 明年目标, 占比基数, 汇总方式, 权重,
# 负责人, 数据来源, 备注.  "%" values in percent; a string is a rate typed as text.
ZH_KPIS = [
    ("P01", "直接利润", "利润", "亿元", ZH_HI, 8, 8.37, 6.42, 9.5, 20, "sum", 0.2,
     "王敏", "财务系统", "未扣除分摊的公司费用"),
    ("P02", "GMV", "利润", "亿元", ZH_HI, 52, 49.6, 41.3, 58, 160, "sum", 0.15,
     "刘洋", "BI看板", "支付口径"),
    ("P03", "毛利率", "利润", "%", ZH_HI, 23.0, 24.1, 21.8, 25.0, None, "avg", 0.1,
     "李强", "财务系统", "毛利÷销售额"),
    ("P04", "营销费用率", "利润", "%", ZH_LO, 12.0, 11.2, 13.5, 11.0, None, "avg", 0.1,
     "刘洋", "财务系统", "营销费用÷GMV"),
    ("P05", "毛利率提升", "利润", "pp", ZH_HI, 1.2, 2.3, 0.6, 0.9, None, "avg", None,
     "李强", "由毛利率计算", "毛利率同比变动（百分点）"),
    ("P06", "利润率", "利润", "%", ZH_HI, 14.0, 14.8, 11.2, 15.5, None, "avg", None,
     "李强", "财务系统", "净利润÷GMV，已扣除分摊的公司费用（直接利润率为16.9%）"),
    ("P07", "自有品牌占比", "利润", "%", ZH_HI, None, 41.0, 28.0, 45.0, None, "avg", None,
     "李强", "BI看板", "自有品牌GMV÷GMV"),
    ("U01", "新增用户", "用户", "万人", ZH_HI, 230, 236, 205, 260, None, "sum", 0.1,
     "孙丽", "CRM", "当年首次下单的用户"),
    ("U02", "复购率", "用户", "%", ZH_HI, 33.0, 31.5, 29.5, 45.0, None, "avg", 0.1,
     "孙丽", "CRM", "年内下单2次及以上的用户占比"),
    ("U03", "会员数", "用户", "万人", ZH_HI, 480, 486, 402, 560, None, "last", None,
     "孙丽", "CRM", "期末有效会员"),
    ("U04", "用户留存率", "用户", "%", ZH_HI, 45.0, 41.2, 42.0, 44.0, None, "avg", 0.05,
     "孙丽", "BI看板", "上季度购买用户在本季度再次购买的占比"),
    ("U05", "净推荐值", "用户", "分", ZH_HI, 40, 36, 33, 40, None, "avg", None,
     "赵磊", "问卷调研", "NPS，季度问卷"),
    ("U06", "客单价", "用户", "元", ZH_HI, 520, 537, 498, 550, None, "avg", None,
     None, "BI看板", None),
    ("U07", "转化率", "用户", "%", ZH_HI, 3.0, 3.05, 2.9, 3.2, None, "avg", None,
     "刘洋", "BI看板", "下单用户÷访客"),
    ("U08", "客服满意度", "用户", "%", ZH_HI, 92.0, 93.4, "91.0%", 94.0, None, "avg", None,
     "赵磊", "客服系统", None),
    ("U09", "续费率", "用户", "%", ZH_HI, 45.0, 41.0, 38.0, 48.0, None, "avg", None,
     "孙丽", "CRM", "付费会员到期后续费的占比"),
    ("E01", "库存周转天数", "效率", "天", ZH_LO, 45, 48.5, 52, 44, None, "avg", 0.1,
     "周涛", "ERP", "平均库存÷日均销售成本"),
    ("E02", "缺货率", "效率", "%", ZH_LO, 3.0, "2.6%", 3.8, 2.5, None, "avg", None,
     "周涛", "WMS", None),
    ("E03", "履约时效", "效率", "小时", ZH_LO, 24, 22.5, 27, 20, None, "avg", 0.1,
     "周涛", "WMS", "支付到签收的平均时长"),
    ("E04", "退货率", "效率", "%", ZH_LO, 8.0, 8.9, 9.4, 8.2, None, "avg", None,
     "赵磊", "客服系统", None),
    ("E05", "人效", "效率", "万元/人", ZH_HI, 2220, 2325, 2006, 2160, None, "last", None,
     "王敏", "财务系统",
     "直接利润÷年末人数（2026年36人，2025年32人）；明年目标按2027年编制44人测算"),
    ("E06", "退货损失", "效率", "万元", ZH_LO, 1800, 1860, 2050, 1700, None, "sum", None,
     "赵磊", "财务系统", None),
    ("C01", "短视频月产量", "内容", "条", ZH_HI, 1000, 1150, 420, 1400, None, "avg", None,
     "刘洋", "内容中台", "全年月均发布条数"),
    ("C02", "爆款率", "内容", "%", ZH_HI, None, 13.0, 4.0, 15.0, None, "avg", None,
     "刘洋", "内容中台", "播放量超过10万的短视频占比"),
    ("C03", "自然流量占比", "内容", "%", ZH_HI, 30.0, 36.0, 21.0, 40.0, None, "avg", None,
     "刘洋", "BI看板", "非付费流量访客÷总访客"),
    ("C04", "素材生命周期", "内容", "天", ZH_HI, None, 7, 9, 10, None, "avg", None,
     "刘洋", "内容中台", "素材从上线到投放效果衰减一半的天数"),
]

# 关联指标, 价值, 金额, 单位, 类型 (the 价值 sheet). Amounts follow from the example's own
# figures where they can: 营销费用率 13.5% → 11.2% on 49.6亿元 of GMV frees
# (13.5% − 11.2%) × 49.6 = 1.14亿元; 库存周转天数 52 → 48.5 days at about 1,030万元 of cost
# of sales a day frees 3.5 × 1,030 = 3,605 ≈ 3,600万元 of cash.
ZH_VALUES = [
    ("P04", "释放费用空间", 1.14, "亿元", "节省"),
    ("E01", "释放现金流", 3600, "万元", "现金流"),
    ("C03", "节省投放费", 1.1, "亿元", "节省"),
    ("U04", "直接损失销售额", 1.2, "亿元", "损失"),
]

# 季度, 活动, 主题, 投入, 单位, 关联指标, 效果, 用户反馈 (the 活动 sheet, 季度重点活动复盘).
# The KPI's quarter comes from 分期: GMV 2026Q2 11.8 vs 9.9亿元 (+19.2%), 2026Q4 16.3 vs 13.4.
ZH_CAMPAIGNS = [
    ("Q1", "年货节", "年货囤货·满减加赠", 420, "万元", "GMV",
     "活动期GMV 2.1亿元，新客占比31%", "满减规则复杂，客服咨询量上升；明年规则简化为一档满减"),
    ("Q2", "618年中大促", "自有品牌首发＋直播间专场", 980, "万元", "GMV",
     "活动期GMV 3.6亿元，自有品牌占比提升至39%", "直播间爆款断货两次；明年大促前备货提前两周"),
    ("Q3", "会员日", "88会员日·权益升级", 260, "万元", "会员数",
     "新增会员18万人，会员复购率36%", "会员权益感知弱；明年权益分层并在首页展示"),
    ("Q4", "双11大促", "全周期预售＋品类券", 1850, "万元", "GMV",
     "活动期GMV 6.8亿元，同比+18%，退货率9.6%", "预售尾款提醒过多引发投诉；明年提醒减为两次"),
    ("Q4", "双12年终清仓", "长尾SKU清仓", 310, "万元", "库存周转天数",
     "清理库存1.2亿元，库存周转天数降至46.5天", "清仓品质量问题带来差评；明年清仓前抽检"),
]

# 指标 -> quarters 2026Q1..Q4 of (实际, 目标, 上年).
ZH_PERIODS = {
    "直接利润": ([1.62, 1.88, 2.05, 2.82], [1.60, 1.85, 2.00, 2.55], [1.25, 1.43, 1.58, 2.16]),
    "GMV": ([10.2, 11.8, 11.3, 16.3], [10.5, 12.0, 12.0, 17.5], [8.6, 9.9, 9.4, 13.4]),
    "毛利率": ([23.2, 23.9, 24.6, 24.7], [22.6, 22.9, 23.2, 23.3], [21.2, 21.6, 22.0, 22.4]),
    "新增用户": ([48, 56, 53, 79], [47, 55, 54, 74], [42, 49, 47, 67]),
    "复购率": ([30.6, 31.2, 31.7, 32.5], [32.0, 32.8, 33.4, 33.8], [28.8, 29.3, 29.7, 30.2]),
    "会员数": ([421, 440, 458, 486], [420, 440, 460, 480], [345, 362, 380, 402]),
    "库存周转天数": ([51.0, 49.5, 47.0, 46.5], [47, 46, 44, 43], [54, 53, 51, 50]),
}

# 维度, 项目, 指标, 实际, 上年, 目标 (GMV in 亿元).
ZH_BREAKDOWN = [
    ("渠道", "天猫", "GMV", 18.6, 17.2, 19.0),
    ("渠道", "京东", "GMV", 12.4, 11.5, 13.0),
    ("渠道", "抖音", "GMV", 10.3, 6.1, 11.5),
    ("渠道", "小程序", "GMV", 5.8, 4.3, 6.0),
    ("渠道", "其他", "GMV", 2.5, 2.2, 2.5),
    ("品类", "家用电器", "GMV", 14.2, 12.8, 15.0),
    ("品类", "数码3C", "GMV", 11.5, 10.1, 12.0),
    ("品类", "美妆个护", "GMV", 8.6, 6.2, 9.0),
    ("品类", "食品生鲜", "GMV", 6.3, 5.0, 6.5),
    ("品类", "家居日用", "GMV", 5.4, 4.5, 5.5),
    ("品类", "母婴", "GMV", 3.6, 2.7, 4.0),
]

ZH_PROBLEMS = [
    {
        "领域": "流量",
        "问题": "GMV完成49.6亿元，目标完成率95.4%，缺口2.4亿元；天猫渠道GMV同比仅增长8.1%，"
        "低于整体增速20.1%",
        "关联指标": "GMV",
        "主观原因": "投放预算集中在618、双11等大促节点，日常流量运营投入不足；站外内容种草起步晚",
        "客观原因": "平台流量成本上涨，天猫单次点击成本同比上涨约18%；行业整体增速放缓",
        "影响": "按16.9%的直接利润率测算，少增直接利润约0.4亿元",
        "改进措施": "建立日销流量运营机制，按周复盘投放ROI；加大抖音内容和小程序私域投入",
    },
    {
        "领域": "用户",
        "问题": "用户留存率41.2%，低于目标3.8个百分点，较上年下降0.8个百分点；复购率31.5%，"
        "未达33%的目标",
        "关联指标": "U04",
        "主观原因": "新客首单后缺少分层触达，会员权益同质化，老客运营以发券为主",
        "客观原因": "竞品加大补贴力度，低价平台分流价格敏感用户",
        "影响": "复购贡献不足，新客获取成本上升，营销费用效率受限",
        "改进措施": "上线新客30天培育旅程；会员权益分层改版；建立流失预警与召回机制",
    },
    {
        "领域": "商品",
        "问题": "库存周转天数48.5天，比目标多3.5天；退货率8.9%，高于8.0%的目标",
        "关联指标": "库存周转天数",
        "主观原因": "大促备货依赖经验判断，缺少销量预测模型；长尾SKU清理不及时",
        "客观原因": "部分供应商提高最小起订量；一季度春节物流停运导致到货集中",
        "影响": "按日均销售成本约1,030万元测算，多占用库存资金约3,600万元，并产生清仓折价",
        "改进措施": "试点智能补货模型；每季度清理动销率低于20%的SKU；退货原因按品类归因整改",
    },
    {
        "领域": "组织",
        "问题": "净推荐值36分，低于目标4分；客诉平均在客服、仓储、商品三个部门之间流转2.6次",
        "关联指标": "净推荐值",
        "主观原因": "运营、客服、供应链职责边界不清，缺少统一的问题闭环机制；数据分析人手不足",
        "客观原因": "仓储由第三方外包，系统尚未与客服工单打通",
        "影响": "用户体验指标未达标，全年退货损失1,860万元",
        "改进措施": "成立用户体验虚拟小组，设定客诉闭环时限；新增2名数据分析师，打通工单与仓储系统",
    },
]

ZH_GOAL_HEADER = [
    "目标", "关联指标", "基线", "目标值", "单位", "方向", "截止", "负责人", "衡量口径", "对齐",
    "Q1", "Q2", "Q3", "Q4", "占比基数", "基数名称",
]

# 目标 -> (占比基数, 基数名称): 9.5 ÷ 22 = 43.2% of next year's company profit growth
# (this year 8.37 ÷ 20 = 41.9%).
ZH_GOAL_BASES = {"直接利润达到9.5亿元": (22, "公司利润增量")}

# 目标, 关联指标, 基线, 目标值, 单位, 方向, 截止, 负责人, 衡量口径, 对齐, Q1..Q4 (or None).
ZH_GOALS = [
    ("直接利润达到9.5亿元", "直接利润", 8.37, 9.5, "亿元", ZH_HI, date(2027, 12, 31), "王敏",
     "财务系统月度利润表", "公司2027年利润增长目标", [1.85, 2.15, 2.30, 3.20]),
    ("GMV达到58亿元", "GMV", 49.6, 58, "亿元", ZH_HI, date(2027, 12, 31), "刘洋",
     "BI看板（支付口径）", "公司线上渠道规模增长", [12.0, 13.8, 13.2, 19.0]),
    ("复购率提升至45%", "复购率", 31.5, 45.0, "%", ZH_HI, date(2027, 12, 31), "孙丽",
     "CRM复购报表", "公司用户价值提升战略", None),
    ("库存周转天数降至44天", "E01", 48.5, 44, "天", ZH_LO, date(2027, 9, 30), "周涛",
     "ERP库存报表", "公司降本增效专项", None),
    ("退货率降至8.2%", "退货率", 8.9, 8.2, "%", ZH_LO, date(2027, 12, 31), "赵磊",
     "客服系统退货统计", "公司客户体验提升", None),
    ("会员规模突破600万人", "会员数", 486, 600, "万人", ZH_HI, date(2028, 6, 30), "孙丽",
     "CRM会员库", "公司用户价值提升战略", None),
    ("提升品牌影响力", None, None, None, None, None, date(2027, 12, 31), "王敏",
     None, "公司品牌战略", None),
]

# 阶段, 任务, 开始, 结束, 负责人, 里程碑, 交付物.
ZH_TASKS = [
    ("筹备期", "年度预算与目标拆解", date(2027, 1, 4), date(2027, 1, 22), "王敏",
     "年度目标发布", "各组KPI责任书"),
    ("筹备期", "日销流量运营机制设计", date(2027, 1, 11), date(2027, 2, 26), "刘洋",
     None, "日销运营SOP"),
    ("筹备期", "BI平台升级立项与选型", date(2027, 1, 18), date(2027, 3, 19), "陈静",
     "BI升级立项", "立项报告"),
    ("筹备期", "运营专员与数据分析师招聘", date(2027, 2, 1), date(2027, 4, 30), "王敏",
     None, "8人到岗"),
    ("执行期", "新客30天培育旅程上线", date(2027, 3, 1), date(2027, 4, 15), "孙丽",
     "培育旅程上线", "新客旅程与触达策略"),
    ("执行期", "会员权益分层改版", date(2027, 4, 1), date(2027, 6, 30), "孙丽",
     None, "会员权益方案V2"),
    ("执行期", "618大促", date(2027, 5, 10), date(2027, 6, 20), "刘洋",
     "618大促", "大促复盘报告"),
    ("执行期", "智能补货模型试点", date(2027, 4, 15), date(2027, 8, 31), "周涛",
     None, "补货模型与试点报告"),
    ("执行期", "长尾SKU清理", date(2027, 6, 1), date(2027, 7, 31), "李强",
     None, "SKU清理清单"),
    ("执行期", "BI平台升级上线", date(2027, 4, 1), date(2027, 9, 30), "陈静",
     "BI平台上线", "实时经营看板"),
    ("执行期", "客诉闭环机制落地", date(2027, 7, 1), date(2027, 10, 31), "赵磊",
     None, "客诉闭环SLA与周报"),
    ("冲刺期", "双11大促备战与执行", date(2027, 9, 15), date(2027, 11, 15), "刘洋",
     "双11大促", "大促作战手册"),
    ("冲刺期", "双12及年末会员日", date(2027, 11, 20), date(2027, 12, 15), "孙丽",
     None, "会员日活动方案"),
    ("复盘期", "年度经营复盘", date(2027, 12, 1), date(2027, 12, 24), "王敏",
     "年度复盘会", "2027年度工作总结"),
    ("复盘期", "2028年计划编制", date(2027, 12, 6), date(2027, 12, 31), "王敏",
     None, "2028年工作计划"),
]

# 风险, 类别, 可能性, 影响程度, 触发指标, 阈值, 预案, 负责人 (evaluated on 2026 actuals).
ZH_RISKS = [
    ("库存积压导致周转恶化", "供应链", 4, 3, "库存周转天数", "> 47",
     "启动清仓专项，暂停长尾SKU补货，按周跟踪周转", "周涛"),
    ("直接利润不及预期", "财务", 2, 5, "直接利润", "< 7.5",
     "压缩低ROI投放，优先保障高毛利品类资源", "王敏"),
    ("毛利率下滑", "经营", "中", "高", "毛利率", "< 22",
     "调整促销力度与品类结构，控制满减叠加", "李强"),
    ("GMV偏离目标", "市场", "中", "高", "GMV", "dev > 8%",
     "月度滚动预测，偏差超限时追加抖音与小程序投放", "刘洋"),
    ("退货率反弹", "服务", "低", 3, "退货率", ">= 9.5",
     "按品类排查质量与描述问题，必要时下架整改", "赵磊"),
    ("平台规则调整导致流量成本上升", "外部", "高", "中", None, None,
     "分散渠道投放，提升私域与小程序占比", "刘洋"),
]

# 类别, 项目, 金额, 单位, 备注, 开始, 结束, 关联任务: dated spend (by days), a hire from
# mid-year (in post from 05-01), a system with its own delivery date, one that is delivered
# with its task (BI平台升级上线 ends 09-30), and an undated row (培训: spread evenly).
ZH_RESOURCES = [
    ("人力", "新增运营专员", 6, "人", "流量组4人、用户组2人", date(2027, 5, 1), None, None),
    ("人力", "新增数据分析师", 2, "人", "支撑BI看板与补货模型", date(2027, 7, 1), None, None),
    ("预算", "投放预算", 3200, "万元", "较2026年增加；重点投向抖音与小程序",
     date(2027, 1, 1), date(2027, 12, 31), None),
    ("预算", "会员运营", 800, "万元", "会员日、权益与召回", date(2027, 3, 1),
     date(2027, 12, 31), None),
    ("预算", "系统建设", 450, "万元", "含BI平台升级、智能补货模型", None, None,
     "BI平台升级上线"),
    ("预算", "培训", 60, "万元", "新人培训与数据分析能力", None, None, None),
    ("技术", "BI平台升级（实时经营看板）", 1, "套", "费用已计入系统建设预算", None, None,
     "BI平台升级上线"),
    ("技术", "智能补货模型", 1, "套", "费用已计入系统建设预算", None, date(2027, 6, 30),
     None),
]

# fmt: on


def make_zh(path: Path) -> int:
    kpi_units = {k[1]: k[3] for k in ZH_KPIS} | {k[0]: k[3] for k in ZH_KPIS}
    wb = new_workbook("电商运营中心2026年度工作总结与2027年工作计划", "KPI工作簿示例", "zh-CN")
    write_sheet(wb, "概况", ["键", "值"], ZH_META)
    kpi_rows = []
    for k in ZH_KPIS:
        unit = k[3]
        values = typed(list(k[5:10]), unit)  # 目标, 实际, 上年, 明年目标, 占比基数
        benchmark, benchmark_name = ZH_BENCHMARKS.get(k[0], (None, None))
        kpi_rows.append(
            [
                *k[:5],
                *values,
                *k[10:],
                ZH_BASE_NAMES.get(k[0]),
                *typed([benchmark], unit),
                benchmark_name,
                ZH_GROWTH_TARGETS.get(k[0]),
                ZH_DRIVERS.get(k[0]),
            ]
        )
    write_sheet(wb, "指标", ZH_KPI_HEADER, kpi_rows, {"权重": "0.00"})
    period_rows = []
    for name, (actual, target, prior) in ZH_PERIODS.items():
        for q in range(4):
            values = typed([actual[q], target[q], prior[q]], kpi_units[name])
            period_rows.append([name, f"2026Q{q + 1}", *values])
    write_sheet(wb, "分期", ["指标", "期间", "实际", "目标", "上年"], period_rows)
    breakdown_rows = [[*b[:3], *typed(list(b[3:]), kpi_units[b[2]])] for b in ZH_BREAKDOWN]
    write_sheet(wb, "结构", ["维度", "项目", "指标", "实际", "上年", "目标"], breakdown_rows)
    header = list(ZH_PROBLEMS[0])
    write_sheet(wb, "问题", header, [[p[h] for h in header] for p in ZH_PROBLEMS])
    write_sheet(wb, "目标", ZH_GOAL_HEADER, [_goal_row(g, ZH_GOAL_BASES) for g in ZH_GOALS])
    write_sheet(
        wb, "任务", ["阶段", "任务", "开始", "结束", "负责人", "里程碑", "交付物"], ZH_TASKS
    )
    write_sheet(
        wb,
        "风险",
        ["风险", "类别", "可能性", "影响程度", "触发指标", "阈值", "预案", "负责人"],
        ZH_RISKS,
    )
    write_sheet(
        wb,
        "资源",
        ["类别", "项目", "金额", "单位", "备注", "开始", "结束", "关联任务"],
        [_resource_row(r) for r in ZH_RESOURCES],
    )
    write_sheet(
        wb,
        "价值",
        ["关联指标", "价值", "金额", "单位", "类型"],
        [_value_row(v) for v in ZH_VALUES],
    )
    write_sheet(
        wb,
        "活动",
        ["季度", "活动", "主题", "投入", "单位", "关联指标", "效果", "用户反馈"],
        ZH_CAMPAIGNS,
    )
    return save_reproducible(wb, path)


# --------------------------------------------------------------------------------------
# A year in progress: the same team at the end of June 2026 (issue 14's in-year drafts)
# --------------------------------------------------------------------------------------

# The KPIs with quarterly figures, their 2026 annual targets and 2025 (prior year), no annual
# actual yet; periods: 2026 Q1–Q2 actuals, the four quarter targets, 2025's quarters. So
# `opsreport plan ecommerce-2026H1-zh.xlsx --quarter Q3` re-plans the rest of 2026.
ZH_H1_KPIS = ("P01", "P02", "P03", "U01", "U02", "U03", "E01")
ZH_H1_META = [
    ("标题", "电商运营中心2026年上半年经营回顾与第三季度计划"),
    ("部门", "电商运营中心"),
    ("年度", 2026),
    ("负责人", "陈静（运营总监）"),
    ("语言", "zh"),
    ("日期", date(2026, 7, 6)),
]
ZH_H1_PROBLEMS = [
    {
        "领域": "流量",
        "问题": "GMV上半年完成22.0亿元，低于进度目标0.5亿元",
        "关联指标": "P02",
        "客观原因": "天猫渠道增速放缓",
        "改进措施": "加大抖音直播投放；双11预售提前至10月",
    },
    {
        "领域": "用户",
        "问题": "复购率上半年平均30.9%，低于33%的目标",
        "关联指标": "U02",
        "客观原因": "会员权益吸引力不足",
        "改进措施": "会员权益分层改版；建立流失预警与召回机制",
    },
    {
        "领域": "商品",
        "问题": "库存周转天数二季度末49.5天，高于47天的触发线",
        "关联指标": "E01",
        "客观原因": "长尾SKU积压",
        "改进措施": "清理长尾SKU；试点智能补货模型",
    },
]
ZH_H1_TASKS = [
    (
        "执行",
        "会员权益分层改版",
        date(2026, 7, 1),
        date(2026, 9, 15),
        "孙丽",
        "新权益上线",
        "权益方案",
    ),
    ("执行", "长尾SKU清理", date(2026, 7, 1), date(2026, 8, 31), "周涛", None, "SKU清单"),
    (
        "执行",
        "智能补货模型试点",
        date(2026, 8, 1),
        date(2026, 10, 31),
        "周涛",
        "试点上线",
        "补货模型",
    ),
    (
        "冲刺",
        "双11预售与大促",
        date(2026, 10, 1),
        date(2026, 11, 15),
        "刘洋",
        "双11收官",
        "大促复盘",
    ),
]
ZH_H1_RISKS = [
    (
        "库存积压导致周转恶化",
        "供应链",
        4,
        3,
        "库存周转天数",
        "> 47",
        "启动清仓专项，暂停长尾SKU补货",
        "周涛",
    ),
    ("GMV偏离目标", "市场", "中", "高", "GMV", "dev > 8%", "追加抖音与小程序投放", "刘洋"),
    ("复购率下滑", "用户", 3, 4, "复购率", "< 30", "会员召回专项", "孙丽"),
]
ZH_H1_RESOURCES = [
    (
        "预算",
        "下半年投放预算",
        1800,
        "万元",
        "重点投向抖音直播",
        date(2026, 7, 1),
        date(2026, 12, 31),
        None,
    ),
    ("技术", "智能补货模型", 1, "套", "随试点交付", None, None, "智能补货模型试点"),
    ("人力", "新增会员运营专员", 2, "人", "会员组", date(2026, 8, 1), None, None),
]


def make_zh_h1(path: Path) -> int:
    """The zh example's team at mid-year: a workbook whose year is in progress."""
    kpis = {k[0]: k for k in ZH_KPIS}
    wb = new_workbook("电商运营中心2026年上半年经营回顾与第三季度计划", "KPI工作簿示例", "zh-CN")
    write_sheet(wb, "概况", ["键", "值"], ZH_H1_META)
    header = ["编号", "指标", "维度", "单位", "方向", "目标", "实际", "上年", "汇总方式", "负责人"]
    rows = []
    for key in ZH_H1_KPIS:
        k = kpis[key]
        target, prior = typed([k[5], k[7]], k[3])
        rows.append([k[0], k[1], k[2], k[3], k[4], target, None, prior, k[10], k[12]])
    write_sheet(wb, "指标", header, rows)
    period_rows = []
    for key in ZH_H1_KPIS:
        name, unit = kpis[key][1], kpis[key][3]
        actual, target, prior = ZH_PERIODS[name]
        for q in range(4):
            shown = actual[q] if q < 2 else None  # Q1–Q2 are in, Q3–Q4 to come
            period_rows.append([name, f"2026Q{q + 1}", *typed([shown, target[q], prior[q]], unit)])
    write_sheet(wb, "分期", ["指标", "期间", "实际", "目标", "上年"], period_rows)
    header = list(ZH_H1_PROBLEMS[0])
    write_sheet(wb, "问题", header, [[p[h] for h in header] for p in ZH_H1_PROBLEMS])
    write_sheet(
        wb, "任务", ["阶段", "任务", "开始", "结束", "负责人", "里程碑", "交付物"], ZH_H1_TASKS
    )
    write_sheet(
        wb,
        "风险",
        ["风险", "类别", "可能性", "影响程度", "触发指标", "阈值", "预案", "负责人"],
        ZH_H1_RISKS,
    )
    write_sheet(
        wb,
        "资源",
        ["类别", "项目", "金额", "单位", "备注", "开始", "结束", "关联任务"],
        [_resource_row(r) for r in ZH_H1_RESOURCES],
    )
    return save_reproducible(wb, path)


# --------------------------------------------------------------------------------------
# English example: Customer Support & Field Service Operations 2026
# --------------------------------------------------------------------------------------

# fmt: off
HI, LO = "higher", "lower"

EN_META = [
    ("title", "Customer Support & Field Service Operations: 2026 Review and 2027 Plan"),
    ("org", "Customer Support & Field Service Operations"),
    ("year", 2026),
    ("plan_year", 2027),
    ("author", "Dana Whitfield"),
    ("language", "en"),
    ("team_size", 58),
    ("company_goals", "The company wants recurring services revenue up 10% this year and "
     "contract churn kept under 7%"),
    ("mandate", "We owe 18.5 M USD of service contract revenue, SLA compliance of 95% and a "
     "cost per ticket of 14.50 USD, and we have to get customers solving more on their own"),
    ("date", date(2027, 1, 15)),
]

EN_KPI_HEADER = [
    "id", "name", "group", "unit", "direction", "target", "actual", "prior_year", "next_target",
    "base", "aggregation", "weight", "owner", "source", "note", "base_name",
    "benchmark", "benchmark_name", "target_growth", "drivers",
]

EN_BASE_NAMES = {"F01": "company revenue"}

# The narrative columns (issue 13), by KPI id, as in the Chinese example.
EN_BENCHMARKS = {"C01": (74.0, None), "C04": (8.5, "TSIA's services average")}
EN_GROWTH_TARGETS = {
    "F01": Fmt(0.1, "0%"),  # the company goal: +10%; the typed 18,500 target implies +9.7%
    "C06": "+5pp",  # no typed target: 22% + 5 points = 27%
}
EN_DRIVERS = {"C06": "C05", "F02": "C06, S01"}

# Same column order as EN_KPI_HEADER; "%" values in percent; a string is a rate typed as text.
EN_KPIS = [
    ("C01", "First contact resolution", "Customer", "%", HI, 72.0, 70.4, 67.9, 74.0, None,
     "avg", 0.15, "Priya Nair", "Zendesk", "Tickets solved in the first contact"),
    ("C02", "CSAT", "Customer", "%", HI, 88.0, 89.3, "86.5%", 90.0, None,
     "avg", 0.15, "Priya Nair", "Post-contact survey", "Share of 4 and 5 ratings"),
    ("C03", "NPS", "Customer", "points", HI, 35, 31, 28, 36, None,
     "avg", 0.1, "Sofia Martins", "Quarterly relationship survey", None),
    ("C04", "Churn rate", "Customer", "%", LO, 6.0, 6.8, 7.4, 6.2, None,
     "avg", 0.1, "Sofia Martins", "CRM", "Service contracts not renewed"),
    ("S01", "Average handle time", "Service delivery", "minutes", LO, 9.5, 9.1, 10.2, 8.8, None,
     "avg", None, "Priya Nair", "Zendesk", None),
    ("S02", "Backlog tickets", "Service delivery", "tickets", LO, 1200, 1310, 1650, 1150, None,
     "last", None, "Priya Nair", "Zendesk", "Open tickets older than 48 h at period end"),
    ("S03", "SLA compliance", "Service delivery", "%", HI, 95.0, 93.6, 92.1, 95.5, None,
     "avg", 0.15, "Tom Becker", "Field service system", None),
    ("S04", "Mean time to repair", "Service delivery", "hours", LO, 20, 18.4, 22.5, 17, None,
     "avg", None, "Tom Becker", "Field service system", None),
    ("S05", "Repeat visit rate", "Service delivery", "%", LO, "8.0%", 8.3, 9.6, 7.5, None,
     "avg", None, "Tom Becker", "Field service system", "Jobs needing a second visit in 30 days"),
    ("S06", "Technician utilisation", "Service delivery", "%", HI, 78.0, 72.0, 73.0, 78.0, None,
     "avg", None, "Marcus Lee", "Timesheets", "Billable hours / paid hours"),
    ("S07", "Time to first onsite visit", "Service delivery", "days", LO, 2.5, 2.4, 2.8, 2.2,
     None, "avg", None, "Tom Becker", "Field service system", None),
    ("F01", "Service contract revenue", "Financial", "k USD", HI, 18500, 19240, 16870, 21000,
     142000, "sum", 0.15, "Sofia Martins", "ERP", "Invoiced contract revenue, recognised monthly"),
    ("F02", "Cost per ticket", "Financial", "USD", LO, 14.50, 13.85, 15.20, 13.50, None,
     "avg", 0.1, "Dana Whitfield", "Finance cost report", None),
    ("F03", "Margin improvement", "Financial", "pp", HI, 1.5, 1.8, 0.9, 1.5, None,
     "avg", 0.1, "Dana Whitfield", "Finance", "Service gross margin change vs prior year"),
    ("C05", "Knowledge base coverage", "Self-service", "%", HI, None, 78.0, 52.0, 85.0, None,
     "avg", None, "Priya Nair", "Zendesk Guide", "Top 200 contact reasons with a published "
     "article"),
    ("C06", "Self-service resolution", "Self-service", "%", HI, None, 31.0, 22.0, 36.0, None,
     "avg", None, "Priya Nair", "Zendesk", "Contacts solved in the help centre or chatbot "
     "without an agent"),
]

# kpi, label, amount, unit, kind (the value sheet). Cost per ticket fell 15.20 → 13.85 USD,
# 1.35 USD on about 312,000 tickets: 1.35 × 312,000 = 421,200 ≈ 420 k USD saved.
EN_VALUES = [
    ("F02", "agent cost saved by self-service and shorter handling", 420, "k USD", "saving"),
    ("F01", "upsell revenue from Premium renewals", 640, "k USD", "gain"),
    ("S04", "cash released by invoicing repairs sooner", 210, "k USD", "cash"),
    ("S03", "service credits paid for SLA breaches", 185, "k USD", "loss"),
]

# quarter, campaign, theme, investment, unit, kpi, result, feedback (the campaigns sheet).
EN_CAMPAIGNS = [
    ("Q1", "New-customer onboarding webinars", "First 30 days with the product", 35, "k USD",
     "First contact resolution", "1,900 attendees; how-to tickets of new customers down 14%",
     "Customers asked for recordings; next year every session is recorded"),
    ("Q2", "Renewal campaign", "Premium upgrade at renewal", 60, "k USD", "Churn rate",
     "312 contracts upgraded at renewal; churn 6.9% in Q2",
     "Offers came too close to the renewal date; next year start 90 days before"),
    ("Q3", "Self-service push", "Help centre relaunch and chatbot", 80, "k USD",
     "Cost per ticket", "Self-service resolution 31%; cost per ticket 13.70 USD",
     "Search in the help centre misses product names; fix the synonyms list"),
    ("Q4", "Peak season readiness", "Holiday peak staffing and triage", 120, "k USD",
     "Backlog tickets", "Backlog held at 1,310 tickets through the peak",
     "Temporary staff needed two weeks to be productive; train them in October"),
]

# Wide periods table: kpi -> 2026 quarterly actuals Q1..Q4.
EN_PERIODS = {
    "Service contract revenue": [4380, 4650, 4890, 5320],
    "First contact resolution": [69.1, 70.0, 70.8, 71.7],
    "CSAT": [88.4, 89.0, 89.6, 90.2],
    "SLA compliance": [92.5, 93.4, 93.9, 94.6],
    "Backlog tickets": [1580, 1470, 1390, 1310],
    "Average handle time": [9.6, 9.2, 8.9, 8.7],
    "Cost per ticket": [14.40, 13.95, 13.70, 13.35],
    "Churn rate": [7.2, 6.9, 6.7, 6.4],
    "Technician utilisation": [73.5, 72.4, 71.2, 70.9],
}

# dimension, item, kpi, actual, prior_year, target (k USD).
EN_BREAKDOWN = [
    ("Region", "North", "F01", 5620, 5080, 5400),
    ("Region", "South", "F01", 4310, 3920, 4200),
    ("Region", "East", "F01", 4980, 4210, 4700),
    ("Region", "West", "F01", 3150, 2740, 3100),
    ("Region", "Central", "F01", 1180, 920, 1100),
    ("Contract type", "Premium", "F01", 8460, 6950, 8000),
    ("Contract type", "Standard", "F01", 7210, 6620, 7000),
    ("Contract type", "Basic", "F01", 2390, 2180, 2300),
    ("Contract type", "Pay-per-visit", "F01", 1180, 1120, 1200),
]

EN_PROBLEMS = [
    {
        "area": "Service delivery",
        "problem": "Backlog ended the year at 1,310 tickets, 110 above the 1,200 target; it stood "
        "at 1,580 at the end of Q1",
        "kpi": "S02",
        "subjective": "Triage rules were not updated after the March device launch; "
        "escalations were queued by hand",
        "objective": "Ticket volume rose about 14% after the launch; two senior agents were on "
        "long-term leave",
        "impact": "SLA compliance 93.6% against a 95.0% target; first contact resolution below "
        "target",
        "action": "Automated triage and skills-based routing; weekly backlog burn-down review",
    },
    {
        "area": "Customer",
        "problem": "NPS 31 against a target of 35; churn 6.8% against 6.0%",
        "kpi": "C03",
        "subjective": "No early-warning signal for at-risk accounts; renewal calls start only "
        "30 days before expiry",
        "objective": "Two competitors launched cheaper pay-per-visit offers in the South region",
        "impact": "Lost renewals slow service contract growth and raise acquisition cost",
        "action": "Customer health score with churn alerts; renewal campaign 90 days ahead",
    },
    {
        "area": "Workforce",
        "problem": "Technician utilisation 72.0%, 6.0 pp below target and 1.0 pp below 2025",
        "kpi": "S06",
        "subjective": "Dispatch is planned per region, not by skill, so technicians travel "
        "too much",
        "objective": "The field area grew by two counties; road works on the main East corridor",
        "impact": "Fewer billable hours per technician; overtime to keep SLA",
        "action": "Route optimisation tool; cross-region dispatch pool for specialist skills",
    },
    {
        "area": "Field quality",
        "problem": "Repeat visit rate 8.3% against 8.0% target: about 1 job in 12 needs a second "
        "visit",
        "kpi": "Repeat visit rate",
        "subjective": "Van stock lists not refreshed; first-time-fix checklist not enforced",
        "objective": "Supplier delays on two spare-part families",
        "impact": "Extra visits tie up technicians and lower customer satisfaction",
        "action": "Van stock based on fault history; parts pre-picked for scheduled jobs",
    },
]

EN_GOAL_HEADER = [
    "goal", "kpi", "baseline", "target", "unit", "direction", "deadline", "owner", "measure",
    "aligns_to", "q1", "q2", "q3", "q4", "base", "base_name",
]

# goal -> (base, base_name): 21,000 ÷ 155,000 = 13.5% of next year's company revenue plan
# (this year 19,240 ÷ 142,000 = 13.5%).
EN_GOAL_BASES = {"Grow service contract revenue to 21.0 M USD": (155000, "company revenue plan")}

EN_GOALS = [
    ("Grow service contract revenue to 21.0 M USD", "F01", 19240, 21000, "k USD", HI,
     date(2027, 12, 31), "Sofia Martins", "ERP billing report",
     "Company goal: grow recurring services revenue", [4800, 5100, 5350, 5750]),
    ("Raise SLA compliance to 95.5%", "SLA compliance", 93.6, 95.5, "%", HI,
     date(2027, 12, 31), "Tom Becker", "Field service system SLA report",
     "Company goal: reliable service", None),
    ("Cut the backlog to 1,150 tickets", "Backlog tickets", 1310, 1150, "tickets", LO,
     date(2027, 6, 30), "Priya Nair", "Zendesk backlog report",
     "Company goal: reliable service", None),
    ("Raise first contact resolution to 74%", "C01", 70.4, 74.0, "%", HI,
     date(2027, 12, 31), "Priya Nair", "Zendesk", "Company goal: customer retention", None),
    ("Reduce churn to 6.2%", "Churn rate", 6.8, 6.2, "%", LO,
     date(2027, 12, 31), "Sofia Martins", "CRM renewals report",
     "Company goal: customer retention", None),
    ("Improve the customer experience", None, None, None, None, None,
     None, "Dana Whitfield", None, "Company value: customer first", None),
]

EN_TASKS = [
    ("Prepare", "Finalise 2027 targets and team scorecards", date(2027, 1, 4),
     date(2027, 1, 29), "Dana Whitfield", "Targets signed off", "Team scorecards"),
    ("Prepare", "Design automated triage rules", date(2027, 1, 11), date(2027, 3, 12),
     "Priya Nair", None, "Triage rulebook v2"),
    ("Prepare", "Hire 4 field technicians, 3 agents and 1 analyst", date(2027, 2, 1),
     date(2027, 4, 30), "Marcus Lee", None, "8 hires onboarded"),
    ("Execute", "Skills-based routing go-live", date(2027, 3, 15), date(2027, 4, 16),
     "Priya Nair", "Routing go-live", "Routing in production"),
    ("Execute", "Backlog burn-down programme", date(2027, 4, 1), date(2027, 6, 30),
     "Priya Nair", "Backlog at 1,150", "Weekly burn-down report"),
    ("Execute", "Route optimisation pilot (North and East)", date(2027, 4, 5),
     date(2027, 7, 30), "Tom Becker", None, "Pilot report"),
    ("Execute", "Van stock based on fault history", date(2027, 5, 3), date(2027, 6, 25),
     "Tom Becker", None, "Van stock lists per region"),
    ("Execute", "Customer health score and churn alerts", date(2027, 6, 1),
     date(2027, 9, 30), "Sofia Martins", "Health score live", "Health score dashboard"),
    ("Execute", "Service contract renewal campaign", date(2027, 7, 1), date(2027, 10, 15),
     "Sofia Martins", None, "Renewal pipeline report"),
    ("Peak season", "Peak season staffing plan", date(2027, 10, 1), date(2027, 11, 12),
     "Marcus Lee", None, "Peak roster"),
    ("Peak season", "Run peak season operations", date(2027, 11, 15), date(2027, 12, 31),
     "Dana Whitfield", "Peak readiness review", "Daily peak dashboard"),
    ("Review", "2027 year-end review", date(2027, 12, 1), date(2027, 12, 17),
     "Dana Whitfield", "Year-end review", "2027 annual report"),
    ("Review", "Draft the 2028 plan", date(2027, 12, 6), date(2027, 12, 31),
     "Dana Whitfield", None, "2028 plan"),
]

EN_RISKS = [
    ("Backlog spike after product launches", "Operational", 4, 4, "Backlog tickets", "> 1250",
     "Overtime and contractor cover; pause non-urgent proactive visits", "Priya Nair"),
    ("Technician attrition", "People", 3, 4, "Technician utilisation", "< 70",
     "Retention bonus for certified technicians; contractor bench", "Marcus Lee"),
    ("Service contract revenue shortfall", "Financial", 2, 5, "F01", "dev > 10%",
     "Monthly pipeline review; upsell Premium on renewals", "Sofia Martins"),
    ("Customer satisfaction erosion", "Customer", "Medium", "High", "CSAT", "< 85",
     "Call-back programme for detractors; weekly CSAT review", "Priya Nair"),
    ("Cost per ticket inflation", "Financial", "Low", "Medium", "Cost per ticket", ">= 15",
     "Shift simple contacts to self-service; review contractor rates", "Dana Whitfield"),
    ("Key spare-parts supplier disruption", "Supply chain", "Medium", "High", None, None,
     "Second source for the top 20 parts; safety stock in two depots", "Tom Becker"),
]

# category, item, amount, unit, note, start, end, task (see ZH_RESOURCES).
EN_RESOURCES = [
    ("People", "Field technicians", 4, "FTE", "North and East regions", date(2027, 5, 3),
     None, None),
    ("People", "Support agents", 3, "FTE", "Tier 1, to absorb launch peaks",
     date(2027, 3, 1), None, None),
    ("People", "Workforce analyst", 1, "FTE", "Forecasting and scheduling", None, None, None),
    ("Budget", "Contractor cover for peak season", 240, "k USD", "Q4", date(2027, 10, 1),
     date(2027, 12, 31), None),
    ("Budget", "Customer retention campaign", 150, "k USD", "Renewals and win-back", None,
     None, "Service contract renewal campaign"),
    ("Budget", "Training and certification", 95, "k USD", "Technician certification", None,
     None, None),
    ("Technology", "Route optimisation software", 180, "k USD", "Licence and rollout", None,
     None, "Route optimisation pilot (North and East)"),
    ("Technology", "Skills-based routing module", 120, "k USD", "Zendesk add-on", None, None,
     "Skills-based routing go-live"),
    ("Technology", "Customer health score dashboard", 45, "k USD", "BI development", None,
     None, "Customer health score and churn alerts"),
]

# fmt: on


def make_en(path: Path) -> int:
    kpi_units = {k[1]: k[3] for k in EN_KPIS} | {k[0]: k[3] for k in EN_KPIS}
    wb = new_workbook(
        "Customer Support & Field Service Operations: 2026 Review and 2027 Plan",
        "Example KPI workbook",
        "en-US",
    )
    write_sheet(wb, "meta", ["key", "value"], EN_META)
    kpi_rows = [
        [
            *k[:5],
            *typed(list(k[5:10]), k[3]),
            *k[10:],
            EN_BASE_NAMES.get(k[0]),
            *typed([EN_BENCHMARKS.get(k[0], (None, None))[0]], k[3]),
            EN_BENCHMARKS.get(k[0], (None, None))[1],
            EN_GROWTH_TARGETS.get(k[0]),
            EN_DRIVERS.get(k[0]),
        ]
        for k in EN_KPIS
    ]
    write_sheet(wb, "kpis", EN_KPI_HEADER, kpi_rows, {"weight": "0.00"})
    period_rows = [[name, *typed(qs, kpi_units[name])] for name, qs in EN_PERIODS.items()]
    write_sheet(wb, "periods", ["kpi", "Q1", "Q2", "Q3", "Q4"], period_rows)
    breakdown_rows = [[*b[:3], *typed(list(b[3:]), kpi_units[b[2]])] for b in EN_BREAKDOWN]
    write_sheet(
        wb,
        "breakdown",
        ["dimension", "item", "kpi", "actual", "prior_year", "target"],
        breakdown_rows,
    )
    header = list(EN_PROBLEMS[0])
    write_sheet(wb, "problems", header, [[p[h] for h in header] for p in EN_PROBLEMS])
    write_sheet(wb, "goals", EN_GOAL_HEADER, [_goal_row(g, EN_GOAL_BASES) for g in EN_GOALS])
    write_sheet(
        wb,
        "tasks",
        ["phase", "task", "start", "end", "owner", "milestone", "deliverable"],
        EN_TASKS,
    )
    write_sheet(
        wb,
        "risks",
        ["risk", "category", "likelihood", "impact", "kpi", "threshold", "response", "owner"],
        EN_RISKS,
    )
    write_sheet(
        wb,
        "resources",
        ["category", "item", "amount", "unit", "note", "start", "end", "task"],
        [_resource_row(r) for r in EN_RESOURCES],
    )
    write_sheet(
        wb,
        "value",
        ["kpi", "label", "amount", "unit", "kind"],
        [_value_row(v) for v in EN_VALUES],
    )
    write_sheet(
        wb,
        "campaigns",
        ["quarter", "campaign", "theme", "investment", "unit", "kpi", "result", "feedback"],
        EN_CAMPAIGNS,
    )
    return save_reproducible(wb, path)


# --------------------------------------------------------------------------------------
# Consistency checks on the data above (so that edits cannot break the arithmetic)
# --------------------------------------------------------------------------------------


def _close(a: float, b: float, tol: float = 1e-6) -> bool:
    return abs(a - b) <= tol


def _check_quarters(kpi: tuple, label: str, quarters: list[float], annual: object) -> None:
    if not isinstance(annual, int | float):
        return
    aggregation = kpi[10]
    if aggregation == "sum":
        value = sum(quarters)
    elif aggregation == "last":
        value = quarters[-1]
    else:
        value = sum(quarters) / len(quarters)
    if not _close(value, annual):
        raise ValueError(f"{kpi[1]} {label}: quarters give {value}, annual is {annual}")


def _check_breakdown(kpis: dict, rows: list[tuple]) -> None:
    groups: dict[tuple[str, str], list[tuple]] = {}
    for row in rows:
        groups.setdefault((row[0], row[2]), []).append(row)
    for (dimension, ref), items in groups.items():
        kpi = kpis[ref]
        for i, label in ((3, "actual"), (4, "prior_year"), (5, "target")):
            total = sum(item[i] for item in items)
            annual = kpi[{3: 6, 4: 7, 5: 5}[i]]
            if not _close(total, annual):
                raise ValueError(f"{dimension} {kpi[1]} {label}: {total} != {annual}")


def _check_goals(kpis: dict, goals: list[tuple]) -> None:
    for goal in goals:
        if goal[1] is None:
            continue
        kpi = kpis[goal[1]]
        if isinstance(kpi[6], int | float) and not _close(goal[2], kpi[6]):
            raise ValueError(f"goal {goal[0]!r}: baseline {goal[2]} != actual {kpi[6]}")
        if goal[10] and kpi[10] == "sum" and not _close(sum(goal[10]), goal[3]):
            raise ValueError(f"goal {goal[0]!r}: quarters {sum(goal[10])} != {goal[3]}")


def _check_narrative(
    kpis: dict, drivers: dict[str, str], values: list[tuple], by_id: tuple[dict, ...]
) -> None:
    """Every KPI a narrative column or value row names exists (the loader would refuse it)."""
    named = [ref.strip() for refs in drivers.values() for ref in refs.replace("、", ",").split(",")]
    named += [v[0] for v in values] + list(drivers) + [key for d in by_id for key in d]
    unknown = sorted(set(named) - set(kpis))
    if unknown:
        raise ValueError(f"unknown KPIs named: {unknown}")


def check_data() -> None:
    zh = {k[1]: k for k in ZH_KPIS} | {k[0]: k for k in ZH_KPIS}
    for name, (actual, target, prior) in ZH_PERIODS.items():
        for label, quarters, col in (("实际", actual, 6), ("目标", target, 5), ("上年", prior, 7)):
            _check_quarters(zh[name], label, quarters, zh[name][col])
    _check_breakdown(zh, ZH_BREAKDOWN)
    _check_goals(zh, ZH_GOALS)
    en = {k[1]: k for k in EN_KPIS} | {k[0]: k for k in EN_KPIS}
    for name, quarters in EN_PERIODS.items():
        _check_quarters(en[name], "actual", quarters, en[name][6])
    _check_breakdown(en, EN_BREAKDOWN)
    _check_goals(en, EN_GOALS)
    _check_narrative(zh, ZH_DRIVERS, ZH_VALUES, (ZH_BENCHMARKS, ZH_GROWTH_TARGETS))
    _check_narrative(en, EN_DRIVERS, EN_VALUES, (EN_BENCHMARKS, EN_GROWTH_TARGETS))
    for kpis in (ZH_KPIS, EN_KPIS):
        weights = [k[11] for k in kpis if k[11] is not None]
        if not _close(sum(weights), 1.0):
            raise ValueError(f"weights add up to {sum(weights)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=EXAMPLES_DIR, help="output folder (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    check_data()
    made = (
        ("ecommerce-2026-zh.xlsx", make_zh),
        ("support-2026-en.xlsx", make_en),
        ("ecommerce-2026H1-zh.xlsx", make_zh_h1),
    )
    for name, make in made:
        path = args.out / name
        size = make(path)
        print(f"wrote {path} ({size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
