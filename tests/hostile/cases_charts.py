"""Native Word charts (issue 15, Deliver 1) attacked from the workbook and the command line.

A workbook whose chart texts hold what XML and Excel number formats are made of (``<``,
``&``, quotes, a unit with a ``"``), a 30,000-character KPI name, figures at the loader's
10^15 bound, a loss-making breakdown (a bridge below zero), a task on Excel's first
sound date (1900-03-01) beside one of this year (an axis of 126 years); an unknown
``--charts`` kind. The promise: a Word document whose chart parts are well-formed,
related and typed, exit 0, no traceback; a usage error for an unknown kind, before any
work, nothing written.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from . import Case

_CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"


def _workbook(folder: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    kpis = book.active
    kpis.title = "指标"
    kpis.append(["编号", "指标", "维度", "单位", "方向", "目标", "实际", "上年"])
    long_name = 'R&D <"Top"> ' + "长" * 30000
    kpis.append(["K1", long_name, "利润", '亿"元', "高", 8, 10, -2])
    kpis.append(["K2", "毛利率", "利润", "%", "高", 20, 23.5, 21])
    kpis.append(["K3", "巨大", "规模", "元", "高", 9e14, 8e14, 7e14])
    kpis.append(["K4", "成本率", "利润", "%", "低", 12, 13.5, 11])
    parts = book.create_sheet("结构")
    parts.append(["指标", "维度", "项目", "实际", "上年"])
    parts.append(["K1", "区域", "华东&<东>", -6, -1])
    parts.append(["K1", "区域", "华北", 16, -1])
    tasks = book.create_sheet("任务")
    tasks.append(["任务", "开始", "结束", "里程碑"])
    tasks.append(["古老任务", "1900-03-01", "1900-05-01", "开工"])
    tasks.append(["今年任务", "2026-02-01", "2026-05-01", "上线"])
    book.save(folder / "charts.xlsx")


def _check_parts(folder: Path, output: str) -> None:
    from lxml import etree

    path = folder / "charts.docx"
    assert path.is_file(), output
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        charts = [n for n in names if n.startswith("word/charts/chart") and n.endswith(".xml")]
        assert charts, names
        types = etree.fromstring(package.read("[Content_Types].xml"))
        typed = {o.get("PartName"): o.get("ContentType") for o in types}
        for name in charts:
            root = etree.fromstring(package.read(name))  # well-formed
            title = root.xpath("//*[local-name()='title']//*[local-name()='t']/text()")
            assert all(len(line) <= 100 for line in title), title  # cut like the picture's
            assert typed["/" + name] == _CHART_TYPE
            assert package.read(name.replace("charts/", "charts/_rels/") + ".rels")
        assert not [n for n in names if n.startswith("word/media/")]  # nothing a picture


CASES = [
    Case(
        "hostile-texts-and-figures-make-valid-native-charts",
        _workbook,
        ("build", "charts.xlsx", "-o", "charts.docx", "-q"),
        exit_code=0,
        changed=("charts.docx",),
        verify=_check_parts,
        seconds=60.0,
    ),
    Case(
        "unknown-chart-kind-refused-before-any-work",
        _workbook,
        ("build", "charts.xlsx", "--charts", "svg", "-o", "charts.docx"),
        exit_code=2,
        says=("'svg' is not one of",),
    ),
]
