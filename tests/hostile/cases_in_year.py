"""In-year re-planning (issue 14 §1): quarters that cannot be planned are refused with the
quarters that can; odd periods (zero or negative seasons, a zero target, months, a quarter
with its actual) draft without a traceback and with the figures said.

Each workbook is the worked one of tests/in_year_sheets.py (2026, Q1–Q2 in), changed.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import Case


def _sheets() -> dict[str, list[list[Any]]]:
    from tests.in_year_sheets import IN_YEAR_SHEETS

    return copy.deepcopy(IN_YEAR_SHEETS)


def _workbook(
    change: Callable[[dict[str, list[list[Any]]]], None] | None = None,
) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        from tests.conftest import write_workbook

        sheets = _sheets()
        if change is not None:
            change(sheets)
        write_workbook(folder / "h1.xlsx", sheets, None)

    return make


def _zero_seasons(sheets: dict[str, list[list[Any]]]) -> None:
    for row in sheets["periods"][1:]:
        if row[1].startswith("2025"):
            row[2] = 0
    sheets["kpis"][1][5] = 0  # a target of 0 as well


def _negative(sheets: dict[str, list[list[Any]]]) -> None:
    for row in sheets["periods"][1:]:
        if row[0] == "gmv" and row[2] is not None:
            row[2] = -row[2]


def _months(sheets: dict[str, list[list[Any]]]) -> None:
    sheets["periods"] = [
        ["kpi", "period", "actual"],
        *(["gmv", f"2026-{m:02d}", 3] for m in (1, 2, 3, 4)),  # April alone: Q2 not in
    ]


def _landing_of(expected: float) -> Callable[[Path, str], None]:
    def verify(folder: Path, output: str) -> None:
        rows = json.loads(output[output.index("[") :])
        gmv = next(row for row in rows if row["name"] == "GMV")
        assert gmv["landing"] == expected, gmv

    return verify


CASES = [
    Case(
        "a past quarter is refused with the quarters that can be planned",
        _workbook(),
        ("plan", "h1.xlsx", "--quarter", "2026Q2", "-o", "{dir}/out"),
        exit_code=2,
        says=("2026Q2 has its actuals already", "plan 2026Q3–Q4, or 2027Q1–Q4"),
    ),
    Case(
        "zero seasons and a zero target: the run rate, no division by zero",
        _workbook(_zero_seasons),
        ("metrics", "h1.xlsx", "--json", "--what", "plan", "--quarter", "Q3"),
        exit_code=0,
        verify=_landing_of(37),  # 18.5 × 4 ÷ 2
    ),
    Case(
        "negative actuals draft and say their figures",
        _workbook(_negative),
        ("plan", "h1.xlsx", "--quarter", "Q3", "-f", "md", "-o", "{dir}/out"),
        exit_code=0,
        says=("wrote",),
        changed=("out",),
    ),
    Case(
        "a quarter of months counts once its last month is in",
        _workbook(_months),
        ("metrics", "h1.xlsx", "--json", "--what", "in_year"),
        exit_code=0,
        verify=_landing_of(36),  # Q1 = 3 + 3 + 3 = 9 (April alone is not Q2): 9 × 4
    ),
]
