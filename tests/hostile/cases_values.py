"""Strict value parsing: no silent misreads, bounded numbers, dates and text (issue 11).

Every workbook is written by openpyxl in the case's folder; values openpyxl will not
write (``<v>1e400</v>``, a cell longer than 32,767 characters) are patched into the
sheet XML afterwards. Each case runs ``opsreport metrics X.xlsx --json``: a refusal
names the cell, a reading is checked figure by figure in the JSON.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import Case

KPI_HEADER = ["id", "name", "unit", "direction", "target", "actual"]


def _workbook(
    path: Path,
    sheets: dict[str, list[list[Any]]],
    *,
    formats: dict[tuple[str, str], str] | None = None,
    date1904: bool = False,
    patch: dict[bytes, bytes] | None = None,
) -> None:
    """Write ``sheets`` (rows, header first) to ``path``; ``patch`` rewrites the XML after."""
    from openpyxl import Workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = Workbook()
    wb.remove(wb.active)
    if date1904:
        wb.epoch = CALENDAR_MAC_1904
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    for (title, cell), number_format in (formats or {}).items():
        wb[title][cell].number_format = number_format
    wb.save(path)
    if patch:
        with zipfile.ZipFile(path) as archive:
            parts = [(info, archive.read(info)) for info in archive.infolist()]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for info, data in parts:
                for old, new in patch.items():
                    data = data.replace(old, new)
                archive.writestr(info, data)


def _kpis(*rows: list[Any], **options: Any) -> Callable[[Path], None]:
    """A workbook whose kpis sheet holds ``rows`` under KPI_HEADER."""

    def make(folder: Path) -> None:
        _workbook(folder / "wb.xlsx", {"kpis": [KPI_HEADER, *rows]}, **options)

    return make


def _tasks(*rows: list[Any], **options: Any) -> Callable[[Path], None]:
    """A workbook with one KPI and a tasks sheet holding ``rows`` (task, start, end)."""

    def make(folder: Path) -> None:
        sheets = {
            "kpis": [KPI_HEADER, ["P01", "GMV", "万元", "higher", 10, 12]],
            "tasks": [["task", "start", "end"], *rows],
        }
        _workbook(folder / "wb.xlsx", sheets, **options)

    return make


def _periods(*rows: list[Any]) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        sheets = {
            "meta": [["key", "value"], ["year", 2026]],
            "kpis": [KPI_HEADER, ["P01", "GMV", "万元", "higher", 10, 12]],
            "periods": [["kpi", "period", "actual"], *rows],
        }
        _workbook(folder / "wb.xlsx", sheets)

    return make


def _figures(expected: dict[str, dict[str, Any]]) -> Callable[[Path, str], None]:
    """Check the JSON printed: KPI id -> {field: value}; no Infinity or NaN anywhere."""

    def verify(folder: Path, output: str) -> None:
        assert "Infinity" not in output and "NaN" not in output, output
        records = {record["id"]: record for record in json.loads(output)}
        for kpi, fields in expected.items():
            for name, value in fields.items():
                assert records[kpi][name] == value, f"{kpi}.{name}: {records[kpi][name]!r}"

    return verify


def _no_line_starts_a_command(folder: Path, output: str) -> None:
    lines = output.splitlines()
    assert not any(line.lstrip().startswith("::") for line in lines), output


JSON = ("metrics", "wb.xlsx", "--json")
QUIET_JSON = ("metrics", "wb.xlsx", "--json", "-q")  # stdout only: the JSON
_BIG = b"<v>123456789</v>"

CASES = [
    # 1. compatibility digits: NFKC folds them, the number would be another one
    Case("superscript-digit", _kpis(["P01", "GMV", "元", "higher", "4⁹", 5]), JSON,
         says=("wb.xlsx › kpis › E2", "superscript nine")),
    Case("circled-and-fraction-digits", _kpis(["P01", "GMV", "元", "higher", "①", "½"]), JSON,
         says=("kpis › E2", "circled digit one", "kpis › F2", "vulgar fraction one half")),
    Case("parenthesized-digit", _kpis(["P01", "GMV", "元", "higher", 1, "⑸"]), JSON,
         says=("kpis › F2", "parenthesized digit five")),  # NFKC: (5), read as −5
    Case("full-width-digits-read", _kpis(["P01", "GMV", "元", "higher", "１２３", "（１，２００）"]),
         QUIET_JSON, exit_code=0, verify=_figures({"P01": {"target": 123, "actual": -1200}})),
    # 2. signs
    Case("sign-inside-parentheses", _kpis(["P01", "GMV", "元", "higher", 1, "(-5)"]), JSON,
         says=("kpis › F2", "a sign inside parentheses")),  # was read as +5
    Case("sign-and-parentheses", _kpis(["P01", "GMV", "元", "higher", "-(5)", "+-5"]), JSON,
         says=("kpis › E2", "a sign and parentheses", "kpis › F2", "two signs")),
    Case("unbalanced-parentheses", _kpis(["P01", "GMV", "元", "higher", "(5", "5)"]), JSON,
         says=("kpis › E2", "kpis › F2", "unbalanced parentheses")),
    Case("signs-read-right", _kpis(["P01", "GMV", "元", "higher", "−5", "(5)"],
                                   ["P02", "Rate", "%", "higher", "(5%)", 3],
                                   ["P03", "Cash", "元", "higher", "¥-5", "-¥5"]),
         QUIET_JSON, exit_code=0,
         verify=_figures({"P01": {"target": -5, "actual": -5}, "P02": {"target": -5},
                          "P03": {"target": -5, "actual": -5}})),
    # 3. magnitude words before the KPI's unit
    Case("magnitude-words-before-the-unit",
         _kpis(["P01", "GMV", "万元", "higher", "0.5819千万元", "3百万元"],  # 581.9, 300
               ["P02", "Profit", "亿元", "higher", "1.2万亿元", "5千万"],  # 12,000, 0.5
               ["P03", "Cost", "元", "lower", "3百万元", "2十万"],  # 3,000,000, 200,000
               ["P04", "Sales", "k USD", "higher", "2.5M USD", "1.2 million"]),  # 2,500, 1,200
         QUIET_JSON, exit_code=0,
         verify=_figures({"P01": {"target": 581.9, "actual": 300},
                          "P02": {"target": 12000, "actual": 0.5},
                          "P03": {"target": 3000000, "actual": 200000},
                          "P04": {"target": 2500, "actual": 1200}})),
    Case("magnitude-not-a-word", _kpis(["P01", "GMV", "万元", "higher", "3百元", 1]), JSON,
         says=("kpis › E2", "not a number ('3百元')")),
    # 4. numbers too large, too precise, not finite, tiny
    Case("number-cell-1e28", _kpis(["P01", "GMV", "元", "higher", 1e28, 5]), JSON,
         says=("kpis › E2", "figures must stay below 10^15")),
    Case("number-cell-10-to-the-15", _kpis(["P01", "GMV", "元", "higher", 10**15, 5]), JSON,
         says=("kpis › E2", "below 10^15")),
    Case("number-cell-1e400", _kpis(["P01", "GMV", "元", "higher", 123456789, 5],
                                    patch={_BIG: b"<v>1e400</v>"}), JSON,
         says=("kpis › E2", "not a finite number")),
    Case("number-text-inf", _kpis(["P01", "GMV", "元", "higher", "inf", "Infinity"]), JSON,
         says=("kpis › E2", "kpis › F2", "not a number")),
    Case("number-text-16-digits", _kpis(["P01", "GMV", "元", "higher", "123456789012.3456", 5]),
         JSON, says=("kpis › E2", "16 significant digits", "at most 15")),
    Case("magnitude-beyond-the-limit", _kpis(["P01", "GMV", "元", "higher", "5000万亿", 5]),
         JSON, says=("kpis › E2", "5.00E+15 元", "below 10^15")),
    Case("tiny-numbers-are-zero",
         _kpis(["P01", "GMV", "元", "higher", 1e-300, 5], ["P02", "Net", "元", "higher", 8,
                                                          5.551115123125783e-17]),
         QUIET_JSON, exit_code=0,
         verify=_figures({"P01": {"target": 0, "actual": 5}, "P02": {"actual": 0}})),
    # 5. dates
    Case("serial-60-typed", _tasks(["a", 60, 61]), JSON,
         says=("tasks › B2", "serial number 60 is before 1900-03-01")),
    Case("serial-60-date-cell", _tasks(["a", 60, 61], formats={("tasks", "B2"): "yyyy-mm-dd"}),
         JSON, says=("tasks › B2", "a date before 1900-03-01")),  # openpyxl: 1900-02-28
    Case("serial-below-1", _tasks(["a", 0.5, 46477]), JSON,
         says=("tasks › B2", "a time of day")),
    Case("serial-beyond-9999", _tasks(["a", 46477, 2958466]), JSON,
         says=("tasks › C2", "61 to 2,958,465")),
    Case("serial-1904-beyond-9999", _tasks(["a", 45015, 2957004], date1904=True), JSON,
         says=("tasks › C2", "0 to 2,957,003")),  # 2,958,465 − 1,462
    Case("serial-1904-last-day-loads", _tasks(["a", 0, 2957003], date1904=True), QUIET_JSON,
         exit_code=0),  # 1904-01-01 to 9999-12-31
    Case("task-dated-9999-12-31-loads", _tasks(["a", "9999-12-01", "9999-12-31"]), QUIET_JSON,
         exit_code=0),
    Case("task-dated-year-1", _tasks(["a", "0001-01-01", "2027-01-01"]), JSON,
         says=("tasks › B2", "a date before 1900-03-01")),
    Case("task-week-past-9999", _tasks(["a", "9999-W50", "9999-W52"]), JSON,
         says=("tasks › C2", "a week ending after 9999-12-31")),
    Case("period-year-0", _periods(["P01", "0000Q1", 5]), JSON,
         says=("periods › B2", "years run from 1900 to 9999")),
    # 6. text: one line per name, no controls, no direction overrides, bounded length
    Case("newline-in-a-name",
         _kpis(["P01", "GMV\n::error file=x.py::pwned", "元", "higher", 1, 2]),
         ("metrics", "wb.xlsx"), exit_code=0, says=("GMV",), verify=_no_line_starts_a_command),
    Case("control-and-bidi-characters-in-a-name",
         _kpis(["P01", "\u202eGMV\x9b2J\u200b", "元", "higher", 1, 2]), QUIET_JSON,
         exit_code=0, verify=_figures({"P01": {"name": "GMV2J"}})),  # U+009B: a C1 CSI
    Case("cell-longer-than-32767", _kpis(["P01", "LONGTEXT", "元", "higher", 1, 2],
                                         patch={b"LONGTEXT": b"x" * 40_000}), JSON,
         says=("kpis › B2", "a text of 40,000 characters; a cell holds at most 32,767")),
    Case("number-text-of-10000-characters",
         _kpis(["P01", "GMV", "元", "higher", "LONGNUM", 2], patch={b"LONGNUM": b"9" * 10_000}),
         JSON, says=("kpis › E2", "a text of 10,000 characters")),
]  # fmt: skip
