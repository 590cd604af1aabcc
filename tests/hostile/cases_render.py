"""Every value the loader lets through renders: engine, formats, charts, exports (issue 11).

The workbooks hold the extremes the loader accepts (|x| just below 10^15 with 15
significant digits, 10^-15, zeros, negatives, a 万亿元 KPI whose goal is in 元, so
its baseline is about 10^27), dates from 1900-03-01 to 9999-12-31, 10,000 risks,
names of 32,767 characters and Rich markup in names. Each command must end
normally: no traceback, no ``decimal.InvalidOperation``, no ``year 10000``, strict
JSON (no ``Infinity``/``NaN``), bounded time and memory.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import Case

BIG = 999_999_999_999_999  # the largest integer below the loader's 10^15
TINY = 1e-15  # the smallest non-zero figure the loader keeps

KPI_HEADER = ["id", "name", "group", "unit", "direction", "target", "actual", "prior_year",
              "next_target", "base", "weight"]  # fmt: skip
GOAL_HEADER = ["goal", "kpi", "baseline", "target", "unit", "direction", "deadline", "measure",
               "aligns_to"]  # fmt: skip


def _workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)


def _meta(lang: str) -> list[list[Any]]:
    return [["key", "value"], ["title", "[bold]极值[/]"], ["year", 2026], ["language", lang]]


def _extreme_sheets(lang: str) -> dict[str, list[list[Any]]]:
    """Figures at the ends of the accepted range, with every sheet that computes."""
    return {
        "meta": _meta(lang),
        "kpis": [
            KPI_HEADER,
            # ΔPL% = (BIG − 1e-15) / 1e-15 ≈ 10^30: the largest ratio a workbook can make.
            ["P01", "利润 [/] [red]x", "利润", "元", "higher", TINY, BIG, TINY, BIG - 1, TINY, 1],
            ["P02", "亏损", "利润", "元", "lower", BIG, -BIG, -TINY, 0, BIG, 1],
            ["P03", "转化率", "用户", "%", "higher", 99.9999999999999, TINY, 0, TINY, None, None],
            ["P04", "零", "效率", "元", "higher", 0, 0, 0, 0, 0, 0],
            ["P05", "负", "效率", "万元", "higher", -5, -7, -1, -3, None, None],
            ["P06", "巨额", "效率", "万亿元", "higher", BIG, BIG, BIG, BIG, None, BIG],
        ],
        "periods": [
            ["kpi", "period", "actual", "target", "prior_year"],
            ["P01", "2026Q1", BIG, TINY, TINY],
            ["P01", "2026Q2", TINY, BIG, 0],
            ["P01", "2026Q3", -BIG, TINY, BIG],
            ["P01", "2026Q4", 0, 0, 0],
            ["P04", "2026Q1", 0, 0, 0],
            ["P04", "2026Q2", 0, 0, 0],
            ["P05", "2026Q1", -5, -7, -1],
            ["P05", "2026Q2", -9, -2, -3],
            ["P06", "2026Q1", BIG, BIG, BIG],
            ["P06", "2026Q2", BIG, TINY, BIG],
        ],
        "breakdown": [
            ["dimension", "item", "kpi", "actual", "prior_year", "target"],
            ["渠道", "线上 [/]", "P01", BIG, TINY, TINY],
            ["渠道", "线下", "P01", TINY, BIG, BIG],
            ["渠道", "其他", "P01", -BIG + 1, 0, 0],
            ["区域", "东", "P06", BIG, BIG, BIG],
        ],
        "goals": [
            GOAL_HEADER,
            # In 元 for a 万亿元 KPI: the baseline is BIG × 10^12 ≈ 10^27 元.
            ["巨额目标", "P06", None, BIG, "元", "higher", "2027-12-31", "ERP", "[/]"],
            ["微小目标", "P01", None, BIG, "元", "higher", "2027-06-30", "ERP", "增长"],
        ],
        "tasks": [
            ["phase", "task", "start", "end", "owner", "milestone"],
            ["长期", "千年计划", "2027-01-01", "9999-12-31", "[/]", "终点"],
            ["短期", "首季", "2027-01-01", "2027-03-31", "a", "Q1"],
        ],
        "risks": [
            ["risk", "category", "likelihood", "impact", "kpi", "threshold", "response"],
            ["偏离 [/]", "经营", 5, 5, "P01", "dev > 8%", "[red]"],
            ["亏损扩大", "经营", 4, 3, "P02", "< 0", "止损"],
            ["巨额", "经营", 1, 1, "P06", ">= 999999999999998", "-"],
        ],
        "resources": [
            ["category", "item", "amount", "unit"],
            ["预算", "一", BIG, "万亿元"],
            ["预算", "二", BIG, "万亿元"],
            ["预算", "三", TINY, "万亿元"],
            ["人力", "人", 0, "人"],
        ],
    }


def _extremes(lang: str = "zh") -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        _workbook(folder / "wb.xlsx", _extreme_sheets(lang))

    return make


def _refuse_constant(name: str) -> float:
    raise AssertionError(f"not strict JSON: {name}")


def _strict_json(output: str) -> Any:
    """The JSON document at the start of the output (stdout comes first), parsed strictly."""
    text = output.lstrip()
    data, _ = json.JSONDecoder(parse_constant=_refuse_constant).raw_decode(text)
    _finite(data)
    return data


def _finite(value: Any) -> None:
    if isinstance(value, float):
        assert math.isfinite(value), value
    elif isinstance(value, dict):
        for item in value.values():
            _finite(item)
    elif isinstance(value, list):
        for item in value:
            _finite(item)


def _json_rows(check: Callable[[Any], None] | None = None) -> Callable[[Path, str], None]:
    def verify(folder: Path, output: str) -> None:
        data = _strict_json(output)
        if check is not None:
            check(data)

    return verify


def _kpis_figures(data: Any) -> None:
    by_id = {row["id"]: row for row in data}
    # P01: ΔPL% = (BIG − 1e-15) / 1e-15 = 9.99999999999999e29 (28 digits); met.
    assert by_id["P01"]["attainment"] == 9.99999999999999e29 and by_id["P01"]["status"] == "met"
    assert by_id["P01"]["actual"] == BIG
    # P02 (lower is better): 1 − (−BIG − BIG) / BIG = 3 → 300%, met.
    assert by_id["P02"]["attainment"] == 3 and by_id["P02"]["status"] == "met"
    # P06: BIG / BIG = 1 exactly.
    assert by_id["P06"]["attainment"] == 1


def _context_figures(data: Any) -> None:
    rows = {row["id"]: row for row in data["kpis"]}
    assert rows["P01"]["attainment"] == "1×10³²%"  # 9.99999999999999e29 × 100, 3 digits
    assert rows["P01"]["name"] == "利润 [/] [red]x"
    assert rows["P02"]["attainment"] == "300.0%"
    # BIG + BIG + 1e-15, at the precision of each figure (0 places): 1,999,999,999,999,998.
    assert data["resources"]["total"].startswith("1,999,999,999,999,998万亿元")


def _outputs(*names: str) -> Callable[[Path, str], None]:
    def verify(folder: Path, output: str) -> None:
        for name in names:
            path = folder / name
            assert path.is_file() and path.stat().st_size > 0, f"{name} not written:\n{output}"

    return verify


def _many_risks(folder: Path) -> None:
    sheets = {
        "meta": [["key", "value"], ["title", "Risks"], ["year", 2026], ["language", "en"]],
        "kpis": [KPI_HEADER, ["K1", "k", "g", "USD", "higher", 100, 50, 40, 120, None, None]],
        "risks": [["risk", "category", "likelihood", "impact", "kpi", "threshold"]]
        + [
            [f"risk {n} [/]", "ops", n % 5 + 1, (n // 5) % 5 + 1, "K1", "< 60" if n % 7 else None]
            for n in range(10_000)
        ],
    }
    _workbook(folder / "risks.xlsx", sheets)


def _risk_chart_in_html(folder: Path, output: str) -> None:
    html = (folder / "out" / "risks.html").read_text(encoding="utf-8")
    assert "… 9,975 more" in html, "the risk matrix lists 25 risks and counts the rest"


def _long_text(seed: int) -> str:
    """32,767 CJK characters (the most an Excel cell holds), varied so that the sheet
    does not compress like a zip bomb (which the loader refuses)."""
    return "".join(chr(0x4E00 + (i * 7919 + seed * 104729) % 20902) for i in range(32_767))


def _long_names(folder: Path) -> None:
    long = _long_text(0)
    sheets = {
        "meta": _meta("zh"),
        "kpis": [KPI_HEADER]
        + [[f"L{n}", _long_text(n + 1), long, "元", "higher", 1, n, 1, 2, 10, 1] for n in range(5)],
        "periods": [["kpi", "period", "actual"], ["L1", "2026Q1", 1], ["L1", "2026Q2", 2]],
        "breakdown": [["dimension", "item", "kpi", "actual"], [long, _long_text(7), "L1", 1]],
        "tasks": [
            ["phase", "task", "start", "end", "milestone"],
            [long, _long_text(8), "2027-01-01", "2027-02-01", _long_text(9)],
        ],
        "risks": [["risk", "likelihood", "impact"], [_long_text(10), 3, 3]],
    }
    _workbook(folder / "long.xlsx", sheets)


def _many_largest(folder: Path) -> None:
    """2,000 KPIs of the largest figure: sums near 2 × 10^18, shares of a tiny base."""
    figures = [BIG, -TINY, BIG, TINY, BIG]  # actual, prior, next target, base, weight
    rows = [KPI_HEADER] + [
        [f"B{n}", f"大{n}", f"g{n % 5}", "元", "higher", TINY if n % 2 else BIG, *figures]
        for n in range(2_000)
    ]
    resources = [["category", "item", "amount", "unit"]] + [
        ["预算", f"r{n}", BIG, "元"] for n in range(2_000)
    ]
    _workbook(folder / "many.xlsx", {"meta": _meta("zh"), "kpis": rows, "resources": resources})


def _timeline(end: str, start: str = "1900-03-01") -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        sheets = {
            "meta": _meta("en"),
            "kpis": [KPI_HEADER, ["K1", "k", "g", "USD", "higher", 1, 2, 1, 3, None, None]],
            "tasks": [
                ["phase", "task", "start", "end", "milestone"],
                ["a", "all of time", start, end, "the end"],
                ["b", "last day", end, end, "last"],
            ],
        }
        _workbook(folder / "dates.xlsx", sheets)

    return make


JSON_WHATS = ("kpis", "goals", "risks", "quarters", "breakdown")
BUILT = ("out/wb.docx", "out/wb.md", "out/wb.html")

CASES = [
    Case("extreme-figures-metrics-table", _extremes(), ("metrics", "wb.xlsx", "-q"), exit_code=0,
         says=("利润 [/] [red]x", "[bold]极值[/]", "300.0%")),
    *(
        Case(f"extreme-figures-metrics-json-{what}", _extremes(),
             ("metrics", "wb.xlsx", "--json", "--what", what, "-q"), exit_code=0,
             verify=_json_rows(_kpis_figures if what == "kpis" else None))
        for what in JSON_WHATS
    ),
    *(
        Case(f"extreme-figures-metrics-table-{what}", _extremes(),
             ("metrics", "wb.xlsx", "--what", what, "-q"), exit_code=0)
        for what in JSON_WHATS[1:]
    ),
    Case("extreme-figures-metrics-csv", _extremes(), ("metrics", "wb.xlsx", "--csv", "-q"),
         exit_code=0, says=("P06,巨额,效率,万亿元,higher,999999999999999,999999999999999,",)),
    Case("extreme-figures-context-json", _extremes(), ("context", "wb.xlsx", "--json"),
         exit_code=0, verify=_json_rows(_context_figures)),
    Case("extreme-figures-plan-context-json", _extremes(),
         ("context", "wb.xlsx", "--json", "--quarter", "Q4"), exit_code=0, verify=_json_rows()),
    Case("extreme-figures-context-outline", _extremes("en"), ("context", "wb.xlsx"), exit_code=0,
         says=("利润 [/] [red]x",)),
    Case("extreme-figures-build-every-format-with-charts", _extremes(),
         ("build", "wb.xlsx", "--format", "all", "--charts", "-o", "out/", "-q"), exit_code=0,
         seconds=120, verify=_outputs(*BUILT)),
    Case("extreme-figures-build-in-english", _extremes("en"),
         ("build", "wb.xlsx", "--format", "all", "--lang", "en", "-o", "out/", "-q"), exit_code=0,
         seconds=120, verify=_outputs(*BUILT)),
    Case("extreme-figures-plan-every-quarter", _extremes(),
         ("plan", "wb.xlsx", "--all-quarters", "--format", "all", "-o", "plans/", "-q"),
         exit_code=0, seconds=120),
    Case("extreme-figures-check-json", _extremes(), ("check", "wb.xlsx", "--format", "json"),
         exit_code=0, seconds=120, verify=_json_rows()),
    Case("extreme-figures-check-with-pictures", _extremes(),
         ("check", "wb.xlsx", "--pictures", "--format", "json"), exit_code=0, seconds=120,
         verify=_json_rows()),
    Case("task-on-9999-12-31-builds", _timeline("9999-12-31", "9999-12-01"),
         ("build", "dates.xlsx", "--format", "all", "-o", "out/", "-q"), exit_code=0, seconds=90,
         verify=_outputs("out/dates.docx", "out/dates.html")),
    Case("task-from-1900-to-9999-builds-in-bounded-work", _timeline("9999-12-31"),
         ("build", "dates.xlsx", "--format", "all", "-o", "out/", "-q"), exit_code=0, seconds=90,
         memory_mb=1200, verify=_outputs("out/dates.docx", "out/dates.html")),
    Case("task-from-1900-to-9999-plans-every-quarter", _timeline("9999-12-31"),
         ("plan", "dates.xlsx", "--all-quarters", "--format", "html", "-o", "plans/", "-q"),
         exit_code=0, seconds=90, memory_mb=1200),
    Case("ten-thousand-risks-build", _many_risks,
         ("build", "risks.xlsx", "--format", "html", "-o", "out/", "-q"), exit_code=0, seconds=120,
         verify=_risk_chart_in_html),
    Case("names-of-32767-characters-build", _long_names,
         ("build", "long.xlsx", "--format", "all", "-o", "out/", "-q"), exit_code=0, seconds=120,
         verify=_outputs("out/long.docx", "out/long.md", "out/long.html")),
    Case("two-thousand-kpis-of-the-largest-figure-json", _many_largest,
         ("metrics", "many.xlsx", "--json", "-q"), exit_code=0, seconds=120,
         verify=_json_rows()),
    Case("two-thousand-kpis-of-the-largest-figure-build", _many_largest,
         ("build", "many.xlsx", "--format", "md", "-o", "out/", "-q"), exit_code=0, seconds=120,
         verify=_outputs("out/many.md")),
]  # fmt: skip
