"""The problems section: each problem with its KPI's figure, grouped by area."""

from __future__ import annotations

import re
from decimal import Decimal

from opsreport.engine.metrics import Metrics
from opsreport.present import formatting as f
from opsreport.present.context_types import KpiRow, Problem, ProblemArea

__all__ = ["figure_line", "problem_areas", "problem_items", "repeats_title"]


def figure_line(name: str, actual: str, year: int | None, lang: str) -> str:
    """The KPI's figure under a problem, neutral: its period and its actual, no verdict
    (a problem "ROI跌破2.0" above "同比+61.9%" reads as a contradiction):
    用户留存率，2026年实际：41.2% / "User retention, 2026 actual: 41.2%"."""
    if lang == "zh":
        period = f"{year}年实际" if year else "实际"
        return f"{name}，{period}：{actual}"
    period = f"{year} actual" if year else "actual"
    return f"{name}, {period}: {actual}"


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def repeats_title(title: str, figures: list[Decimal]) -> bool:
    """Whether the problem's title already says the KPI's figure (49.6 in
    「GMV完成49.6亿元…」, 72.0 for 72): a figure line would only repeat it."""
    for match in _NUMBER.finditer(title):
        try:
            number = Decimal(match.group().replace(",", ""))
        except ArithmeticError:  # pragma: no cover - the pattern only matches numbers
            continue
        if number in figures:
            return True
    return False


def problem_items(metrics: Metrics, rows: dict[str, KpiRow], lang: str) -> list[Problem]:
    """Each problem with its KPI's figure line (left out when the title says it)."""
    year = metrics.report.meta.year
    items: list[Problem] = []
    for problem in metrics.report.problems:
        row = rows.get(problem.kpi or "")
        figures = ""
        if row and row["actual"] != f.DASH:
            kpi = metrics.report.kpi(row["key"])
            # the figure as typed and as shown (8.37 and, at the KPI's places, 8.4 or 8.370)
            shown = Decimal(row["actual_number"].replace(",", ""))
            said = [value for value in (kpi.actual, shown) if value is not None]
            if not repeats_title(problem.problem, said):
                figures = figure_line(row["name"], row["actual"], year, lang)
        items.append(
            {
                "area": problem.area or "",
                "problem": problem.problem,
                "kpi": row["name"] if row else "",
                "figures": figures,
                "subjective": problem.subjective or "",
                "objective": problem.objective or "",
                "impact": problem.impact or "",
                "action": problem.action or "",
            }
        )
    return items


def problem_areas(problems: list[Problem]) -> list[ProblemArea]:
    """Problems by area, areas in the order the workbook first names them (Jinja's
    groupby would sort them alphabetically)."""
    areas: dict[str, list[Problem]] = {}
    for problem in problems:
        areas.setdefault(problem["area"] or "", []).append(problem)
    return [{"area": area, "problems": items} for area, items in areas.items()]
