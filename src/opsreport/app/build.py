"""``opsreport build``: the annual report of one workbook, through the one pipeline.

Everything is rendered in memory first (:func:`render_documents`: context, charts,
every format); files are written only when every format has rendered, as one
all-or-nothing set (:mod:`opsreport.app.pipeline`): a failure leaves no half-written
output and no partial set, never writes through a symbolic link and never touches
the input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opsreport.app import pipeline
from opsreport.app.analysis import Analysis, analyze
from opsreport.app.chart_modes import make_charts
from opsreport.app.pipeline import (
    chart_workers_started,
    check_language,
    check_outputs,
    format_list,
    load_renderers,
    output_paths,
    write_outputs,
)
from opsreport.engine.selection import KPIS_PER_GROUP
from opsreport.present.report_context import build_context
from opsreport.render.pdf import PdfSettings, pdf_settings

__all__ = [
    "BuildResult",
    "build_context_summary",
    "build_report",
    "render_deck",
    "render_documents",
]


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote (documents, in format order) and the figures of its summary line."""

    workbook: Path
    outputs: list[Path]
    analysis: Analysis
    lang: str
    summary: dict[str, Any] = field(default_factory=dict)

    def one_line(self) -> str:
        """The line the CLI prints after a build, counted as the opening counts (the one
        rule of present.summary.count_phrase): no zero counts, no 「风险触发0项」."""
        from opsreport.present.formatting import count_noun
        from opsreport.present.summary import count_phrase

        s = self.summary
        counts = count_phrase(s["met"], s["near"], s["missed"], self.lang)
        triggered = s["risks_triggered"]
        if self.lang == "zh":
            line = f"{s['total']}项指标" + (f"：{counts}" if counts else "")
            # the annual figures: a line this year's actual crossed, not a live alarm (§4.6)
            return line + (f"；{triggered}项风险今年已越过触发线" if triggered else "")
        line = count_noun(s["total"], "KPI") + (f": {counts}" if counts else "")
        past = f"; {count_noun(triggered, 'risk')} past the trigger line this year"
        return line + (past if triggered else "")


def render_documents(
    analysis: Analysis,
    formats: tuple[str, ...],
    *,
    lang: str | None = None,
    template_dir: Path | None = None,
    charts: bool | str = True,
    today: dt.date | None = None,
    asset_dir_name: str = "charts",
    chart_jobs: int | None = None,
    kpis_per_group: int | None = KPIS_PER_GROUP,
    pdf: PdfSettings | None = None,
    pdf_label: str = "the PDF",
) -> tuple[dict[str, bytes], dict[str, bytes], str]:
    """Render every format in memory: (documents by format, chart files by relative path, lang).

    ``charts``: True (native charts in Word, pictures in Markdown and HTML), ``"native"``,
    ``"image"`` (pictures everywhere) or False. ``chart_jobs`` caps the processes drawing
    charts (see ``charts.chart_jobs``);
    batch runs pass 1, since their parallelism is across workbooks. ``pdf``, ``pdf_label``:
    see :func:`opsreport.app.pipeline.render_formats`.
    """
    lang = lang or analysis.report.meta.language or "zh"
    context = build_context(analysis.metrics, lang, today=today, kpis_per_group=kpis_per_group)

    def draw(encode: tuple[str, ...]) -> dict[str, Any]:
        from opsreport.present.charts import render_charts

        return render_charts(
            analysis.metrics,
            lang,
            encode=encode,
            jobs=chart_jobs,
            meanwhile=lambda: load_renderers(formats),
        )

    def data() -> dict[str, Any]:
        from opsreport.present.charts import chart_data

        return dict(chart_data(analysis.metrics, lang))

    report_formats = tuple(f for f in formats if f != "pptx")  # the deck is made apart
    documents: dict[str, bytes] = {}
    assets: dict[str, bytes] = {}
    if report_formats:
        drawn, native = make_charts(report_formats, charts, draw, data, lang=lang, jobs=chart_jobs)
        documents, assets = pipeline.render_formats(
            context,
            drawn,
            report_formats,
            "report",
            template_dir,
            asset_dir_name,
            pdf,
            pdf_label,
            native=native,
        )
    if "pptx" in formats:
        documents["pptx"] = render_deck(analysis, context, lang, template_dir, charts=charts)
    return {f: documents[f] for f in formats}, assets, lang


