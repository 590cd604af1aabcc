"""``opsreport plan``: a quarterly plan draft from the same workbook.

The pipeline only: which quarters, their drafts rendered in every format and written
as one set. What the quarters target is decided in ``engine.plan_targets`` (with the
plan year, :func:`~opsreport.engine.plan_targets.draft_year`), how it reads in
``present.plan_context``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opsreport.app.analysis import Analysis
from opsreport.engine.plan_targets import draft_year, quarter_bounds, tasks_in_quarter
from opsreport.present.context_types import ReportContext
from opsreport.present.plan_context import TargetTexts, plan_context

if TYPE_CHECKING:
    from opsreport.render.pdf import PdfSettings

__all__ = [
    "build_plan",
    "build_plans",
    "parse_quarter",
    "quarters_to_draft",
    "render_plan_documents",
    "resolve_quarters",
    "split_quarter",
]


def split_quarter(text: str) -> tuple[int | None, int]:
    """``Q3`` → (None, 3), ``2026Q3`` (or ``2026-Q3``) → (2026, 3); ValueError otherwise."""
    match = re.fullmatch(r"(?:(\d{4})[-\s]?)?[Qq]([1-4])", text.strip())
    if not match:
        raise ValueError(f"not a quarter: {text!r} (use Q1–Q4 or e.g. 2027Q1)")
    return (int(match.group(1)) if match.group(1) else None), int(match.group(2))


def parse_quarter(text: str, plan_year: int | None, *, why: str = "") -> int:
    """``Q1``–``Q4`` or ``2027Q1`` (whose year must be the plan year, see
    :func:`~opsreport.engine.plan_targets.draft_year`); ``why`` ends the message
    when it is not (how the plan year was chosen)."""
    year, quarter = split_quarter(text)
    if year is not None and plan_year is not None and year != plan_year:
        raise ValueError(f"{text}: the workbook plans {plan_year}, not {year}{why}")
    return quarter


def resolve_quarters(
    analysis: Analysis, asked: Sequence[int | str], today: dt.date | None = None, *, why: str = ""
) -> tuple[int, list[int]]:
    """The year and quarters of the drafts asked for (docs/plans.md §1): a bare ``Q3`` in a
    workbook whose year is in progress is that year's when Q3 is still to come, else the
    plan year's (:func:`~opsreport.engine.in_year.draft_quarter_year`). One year per call;
    ValueError with the reason otherwise."""
    from opsreport.engine.in_year import draft_quarter_year

    report = analysis.report
    plan_year = draft_year(report, today)
    found: list[tuple[int, int]] = []
    for item in asked:
        if isinstance(item, int) and not isinstance(item, bool) and 1 <= item <= 4:
            typed, quarter = None, item
        else:
            typed, quarter = split_quarter(str(item))
        try:
            year = draft_quarter_year(report, quarter, typed, plan_year)
        except ValueError as exc:
            raise ValueError(f"{exc}{why}") from None
        found.append((year, quarter))
    years = sorted({year for year, _ in found})
    if len(years) > 1:
        raise ValueError(
            "one year per run: " + ", ".join(f"{y}Q{q}" for y, q in found) + " span "
            + " and ".join(map(str, years))
        )  # fmt: skip
    return (years[0] if years else plan_year), [quarter for _, quarter in found]


def quarters_to_draft(analysis: Analysis) -> list[int]:
    """Every quarter when there is something to plan (a target or a task), else none."""
    report = analysis.report
    has_targets = any(g.target is not None for g in report.goals) or any(
        k.next_target is not None for k in report.kpis
    )
    return [1, 2, 3, 4] if has_targets or report.tasks else []


# --------------------------------------------------------------------------- rendering


def render_plan_documents(
    analysis: Analysis,
    quarter: int,
    formats: tuple[str, ...],
    *,
    lang: str | None = None,
    template_dir: Path | None = None,
    charts: bool | str = True,
    today: dt.date | None = None,
    asset_dir_name: str = "charts",
    base: ReportContext | None = None,
    targets: list[TargetTexts] | None = None,
    year: int | None = None,
    pdf: PdfSettings | None = None,
    pdf_label: str = "the PDF",
    written: bool = True,
) -> tuple[dict[str, bytes], dict[str, bytes], str]:
    """One quarter's draft in every format, in memory: (documents, chart files, lang).

    ``base``, ``targets`` and ``year``: see :func:`plan_context`; ``pdf``, ``pdf_label``,
    ``written``: see :func:`opsreport.app.pipeline.render_formats`.
    """
    lang = lang or analysis.report.meta.language or "zh"
    context = plan_context(
        analysis, quarter, lang, today=today, base=base, targets=targets, year=year
    )
    drawn: dict[str, Any] = {}
    native: dict[str, Any] = {}
    if charts:
        from functools import partial

        from opsreport.app.chart_modes import make_charts
        from opsreport.engine.risk_judgement import plan_risks
        from opsreport.present import charts as chart_module

        year = context["plan"]["year"]
        start, end = quarter_bounds(year, quarter)
        tasks = tasks_in_quarter(analysis.report.tasks, year, quarter)
        title = context["plan_labels"]["timeline"]
        judged = plan_risks(analysis.metrics, year, quarter)  # as the draft's risk table
        specs: list[tuple[str, Any, tuple[Any, ...]]] = [
            ("risks", chart_module.risk_matrix_chart, (judged, lang))
        ]
        if tasks:
            gantt = partial(chart_module.timeline_chart, start=start, end=end, title=title)
            specs.insert(0, ("timeline", gantt, (tasks, lang)))

        def data() -> dict[str, Any]:
            found = {
                "timeline": chart_module.timeline_data(tasks, lang, start, end, title)
                if tasks
                else None,
                "risks": chart_module.risk_matrix_data(judged, lang),
            }
            return {key: value for key, value in found.items() if value is not None}

        drawn, native = make_charts(
            formats,
            charts,
            lambda encode: chart_module.draw_charts(specs, encode=encode),
            data,
            lang=lang,
        )
    from opsreport.app import pipeline

    documents, assets = pipeline.render_formats(
        context,
        drawn,
        formats,
        "plan",
        template_dir,
        asset_dir_name,
        pdf,
        pdf_label,
        native=native,
        written=written,
    )
    return documents, assets, lang


def build_plan(
    workbook: str | Path,
    quarter: int,
    *,
    output: Path | None = None,
    formats: tuple[str, ...] = ("docx",),
    lang: str | None = None,
    template_dir: Path | None = None,
    charts: bool | str = True,
    today: dt.date | None = None,
    analysis: Analysis | None = None,
    year: int | None = None,
    soffice: str | Path | None = None,
    pdf_timeout: float | None = None,
) -> list[Path]:
    """Write one quarter's plan draft; returns the files written."""
    return build_plans(
        workbook, [quarter], output=output, formats=formats, lang=lang,
        template_dir=template_dir, charts=charts, today=today, analysis=analysis, year=year,
        soffice=soffice, pdf_timeout=pdf_timeout,
    )  # fmt: skip


