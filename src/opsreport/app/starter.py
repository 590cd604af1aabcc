"""What a new user starts from: ``opsreport init`` and ``opsreport templates export``.

``init`` writes a workbook to fill in, built from the contract in :mod:`schema`:
every sheet with its headers in the chosen language, a comment on every header
saying what belongs there, drop-downs where the values are a closed list, and a
few example rows that already build a report. ``templates export`` copies the
bundled templates into a folder. Both write through :mod:`opsreport.io.files`:
atomically, and never through a symbolic link (a link, dangling or not, is refused
even with ``--force``).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from opsreport.errors import OutputError, UsageError
from opsreport.io import schema
from opsreport.present.tables import neutralize

__all__ = ["Export", "export_templates", "starter_workbook", "write_starter"]

_SHEET_TITLES = {
    "zh": {
        "meta": "概况",
        "kpis": "指标",
        "periods": "分期",
        "breakdown": "结构",
        "problems": "问题",
        "goals": "目标",
        "tasks": "任务",
        "risks": "风险",
        "resources": "资源",
        "value": "价值",
        "campaigns": "活动",
    },
    "en": {name: name for name in schema.SHEETS},
}

_EXAMPLES: dict[str, dict[str, list[list[Any]]]] = {
    "zh": {
        "meta": [
            ["标题", "2026年度工作总结与2027年工作计划"],
            ["部门", "运营中心"],
            ["年度", 2026],
            ["计划年度", 2027],
            ["汇报人", "（姓名）"],
            ["语言", "zh"],
            ["公司目标", "全年新增利润12亿元"],
            ["部门目标", "直接利润8亿元"],
        ],
        "kpis": [
            [
                "P01",
                "直接利润",
                "利润",
                "亿元",
                "越高越好",
                8,
                8.37,
                6.42,
                9.5,
                20,
                "公司利润增量",
                "求和",
                0.4,
                "（负责人）",
                "财务系统",
                "",
                None,
                None,
                None,
                "U01",
            ],
            [
                "U01",
                "复购率",
                "用户",
                "%",
                "越高越好",
                0.33,
                0.315,
                0.295,
                0.34,
                None,
                None,
                "期末",
                0.3,
                "（负责人）",
                "CRM",
                "",
                0.3,
                "行业均值",
                None,
                None,
            ],
            [
                "E01",
                "库存周转天数",
                "效率",
                "天",
                "越低越好",
                45,
                48.5,
                52,
                44,
                None,
                None,
                "期末",
                0.3,
                "（负责人）",
                "WMS",
                "",
                None,
                None,
                None,
                None,
            ],
        ],
        "periods": [
            ["P01", "2026Q1", 1.62, 1.6, 1.25],
            ["P01", "2026Q2", 1.88, 1.85, 1.43],
            ["P01", "2026Q3", 2.05, 2.0, 1.62],
            ["P01", "2026Q4", 2.82, 2.55, 2.12],
        ],
        "breakdown": [
            ["渠道", "天猫", "P01", 3.1, 2.6, 3.0],
            ["渠道", "抖音", "P01", 2.2, 1.4, 2.0],
            ["渠道", "其他", "P01", 3.07, 2.42, 3.0],
        ],
        "problems": [
            [
                "用户",
                "复购率31.5%，低于目标1.5个百分点",
                "U01",
                "会员权益设计滞后",
                "行业促销加剧",
                "老客贡献下降",
                "上线会员分层运营",
            ]
        ],
        "goals": [
            [
                "复购率提升至34%",
                "U01",
                0.315,
                0.34,
                "%",
                "越高越好",
                dt.date(2027, 12, 31),
                "（负责人）",
                "CRM",
                "用户增长战略",
                None,
                None,
                None,
                None,
            ]
        ],
        "tasks": [
            [
                "筹备期",
                "会员体系改版方案",
                dt.date(2027, 1, 4),
                dt.date(2027, 2, 28),
                "（负责人）",
                "方案评审通过",
                "改版方案",
            ]
        ],
        "risks": [["库存积压", "供应链", "中", "高", "E01", "> 47", "启动清仓专项", "（负责人）"]],
        "resources": [
            ["人力", "新增运营专员", 4, "人", "3月到岗", dt.date(2027, 3, 1), None, None],
            [
                "预算",
                "投放预算",
                3200,
                "万元",
                "按天数分摊",
                dt.date(2027, 1, 1),
                dt.date(2027, 12, 31),
                None,
            ],
            ["技术", "会员系统改版", 1, "套", "随改版方案交付", None, None, "会员体系改版方案"],
        ],
        "value": [["E01", "释放现金流", 2.9, "亿元", "现金流"]],
        "campaigns": [
            [
                "Q4",
                "双11大促",
                "预售＋品类券",
                1800,
                "万元",
                "P01",
                "（活动效果，带数据）",
                "（用户反馈与复盘）",
            ],
        ],
    },
    "en": {
        "meta": [
            ["title", "2026 review and 2027 plan"],
            ["org", "Operations"],
            ["year", 2026],
            ["plan_year", 2027],
            ["author", "(name)"],
            ["language", "en"],
            ["company_goals", "Grow revenue 10% at a lower cost to serve"],
            ["mandate", "Revenue of 18.5M USD"],
        ],
        "kpis": [
            [
                "F01",
                "Revenue",
                "Financial",
                "k USD",
                "higher",
                18500,
                19240,
                16870,
                21000,
                142000,
                "company revenue",
                "sum",
                0.4,
                "(owner)",
                "ERP",
                "",
                None,
                None,
                "10%",
                "C01",
            ],
            [
                "C01",
                "CSAT",
                "Customer",
                "%",
                "higher",
                0.88,
                0.893,
                0.865,
                0.9,
                None,
                None,
                "avg",
                0.3,
                "(owner)",
                "Survey",
                "",
                0.85,
                "industry average",
                None,
                None,
            ],
            [
                "S01",
                "Backlog tickets",
                "Service",
                "tickets",
                "lower",
                1200,
                1310,
                1650,
                1150,
                None,
                None,
                "last",
                0.3,
                "(owner)",
                "Ticketing",
                "",
                None,
                None,
                None,
                None,
            ],
        ],
        "periods": [
            ["F01", "2026Q1", 4420, 4400, 3900],
            ["F01", "2026Q2", 4710, 4600, 4100],
            ["F01", "2026Q3", 4890, 4700, 4300],
            ["F01", "2026Q4", 5220, 4800, 4570],
        ],
        "breakdown": [
            ["Region", "North", "F01", 10200, 8900, 9800],
            ["Region", "South", "F01", 9040, 7970, 8700],
        ],
        "problems": [
            [
                "Service",
                "Backlog ended at 1,310 tickets, 110 above target",
                "S01",
                "Triage rules not updated",
                "Launch raised volume 14%",
                "SLA misses",
                "Automate triage",
            ]
        ],
        "goals": [
            [
                "Raise CSAT to 90%",
                "C01",
                0.893,
                0.9,
                "%",
                "higher",
                dt.date(2027, 12, 31),
                "(owner)",
                "Survey",
                "Customer retention",
                None,
                None,
                None,
                None,
            ]
        ],
        "tasks": [
            [
                "Prepare",
                "Redesign triage rules",
                dt.date(2027, 1, 4),
                dt.date(2027, 2, 26),
                "(owner)",
                "Rules live",
                "Rule set",
            ]
        ],
        "risks": [
            [
                "Backlog spike",
                "Operations",
                "medium",
                "high",
                "S01",
                "> 1250",
                "Overflow team",
                "(owner)",
            ]
        ],
        "resources": [
            [
                "People",
                "Support agents",
                4,
                "FTE",
                "in post from April",
                dt.date(2027, 4, 1),
                None,
                None,
            ],
            [
                "Budget",
                "Tooling",
                120,
                "k USD",
                "spent over the task",
                None,
                None,
                "Redesign triage rules",
            ],
        ],
        "value": [["F01", "Cost to serve saved", 310, "k USD", "saving"]],
        "campaigns": [
            [
                "Q2",
                "Renewal campaign",
                "Upgrade at renewal",
                60,
                "k USD",
                "F01",
                "(the result, with its figures)",
                "(what users said, the lesson)",
            ],
        ],
    },
}

_CHOICES = {
    "direction": {"zh": "越高越好,越低越好", "en": "higher,lower"},
    "aggregation": {"zh": "求和,期末,平均", "en": "sum,last,avg"},
    "unit": {
        "zh": "%,个百分点,亿元,万元,元,万人,人,天,小时,分",
        "en": "%,pp,USD,k USD,M USD,tickets,hours,days,points",
    },
    "level": {"zh": "1,2,3,4,5,低,中,高", "en": "1,2,3,4,5,low,medium,high"},
}


def _header(column: schema.Column, lang: str) -> str:
    if lang == "en":
        return column.field
    # The first Chinese alias is the header a Chinese user expects.
    return next((alias for alias in column.aliases[1:] if not alias.isascii()), column.field)


def starter_workbook(lang: str = "zh") -> bytes:
    _check_language(lang)
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the blank sheet a new workbook starts with
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="404040")
    for name, spec in schema.SHEETS.items():
        ws = wb.create_sheet(_SHEET_TITLES[lang][name])
        columns = list(spec.columns)
        ws.append([_header(c, lang) for c in columns])
        for index, column in enumerate(columns, start=1):
            cell = ws.cell(row=1, column=index)
            cell.font, cell.fill = bold, fill
            note = column.help_zh if lang == "zh" else column.help_en
            if column.required:
                note += "（必填）" if lang == "zh" else " (required)"
            if note:
                cell.comment = Comment(note, "opsreport")
            ws.column_dimensions[cell.column_letter].width = 16 if column.kind != "text" else 22
        for row in _EXAMPLES[lang][name]:
            ws.append([neutralize(value) for value in row])
        ws.freeze_panes = "A2"
        _formats(ws, name, columns)
        for index, column in enumerate(columns, start=1):
            if column.kind in _CHOICES:
                validation = DataValidation(
                    type="list",
                    formula1=f'"{_CHOICES[column.kind][lang]}"',
                    allow_blank=True,
                    showErrorMessage=False,
                )
                letter = ws.cell(row=1, column=index).column_letter
                validation.add(f"{letter}2:{letter}500")
                ws.add_data_validation(validation)
    stream = io.BytesIO()
    wb.save(stream)
    return stream.getvalue()


def _formats(ws: Any, name: str, columns: list[schema.Column]) -> None:
    """Rates of the example rows as percentages; dates as dates."""
    fields = [c.field for c in columns]
    for row in ws.iter_rows(min_row=2):
        unit = None
        if name in {"kpis", "goals"} and "unit" in fields:
            unit = row[fields.index("unit")].value
        for column, cell in zip(columns, row, strict=False):
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif unit == "%" and column.kind == "number" and column.field not in {"weight", "base"}:
                cell.number_format = "0.0%"


def _check_language(lang: str) -> None:
    if lang not in _EXAMPLES:
        raise UsageError(f"unknown language {lang!r}: use zh or en")


def write_starter(path: str | Path, lang: str = "zh", force: bool = False) -> Path:
    """Write the starter workbook at ``path``; refuses a link, and a file unless ``force``.

    An OutputError names what is in the way; an unknown ``lang`` is a UsageError.
    """
    from opsreport.io.files import atomic_write, check_target, exists

    _check_language(lang)
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise OutputError(f"{path}: a workbook name must end in .xlsx")
    check_target(path)  # a link, even dangling, is refused before "exists"
    if exists(path) and not force:
        raise OutputError(f"{path}: the file exists; use --force to replace it")
    return atomic_write(path, starter_workbook(lang))


@dataclass(frozen=True)
class Export:
    """What ``templates export`` did: files written, and files left alone (they exist)."""

    written: tuple[Path, ...]
    skipped: tuple[Path, ...]


def export_templates(directory: str | Path, lang: str = "zh", force: bool = False) -> Export:
    """Copy the bundled templates (Word ones in ``lang``) into ``directory``, all or nothing.

    Files that exist are skipped unless ``force``; an OutputError (nothing written)
    when ``directory`` is a file or cannot be written, or a name there is a link; an
    unknown ``lang`` is a UsageError.
    """
    from opsreport.io.files import check_target, exists, write_files
    from opsreport.render.lookup import template_dirs

    _check_language(lang)
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():  # (a link to nothing: check_target)
        raise OutputError(f"{directory}: is a file, not a folder; choose a folder to export into")
    copies: dict[Path, bytes] = {}
    skipped: list[Path] = []
    for source_dir in reversed(template_dirs(lang)):
        for source in sorted(source_dir.iterdir()):
            if source.name.startswith((".", "_")) or not source.is_file():
                continue
            target = directory / source.name
            check_target(target, inside=directory)
            if exists(target) and not force:
                skipped.append(target)
            else:
                copies[target] = source.read_bytes()
    written = write_files(copies, inside=directory) if copies else []
    return Export(tuple(written), tuple(skipped))
