"""The library API the CLI is a thin layer over: load, compute, warn; tables for notebooks."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from opsreport.core.records import Diagnostic, Report
from opsreport.engine.content_warnings import content_warnings
from opsreport.engine.metrics import DEFAULT_SETTINGS, Metrics, Settings, compute
from opsreport.errors import UsageError, WorkbookError
from opsreport.io.workbook import DEFAULT_LIMITS, Limits, load_report

if TYPE_CHECKING:
    import pandas

__all__ = ["FRAME_COLUMNS", "TABLES", "Analysis", "WorkbookError", "analyze"]

TABLES = (
    "kpis", "goals", "risks", "quarters", "breakdown", "resources", "plan", "value", "in_year"
)  # fmt: skip

# The columns of each table, in the order of ``opsreport metrics --json --what <table>``
# (its object keys; test_api checks them against the JSON of both examples), so that a
# table without rows still has its columns. The second set: the figures, Decimals in
# the engine, float64 in a frame (nested lists and dicts keep JSON numbers).
FRAME_COLUMNS: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    "kpis": (
        ("id", "name", "group", "unit", "direction", "target", "actual", "prior_year",
         "attainment", "var_target", "var_target_pct", "var_prior", "var_prior_pct", "share",
         "next_target", "next_change", "next_change_pct", "status", "featured", "lead",
         "target_source", "target_growth", "growth", "growth_vs_target_pp", "benchmark",
         "benchmark_name", "benchmark_gap", "benchmark_gap_pct", "drivers", "chain", "note",
         "in_progress", "ytd", "ytd_attainment"),
        frozenset({"target", "actual", "prior_year", "attainment", "var_target",
                   "var_target_pct", "var_prior", "var_prior_pct", "share", "next_target",
                   "next_change", "next_change_pct", "target_growth", "growth",
                   "growth_vs_target_pp", "benchmark", "benchmark_gap", "benchmark_gap_pct",
                   "ytd", "ytd_attainment"}),
    ),
    "goals": (
        ("goal", "kpi", "baseline", "target", "unit", "direction", "deadline", "owner",
         "measure", "aligns_to", "base", "base_name", "share", "required_change",
         "required_change_pct", "achieved_change", "smart", "is_smart", "failed"),
        frozenset({"baseline", "target", "base", "share", "required_change",
                   "required_change_pct", "achieved_change"}),
    ),
    "risks": (
        ("risk", "category", "likelihood", "impact", "score", "level", "kpi", "threshold",
         "judged_on", "figure", "observed", "margin", "crossed", "triggered", "reason",
         "response", "owner"),
        frozenset({"observed", "margin"}),
    ),
    "quarters": (
        ("id", "name", "aggregation", "quarters", "total_actual", "annual_gap", "featured"),
        frozenset({"total_actual", "annual_gap"}),
    ),
    "breakdown": (
        ("dimension", "kpi", "total_actual", "total_prior", "coverage", "change", "target_gap",
         "adds_up", "items"),
        frozenset({"total_actual", "total_prior", "coverage", "change", "target_gap"}),
    ),
    "resources": (
        ("category", "item", "amount", "unit", "share", "category_total",
         "category_share_of_all", "note", "start", "end", "task", "basis",
         "q1", "q2", "q3", "q4"),
        frozenset({"amount", "share", "category_total", "category_share_of_all",
                   "q1", "q2", "q3", "q4"}),
    ),
    "plan": (
        ("year", "name", "kpi", "from_goal", "unit", "direction", "aggregation", "baseline",
         "annual", "q1", "q2", "q3", "q4", "method", "season_year", "places",
         "warning_q1", "warning_q2", "warning_q3", "warning_q4", "warning_tolerance",
         "warning_tolerance_in", "warning_tolerance_source"),
        frozenset({"baseline", "annual", "q1", "q2", "q3", "q4",
                   "warning_q1", "warning_q2", "warning_q3", "warning_q4", "warning_tolerance"}),
    ),
    "in_year": (
        ("year", "elapsed", "id", "name", "unit", "direction", "aggregation", "annual",
         "quarters", "ytd", "ytd_target", "ytd_attainment", "year_share", "landing",
         "landing_method", "landing_attainment", "remaining", "catch_up", "catch_up_method",
         "best", "places"),
        frozenset({"annual", "ytd", "ytd_target", "ytd_attainment", "year_share", "landing",
                   "landing_attainment", "remaining", "best"}),
    ),
    "value": (
        ("kpi", "label", "kind", "amount", "unit", "kind_total", "kind_total_unit"),
        frozenset({"amount", "kind_total"}),
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Analysis:
    """One workbook read, validated and computed: what every command starts from.

    ``report`` holds the workbook's records, ``metrics`` every figure as an exact
    Decimal, ``warnings`` what the workbook and its figures should make a reader check.
    """

    report: Report
    metrics: Metrics
    warnings: tuple[Diagnostic, ...]

    def rows(self, table: str = "kpis") -> list[dict[str, Any]]:
        """The rows ``opsreport metrics --json --what <table>`` prints (JSON numbers:
        15 significant digits), for ``kpis``, ``goals``, ``risks``, ``quarters``, ``breakdown``,
        ``resources``, ``plan`` (next year's quarter targets and warning lines), ``value``
        (the value rows with the totals of their kind) and ``in_year`` (the year in progress
        re-planned: quarters so far, landing forecast, catch-up targets; docs/plans.md §3)."""
        from opsreport.present.tables import metrics_json

        return metrics_json(self.metrics, _table(table))

    def frame(self, table: str = "kpis") -> pandas.DataFrame:
        """A table of :meth:`rows` as a pandas DataFrame: one row per record (KPI, goal,
        risk, quarterly series, breakdown), exactly the columns of ``metrics --json``.

        Figures are float64 (missing: NaN), the numbers of the JSON: floats are what
        pandas computes with and plots, and 15 significant digits hold every figure a
        workbook can (Excel keeps 15). The exact Decimals, for arithmetic that must add
        up to the cent, are in :attr:`metrics`. Nested columns (``quarters``, ``items``,
        ``smart``) hold the JSON's lists and dicts; ``pandas.json_normalize`` flattens them.
        pandas is imported here, never by the command line.
        """
        import pandas

        columns, figures = FRAME_COLUMNS[_table(table)]
        frame = pandas.DataFrame.from_records(self.rows(table), columns=list(columns))
        for column in figures:
            frame[column] = frame[column].astype("float64")
        return frame


def _table(table: str) -> str:
    if table not in FRAME_COLUMNS:
        raise UsageError(f"unknown table {table!r}: use {', '.join(TABLES)}")
    return table


def analyze(
    path: str | os.PathLike[str],
    *,
    settings: Settings = DEFAULT_SETTINGS,
    limits: Limits = DEFAULT_LIMITS,
) -> Analysis:
    """Read and validate a workbook and compute every figure.

    Raises :class:`~opsreport.errors.WorkbookError` listing every problem found (file,
    sheet, cell), never a half-read workbook.
    """
    report = load_report(path, limits=limits)
    metrics = compute(report, settings)
    return Analysis(report, metrics, tuple(report.warnings) + tuple(content_warnings(metrics)))
