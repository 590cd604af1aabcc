"""``opsreport check``: prove that workbooks (and templates) still load and render.

Each workbook is loaded, validated and rendered in every format in memory (and
its quarterly drafts when ``opsreport.app.plan`` can draft them); nothing is written
next to it. Its charts' data is made and the Word charts written; the Markdown and HTML
pictures are drawn only when asked (``pictures``): drawing them is three quarters of a
check's time and proves the picture writer, not the workbook or the templates. A Word
document is rendered, parsed and checked but not zipped into a package (a tenth of a
check's time, and nothing a template or workbook can break). Results are plain records
the CLI prints as text, JSON or GitHub annotations. :func:`check_files` checks many in worker processes: every workbook
gets its own result, whatever happens to another (see :mod:`opsreport.app.batch`).
Text and GitHub output pass user text through
:func:`opsreport.present.terminal.terminal_text`, so no line can start with ``::`` from data.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opsreport.app.batch import DEFAULT_TIMEOUT, WorkerFailure, run_all
from opsreport.core.records import Diagnostic, Location
from opsreport.io.sources import find_workbooks, workbook_sources
from opsreport.present.context_types import ReportContext
from opsreport.present.terminal import terminal_text

__all__ = [
    "CheckResult",
    "check_file",
    "check_files",
    "check_one",
    "find_workbooks",
    "format_results",
    "workbook_sources",
]


@dataclass(frozen=True)
class CheckResult:
    path: Path
    errors: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0
    rendered: list[str] = field(default_factory=list)

    def passed(self, strict: bool = False) -> bool:
        return not self.errors and not (strict and self.warnings)

    def as_dict(self, strict: bool = False) -> dict[str, object]:
        return {
            "file": str(self.path),
            "passed": self.passed(strict),
            "seconds": round(self.seconds, 3),
            "rendered": self.rendered,
            "errors": [d.as_dict() for d in self.errors],
            "warnings": [d.as_dict() for d in self.warnings],
        }


def check_file(
    path: Path,
    *,
    formats: tuple[str, ...] = ("docx", "md", "html"),
    template_dir: Path | None = None,
    charts: bool | str = True,
    pictures: bool = False,
) -> CheckResult:
    """Load, validate and render one workbook; every failure becomes a diagnostic.

    Every chart's data is made and the Word document's native charts written in full
    (the document is not packaged: ``render_formats(written=False)``);
    the Markdown and HTML pictures are drawn only with ``pictures`` (or ``charts="image"``,
    Word's pictures): otherwise their templates see each chart's title, alt text and an
    empty picture (:mod:`opsreport.present.charts.outline`).
    """
    from functools import cache, partial

    from opsreport.app import pipeline
    from opsreport.app.analysis import WorkbookError, analyze
    from opsreport.app.chart_modes import chart_mode, make_charts
    from opsreport.errors import TemplateProblem
    from opsreport.present import report_context
    from opsreport.present.charts import chart_data
    from opsreport.present.charts.outline import chart_outlines
    from opsreport.render.notices import template_notices

    started = time.perf_counter()
    path = Path(path)
    errors: list[Diagnostic] = []
    rendered: list[str] = []
    try:
        analysis = analyze(path)
    except WorkbookError as exc:
        warnings = [d for d in exc.diagnostics if d.severity == "warning"]
        return CheckResult(path, list(exc.errors), warnings, time.perf_counter() - started)
    except Exception as exc:  # a loader bug must fail this workbook, not the run
        problem = _error(path, f"cannot be read: {_describe(exc)}", "load")
        return CheckResult(path, [problem], [], time.perf_counter() - started)
    warnings = list(analysis.warnings)
    languages = [analysis.report.meta.language or "zh"]
    with template_notices() as notices:  # a link dropped from a Word template: a warning
        for lang in languages:
            base: ReportContext | None = None  # the report's context, shared with the plans
            try:
                # as a build makes them: native Word charts, pictures for Markdown and HTML
                # (with pictures: drawn, not rasterised — SVG for HTML only; else outlined)
                figures = cache(partial(chart_data, analysis.metrics, lang))

                def outlined(_: tuple[str, ...], figures: Any = figures) -> dict[str, Any]:
                    return dict(chart_outlines(figures()))

                draw: Any = outlined
                if pictures or chart_mode(charts) == "image":
                    draw = partial(_draw_apart, analysis, lang, formats, vector_only=True)
                drawn, native = make_charts(formats, charts, draw, figures, lang=lang, jobs=1)
                base = report_context.build_context(analysis.metrics, lang)
                pipeline.render_formats(
                    base.copy(),
                    drawn,
                    formats,
                    "report",
                    template_dir,
                    native=native,
                    written=False,
                )
                del drawn
                rendered += [f"report.{fmt}" for fmt in formats]
            except WorkbookError as exc:  # a figure that cannot be rendered: its KPI and row
                errors += exc.errors
            except TemplateProblem as exc:
                errors.append(_template_diagnostic(exc, path))
            except Exception as exc:  # a renderer bug must fail the check, not crash the run
                errors.append(_error(path, f"rendering failed: {_describe(exc)}", "render"))
            try:  # the deck template (build -f pptx): its layouts, without building the deck
                from opsreport.render.pptx import check_deck_template

                check_deck_template(lang, template_dir)
            except TemplateProblem as exc:
                errors.append(_template_diagnostic(exc, path))
            try:
                from opsreport.app import plan
                from opsreport.present.plan_context import target_texts
            except ImportError:
                continue
            try:
                quarters = plan.quarters_to_draft(analysis)
                targets = target_texts(analysis.metrics, lang) if quarters else []
                word_quarter = _word_quarter(analysis, quarters)
                for quarter in quarters:
                    drafted = tuple(
                        fmt for fmt in formats if fmt != "docx" or word_quarter in (None, quarter)
                    )
                    # The plan's charts are the report's chart code, already exercised above.
                    plan.render_plan_documents(
                        analysis,
                        quarter,
                        drafted,
                        lang=lang,
                        template_dir=template_dir,
                        charts=False,
                        base=base,
                        targets=targets,
                        written=False,
                    )
                    rendered += [f"plan-Q{quarter}.{fmt}" for fmt in drafted]
                in_year = _in_year_quarter(analysis)
                if in_year is not None:  # the year in progress: its next quarter re-planned
                    year, quarter = in_year
                    plan.render_plan_documents(
                        analysis, quarter, formats, lang=lang, template_dir=template_dir,
                        charts=False, base=base, year=year, written=False,
                    )  # fmt: skip
                    rendered += [f"plan-{year}Q{quarter}.{fmt}" for fmt in formats]
            except WorkbookError as exc:  # a figure that cannot be rendered: its KPI and row
                errors += exc.errors
            except TemplateProblem as exc:
                errors.append(_template_diagnostic(exc, path))
            except Exception as exc:
                errors.append(_error(path, f"plan rendering failed: {_describe(exc)}", "render"))
    warnings += [Diagnostic("warning", n, Location(str(path)), code="template") for n in notices]
    return CheckResult(path, errors, warnings, time.perf_counter() - started, rendered)


# What the child of _draw_apart draws: (metrics, lang, encodings), set before it forks.
_TO_DRAW: list[tuple[Any, str, tuple[str, ...]]] = []


# Workbooks of more KPIs have their report charts drawn in a child process (_draw_apart).
DRAW_APART_ABOVE = 1_000


def _draw_apart(
    analysis: Any,
    lang: str,
    formats: tuple[str, ...],
    encode: tuple[str, ...] | None = None,
    *,
    vector_only: bool = False,
) -> dict[str, Any]:
    """The report's charts: for a workbook of more than :data:`DRAW_APART_ABOVE` KPIs
    drawn in one forked child where fork is safe (Linux, no other thread), else here.

    Matplotlib and the figures of a 50,000-KPI workbook take ~160 MB that drawing in
    this process would keep while it renders a dozen documents; a child forked before
    the context is built ends at ~410 MB and gives its memory back. Small workbooks
    draw here (a child costs more than their charts, and the next workbook of the
    worker reuses matplotlib). One child only: ``check --jobs`` spreads the workbooks.
    """
    import multiprocessing
    import sys
    import threading

    from opsreport.app.pipeline import chart_encodings
    from opsreport.present.charts import render_charts

    encode = chart_encodings(formats) if encode is None else encode
    if vector_only:  # every chart drawn, none rasterised (SVG for HTML only)
        encode = tuple(e for e in encode if e != "png")
    if (
        len(analysis.metrics.results) <= DRAW_APART_ABOVE
        or not sys.platform.startswith("linux")
        or "fork" not in multiprocessing.get_all_start_methods()
        or threading.active_count() > 1
    ):
        return render_charts(analysis.metrics, lang, encode=encode, jobs=1)
    _TO_DRAW[:] = [(analysis.metrics, lang, encode)]
    try:
        with multiprocessing.get_context("fork").Pool(1) as pool:
            drawn: dict[str, Any] = pool.apply(_draw_in_child)
    finally:
        _TO_DRAW.clear()
    return drawn


def _draw_in_child() -> dict[str, Any]:
    """In the child of :func:`_draw_apart`: the charts encoded, without their figures
    (which do not pickle and stay behind)."""
    import dataclasses

    from opsreport.present.charts import render_charts

    metrics, lang, encode = _TO_DRAW[0]
    drawn = render_charts(metrics, lang, encode=encode, jobs=1)
    sent = {}
    for key, chart in drawn.items():
        bare = dataclasses.replace(chart, figure=None)
        bare.__dict__.update({encoding: getattr(chart, encoding) for encoding in encode})
        sent[key] = bare
    return sent


# Beyond this many KPIs a Word plan draft takes a minute (50,000 KPIs: ~60 s on one
# core), so check drafts the plan in Word for one quarter only; the other quarters'
# figures are all formatted and drafted in Markdown and HTML.
WORD_PLAN_QUARTERS_UP_TO = 10_000


def _in_year_quarter(analysis: Any) -> tuple[int, int] | None:
    """(year, quarter) of the in-year draft a check renders too: the quarter after the last
    one with actuals, when the workbook's own year is in progress (docs/plans.md §1)."""
    from opsreport.engine.in_year import elapsed_quarters

    year, elapsed = analysis.report.meta.year, elapsed_quarters(analysis.report)
    return (year, elapsed + 1) if year is not None and 1 <= elapsed <= 3 else None


def _word_quarter(analysis: Any, quarters: list[int]) -> int | None:
    """The one quarter whose plan check drafts in Word (None: every quarter).

    Every quarter of a workbook of up to :data:`WORD_PLAN_QUARTERS_UP_TO` KPIs; beyond,
    the quarter with the most tasks (the first of those), so the Word template's task
    tables are rendered too.
    """
    from opsreport.engine.plan_targets import draft_year, tasks_in_quarter

    if len(analysis.metrics.results) <= WORD_PLAN_QUARTERS_UP_TO or not quarters:
        return None
    year = draft_year(analysis.report)
    tasks = analysis.report.tasks
    return max(quarters, key=lambda q: (len(tasks_in_quarter(tasks, year, q)), -q))


def _error(path: Path, message: str, code: str) -> Diagnostic:
    return Diagnostic("error", message, Location(str(path)), code=code)


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def check_files(
    paths: Sequence[Path],
    *,
    jobs: int | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    progress: bool | None = None,
    **options: Any,
) -> list[CheckResult]:
    """:func:`check_file` for every workbook in worker processes, results in input order.

    Whatever happens to one workbook (an exception of any kind, ``timeout`` seconds
    passed — default 300, 0 or None for none — or its
    worker process dying) is that workbook's error; the others are checked on.
    """
    return run_all(
        check_one,
        [(Path(path), options) for path in paths],
        on_failure=_check_failed,
        jobs=jobs,
        timeout=timeout,
        label="checking",
        progress=progress,
    )


def _check_failed(arguments: tuple[Path, dict[str, Any]], failure: WorkerFailure) -> CheckResult:
    path = Path(arguments[0])
    return CheckResult(path, [_error(path, failure.message, f"worker-{failure.kind}")])


def _template_diagnostic(problem: Exception, workbook: Path) -> Diagnostic:
    """A template error met while rendering ``workbook``, pointing at the template too."""
    return Diagnostic(
        "error",
        str(problem),
        Location(str(workbook)),
        code="template",
        template=getattr(problem, "template", None),
        template_line=getattr(problem, "line", None),
    )


def check_one(arguments: tuple[Path, dict[str, object]]) -> CheckResult:
    """check_file for a worker process: one picklable argument."""
    path, options = arguments
    return check_file(path, **options)  # type: ignore[arg-type]


def _github_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    """A value inside ``file=…,title=…``: its commas and colons would end it early."""
    return _github_escape(text).replace(":", "%3A").replace(",", "%2C")


def format_results(results: list[CheckResult], fmt: str = "text", strict: bool = False) -> str:
    """The report of a check run: human text, JSON, or GitHub Actions annotations.

    JSON holds the data exactly; in text and GitHub output every piece of user text
    (file names, messages quoting cells) is one line with its control and bidi
    characters escaped (:func:`opsreport.present.terminal.terminal_text`).
    """
    if fmt == "json":
        return json.dumps(
            {
                "passed": all(r.passed(strict) for r in results),
                "files": [r.as_dict(strict) for r in results],
            },
            ensure_ascii=False,
            indent=2,
            allow_nan=False,
        )
    show = terminal_text
    lines: list[str] = []
    if fmt == "github":
        for result in results:
            for severity, items in (("error", result.errors), ("warning", result.warnings)):
                level = "error" if severity == "error" or strict else "warning"
                for d in items:
                    if d.template:  # mark the template at fault, and say which workbook met it
                        where = f"file={_github_property(show(d.template))}"
                        if d.template_line:
                            where += f",line={d.template_line}"
                        title = f"template › {Path(d.location.file).name}"
                    else:
                        where = f"file={_github_property(show(d.location.file))}"
                        title = " › ".join(p for p in (d.location.sheet, d.location.cell) if p)
                    if title:
                        where += f",title={_github_property(show(title))}"
                    message = d.message + (f" — {d.hint}" if d.hint else "")
                    lines.append(f"::{level} {where}::{_github_escape(show(message))}")
    else:
        for result in results:
            mark = "ok  " if result.passed(strict) else "FAIL"
            counts = f"{len(result.errors)} error(s), {len(result.warnings)} warning(s)"
            lines.append(f"{mark} {show(result.path)}  ({counts}, {result.seconds:.2f} s)")
            for d in result.errors:
                lines.append(f"     error: {show(d)}")
            for d in result.warnings:
                lines.append(f"     warning: {show(d)}")
    failed = sum(1 for r in results if not r.passed(strict))
    lines.append(f"{len(results) - failed} passed, {failed} failed")
    return "\n".join(lines)
