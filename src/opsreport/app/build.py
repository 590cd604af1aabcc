"""``opsreport build``: workbook → context → charts → documents, written atomically.

Everything is rendered in memory first; files are written only when every
format has rendered, as one all-or-nothing set (documents and chart files, see
:mod:`opsreport.io.files`): a failure leaves no half-written output and no partial
set, never writes through a symbolic link and never touches the input.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opsreport.app.analysis import Analysis, analyze
from opsreport.engine.selection import KPIS_PER_GROUP
from opsreport.errors import OutputError, UsageError
from opsreport.io.files import check_target, write_files
from opsreport.present.context_types import ChartEntry, TemplateContext
from opsreport.present.report_context import build_context

__all__ = [
    "FORMATS",
    "LANGUAGES",
    "BuildResult",
    "build_report",
    "chart_workers_started",
    "check_language",
    "format_list",
    "output_paths",
    "render_documents",
    "render_formats",
]

FORMATS = ("docx", "md", "html")
LANGUAGES = ("zh", "en")


def format_list(formats: str | Sequence[str]) -> tuple[str, ...]:
    """``formats`` as a tuple in the order given: one name, ``"all"``, or several names;
    an unknown one is a UsageError (before any work)."""
    if isinstance(formats, str):
        formats = FORMATS if formats == "all" else (formats,)
    chosen = tuple(formats)
    for fmt in chosen:
        if fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r}: use docx, md or html")
    if not chosen:
        raise UsageError("no format: use docx, md or html")
    return chosen


def check_language(lang: str | None) -> str | None:
    """``lang`` if it is a document language (None: the workbook's); else a UsageError."""
    if lang is not None and lang not in LANGUAGES:
        raise UsageError(f"unknown language {lang!r}: use zh or en")
    return lang


@contextmanager
def chart_workers_started(
    formats: Sequence[str], charts: bool, jobs: int | None = None
) -> Iterator[None]:
    """Start the chart workers (they import matplotlib) while the body reads the
    workbook, when ``formats`` embed charts; stop any left unused afterwards."""
    if not charts or not {"docx", "html"} & set(formats):
        yield
        return
    from opsreport.present import charts as chart_code

    chart_code.prestart_workers(jobs)
    try:
        yield
    finally:
        chart_code.stop_workers()


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote (documents, in format order) and the figures of its summary line."""

    workbook: Path
    outputs: list[Path]
    analysis: Analysis
    lang: str
    summary: dict[str, Any] = field(default_factory=dict)

    def one_line(self) -> str:
        s = self.summary
        if self.lang == "zh":
            return (
                f"{s['total']}项指标：{s['met']}项达成、{s['near']}项接近、{s['missed']}项未达成；"
                f"风险触发{s['risks_triggered']}项"
            )
        from opsreport.present.formatting import count_noun

        return (
            f"{count_noun(s['total'], 'KPI')}: {s['met']} met, {s['near']} near, {s['missed']} missed; "
            f"{count_noun(s['risks_triggered'], 'risk')} triggered"
        )


def output_paths(
    workbook: Path, formats: tuple[str, ...], output: Path | None, *, folder: bool = False
) -> dict[str, Path]:
    """Where each format goes: next to the workbook by default, or under/at ``output``
    (a folder when it is one, ends in a slash, has no extension, or ``folder`` says so)."""
    workbook = Path(workbook)
    if output is None:
        return {fmt: workbook.with_suffix(f".{fmt}") for fmt in formats}
    if folder or str(output).endswith(("/", "\\")):
        return {fmt: Path(output) / f"{workbook.stem}.{fmt}" for fmt in formats}
    output = Path(output)
    if output.is_dir() or not output.suffix:
        return {fmt: output / f"{workbook.stem}.{fmt}" for fmt in formats}
    if len(formats) == 1:
        return {formats[0]: output}
    return {fmt: output.with_suffix(f".{fmt}") for fmt in formats}


def _chart_file_name(index: int, key: str) -> str:
    kind = re.sub(r"[^A-Za-z0-9_-]+", "-", key.split(":")[0]).strip("-") or "chart"
    return f"{index:02d}-{kind}.png"


def render_documents(
    analysis: Analysis,
    formats: tuple[str, ...],
    *,
    lang: str | None = None,
    template_dir: Path | None = None,
    charts: bool = True,
    today: dt.date | None = None,
    asset_dir_name: str = "charts",
    chart_jobs: int | None = None,
    kpis_per_group: int | None = KPIS_PER_GROUP,
) -> tuple[dict[str, bytes], dict[str, bytes], str]:
    """Render every format in memory: (documents by format, chart files by relative path, lang).

    ``chart_jobs`` caps the processes drawing charts (see ``charts.chart_jobs``);
    batch runs pass 1, since their parallelism is across workbooks.
    """
    lang = lang or analysis.report.meta.language or "zh"
    context = build_context(analysis.metrics, lang, today=today, kpis_per_group=kpis_per_group)
    drawn: dict[str, Any] = {}
    if charts:
        from opsreport.present.charts import render_charts

        drawn = render_charts(
            analysis.metrics,
            lang,
            encode=chart_encodings(formats),
            jobs=chart_jobs,
            meanwhile=lambda: _load(formats),
        )
    documents, assets = render_formats(
        context, drawn, formats, "report", template_dir, asset_dir_name
    )
    return documents, assets, lang


def chart_encodings(formats: tuple[str, ...]) -> tuple[str, ...]:
    """The chart encodings ``formats`` embed: PNG in Word and Markdown, SVG in HTML."""
    encode = ("png",) if {"docx", "md"} & set(formats) else ()
    return encode + (("svg",) if "html" in formats else ())


def _load(formats: tuple[str, ...]) -> None:
    """Import the renderers of ``formats`` (python-docx, docxtpl: ~0.1 s) ahead of use."""
    if "docx" in formats:
        from opsreport.render.docx import report_template_class

        report_template_class()
    if "html" in formats:
        import opsreport.render.html  # noqa: F401


def render_formats(
    context: TemplateContext,
    drawn: dict[str, Any],
    formats: tuple[str, ...],
    document: str,
    template_dir: Path | None = None,
    asset_dir_name: str = "charts",
) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Lay out one context in every format, from the templates named ``<document>.*``.

    Returns the documents by format and the chart files Markdown links to, by
    relative path. Charts are encoded only in the form a format needs.
    """
    assets: dict[str, bytes] = {}
    chart_entries: dict[str, ChartEntry] = {}
    for index, (key, chart) in enumerate(drawn.items(), start=1):
        file = f"{asset_dir_name}/{_chart_file_name(index, key)}"
        chart_entries[key] = {
            "title": chart.title,
            "alt": chart.alt,
            "file": file,
            "svg": chart.svg if "html" in formats else "",
        }
        if "md" in formats:
            assets[file] = chart.png
    context["charts"] = chart_entries
    documents: dict[str, bytes] = {}
    for fmt in formats:
        if fmt == "md":
            from opsreport.render.markdown import render_markdown

            documents[fmt] = render_markdown(
                context, template_dir, name=f"{document}.md.j2"
            ).encode("utf-8")
        elif fmt == "html":
            from opsreport.render.html import render_html

            documents[fmt] = render_html(context, template_dir, name=f"{document}.html.j2").encode(
                "utf-8"
            )
        elif fmt == "docx":
            from opsreport.render.docx import render_docx

            documents[fmt] = render_docx(context, drawn, template_dir, name=f"{document}.docx")
        else:
            raise UsageError(f"unknown format {fmt!r}: use docx, md or html")
    return documents, assets


def build_report(
    workbook: str | Path,
    *,
    output: str | Path | None = None,
    formats: str | Sequence[str] = ("docx",),
    lang: str | None = None,
    template_dir: str | Path | None = None,
    charts: bool = True,
    today: dt.date | None = None,
    analysis: Analysis | None = None,
    chart_jobs: int | None = None,
    kpis_per_group: int | None = KPIS_PER_GROUP,
    output_root: Path | None = None,
) -> BuildResult:
    """Build the annual report of one workbook in the given formats; returns what was written.

    ``formats``: ``"docx"``, ``"md"``, ``"html"``, ``"all"`` or several names; ``lang``
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
    options = (language, templates, charts, today, chart_jobs, kpis_per_group, output_root)
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
    charts: bool,
    today: dt.date | None,
    chart_jobs: int | None,
    kpis_per_group: int | None,
    output_root: Path | None,
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
    )
    written = write_outputs(workbook, paths, documents, assets, output_root)
    return BuildResult(workbook, written, analysis, lang, build_context_summary(analysis))


def check_outputs(workbook: Path, paths: dict[str, Path], output_root: Path | None = None) -> None:
    """Refuse, before any work, an output that is the input, a symbolic link, or has the
    wrong extension."""
    for fmt, path in paths.items():
        check_target(path, inside=_inside(path, output_root), protect=(workbook,))
        if path.suffix.lower() != f".{fmt}":
            raise OutputError(
                f"{path}: the name ends in {path.suffix or 'nothing'} but the format is {fmt}; use a .{fmt} name"
            )


def _inside(path: Path, output_root: Path | None) -> Path:
    """The folder the user named for ``path``: ``output_root`` when it holds it, else its folder."""
    if output_root is not None and Path(output_root) in path.parents:
        return Path(output_root)
    return path.parent


def write_outputs(
    workbook: Path,
    paths: dict[str, Path],
    documents: dict[str, bytes],
    assets: dict[str, bytes],
    output_root: Path | None = None,
) -> list[Path]:
    """Write the documents and the chart files beside the Markdown one, all or nothing.

    Returns the documents written, in format order; the input is protected.
    """
    files, inside = output_set([(paths, documents, assets)], output_root)
    return write_files(files, inside=inside, protect=(workbook,))[: len(documents)]


def output_set(
    builds: list[tuple[dict[str, Path], dict[str, bytes], dict[str, bytes]]],
    output_root: Path | None = None,
) -> tuple[dict[Path, bytes], Path]:
    """The files of one or several renders (documents first, then chart files) and the
    folder the user named for them, for :func:`opsreport.io.files.write_files`."""
    files: dict[Path, bytes] = {}
    charts: dict[Path, bytes] = {}
    inside: Path | None = None
    for paths, documents, assets in builds:
        for fmt, data in documents.items():
            files[paths[fmt]] = data
            inside = inside or _inside(paths[fmt], output_root)
        md_path = paths.get("md")
        for relative, data in assets.items():
            assert md_path is not None, "chart files are written only beside a Markdown report"
            charts[md_path.parent / relative] = data
    assert inside is not None, "nothing to write"
    return {**files, **charts}, inside


def build_context_summary(analysis: Analysis) -> dict[str, Any]:
    overall = analysis.metrics.overall
    return {
        "total": len(analysis.metrics.results),
        "met": overall.met,
        "near": overall.near,
        "missed": overall.missed,
        "risks_triggered": sum(1 for r in analysis.metrics.risks if r.triggered),
    }


__all__ += ["OutputError"]