def build_plans(
    workbook: str | Path,
    quarters: Sequence[int],
    *,
    output: Path | None = None,
    formats: tuple[str, ...] = ("docx",),
    lang: str | None = None,
    template_dir: Path | None = None,
    charts: bool | str = True,
    today: dt.date | None = None,
    analysis: Analysis | None = None,
    year: int | None = None,
    soffice: str | Path | None = None,
    pdf_timeout: float | None = None,
) -> list[Path]:
    """Write the plan drafts of ``quarters`` as one all-or-nothing set (every format,
    every chart file); returns the documents written, quarter by quarter.

    ``output`` is a folder, or with one quarter a file name too. ``year``: the drafts'
    year (:func:`resolve_quarters`); by default the plan year. ``soffice``,
    ``pdf_timeout``: the PDF's converter (:func:`opsreport.app.build.build_report`).
    """
    from opsreport.app.analysis import analyze
    from opsreport.app.pipeline import check_outputs, output_paths, output_set
    from opsreport.io.files import OutputError, write_files
    from opsreport.render.pdf import pdf_settings

    workbook = Path(workbook)
    if len(quarters) > 1 and output is not None and Path(output).suffix:
        raise OutputError(f"{output}: with several quarters, -o must be a folder")
    pdf = pdf_settings(soffice, pdf_timeout) if "pdf" in formats else None  # before any work
    analysis = analysis or analyze(workbook)
    year = year or draft_year(analysis.report, today)
    builds = []
    for quarter in quarters:
        stem = workbook.with_name(f"{workbook.stem}-plan-{year}Q{quarter}.xlsx")
        paths = (
            output_paths(stem, formats, output)
            if output is None or Path(output).suffix == ""
            else output_paths(workbook, formats, output)
        )
        check_outputs(workbook, paths)
        builds.append((quarter, paths))
    rendered = []
    for quarter, paths in builds:
        md_path = paths.get("md")
        documents, assets, _ = render_plan_documents(
            analysis, quarter, formats, lang=lang, template_dir=template_dir, charts=charts,
            today=today, asset_dir_name=f"{md_path.stem}-charts" if md_path else "charts",
            year=year, pdf=pdf, pdf_label=str(paths.get("pdf", "the PDF")),
        )  # fmt: skip
        rendered.append((paths, documents, assets))
    files, inside = output_set(rendered)
    written = write_files(files, inside=inside, protect=(workbook,))
    return written[: sum(len(documents) for _, documents, _ in rendered)]
