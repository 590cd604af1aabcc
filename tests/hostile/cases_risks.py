"""Risk semantics (issue 14, deliverable 4): thresholds and tolerances that must be refused
on their cell, and risks that must be judged on the right period.

Every workbook is written by openpyxl in the case's folder: a 2026 workbook with a rate KPI
(利润率, %) and an amount (GMV, 亿元); the in-year ones have 2026 Q1–Q2 actuals.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import Case

KPI_HEADER = ["id", "name", "unit", "direction", "aggregation", "target", "actual", "next_target"]
RISK_HEADER = ["risk", "category", "likelihood", "impact", "kpi", "threshold", "response"]


def _workbook(
    risks: list[list[Any]],
    *,
    meta: list[list[Any]] | None = None,
    in_year: bool = False,
) -> Callable[[Path], None]:
    """利润率 (P01, %), GMV (G01, 亿元) and 人效 (E01, no actual, no periods); ``in_year``: annual actuals blank, 2026 Q1–Q2
    in periods (利润率 14 vs 15 then 13 vs 15; GMV 9 vs 8.5 then 9.5 vs 10)."""

    def make(folder: Path) -> None:
        from openpyxl import Workbook

        actual_pm, actual_gmv = (None, None) if in_year else (14.8, 52)
        sheets: dict[str, list[list[Any]]] = {
            "meta": [["key", "value"], ["year", 2026], *(meta or [])],
            "kpis": [
                KPI_HEADER,
                ["P01", "利润率", "%", "higher", "last", 15, actual_pm, 15.6],
                ["G01", "GMV", "亿元", "higher", "sum", 40, actual_gmv, 55],
                ["E01", "人效", "万元", "higher", "avg", 100, None, None],  # no periods
            ],
            "risks": [RISK_HEADER, *risks],
        }
        if in_year:
            sheets["periods"] = [
                ["kpi", "period", "actual", "target"],
                ["P01", "2026Q1", 14, 15],
                ["P01", "2026Q2", 13, 15],
                ["G01", "2026Q1", 9, 8.5],
                ["G01", "2026Q2", 9.5, 10],
            ]
        wb = Workbook()
        wb.remove(wb.active)
        for title, rows in sheets.items():
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
        wb.save(folder / "wb.xlsx")

    return make


def _risk(threshold: str, kpi: str = "P01") -> list[Any]:
    return ["利润率下滑", "财务", 3, 4, kpi, threshold, "压缩低效投放"]


def _draft(folder: Path) -> str:
    return next((folder / "out").glob("*.md")).read_text(encoding="utf-8")


def _judged_on_q2(folder: Path, output: str) -> None:
    text = _draft(folder)
    # 利润率 Q2 13 vs 15: |13 − 15| = 2 points > 1 point — a live alarm, judged on Q2
    assert (
        "⚠ 已触发：按2026年第2季度实际偏离目标2.0个百分点（利润率 偏离目标 &gt; 1个百分点）" in text
    )
    # GMV's annual line < 30亿 is not compared with Q2's 9.5亿 but with the year's landing
    # (no prior-year quarters: the run rate 18.5 × 4 ÷ 2 = 37), 37 − 30 = 7 clear
    assert "未触发：按2026年第2季度实际推算的全年预测37亿元，距触发线7亿元" in text


def _never_triggered(folder: Path, output: str) -> None:
    text = _draft(folder)
    # 2027 has no actual: 2026's |14.8 − 15| = 0.2 points is context, 1 − 0.2 = 0.8 from the line
    assert "已触发" not in text and "⚠" not in text.split("风险评估")[1].split("监控预警")[0]
    assert "监控中；2026年实际偏离目标0.2个百分点，距触发线0.8个百分点" in text
    # the rate's warning line in points from the risk row: 15.6 − 1 = 14.6 < 14.8 → 14.8
    assert "较目标低于1个百分点即预警（风险表）；预警线不低于基线14.8%" in text
    # GMV 55 ÷ 4 = 13.75, 8% → 12.65; its baseline share 52 × 13.75 ÷ 55 = 13 is stricter
    assert (
        "| GMV | 13.75亿元 | 13.00亿元 | 较目标低于8%即预警（默认）；预警线不低于基线13.00亿元 |"
        in text
    )


def _reported(folder: Path, output: str) -> None:
    rows = json.loads(output)
    assert [(r["judged_on"], r["crossed"], r["triggered"]) for r in rows] == [
        ("2026", True, False)
    ], rows
    # |14.8 − 15| = 0.2 points > 0.1: crossed in 2026, 0.1 points past
    assert abs(rows[0]["margin"] - 0.1) < 1e-9 and abs(rows[0]["observed"] - 0.2) < 1e-9


def _no_periods(folder: Path, output: str) -> None:
    text = _draft(folder)
    assert "2026年第2季度无实际值，未判断" in text


def _no_nan(folder: Path, output: str) -> None:
    assert "Infinity" not in output and "NaN" not in output, output
    json.loads(output)


JSON = ("metrics", "wb.xlsx", "--json", "-q", "--what", "risks")
PLAN = ("plan", "wb.xlsx", "-f", "md", "--no-charts", "-q", "-o", "out")

CASES = [
    # 1. refusals on the threshold's cell (risks › F2) or the meta value (meta › B3)
    Case("dev-1e400-points", _workbook([_risk("偏离目标 > 1e400个百分点")]), JSON,
         says=("wb.xlsx › risks › F2", "not a number ('1e400')")),
    Case("dev-negative-points", _workbook([_risk("dev > -5pp")]), JSON,
         says=("risks › F2", "a negative deviation ('dev > -5pp')")),
    Case("dev-percent-on-a-rate", _workbook([_risk("偏离目标 > 5%")]), JSON,
         says=("risks › F2", "a deviation in percent for a rate KPI is ambiguous",
               "偏离目标 > 2个百分点")),
    Case("dev-points-on-an-amount", _workbook([_risk("dev > 2pp", "G01")]), JSON,
         says=("risks › F2", "a deviation in points for a KPI that is not a rate")),
    Case("dev-points-without-a-number", _workbook([_risk("偏离目标 > 个百分点")]), JSON,
         says=("risks › F2", "a deviation without a number")),
    Case("threshold-garbage", _workbook([_risk("偏离目标 ≈ 2")]), JSON,
         says=("risks › F2", "not a threshold")),
    Case("meta-tolerance-beyond-100", _workbook([], meta=[["预警容差", "150%"]]), JSON,
         says=("wb.xlsx › meta › B3", "预警容差: not a warning tolerance (150%)")),
    Case("meta-tolerance-negative-points",
         _workbook([], meta=[["预警容差（百分点）", "-2个百分点"]]), JSON,
         says=("meta › B3", "not a warning tolerance")),
    Case("meta-tolerance-garbage", _workbook([], meta=[["warning_tolerance_pp", "lots"]]), JSON,
         says=("meta › B3",)),
    # 2. readings
    Case("annual-figures-are-a-fact", _workbook([_risk("dev > 0.1pp")]), JSON, exit_code=0,
         verify=_reported),
    Case("in-year-draft-judged-on-q2",
         _workbook([_risk("偏离目标 > 1个百分点"), _risk("< 30", "G01")], in_year=True),
         (*PLAN, "--quarter", "2026Q3"), exit_code=0, verify=_judged_on_q2),
    Case("next-year-draft-never-triggered", _workbook([_risk("偏离目标 > 1个百分点")]),
         (*PLAN, "--quarter", "2027Q4"), exit_code=0, verify=_never_triggered),
    Case("in-year-risk-on-a-kpi-without-periods",
         _workbook([["人效偏低", "效率", 1, 1, "E01", "< 80", "-"]], in_year=True),
         (*PLAN, "--quarter", "2026Q3"), exit_code=0, verify=_no_periods),
    Case("huge-deviation-stays-finite",
         _workbook([_risk("dev > 999999999999998", "G01")]), JSON, exit_code=0,
         verify=_no_nan),
]  # fmt: skip
