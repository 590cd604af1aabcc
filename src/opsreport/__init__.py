"""opsreport: an operations team's KPI workbook in, its year-end report and plans out.

The public API, which the command line is a thin layer over::

    from opsreport import analyze, build_report, build_plan, check, OpsreportError

    analysis = analyze("year.xlsx")          # WorkbookError: every problem, file › sheet › cell
    analysis.frame("kpis")                   # a pandas DataFrame: the columns of metrics --json
    build_report("year.xlsx", formats="all", analysis=analysis)   # -> BuildResult
    build_plan("year.xlsx", "Q1", analysis=analysis)              # -> the files written
    check(["workbooks/"])                    # -> a CheckResult per workbook

Everything refused is an :class:`OpsreportError` (see :mod:`opsreport.errors`). Names
are imported on first use (PEP 562), so ``import opsreport`` (and ``opsreport --help``)
loads no openpyxl, matplotlib, python-docx or pandas.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opsreport.errors import (
    FigureError,
    OpsreportError,
    OutputError,
    TemplateProblem,
    UsageError,
    WorkbookError,
)

if TYPE_CHECKING:
    import datetime as dt

    from opsreport.app.analysis import Analysis, analyze
    from opsreport.app.batch import BuildOutcome
    from opsreport.app.build import BuildResult, build_report
    from opsreport.app.check import CheckResult
    from opsreport.app.check import format_results as format_check_results
    from opsreport.app.starter import Export, export_templates, write_starter
    from opsreport.core.records import Diagnostic
    from opsreport.engine.metrics import Settings
    from opsreport.io.workbook import Limits
    from opsreport.present.context_types import PlanContext, ReportContext

__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "BuildOutcome",
    "BuildResult",
    "CheckResult",
    "Diagnostic",
    "Export",
    "FigureError",
    "Limits",
    "OpsreportError",
    "OutputError",
    "Settings",
    "TemplateProblem",
    "UsageError",
    "WorkbookError",
    "__version__",
    "analyze",
    "build_plan",
    "build_report",
    "build_reports",
    "check",
    "export_templates",
    "format_check_results",
    "plan_is_in_year",
    "template_context",
    "workbook_sources",
    "write_starter",
]

# The modules behind the lazy names (imported on first use, not at CLI start-up).
_PLAN = "opsreport.app.plan"
_PLAN_CONTEXT = "opsreport.present.plan_context"
_PLAN_TARGETS = "opsreport.engine.plan_targets"
_CHECK = "opsreport.app.check"
_NO_YEAR_HINT = " (the workbook has no year or plan_year in meta: it plans the current year)"
_CONTEXT = "opsreport.present.report_context"

_LAZY: dict[str, tuple[str, str]] = {
    "Analysis": ("opsreport.app.analysis", "Analysis"),
    "analyze": ("opsreport.app.analysis", "analyze"),
    "BuildOutcome": ("opsreport.app.batch", "BuildOutcome"),
    "BuildResult": ("opsreport.app.build", "BuildResult"),
    "build_report": ("opsreport.app.build", "build_report"),
    "Export": ("opsreport.app.starter", "Export"),
    "export_templates": ("opsreport.app.starter", "export_templates"),
    "write_starter": ("opsreport.app.starter", "write_starter"),
    "CheckResult": (_CHECK, "CheckResult"),
    "format_check_results": (_CHECK, "format_results"),
    "Diagnostic": ("opsreport.core.records", "Diagnostic"),
    "Settings": ("opsreport.engine.metrics", "Settings"),
    "Limits": ("opsreport.io.workbook", "Limits"),
}


def __getattr__(name: str) -> Any:
    """PEP 562: a public name is imported (with its heavy libraries) on first use."""
    if name in _LAZY:
        module, attribute = _LAZY[name]
        value = getattr(importlib.import_module(module), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def workbook_sources(paths: Iterable[str | Path]) -> list[tuple[Path, Path | None]]:
    """Each workbook of ``paths`` with the folder it was found in (None: named itself).

    Files as given; folders searched for .xlsx/.xlsm (lock files, hidden files and
    links to folders skipped); a workbook named twice is listed once. Paths that hold
    no workbook at all are an :class:`OpsreportError`: an empty run is never what was meant.
    """
    given = [Path(path) for path in paths]
    found: list[tuple[Path, Path | None]] = importlib.import_module(
        "opsreport.io.sources"
    ).workbook_sources(given)
    if not found:
        raise OpsreportError("no .xlsx workbooks found in " + ", ".join(str(p) for p in given))
    return found


def build_reports(
    paths: Iterable[str | Path],
    *,
    output: str | Path | None = None,
    jobs: int | None = None,
    timeout: float | None = 300.0,
    progress: bool | None = None,
    **options: Any,
) -> list[BuildOutcome]:
    """:func:`build_report` for every workbook of ``paths`` (files or folders), in
    worker processes: one :class:`BuildOutcome` each, in order; one that fails (or runs
    past ``timeout`` seconds, or crashes its worker) does not stop the others.

    With ``output`` (a folder) the folders the workbooks were found in are mirrored
    below it. ``options`` are :func:`build_report`'s (formats, lang, template_dir,
    charts, kpis_per_group). Raises only before anything is written: no workbook, an
    unknown format or language, or two workbooks that would write one name.
    """
    from opsreport.app.batch import build_many
    from opsreport.app.pipeline import check_language, format_list

    sources = workbook_sources(paths)
    if "formats" in options:
        options["formats"] = format_list(options["formats"])
    check_language(options.get("lang"))
    if "pdf" in options.get("formats", ()):  # no LibreOffice: said once, before any work
        from opsreport.render.pdf import pdf_settings

        found = pdf_settings(options.get("soffice"), options.get("pdf_timeout"))
        options["soffice"], options["pdf_timeout"] = found.soffice, found.timeout or 0
    return build_many(
        sources,
        output=Path(output) if output is not None else None,
        jobs=jobs,
        timeout=timeout,
        progress=progress,
        **options,
    )


def build_plan(
    workbook: str | Path,
    quarters: int | str | Sequence[int | str] = "all",
    *,
    output: str | Path | None = None,
    formats: str | Sequence[str] = ("docx",),
    lang: str | None = None,
    template_dir: str | Path | None = None,
    charts: bool | str = True,
    today: dt.date | None = None,
    analysis: Analysis | None = None,
    soffice: str | Path | None = None,
    pdf_timeout: float | None = None,
) -> list[Path]:
    """Write quarterly plan drafts; returns the documents written, quarter by quarter.

    ``quarters``: ``"all"``, one quarter (``1``, ``"Q1"``, ``"2027Q1"``, whose year
    must be the plan year) or several. ``output`` is a folder (with one quarter, a file
    name too). Every draft of every quarter is written as one all-or-nothing set.
    ``formats``, ``soffice`` and ``pdf_timeout`` as :func:`build_report`'s.
    Raises a UsageError for something that is not a quarter, else as :func:`build_report`.
    """
    from opsreport.app.analysis import analyze
    from opsreport.app.pipeline import chart_workers_started, check_language, format_list

    chosen = format_list(formats)
    language = check_language(lang)
    pdf = (soffice, pdf_timeout)
    if "pdf" in chosen:  # no LibreOffice: said before the workbook is read
        from opsreport.render.pdf import pdf_settings

        found = pdf_settings(soffice, pdf_timeout)
        pdf = (found.soffice, found.timeout or 0)
    if analysis is None:
        with chart_workers_started(chosen, charts):  # they warm up while the workbook is read
            analysis = analyze(workbook)
            return _build_plans(
                workbook, quarters, analysis, output, chosen, language, template_dir,
                charts, today, pdf,
            )  # fmt: skip
    return _build_plans(
        workbook, quarters, analysis, output, chosen, language, template_dir, charts, today, pdf
    )


def _build_plans(
    workbook: str | Path,
    quarters: int | str | Sequence[int | str],
    analysis: Analysis,
    output: str | Path | None,
    formats: tuple[str, ...],
    lang: str | None,
    template_dir: str | Path | None,
    charts: bool | str,
    today: dt.date | None,
    pdf: tuple[str | Path | None, float | None] = (None, None),
) -> list[Path]:
    year, numbers = _quarter_numbers(quarters, analysis, today)
    written: list[Path] = importlib.import_module(_PLAN).build_plans(
        Path(workbook),
        numbers,
        year=year,
        output=Path(output) if output is not None else None,
        formats=formats,
        lang=lang,
        template_dir=Path(template_dir) if template_dir is not None else None,
        charts=charts,
        today=today,
        analysis=analysis,
        soffice=pdf[0],
        pdf_timeout=pdf[1],
    )
    return written


def _quarter_numbers(
    quarters: int | str | Sequence[int | str], analysis: Analysis, today: dt.date | None = None
) -> tuple[int, list[int]]:
    """The year and the quarters (1–4) of the drafts asked for; a UsageError (the parser's
    message) for another, e.g. ``2027Q1`` when the plan year (``draft_year``) is another
    and the workbook's own year is not in progress (docs/plans.md §1)."""
    plan = importlib.import_module(_PLAN)
    meta = analysis.report.meta
    if quarters == "all":
        year = importlib.import_module(_PLAN_TARGETS).draft_year(analysis.report, today)
        return year, [1, 2, 3, 4]
    asked = [quarters] if isinstance(quarters, (int, str)) else list(quarters)
    if not asked:
        raise UsageError("no quarter: use Q1–Q4, e.g. 2027Q1, or 'all'")
    why = "" if meta.plan_year or meta.year else _NO_YEAR_HINT
    try:
        year, numbers = plan.resolve_quarters(analysis, asked, today, why=why)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return year, numbers


