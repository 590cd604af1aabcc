"""Shared fixtures: small workbooks built in the test, the bundled examples."""

from __future__ import annotations

import atexit
import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

# Compiled templates (render/compiled.py) go to a folder of this test run, not ~/.cache.
_CACHE = tempfile.mkdtemp(prefix="opsreport-test-cache-")
os.environ["OPSREPORT_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, True)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
ZH_EXAMPLE = EXAMPLES / "ecommerce-2026-zh.xlsx"
EN_EXAMPLE = EXAMPLES / "support-2026-en.xlsx"
CORPUS = ROOT.parent / "shared" / "xlsx-corpus"


def write_workbook(
    path: Path,
    sheets: dict[str, list[list[Any]]],
    formats: dict[tuple[str, str], str] | None = None,
) -> Path:
    """Write sheets given as rows (the first row is the header) to an .xlsx.

    ``formats`` maps (sheet, cell) to a number format, e.g. ("kpis", "C2"): "0.0%".
    """
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    for (title, cell), number_format in (formats or {}).items():
        wb[title][cell].number_format = number_format
    wb.save(path)
    return path


@pytest.fixture
def make_workbook(tmp_path: Path):
    counter = iter(range(1000))

    def make(
        sheets: dict[str, list[list[Any]]],
        formats: dict[tuple[str, str], str] | None = None,
        name: str | None = None,
    ) -> Path:
        return write_workbook(tmp_path / (name or f"wb{next(counter)}.xlsx"), sheets, formats)

    return make


KPI_HEADER = [
    "id",
    "name",
    "group",
    "unit",
    "direction",
    "target",
    "actual",
    "prior_year",
    "next_target",
    "base",
]


@pytest.fixture
def basic_sheets() -> dict[str, list[list[Any]]]:
    return {
        "meta": [["key", "value"], ["title", "Test"], ["year", 2026], ["language", "en"]],
        "kpis": [
            KPI_HEADER,
            ["P01", "直接利润", "利润", "亿元", "越高越好", 8, 8.37, 6.42, 9.5, 20],
            ["E01", "库存周转天数", "效率", "天", "越低越好", 45, 48.5, 52, 42, None],
            ["U01", "复购率", "用户", "%", "higher", 30, 31.5, 29.5, 33, None],
        ],
    }


@pytest.fixture
def dates() -> Any:
    return dt
