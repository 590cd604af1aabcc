"""Resources by date (issue 14, deliverable 3): dates and task references that must be
refused on their cell, and dated rows that must come out right in ``metrics`` and a draft.

Every workbook is written by openpyxl in the case's folder (plan year 2027 unless said).
A refusal names the resources sheet's cell; a reading is checked in the JSON of
``metrics --json --what resources`` (q1–q4) or in the Markdown/HTML draft written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import Case

KPI_HEADER = ["id", "name", "unit", "direction", "target", "actual"]
RESOURCE_HEADER = ["category", "item", "amount", "unit", "start", "end", "task"]
D = dt.date


def _workbook(
    resources: list[list[Any]],
    tasks: list[list[Any]] | None = None,
    *,
    plan_year: int = 2027,
    header: list[str] = RESOURCE_HEADER,
) -> Callable[[Path], None]:
    """A workbook with one KPI, ``tasks`` (task, start, end) and ``resources`` under ``header``."""

    def make(folder: Path) -> None:
        from openpyxl import Workbook

        sheets: dict[str, list[list[Any]]] = {
            "meta": [["key", "value"], ["year", plan_year - 1], ["plan_year", plan_year]],
            "kpis": [KPI_HEADER, ["P01", "GMV", "万元", "higher", 10, 12]],
            "resources": [header, *resources],
        }
        if tasks is not None:
            sheets["tasks"] = [["task", "start", "end"], *tasks]
        wb = Workbook()
        wb.remove(wb.active)
        for title, rows in sheets.items():
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
        wb.save(folder / "wb.xlsx")

    return make


def _quarters(expected: dict[str, list[float]]) -> Callable[[Path, str], None]:
    """Check q1–q4 of each named resource in the JSON printed; no Infinity or NaN."""

    def verify(folder: Path, output: str) -> None:
        assert "Infinity" not in output and "NaN" not in output, output
        rows = {row["item"]: row for row in json.loads(output)}
        for item, quarters in expected.items():
            got = [rows[item][f"q{q}"] for q in range(1, 5)]
            assert got == quarters, f"{item}: {got!r}"

    return verify


def _huge_adds_up(folder: Path, output: str) -> None:
    # 999,999,999,999,999 元 over 2027 (365 days): 90/91/92/92 days; JSON numbers carry 15
    # significant digits, so the four add up to the amount within a unit of the 15th digit
    (row,) = json.loads(output)
    quarters = [row[f"q{q}"] for q in range(1, 5)]
    assert all(isinstance(q, (int, float)) for q in quarters), quarters
    assert abs(sum(quarters) - 999999999999999) <= 4, quarters
    assert abs(quarters[0] - 999999999999999 * 90 / 365) <= 1, quarters


def _draft_escapes_the_task_name(folder: Path, output: str) -> None:
    # 100万元 by the task 2027-04-01–2027-06-30 (91 of 91 days): all of it in Q2, the task's
    # name in the rule's words, escaped in HTML
    html = next((folder / "out").glob("*.html")).read_text(encoding="utf-8")
    assert "<script>" not in html and "按任务「&lt;script&gt;alert(1)&lt;/script&gt;」" in html
    assert "<b>x</b>" not in html and "100万元" in html


def _many_rows_drafted(folder: Path, output: str) -> None:
    markdown = next((folder / "out").glob("*.md")).read_text(encoding="utf-8")
    # 10,000 rows of 1万元 each over 2027-04-01–2027-06-30: all 10,000万元 in Q2
    assert "本季度合计：10,000万元" in markdown, markdown[-2000:]


JSON = ("metrics", "wb.xlsx", "--json", "-q", "--what", "resources")
PLAN_Q2 = ("plan", "wb.xlsx", "--quarter", "Q2", "-f", "html", "--no-charts", "-q", "-o", "out")

CASES = [
    # 1. refusals on the cell
    Case("end-before-start", _workbook([["预算", "投放", 1, "万元", D(2027, 5, 1),
                                         D(2027, 4, 1), None]]), JSON,
         says=("wb.xlsx › resources › F2",
               "the resource ends (2027-04-01) before it starts (2027-05-01)")),
    Case("unknown-task", _workbook([["技术", "BI", 1, "套", None, None, "no such task"]],
                                   [["BI升级", D(2027, 4, 1), D(2027, 9, 30)]]), JSON,
         says=("resources › G2", "task: unknown task 'no such task'", "'BI升级'")),
    Case("task-without-a-tasks-sheet", _workbook([["技术", "BI", 1, "套", None, None, "X"]]),
         JSON, says=("resources › G2", "unknown task 'X'", "no tasks sheet")),
    Case("task-two-tasks-share", _workbook([["技术", "BI", 1, "套", None, None, "复盘"]],
                                           [["复盘", None, D(2027, 3, 31)],
                                            ["复盘", None, D(2027, 6, 30)]]), JSON,
         says=("resources › G2", "task: the name '复盘' fits 2 tasks")),
    Case("29-february-of-a-common-year", _workbook([["预算", "投放", 1, "万元", "2027-02-29",
                                                     None, None]]), JSON,
         says=("resources › E2", "start: no such date (2027-02-29)")),
    Case("formula-task-name", _workbook([["技术", "BI", 1, "套", None, None,
                                          "'=HYPERLINK(\"http://x\")"]], [["a", None, None]]),
         JSON, says=("resources › G2", "unknown task")),
    # 2. readings
    Case("dates-in-another-year", _workbook([["预算", "old", 100, "万元", D(2025, 1, 1),
                                              D(2025, 12, 31), None],
                                             ["技术", "later", 1, "套", None, D(2029, 1, 1),
                                              None]]), JSON, exit_code=0,
         verify=_quarters({"old": [0, 0, 0, 0], "later": [0, 0, 0, 0]})),
    Case("29-february-of-a-leap-plan-year",
         _workbook([["预算", "leap", 7, "万元", D(2028, 2, 29), D(2028, 2, 29), None],
                    ["预算", "feb", 60, "万元", D(2028, 2, 1), D(2028, 3, 31), None]],
                   plan_year=2028), JSON, exit_code=0,
         verify=_quarters({"leap": [7, 0, 0, 0], "feb": [60, 0, 0, 0]})),
    Case("huge-amount-by-days", _workbook([["预算", "huge", 999999999999999, "元",
                                            D(2027, 1, 1), D(2027, 12, 31), None]]), JSON,
         exit_code=0, verify=_huge_adds_up),
    # 730万元 2026-07-01–2027-06-30 = 365 days: 2027 holds 90 + 91 → 180 and 182
    Case("range-across-the-year", _workbook([["预算", "across", 730, "万元", D(2026, 7, 1),
                                              D(2027, 6, 30), None]]), JSON, exit_code=0,
         verify=_quarters({"across": [180, 182, 0, 0]})),
    Case("task-name-with-markup-in-a-draft",
         _workbook([["预算", "<b>x</b>", 100, "万元", None, None, "<script>alert(1)</script>"]],
                   [["<script>alert(1)</script>", D(2027, 4, 1), D(2027, 6, 30)]]),
         PLAN_Q2, exit_code=0, verify=_draft_escapes_the_task_name),
    Case("ten-thousand-dated-rows",
         _workbook([["预算", f"r{i}", 1, "万元", D(2027, 4, 1), D(2027, 6, 30), None]
                    for i in range(10_000)]),
         ("plan", "wb.xlsx", "--quarter", "Q2", "-f", "md", "--no-charts", "-q", "-o", "out"),
         exit_code=0, seconds=60, verify=_many_rows_drafted),
]  # fmt: skip
