"""The narrative columns under attack (issue 13): driver chains and lists, value amounts.

A 10,000-long driver chain loads in one pass (no recursion); a cycle through it is one
error naming the cell; a driver list of 100,000 names is longer than a cell holds and is
refused at the cell; value amounts beyond 10^15 or spelled NaN are refused like figures.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import Case


def _write(path: Path, sheets: dict[str, list[list[Any]]]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)


def _chain(folder: Path, *, cycle: bool) -> None:
    n = 10_000
    rows: list[list[Any]] = [["id", "name", "unit", "actual", "drivers"]]
    for i in range(n):
        driver = f"K{i + 1}" if i + 1 < n else ("K0" if cycle else None)
        rows.append([f"K{i}", f"指标{i}", "%", 1, driver])
    _write(folder / "chain.xlsx", {"kpis": rows})


def _chain_verify(folder: Path, output: str) -> None:
    rows = json.loads(output[output.index("[") :])
    assert len(rows) == 10_000
    # the sentence's chain, CHAIN_DEPTH 4 KPIs root first, then the KPI itself
    assert rows[0]["drivers"] == ["K1"] and rows[0]["chain"] == ["K4", "K3", "K2", "K1", "K0"]


def _long_list(folder: Path) -> None:
    names = "、".join(f"K{i}" for i in range(100_000))
    _write(folder / "list.xlsx", {"kpis": [["id", "name", "drivers"], ["A", "甲", names]]})


def _values(folder: Path) -> None:
    _write(
        folder / "value.xlsx",
        {
            "kpis": [["id", "name", "unit", "actual"], ["M01", "营销费用率", "%", 11.4]],
            "value": [
                ["kpi", "label", "amount", "unit", "kind"],
                ["M01", "巨额", "1e16", "亿元", "saving"],
                ["M01", "非数", "NaN", "亿元", "saving"],
            ],
        },
    )


CASES = [
    Case(
        "driver_chain_10000",
        lambda folder: _chain(folder, cycle=False),
        ("metrics", "chain.xlsx", "--json", "--quiet"),
        exit_code=0,
        verify=_chain_verify,
        seconds=60,
    ),
    Case(
        "driver_cycle_10000",
        lambda folder: _chain(folder, cycle=True),
        ("metrics", "chain.xlsx", "--json"),
        says=("chain.xlsx › kpis › E10001: drivers: a cycle", "(10000 KPIs)"),
        seconds=60,
    ),
    Case(
        "driver_list_100000_names",
        _long_list,
        ("metrics", "list.xlsx", "--json"),
        says=("list.xlsx › kpis › C2: drivers:",),
    ),
    Case(
        "value_amount_huge_or_nan",
        _values,
        ("metrics", "value.xlsx", "--json"),
        says=("value › C2: amount:", "value › C3: amount:"),
    ),
]
