"""The one pipeline every command runs: analysis → context → charts → documents → files.

``build``, ``plan``, ``check`` and batch builds differ only in which documents they
make from an :class:`~opsreport.app.analysis.Analysis` (the report, a quarter's plan)
and whether they write them. The stages they share live here: the formats and
languages asked for (checked before any work), where each document goes (refused
before any work when it is the input, a link or misnamed), the chart encodings a
format needs, laying one context out in every format in memory
(:func:`render_formats`), and writing everything rendered as one all-or-nothing set
(:func:`output_set`, :func:`write_outputs`, through :mod:`opsreport.io.files`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opsreport.errors import OutputError, UsageError
from opsreport.io.files import check_target, write_files
from opsreport.present.context_types import ChartEntry, TemplateContext

if TYPE_CHECKING:
    from opsreport.render.pdf import PdfSettings

__all__ = [
    "ALL_FORMATS",
    "FORMATS",
    "LANGUAGES",
    "WORD_FORMATS",
    "chart_encodings",
    "chart_workers_started",
    "check_language",
    "check_outputs",
    "format_list",
    "load_renderers",
    "output_paths",
    "output_set",
    "render_formats",
    "write_outputs",
]

FORMATS = ("docx", "md", "html", "pdf", "pptx")
# What ``all`` means, the same on every machine: the report in its three formats. PDF needs
# LibreOffice and takes seconds, and the deck (pptx) is another document than the report,
# so each is asked for by name (``-f all -f pdf -f pptx``).
ALL_FORMATS = ("docx", "md", "html")
# The formats made from the Word document (the PDF is its conversion).
WORD_FORMATS = ("docx", "pdf")
LANGUAGES = ("zh", "en")
_FORMAT_NAMES = "docx, md, html, pdf, pptx or all"


def format_list(formats: str | Sequence[str]) -> tuple[str, ...]:
    """``formats`` as a tuple in the order given, each once: one name, ``"all"`` (docx,
    md and html), or several (``("all", "pdf")``); an unknown one is a UsageError
    (before any work)."""
    asked = (formats,) if isinstance(formats, str) else tuple(formats)
    chosen: list[str] = []
    for fmt in asked:
        if fmt not in (*FORMATS, "all"):
            raise UsageError(f"unknown format {fmt!r}: use {_FORMAT_NAMES}")
        chosen += [f for f in (ALL_FORMATS if fmt == "all" else (fmt,)) if f not in chosen]
    if not chosen:
        raise UsageError(f"no format: use {_FORMAT_NAMES}")
    return tuple(chosen)


def check_language(lang: str | None) -> str | None:
    """``lang`` if it is a document language (None: the workbook's); else a UsageError."""
    if lang is not None and lang not in LANGUAGES:
        raise UsageError(f"unknown language {lang!r}: use zh or en")
    return lang


@contextmanager
def chart_workers_started(
    formats: Sequence[str], charts: bool | str, jobs: int | None = None
) -> Iterator[None]:
    """Start the chart workers while the body reads the workbook: the picture workers
    (they import matplotlib) when ``formats`` embed pictures, the native chart worker
    (python-pptx) when a Word document gets native charts; stop any left unused afterwards."""
    from opsreport.app.chart_modes import chart_mode, picture_formats

    pictures = bool({*WORD_FORMATS, "html"} & set(picture_formats(formats, charts)))
    native = chart_mode(charts) == "native" and bool(set(WORD_FORMATS) & set(formats))
    if not pictures and not native:
        yield
        return
    from opsreport.present import charts as chart_code
    from opsreport.render import word_chart_jobs

    if native:
        word_chart_jobs.prestart_native(jobs)
    if pictures:
        chart_code.prestart_workers(jobs)
    try:
        yield
    finally:
        chart_code.stop_workers()
        word_chart_jobs.stop_native()


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


def chart_encodings(formats: tuple[str, ...]) -> tuple[str, ...]:
    """The chart encodings ``formats`` embed: PNG in Word (and its PDF) and Markdown, SVG in HTML."""
    encode = ("png",) if {*WORD_FORMATS, "md"} & set(formats) else ()
    return encode + (("svg",) if "html" in formats else ())


def load_renderers(formats: tuple[str, ...]) -> None:
    """Import the renderers of ``formats`` (python-docx, docxtpl: ~0.1 s) ahead of use."""
    if set(WORD_FORMATS) & set(formats):
        from opsreport.render.docx import report_template_class

        report_template_class()
    if "html" in formats:
        import opsreport.render.html  # noqa: F401


def _links(markdown: str, file: str) -> bool:
    """Whether the Markdown links ``file`` (as typed or URL-encoded, as ``urlencode`` does):
    only the charts a template shows are written beside it."""
    from urllib.parse import quote

    return file in markdown or quote(file, safe="/") in markdown


def render_formats(
    context: TemplateContext,
    drawn: dict[str, Any],
    formats: tuple[str, ...],
    document: str,
    template_dir: Path | None = None,
    asset_dir_name: str = "charts",
    pdf: PdfSettings | None = None,
    pdf_label: str = "the PDF",
    *,
    native: dict[str, Any] | None = None,
    written: bool = True,
) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Lay out one context in every format, from the templates named ``<document>.*``.

    Returns the documents by format and the chart files Markdown links to, by
    relative path (a chart the template does not show is not written). Charts are encoded only in the form a format needs. The PDF is the
    Word document converted by LibreOffice (``pdf``: which program, how long; None:
    found as :func:`opsreport.render.pdf.pdf_settings` finds it); ``pdf_label`` names
    it in messages. ``native`` (chart data by key) puts native charts in the Word
    document instead of ``drawn``'s pictures. ``written=False`` (``check``, which writes
    nothing) renders and checks every document without the work only writing needs: the
    Markdown's chart files are not encoded, the Word document is not packaged (its bytes
    are empty) unless a PDF is asked for too.
    """
    assets: dict[str, bytes] = {}
    chart_entries: dict[str, ChartEntry] = {}
    for index, (key, chart) in enumerate((drawn or native or {}).items(), start=1):
        file = f"{asset_dir_name}/{_chart_file_name(index, key)}"
        chart_entries[key] = {
            "title": chart.title,
            "alt": chart.alt,
            "file": file,
            "svg": chart.svg if "html" in formats else "",
        }
        if "md" in formats and written:  # (check writes nothing: no PNG to encode)
            assets[file] = chart.png
    context["charts"] = chart_entries
    documents: dict[str, bytes] = {}
    word: list[bytes] = []  # the Word document, rendered once for docx and pdf
    for fmt in formats:
        if fmt in WORD_FORMATS and not word:
            from opsreport.render.docx import render_docx

            charts = native or drawn
            word.append(
                render_docx(
                    context,
                    charts,
                    template_dir,
                    name=f"{document}.docx",
                    packaged=written or "pdf" in formats,  # (LibreOffice converts the package)
                )
            )
        if fmt == "md":
            from opsreport.render.markdown import render_markdown

            text = render_markdown(context, template_dir, name=f"{document}.md.j2")
            documents[fmt] = text.encode("utf-8")
            assets = {file: png for file, png in assets.items() if _links(text, file)}
        elif fmt == "html":
            from opsreport.render.html import render_html

            documents[fmt] = render_html(context, template_dir, name=f"{document}.html.j2").encode(
                "utf-8"
            )
        elif fmt == "docx":
            documents[fmt] = word[0]
        elif fmt == "pdf":
            from opsreport.render.pdf import convert_docx, pdf_settings

            documents[fmt] = convert_docx(word[0], pdf or pdf_settings(), label=pdf_label)
        else:
            raise UsageError(f"unknown format {fmt!r}: use {_FORMAT_NAMES}")
    return documents, assets


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
