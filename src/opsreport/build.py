"""``opsreport build``: workbook → context → charts → documents, written atomically.

Everything is rendered in memory first; files are written only when every
format has rendered, each through a temporary file renamed into place. A
failure therefore leaves no half-written output and never touches the input.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opsreport.api import Analysis, analyze
from opsreport.context import KPIS_PER_GROUP, build_context
from opsreport.render.common import OutputError, atomic_write

__all__ = [
    "FORMATS",
    "BuildResult",
    "build_report",
    "output_paths",
    "render_documents",
    "render_formats",
]

FORMATS = ("docx", "md", "html")


@dataclass
class BuildResult:
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
        from opsreport.formatting import count_noun

        return (
            f"{count_noun(s['total'], 'KPI')}: {s['met']} met, {s['near']} near, {s['missed']} missed; "
            f"{count_noun(s['risks_triggered'], 'risk')} triggered"
        )


def output_paths(workbook: Path, formats: tuple[str, ...], output: Path | None) -> dict[str, Path]:
    """Where each format goes: next to the workbook by default, or under/at ``output``."""
    workbook = Path(workbook)
    if output is None:
        return {fmt: workbook.with_suffix(f".{fmt}") for fmt in formats}
    output = Path(output)
    if output.is_dir() or str(output).endswith(("/", "\\")) or not output.suffix:
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
        from opsreport.charts import render_charts

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
        from opsreport.render.docx import _template_class

        _template_class()
    if "html" in formats:
        import opsreport.render.html  # noqa: F401


def render_formats(
    context: dict[str, Any],
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
    chart_entries: dict[str, dict[str, str]] = {}
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
            raise ValueError(f"unknown format {fmt!r}: use docx, md or html")
    return documents, assets


def build_report(
    workbook: str | Path,
    *,
    output: Path | None = None,
    formats: tuple[str, ...] = ("docx",),
    lang: str | None = None,
    template_dir: Path | None = None,
    charts: bool = True,
    today: dt.date | None = None,
    analysis: Analysis | None = None,
    chart_jobs: int | None = None,
    kpis_per_group: int | None = KPIS_PER_GROUP,
) -> BuildResult:
    """Build the annual report of one workbook in the given formats; returns what was written."""
    workbook = Path(workbook)
    paths = output_paths(workbook, formats, output)
    check_outputs(workbook, paths)
    analysis = analysis or analyze(workbook)
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
    written = write_outputs(workbook, paths, documents, assets)
    return BuildResult(workbook, written, analysis, lang, build_context_summary(analysis))


def check_outputs(workbook: Path, paths: dict[str, Path]) -> None:
    """Refuse, before any work, an output that is the input or has the wrong extension."""
    for fmt, path in paths.items():
        if path.resolve() == Path(workbook).resolve():
            raise OutputError(
                f"{path}: refusing to overwrite the input workbook; choose another output with -o"
            )
        if path.suffix.lower() != f".{fmt}":
            raise OutputError(
                f"{path}: the name ends in {path.suffix or 'nothing'} but the format is {fmt}; use a .{fmt} name"
            )


def write_outputs(
    workbook: Path, paths: dict[str, Path], documents: dict[str, bytes], assets: dict[str, bytes]
) -> list[Path]:
    """Write the chart files, then the documents, each atomically; the input is protected."""
    md_path = paths.get("md")
    for relative, data in assets.items():
        assert md_path is not None
        atomic_write(md_path.parent / relative, data, protect=(workbook,))
    return [atomic_write(paths[fmt], data, protect=(workbook,)) for fmt, data in documents.items()]


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