def plan_is_in_year(analysis: Analysis, quarter: int | str) -> bool:
    """Is a draft for ``quarter`` an in-year one (the workbook's own year in progress,
    docs/plans.md §1)? A UsageError for something that is not a quarter."""
    year, numbers = _quarter_numbers(quarter, analysis)
    elapsed = importlib.import_module("opsreport.engine.in_year").elapsed_quarters(analysis.report)
    return year == analysis.report.meta.year and 1 <= elapsed <= 3 and max(numbers) > elapsed


def template_context(
    analysis: Analysis,
    *,
    lang: str | None = None,
    quarter: int | str | None = None,
) -> ReportContext | PlanContext:
    """The data a template receives (what ``opsreport context`` shows): the report's,
    or with ``quarter`` a plan draft's; without the charts, which a build adds.

    Raises a UsageError for an unknown language or something not a quarter, a
    FigureError for a figure that cannot be shown.
    """
    from opsreport.app.pipeline import check_language

    language = check_language(lang)
    if quarter is None:
        context: ReportContext = importlib.import_module(_CONTEXT).build_context(
            analysis.metrics, language
        )
        return context
    year, numbers = _quarter_numbers(quarter, analysis)
    if len(numbers) != 1:
        raise UsageError(f"one quarter, not {quarter!r}: use Q1–Q4 or e.g. 2027Q1")
    (number,) = numbers
    plan_context: PlanContext = importlib.import_module(_PLAN_CONTEXT).plan_context(
        analysis, number, language, year=year
    )
    return plan_context


