"""Contribution analysis and the variance bridge under attack (issue 13): a breakdown of
20,000 items with figures at the limit (sums beyond 10^18, written as powers of ten), one
whose items have no prior year (no bridge, no sentence, no blank), a rate KPI's breakdown
(rates do not add up: no bridge), item names of 32,767 characters with markup. Each
builds, in bounded time, and says what it can."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from . import Case

_HEAD = ["dimension", "item", "kpi", "actual", "prior_year", "target"]


def _write(path: Path, kpis: list[list[Any]], breakdown: list[list[Any]]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in (("kpis", kpis), ("breakdown", [_HEAD, *breakdown])):
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)


_GMV = [
    ["id", "name", "unit", "target", "actual", "prior_year"],
    ["P02", "GMV", "亿元", 50, 49, 41],
]


def _many_items(folder: Path) -> None:
    # 20,000 items of ±9×10^14 (each within the figure limit): the totals reach 10^19.
    rows = [
        ["渠道", f"渠道{i}", "P02", 9 * 10**14 if i % 2 else 8 * 10**14, 7 * 10**14, 10**14]
        for i in range(20_000)
    ]
    _write(folder / "many.xlsx", _GMV, rows)


def _many_verify(folder: Path, output: str) -> None:
    html = (folder / "many.html").read_text(encoding="utf-8")
    assert "其余" in html  # the bridge groups the items beyond eight
    assert re.search(r"GMV各渠道合计同比增加[^<]*×10", html), "the items' sum, as a power of ten"


def _no_prior(folder: Path) -> None:
    rows = [["渠道", "抖音", "P02", 12, None, None], ["渠道", "天猫", "P02", 19, None, None]]
    _write(folder / "noprior.xlsx", _GMV, rows)


def _no_prior_verify(folder: Path, output: str) -> None:
    text = (folder / "noprior.md").read_text(encoding="utf-8")
    assert "同比增加" not in text and "同比减少" not in text  # no change to split
    assert "bridge" not in text  # no bridge drawn or linked


def _rate(folder: Path) -> None:
    kpis = [["id", "name", "unit", "actual", "prior_year"], ["R01", "转化率", "%", 3.2, 3.0]]
    rows = [["渠道", "抖音", "R01", 4.1, 3.5, None], ["渠道", "天猫", "R01", 2.9, 3.1, None]]
    _write(folder / "rate.xlsx", kpis, rows)


def _rate_verify(folder: Path, output: str) -> None:
    text = (folder / "rate.md").read_text(encoding="utf-8")
    assert "转化率同比变化最大的是抖音（+0.6个百分点）、天猫（-0.2个百分点）" in text
    assert "bridge" not in text


def _long_names(folder: Path) -> None:
    name = "<b>&" + "长" * 32_760
    rows = [["渠道", name + str(i), "P02", 10 + i, 8, 11] for i in range(3)]
    _write(folder / "names.xlsx", _GMV, rows)


def _long_names_verify(folder: Path, output: str) -> None:
    html = (folder / "names.html").read_text(encoding="utf-8")
    assert "<b>&" not in html and "&lt;b&gt;&amp;" in html  # text, escaped


CASES = [
    Case(
        "breakdown_20000_items_at_the_limit",
        _many_items,
        ("build", "many.xlsx", "-f", "html", "-o", "many.html", "--quiet"),
        exit_code=0,
        changed=("many.html",),
        verify=_many_verify,
        seconds=120,
    ),
    Case(
        "breakdown_without_prior_year",
        _no_prior,
        ("build", "noprior.xlsx", "-f", "md", "--charts", "-o", "noprior.md", "--quiet"),
        exit_code=0,
        changed=("noprior.md",),
        verify=_no_prior_verify,
        seconds=60,
    ),
    Case(
        "breakdown_of_a_rate",
        _rate,
        ("build", "rate.xlsx", "-f", "md", "--charts", "-o", "rate.md", "--quiet"),
        exit_code=0,
        changed=("rate.md",),
        verify=_rate_verify,
        seconds=60,
    ),
    Case(
        "breakdown_item_names_32767_with_markup",
        _long_names,
        ("build", "names.xlsx", "-f", "html", "-o", "names.html", "--quiet"),
        exit_code=0,
        changed=("names.html",),
        verify=_long_names_verify,
        seconds=60,
    ),
]