def render_deck(
    analysis: Analysis,
    context: Any,
    lang: str,
    template_dir: Path | None = None,
    *,
    charts: bool | str = True,
) -> bytes:
    """The year-end deck (.pptx) of one report context: its slides from present.deck, native
    charts from the chart data layer (none with ``charts`` False), the deck template's layouts."""
    from opsreport.present.deck import deck_chart_data, deck_context, deck_year_to_date
    from opsreport.render.pptx import render_pptx

    chart_data = deck_chart_data(analysis.metrics, context, lang) if charts else {}
    so_far = deck_year_to_date(analysis.metrics, lang)  # a year in progress: its big numbers
    return render_pptx(deck_context(context, chart_data, lang, so_far), chart_data, template_dir)


def build_report(
    workbook: str | Path,
    *,
    output: str | Path | None = None,
    formats: str | Sequence[str] = ("docx",),
    lang: str | None = None,
    template_dir: str | Path | None = None,
    charts: bool | str = True,
    today: dt.date | None = None,
    analysis: Analysis | None = None,
    chart_jobs: int | None = None,
    kpis_per_group: int | None = KPIS_PER_GROUP,
    output_root: Path | None = None,
    soffice: str | Path | None = None,
    pdf_timeout: float | None = None,
) -> BuildResult:
    """Build the annual report of one workbook in the given formats; returns what was written.

    ``formats``: ``"docx"``, ``"md"``, ``"html"``, ``"pdf"``, ``"pptx"`` (the year-end
    deck), ``"all"`` (docx, md and html) or several names (``("all", "pdf", "pptx")``). The PDF is the Word document converted
    by LibreOffice: ``soffice`` names its program (else ``OPSREPORT_SOFFICE``, else PATH),
    ``pdf_timeout`` bounds it in seconds (else ``OPSREPORT_PDF_TIMEOUT``, else 120; 0: no
    limit); no LibreOffice is an OutputError before any work. ``lang``
    ``"zh"`` or ``"en"`` (None: the workbook's meta language, else zh); ``analysis``
    one already made of this workbook (else it is read here). Every output (documents,
    a Markdown report's ``<stem>-charts/`` files) is written as one all-or-nothing set.
    ``output_root`` is the folder the user named when ``output`` is a folder below it
    (a batch build mirroring subfolders, so ``output`` is a folder even when named like
    ``v1.2``): the folders between them are opsreport's and must not be symbolic links.
    Raises an :class:`~opsreport.errors.OpsreportError` (WorkbookError, TemplateProblem,
    OutputError, UsageError), having written nothing.
    """
    workbook = Path(workbook)
    chosen = format_list(formats)
    language = check_language(lang)
    out = Path(output) if output is not None else None
    templates = Path(template_dir) if template_dir is not None else None
    paths = output_paths(workbook, chosen, out, folder=output_root is not None)
    check_outputs(workbook, paths, output_root)
    pdf = pdf_settings(soffice, pdf_timeout) if "pdf" in chosen else None
    options = (language, templates, charts, today, chart_jobs, kpis_per_group, output_root, pdf)
    if analysis is not None:
        return _build(workbook, paths, chosen, analysis, *options)
    with chart_workers_started(chosen, charts and chart_jobs != 1, chart_jobs):
        # the chart workers import matplotlib while this process reads the workbook
        return _build(workbook, paths, chosen, analyze(workbook), *options)


def _build(
    workbook: Path,
    paths: dict[str, Path],
    formats: tuple[str, ...],
    analysis: Analysis,
    lang: str | None,
    template_dir: Path | None,
    charts: bool | str,
    today: dt.date | None,
    chart_jobs: int | None,
    kpis_per_group: int | None,
    output_root: Path | None,
    pdf: PdfSettings | None,
) -> BuildResult:
    md_path = paths.get("md")
    asset_dir_name = f"{md_path.stem}-charts" if md_path else "charts"
    documents, assets, lang = render_documents(
        analysis,
        formats,
        lang=lang,
        template_dir=template_dir,
        charts=charts,
        today=today,
        asset_dir_name=asset_dir_name,
        chart_jobs=chart_jobs,
        kpis_per_group=kpis_per_group,
        pdf=pdf,
        pdf_label=str(paths.get("pdf", "the PDF")),
    )
    written = write_outputs(workbook, paths, documents, assets, output_root)
    return BuildResult(workbook, written, analysis, lang, build_context_summary(analysis))


def build_context_summary(analysis: Analysis) -> dict[str, Any]:
    overall = analysis.metrics.overall
    return {
        "total": len(analysis.metrics.results),
        "met": overall.met,
        "near": overall.near,
        "missed": overall.missed,
        "risks_triggered": sum(1 for r in analysis.metrics.risks if r.triggered),
    }