def check(
    paths: Iterable[str | Path],
    *,
    formats: str | Sequence[str] = ("docx", "md", "html"),
    template_dir: str | Path | None = None,
    charts: bool | str = True,
    pictures: bool = False,
    jobs: int | None = None,
    timeout: float | None = 300.0,
    progress: bool | None = None,
) -> list[CheckResult]:
    """Load, validate and render (in memory) every workbook of ``paths`` (files or
    folders), each in its own worker process: a :class:`CheckResult` per workbook, in
    order, whatever happens to another (an error, ``timeout`` seconds passed, a crash).

    Nothing is written. Every chart's data is made and the Word document's native
    charts written; ``pictures`` also draws the Markdown and HTML pictures (matplotlib,
    about a second a workbook), which otherwise their templates see as title and alt text.
    Raises an OpsreportError only when ``paths`` hold no workbook, and a UsageError for an
    unknown format. ``format_check_results`` prints them.
    """
    from opsreport.app.pipeline import format_list

    chosen = format_list(formats)
    files = [workbook for workbook, _ in workbook_sources(paths)]
    results: list[CheckResult] = importlib.import_module(_CHECK).check_files(
        files,
        jobs=jobs,
        timeout=timeout,
        progress=progress,
        formats=chosen,
        template_dir=Path(template_dir) if template_dir is not None else None,
        charts=charts,
        pictures=pictures,
    )
    return results
