"""The problems section: each problem with its KPI's figures, grouped by area."""

from __future__ import annotations

from opsreport.engine.metrics import Metrics
from opsreport.present import formatting as f
from opsreport.present.context_types import KpiRow, Problem, ProblemArea
from opsreport.present.labels import LABELS

__all__ = ["problem_areas", "problem_items"]


def problem_items(metrics: Metrics, rows: dict[str, KpiRow], lang: str) -> list[Problem]:
    labels = LABELS[lang]
    items: list[Problem] = []
    for problem in metrics.report.problems:
        row = rows.get(problem.kpi or "")
        figures = ""
        if row:
            sep = "，" if lang == "zh" else ", "
            parts = [f"{labels['ac']} {row['actual']}" if lang == "en" else f"实际{row['actual']}"]
            if row["target"] != f.DASH:
                parts.append(
                    f"{labels['pl']} {row['target']}" if lang == "en" else f"目标{row['target']}"
                )
                parts.append(
                    f"{labels['attainment']} {row['attainment']}"
                    if lang == "en"
                    else f"完成率{row['attainment']}"
                )
            if row["prior_year"] != f.DASH:
                parts.append(
                    f"{labels['dpy']} {row['delta_prior']}"
                    if lang == "en"
                    else f"同比{row['delta_prior']}"
                )
            figures = (
                f"{row['name']}: " + sep.join(parts)
                if lang == "en"
                else f"{row['name']}：" + sep.join(parts)
            )
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
