"""The report as a Word document: the context poured into a docxtpl template.

The template (``templates/<lang>/report.docx``, built by
``scripts/make_docx_templates.py``, or the user's own copy) holds every word of
layout; this module only supplies the data. Rendering uses the sandboxed Jinja
environment with autoescaping, so cell text such as ``R&D <Top>`` appears
literally and a template cannot reach Python internals.

Besides the context a Word template sees ``images`` (the charts, keyed like
``charts``) and these filters, which return coloured rich text and therefore go
in ``{{r … }}`` tags::

    {{r kpi.var_target | good(kpi.good_target) }}   style Good if good, Bad if bad, plain if None
    {{r kpi.status_label | status(kpi.status) }}    met Good, near Near, missed Bad (bold)
    {{r risk.status | alert(risk.triggered, "⚠ ") }} style Alert (with a mark) when true
    {{r goal.smart | smart }}                       S✓ M✓ A✗ … each mark Good or Bad
    {{r text | color("1F4E79", bold=True) }}        any colour, written into the run

The first four colour through the character styles Good, Bad, Near and Alert
(``CHARACTER_STYLES``, with the filters in :mod:`opsreport.render.word_styles`),
never by a colour written into the run: a user recolours them by modifying the
style in Word. A template that lacks one of them
(a copy exported before they existed) gets it added, in the colours of
:mod:`opsreport.present.theme`, when it is rendered.

Everything a template sees is plain data: an ``images`` entry is a marker string
that the renderer replaces by the picture after Jinja has run (docxtpl's
``InlineImage`` would hand the template the whole document, whose ``save`` and
``replace_zipname`` write and read any file), and the filters return marked-up
strings. The template file itself is bounded like a workbook (zip size, entries,
ratio), and links it holds to files on the web are dropped with a warning.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, replace
from html import unescape
from io import BytesIO
from pathlib import Path
from typing import Any

from opsreport.errors import TemplateProblem
from opsreport.io.zipbounds import ZipRefused, check_zip
from opsreport.present.context_types import ChartEntry, TemplateContext
from opsreport.render.budget import budgeted
from opsreport.render.column_fit import fit_table_columns
from opsreport.render.explain import describe_template_error
from opsreport.render.lookup import find_template, read_template_package
from opsreport.render.notices import notify
from opsreport.render.opened_templates import opened
from opsreport.render.sandbox import make_environment
from opsreport.render.word_styles import (
    XML_INVALID,
    docx_filters,
    ensure_character_styles,
    xml_text,
)

__all__ = [
    "RICH_HINT",
    "chart_width",
    "paragraph_texts",
    "place_charts",
    "render_docx",
    "report_template_class",
    "written_paragraphs",
]

_CONTROL_PARAGRAPH = re.compile(r"\{%(p|tr|tc)\s")
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_XML_SPACE = " \t\r\n"  # what XPath's normalize-space() strips
# The advice of both refusals of rich text in a run, the whole-body and the streamed render.
RICH_HINT = (
    "a tag using the good/status/alert/smart/color filters must be written {{r … }}, "
    "and {%p %}/{%tr %} tags must stand alone in their paragraph or table row"
)


def _finalize(value: Any) -> Any:
    """Every ``{{ }}`` output: None prints as nothing, XML-forbidden characters are dropped."""
    if value is None:
        return ""
    if type(value) is str:
        return XML_INVALID.sub("", value)
    return value


def _style_east_asian_font(
    docx: Any, style_ids: tuple[str, ...], attribute: str = "eastAsia"
) -> str | None:
    """The East Asian font a table cell would get: the first named style that sets one
    (``attribute="ascii"``: its Latin font)."""
    from docx.oxml.ns import qn

    styles = docx.styles.element
    by_id = {s.get(qn("w:styleId")): s for s in styles.findall(qn("w:style"))}
    for style_id in style_ids:
        seen = set()
        while style_id and style_id in by_id and style_id not in seen:
            seen.add(style_id)
            element = by_id[style_id]
            fonts = element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
            if fonts is not None and fonts.get(qn(f"w:{attribute}")):
                return str(fonts.get(qn(f"w:{attribute}")))
            based = element.find(qn("w:basedOn"))
            style_id = str(based.get(qn("w:val")) or "") if based is not None else ""
    defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")  # fmt: skip
    found = defaults.get(qn(f"w:{attribute}")) if defaults is not None else None
    return str(found) if found else None


def _check_control_tags(docx: Any, template: Path) -> None:
    """``{%p``/``{%tr``/``{%tc`` tags replace their whole paragraph, row or cell:
    any other text there would vanish silently, so it is an error that names it."""
    from docx.oxml.ns import qn

    body = docx.element.body
    texts = []
    for paragraph in body.iter(qn("w:p")):
        text = _text_of(paragraph)
        texts.append(text)
        match = _CONTROL_PARAGRAPH.search(text)
        if not match:
            continue
        kind = match.group(1)
        container = paragraph
        if kind in {"tr", "tc"}:
            tag = qn(f"w:{kind}")
            while container is not None and container.tag != tag:
                container = container.getparent()
            if container is None:
                raise TemplateProblem(
                    f"{template}: the tag in «{text.strip()}» is a {{%{kind} … %}} tag outside a table; "
                    "use {% … %} or {%p … %} there"
                )
        whole = _text_of(container).strip()
        if re.fullmatch(r"\{%" + kind + r"\s[^%]*%(?!\}).*%\}", whole, re.DOTALL):
            raise TemplateProblem(
                f"{template}: the tag «{whole}» holds a % sign, which a {{%{kind} … %}} tag cannot "
                "(Word templates read it as the end of the tag); write the condition without it"
            )
        if not re.fullmatch(r"\{%" + kind + r"\s[^%]*%\}", whole):
            where = {"p": "paragraph", "tr": "table row", "tc": "table cell"}[kind]
            raise TemplateProblem(
                f"{template}: the {where} «{whole}» mixes a {{%{kind} … %}} tag with other text; "
                f"put the tag alone in its {where} (the rest of it would disappear)"
            )
    _check_rich_tags(texts, template)


_PRINT_TAG = re.compile(r"\{\{(-?)(r )?(.*?)-?\}\}", re.DOTALL)
_COLOUR_FILTER = re.compile(r"\|\s*(good|status|alert|smart|color)\b")
# Text Jinja does not run: comments and raw blocks (blanked out, offsets kept).
_NOT_RUN = re.compile(r"\{#.*?#\}|\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}", re.DOTALL)
_STRING = re.compile(r"'[^']*'|\"[^\"]*\"")


def _check_rich_tags(paragraphs: list[str], template: Path) -> None:
    """A colour filter makes Word runs, which only a ``{{r }}`` tag may print: in a
    plain ``{{ }}`` tag they break the document. Named before rendering, with the
    paragraph it is in and the tag as it should be written.

    (The opposite, ``{{r }}`` printing plain text, cannot be told from the template
    — ``{%p set d = x | good(y) %}`` … ``{{r d }}`` is right — and is caught in the
    rendered document instead.)
    """
    joined = "\n".join(paragraphs)
    if "{{" not in joined:
        return
    runs = _NOT_RUN.sub(lambda m: " " * len(m.group(0)), joined)
    for match in _PRINT_TAG.finditer(runs):
        if match.group(2):
            continue
        expression = match.group(3).strip()
        colour = _COLOUR_FILTER.search(_STRING.sub("''", expression))
        if colour is None:
            continue
        index = joined.count("\n", 0, match.start())
        text = paragraphs[index] if index < len(paragraphs) else match.group(0)
        raise TemplateProblem(
            f"{template}, paragraph «{text.strip()[:160]}»: the {colour.group(1)} filter colours "
            f"text, so its tag must be written {{{{r … }}}} — write «{{{{r {expression} }}}}»"
        )


_TEXT_RUN = re.compile(r"<w:t(?:\s[^>]*)?>(.*?)</w:t>", re.DOTALL)


def paragraph_texts(src_xml: str) -> list[str]:
    """The text of each line of the XML docxtpl compiles, for error messages.

    docxtpl starts a line at every paragraph, so a Jinja line number names a
    paragraph (or a table cell's). A ``{%p``/``{%tr`` tag replaces its whole
    paragraph or row and so joins the line before it, outside any text run: such
    tags (and ``{{r`` tags) follow the paragraph's own text after a newline.
    """
    lines = re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml).splitlines()
    texts = []
    for line in lines:
        inside = "".join(_TEXT_RUN.findall(line))
        outside = re.sub(r"<[^>]+>", "", _TEXT_RUN.sub("", line))
        texts.append("\n".join(unescape(t).strip() for t in (inside, outside) if t.strip()))
    return texts


def _text_of(element: Any) -> str:
    """The text of a paragraph, row or cell of a Word template, as the user typed it."""
    return "".join(t.text or "" for t in element.iter(f"{{{_W}}}t"))


def written_paragraphs(part: Any) -> list[str]:
    """The text of every paragraph of a template part."""
    element = getattr(part, "_element", None)
    if element is None:
        return []
    return [_text_of(paragraph) for paragraph in element.iter(f"{{{_W}}}p")]


def _check_rendered_runs(tree: Any) -> None:
    """Rich text printed by a plain ``{{ }}`` tag lands as runs inside a text
    element; plain text printed by a ``{{r }}`` tag lands outside any run, where
    Word would drop it. Both are errors that quote the text.

    Element iteration, not XPath: a ``//`` query builds the node set of the whole
    document, which libxml2 caps at 10,000,000 nodes (XPathEvalError "unknown
    error" for a 50,000-KPI plan).
    """
    from lxml import etree

    # Text nodes read by XPath: on python-docx's elements ``.text`` (which itertext
    # reads too) is a run's or paragraph's text, not the node's own.
    for text in tree.iter(f"{{{_W}}}t"):
        if len(text):
            shown = str(etree.XPath("string()")(text))[:80]
            raise TemplateProblem(f"rich text «{shown}» printed inside a text run: {RICH_HINT}")
    loose_text: Any = etree.XPath("text()")  # the text right inside a paragraph
    for paragraph in tree.iter(f"{{{_W}}}p"):
        for loose in loose_text(paragraph):
            if loose.strip(_XML_SPACE):
                raise TemplateProblem(
                    f"«{loose.strip()[:80]}» was printed by a {{{{r … }}}} tag, which is only "
                    "for the good/status/alert/smart/color filters: write it {{ … }} without the r"
                )


def report_template_class() -> type:
    """docxtpl's DocxTemplate with the repairs below, made on first use (docxtpl loads late)."""
    from docx.oxml import parse_xml
    from docxtpl import DocxTemplate
    from lxml import etree

    class ReportTemplate(DocxTemplate):  # type: ignore[misc]  # docxtpl has no type hints
        """docxtpl with two repairs: its output is checked strictly (docxtpl parses
        with ``recover=True``, which silently drops whatever broke the XML), and the
        rendered body is put in place in linear time."""

        streamed: Any = None  # a large body, rendered as a stream (render/wordstream.py)

        def build_xml(self, context: Any, jinja_env: Any = None) -> Any:
            from opsreport.render.wordstream import render_body

            # the XML as typed: patched (self.patch_xml) only when it is compiled afresh
            return render_body(self, self.get_xml(), self.docx._part, context, jinja_env)

        def patch_xml(self, src_xml: str) -> str:
            from opsreport.render.docx_patch import patch_xml

            return patch_xml(src_xml)  # docxtpl's, its passes that cannot match skipped

        def fix_tables(self, xml: Any) -> Any:
            if not isinstance(xml, str):  # streamed: checked and measured on the way
                return xml
            try:
                tree = self._parse_in_document(xml)
            except etree.XMLSyntaxError as exc:
                raise TemplateProblem(
                    f"the rendered document is not valid Word XML ({exc.msg}): {RICH_HINT}"
                ) from None
            _check_rendered_runs(tree)
            from opsreport.render.docx_patch import fix_parsed_tables

            tree = fix_parsed_tables(tree)  # docxtpl's fix, without parsing the text again
            # here, on the tree the document is saved from (column_fit, keep-together)
            fit_table_columns(tree)  # no owner or unit split inside a word
            _keep_short_tables_together(tree)
            return tree

        def _parse_in_document(self, body: str) -> Any:
            """The rendered ``w:body``, parsed strictly with the rest of the document
            around it (python-docx's parser: its element classes), so that map_tree has
            nothing to parse again; on its own when the document cannot be read so."""
            document = self.docx
            if not _replaceable(document):
                return etree.fromstring(body)
            text = etree.tostring(document._element, encoding="unicode")
            start, end = text.index("<w:body"), text.rindex("</w:body>") + len("</w:body>")
            try:
                return parse_xml(text[:start] + body + text[end:]).find(f"{{{_W}}}body")
            except etree.XMLSyntaxError:
                etree.fromstring(body)  # the error where it is in the body, as it was said
                raise

        def fix_docpr_ids(self, tree: Any) -> None:
            if not hasattr(tree, "iter"):  # streamed: numbered when saved
                tree.first_id = self.docx_ids_index + 1
                self.docx_ids_index += tree.drawings
                return
            # docxtpl's ``//wp:docPr`` XPath fails past libxml2's 10,000,000-node limit.
            for element in tree.iter(f"{{{_WP}}}docPr"):
                self.docx_ids_index += 1
                element.attrib["id"] = str(self.docx_ids_index)

        pictures: dict[int, _Picture] = {}  # noqa: RUF012 (set per render, read-only here)

        def render_xml_part(
            self, src_xml: str, part: Any, context: Any, jinja_env: Any = None
        ) -> str:
            try:
                xml = super().render_xml_part(src_xml, part, context, jinja_env)
            except BaseException as exc:  # a render budget breach too (render/budget.py)
                # Kept for the error message: the paragraph the failing tag is in,
                # and the paragraphs as typed, to quote tags the way the user wrote them.
                exc.opsreport_paragraphs = paragraph_texts(src_xml)  # type: ignore[attr-defined]
                exc.opsreport_written = written_paragraphs(part)  # type: ignore[attr-defined]
                raise
            return place_charts(xml, part, self.pictures)

        def map_tree(self, tree: Any) -> None:
            # docxtpl moves the rendered body into the document with one lxml
            # ``replace``; moving a tree full of xml:space attributes between lxml
            # documents is quadratic (4,000 KPI rows: 0.9 s, 8,000: 3.5 s). Parsing the
            # whole document once instead is linear: fix_tables parsed it so.
            if not hasattr(tree, "iter"):  # streamed: an empty body until it is saved
                self.streamed, tree = tree, etree.fromstring(f'<w:body xmlns:w="{_W}"/>')
            document = self.docx
            if not _replaceable(document):
                super().map_tree(tree)  # another python-docx: the slow, safe way
                return
            root = tree.getparent()
            if root is not None and root.tag == f"{{{_W}}}document":  # (fix_tables parsed it)
                document._element = document.part._element = root
                document._Document__body = None
                return
            text = etree.tostring(document._element, encoding="unicode")
            start, end = text.index("<w:body"), text.rindex("</w:body>") + len("</w:body>")
            root = parse_xml(text[:start] + etree.tostring(tree, encoding="unicode") + text[end:])
            document._element = document.part._element = root
            document._Document__body = None

        def save(self, filename: Any, *args: Any, **kwargs: Any) -> None:
            if self.streamed is None:
                super().save(filename, *args, **kwargs)
                return
            from opsreport.render.wordstream import save_streamed

            streamed, self.streamed = self.streamed, None
            package = BytesIO()
            super().save(package, *args, **kwargs)
            save_streamed(package.getvalue(), streamed, self.docx.part.partname, filename)

    return ReportTemplate


def _replaceable(document: Any) -> bool:
    """Whether ``document`` is the python-docx Document whose root element can be swapped
    for a newly parsed one (``_element``, and the body it caches, reset)."""
    return hasattr(document, "_element") and hasattr(document, "_Document__body")


@dataclass(frozen=True)
class _Picture:
    """A chart to put where its marker was printed: drawn on demand, at this width."""

    chart: Any  # opsreport.present.charts.Chart (png, width_cm, title, alt) or ChartData
    width: Any  # a python-docx Length
    font: str | None = None  # the template's East Asian typeface (a native chart's a:ea)
    lang: str = "zh"
    latin: str | None = None  # the template's Latin typeface (a native chart's a:latin)


# What ``{{ images[key] }}`` prints: an XML comment no workbook text can forge
# (text is escaped, so its ``<`` arrives as ``&lt;``), replaced after rendering.
_CHART_MARK = re.compile(r"<!--opsreport-chart:(\d+)(?:@(\d+(?:\.\d+)?))?-->")
# The narrowest and widest a template may make a chart (cm): 16.6 is the A4 text width.
CHART_WIDTH_CM = (4.0, 16.6)


def _chart_marker(number: int) -> Any:
    from markupsafe import Markup

    return Markup(f"<!--opsreport-chart:{number}-->")


def chart_width(marker: Any, width_cm: Any) -> Any:
    """The ``chart_width`` filter: ``{{ images["attainment"] | chart_width(8.1) }}`` places
    the chart ``width_cm`` wide (two charts side by side in a table's cells). A native chart
    is laid out for that width (its height stays its rows'); a picture is scaled to it.
    Anything but a chart marker is printed as it was; the width is held to
    :data:`CHART_WIDTH_CM`, and a width that is not a number is a template problem."""
    from markupsafe import Markup

    match = _CHART_MARK.fullmatch(str(marker)) if isinstance(marker, Markup) else None
    if match is None:
        return marker
    try:
        if isinstance(width_cm, bool):  # chart_width(true) is no width (float(True) is 1.0)
            raise TypeError
        width = float(width_cm)
    except OverflowError:  # chart_width(10**400): beyond a float, held to the limits below
        width = float("inf") if width_cm > 0 else float("-inf")
    except (TypeError, ValueError):
        shown = repr(width_cm)
        shown = shown if len(shown) <= 40 else shown[:39] + "…"
        raise TemplateProblem(
            f"chart_width takes a width in centimetres, such as chart_width(8.1), not {shown}"
        ) from None
    if width != width:  # NaN
        raise TemplateProblem("chart_width takes a width in centimetres, not NaN")
    low, high = CHART_WIDTH_CM
    width = min(high, max(low, width))
    return Markup(f"<!--opsreport-chart:{match.group(1)}@{width:.2f}-->")


def place_charts(xml: str, part: Any, pictures: dict[int, _Picture]) -> str:
    """Each chart marker in a rendered part becomes the chart's drawing, with its alt text.

    Only the charts a template prints are added to the document; a marker the
    template typed itself for a chart that does not exist prints nothing.
    """
    if "<!--opsreport-chart:" not in xml:
        return xml

    def drawing(match: re.Match[str]) -> str:
        picture = pictures.get(int(match.group(1)))
        if picture is None:
            return ""
        width_cm = float(match.group(2)) if match.group(2) else None
        if hasattr(picture.chart, "panels") or hasattr(picture.chart, "prepared"):
            # chart data: a native, editable Word chart
            from opsreport.render.word_charts import native_drawing

            if getattr(part, "package", None) is None or not hasattr(part, "relate_to"):
                raise TemplateProblem(
                    f"a chart can be placed in the body, a header or a footer, not in {part.partname}"
                )
            return native_drawing(
                part,
                picture.chart,
                font=picture.font,
                lang=picture.lang,
                latin=picture.latin,
                width_cm=width_cm,
            )
        new_pic_inline = getattr(part, "new_pic_inline", None)
        if new_pic_inline is None:
            raise TemplateProblem(
                f"a chart can be placed in the body, a header or a footer, not in {part.partname}"
            )
        width = picture.width
        if width_cm is not None:
            from docx.shared import Mm

            width = Mm(width_cm * 10)  # the height follows: python-docx keeps the aspect
        inline = new_pic_inline(BytesIO(picture.chart.png), width, None)
        alt = getattr(picture.chart, "alt", "")
        if alt:
            inline.docPr.set("descr", xml_text(alt))
        return (
            f"</w:t></w:r><w:r><w:drawing>{inline.xml}</w:drawing></w:r><w:r>"
            '<w:t xml:space="preserve">'
        )

    return _CHART_MARK.sub(drawing, xml)


@functools.lru_cache(maxsize=16)
def _environment(
    lang: str, folder: Path, font: str | None, style_ids: tuple[tuple[str, str], ...]
) -> Any:
    """One environment per language, template folder, East Asian font and colour styles.

    docxtpl compiles the document XML with ``from_string`` on every render; a
    check renders the same template five times (the report and four plan
    drafts), so compiled templates are kept by their source text. An edited
    template has different source text and compiles afresh.
    """
    env = make_environment(
        lang,
        [folder],
        autoescape=True,
        finalize=_finalize,
        extra_filters={**docx_filters(font, style_ids), "chart_width": chart_width},
    )
    from opsreport.render.compiled import compile_string

    @functools.lru_cache(maxsize=32)
    def from_string(source: str) -> Any:
        return compile_string(env, source)  # and kept between runs (render/compiled.py)

    env.from_string = from_string
    return env


@budgeted("docx", prepare=lambda: report_template_class())
def render_docx(
    context: TemplateContext,
    charts: dict[str, Any] | None = None,
    template_dir: Path | None = None,
    name: str = "report.docx",
    *,
    packaged: bool = True,
) -> bytes:
    """Render ``context`` into the Word template ``name``; returns the .docx bytes
    (``packaged=False``: rendered and checked, not written into a package; empty bytes).

    ``charts`` maps the chart keys of ``context["charts"]`` to objects with ``png``,
    ``width_cm``, ``title`` and ``alt`` (``opsreport.present.charts.Chart``: a picture),
    or to :class:`~opsreport.present.charts.data.ChartData` (a native Word chart with its
    data embedded, render/word_charts.py; the risk matrix a shaded table).
    """
    lang = context["lang"]
    template = find_template(name, lang, template_dir)
    package = _read_word_template(template)
    try:
        tpl = report_template_class()(BytesIO(package))
        prepared = opened(str(template), package, lambda: _prepare(tpl, template))
        tpl.docx = prepared.document
        for notice in prepared.notices if prepared.copied else ():  # (said when opened)
            notify(notice)
        font, latin = prepared.font, prepared.latin
        env = _environment(lang, template.parent, font, prepared.style_ids)
        data, tpl.pictures = word_context(context, charts, font, latin)
        tpl.render(data, jinja_env=env, autoescape=True)  # columns fitted: fix_tables
        _set_properties(tpl.docx, context)
        from opsreport.render.toc import fill_document_toc, fill_toc

        toc_filled = fill_document_toc(tpl.docx)  # the contents list the headings (render/toc)
        if not packaged:
            if tpl.streamed is not None:
                tpl.streamed.file.close()  # (its text was checked as it streamed)
            return b""
        out = BytesIO()
        tpl.save(out)
    except TemplateProblem as problem:
        if hasattr(problem, "opsreport_paragraphs"):  # raised by a tag: an include refused
            raise describe_template_error(
                problem,
                template,
                paragraphs=problem.opsreport_paragraphs,
                written=getattr(problem, "opsreport_written", []),
                context=context,
                kind="docx",
            ) from None
        message = str(problem)
        raise TemplateProblem(
            message if message.startswith(str(template)) else f"{template}: {message}",
            template=str(template),
        ) from None
    except Exception as exc:
        raise describe_template_error(
            exc,
            template,
            paragraphs=getattr(exc, "opsreport_paragraphs", []),
            written=getattr(exc, "opsreport_written", []),
            context=context,
            kind="docx",
        ) from None
    return out.getvalue() if toc_filled is not None else fill_toc(out.getvalue())  # streamed


@dataclass(frozen=True)
class _PreparedTemplate:
    """A Word template opened and made ready to render into (its links to elsewhere
    removed, its tags checked, its character styles added), with what was found."""

    document: Any  # python-docx's Document
    notices: tuple[str, ...]  # the links removed, said on every render
    font: str | None  # the East Asian font of a table cell
    latin: str | None  # its Latin font
    style_ids: tuple[tuple[str, str], ...]  # the colour styles (render/word_styles)
    copied: bool = False  # a copy of one opened before (its notices not said yet)

    def copy(self) -> _PreparedTemplate:
        """The same, with a document of its own (render/opened_templates)."""
        import copy

        return replace(self, document=copy.deepcopy(self.document), copied=True)


def _prepare(tpl: Any, template: Path) -> _PreparedTemplate:
    docx = _open_word_template(tpl, template)
    notices = tuple(_drop_external_relationships(docx, template))
    for notice in notices:
        notify(notice)
    _check_control_tags(docx, template)
    font = _style_east_asian_font(docx, ("TableText", "Normal"))
    style_ids = ensure_character_styles(docx)
    latin = _style_east_asian_font(docx, ("TableText", "Normal"), "ascii")
    return _PreparedTemplate(docx, notices, font, latin, style_ids)


def word_context(
    context: TemplateContext,
    charts: dict[str, Any] | None,
    font: str | None = None,
    latin: str | None = None,
) -> tuple[dict[str, Any], dict[int, _Picture]]:
    """What a Word template sees (the context, ``charts`` with every drawn chart,
    ``images`` as markers) and the pictures the markers stand for."""
    from docx.shared import Mm

    images: dict[str, str] = {}
    pictures: dict[int, _Picture] = {}
    entries: dict[str, ChartEntry] = dict(context.get("charts") or {})
    for number, (key, chart) in enumerate((charts or {}).items(), start=1):
        images[key] = _chart_marker(number)
        width = Mm(float(getattr(chart, "width_cm", 16.0)) * 10)
        pictures[number] = _Picture(chart, width, font, str(context["lang"]), latin)
        title, alt = str(chart.title), str(getattr(chart, "alt", ""))
        entries.setdefault(key, {"title": title, "alt": alt, "file": "", "svg": ""})
    return {**context, "charts": entries, "images": images}, pictures


def _read_word_template(template: Path) -> bytes:
    """The template's bytes, read once, if it is a zip package within the workbook bounds."""
    package = read_template_package(template)
    try:
        check_zip(package)
    except ZipRefused as refused:
        raise TemplateProblem(
            _zip_refusal(template, package, refused), template=str(template)
        ) from None
    return package


def _open_word_template(tpl: Any, template: Path) -> Any:
    """The python-docx document of a template, or a TemplateProblem if it is damaged
    (a CRC error, a cut-off deflate stream, a missing or broken part) or not Word's."""
    try:
        return tpl.get_docx()
    except Exception as exc:  # zipfile, zlib, lxml and python-docx each raise their own
        message = str(exc)
        if "content type is" in message:
            what = (
                "not a Word document (" + message.split("content type is", 1)[1].strip(" '") + ")"
            )
            advice = "save it from Word as «Word Document (.docx)»"
        else:
            what = f"the file is damaged ({type(exc).__name__}: {message})"
            advice = "save it again from Word, or start again from `opsreport templates export`"
        raise TemplateProblem(f"{template}: {what} — {advice}", template=str(template)) from None


_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_HYPERLINK = f"{_R}/hyperlink"


def _drop_external_relationships(docx: Any, template: Path) -> list[str]:
    """Remove every link to a file outside the document except hyperlinks; say what went.

    Word fetches some of them when the report is opened (an ``attachedTemplate``
    on a web server, a linked picture, a linked object or subdocument): a report
    that calls out to a server its reader never chose, or shows what a file
    elsewhere holds that day. A hyperlink is only followed when clicked, and stays.
    The element that used a dropped link goes too (an optional ``r:link``
    attribute alone), so Word does not meet a dangling reference.
    """
    package = docx.part.package
    notices = []
    for source in (package, *package.iter_parts()):
        dropped = [
            (r_id, rel)
            for r_id, rel in source.rels.items()
            if rel.is_external and rel.reltype != _HYPERLINK
        ]
        if not dropped:
            continue
        _unreference(source, {r_id for r_id, _ in dropped})
        for r_id, rel in dropped:
            del source.rels[r_id]
            kind = rel.reltype.rsplit("/", 1)[-1]
            where = getattr(source, "partname", "/")
            notices.append(
                f"{template}: removed the link to {_printable(rel.target_ref)} ({kind}, in {where}) "
                "— a report never fetches anything from outside when it is opened"
            )
    return notices


def _unreference(source: Any, r_ids: set[str]) -> None:
    """Remove the elements of a part that refer to ``r_ids`` (an ``r:link`` attribute alone)."""
    element = getattr(source, "_element", None)
    blob_xml = None
    if element is None:
        blob = getattr(source, "_blob", None)
        if not blob or b"<" not in blob[:200]:
            return
        from lxml import etree

        try:
            element = blob_xml = etree.fromstring(blob, etree.XMLParser(resolve_entities=False))
        except etree.XMLSyntaxError:
            return
    doomed = []
    for node in element.iter():
        for attribute, value in list(node.attrib.items()):
            if attribute.startswith(f"{{{_R}}}") and value in r_ids:
                if attribute == f"{{{_R}}}link":
                    del node.attrib[attribute]
                else:
                    doomed.append(node)
    for node in doomed:
        parent = node.getparent()
        if parent is not None:
            parent.remove(node)
    if blob_xml is not None:
        from lxml import etree

        source._blob = etree.tostring(
            blob_xml, xml_declaration=True, encoding="UTF-8", standalone=True
        )


def _printable(text: str, limit: int = 120) -> str:
    """A link target as one harmless line: no control characters, bounded length."""
    shown = "".join(c if c.isprintable() else "?" for c in str(text))
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _zip_refusal(template: Path, package: bytes, refused: ZipRefused) -> str:
    """Why a Word template's package is refused, and what to do, in words."""
    if refused.code == "not_zip":
        what = (
            "an old Word 97–2003 .doc file (or another OLE document), not .docx"
            if package.startswith(b"\xd0\xcf\x11\xe0")
            else "not a Word document (the file does not start like a .docx)"
        )
        return f"{template}: {what} — save it from Word as «Word Document (.docx)»"
    if refused.code == "corrupt_zip":
        return (
            f"{template}: {refused} — save it again from Word, or start again from "
            "`opsreport templates export`"
        )
    return f"{template}: {refused}; this is not an ordinary Word document"


SHORT_TABLE_ROWS = 12


def _keep_short_tables_together(body: Any) -> None:
    """A short table is not split over two pages, nor parted from the chart above it.

    A four-quarter table split two rows and two rows looks careless. Word and
    LibreOffice keep a table together when each row but the last keeps with the
    next; a chart right above a table keeps with it when the pair takes at most half
    a page (render/page_fit). Long tables still break, with their header row repeated.
    ``body``: the rendered ``w:body``, a plain lxml tree or python-docx's.
    """
    from opsreport.render.page_fit import drawing_height_cm, keeps_with_table

    w = f"{{{_W}}}"
    for table in body.iter(f"{w}tbl"):
        rows = table.findall(f"{w}tr")
        if len(rows) > SHORT_TABLE_ROWS:
            continue
        for row in rows[:-1]:  # the row's own paragraphs: a nested table keeps its own rule
            for paragraph in row.findall(f"{w}tc/{w}p"):
                _keep_with_next(paragraph)
        above = table.getprevious()
        if (
            above is not None
            and above.tag == f"{w}p"
            and above.find(f".//{w}drawing") is not None
            and keeps_with_table(drawing_height_cm(above), len(rows))
        ):
            _keep_with_next(above)


# The w:pPr children after w:keepNext, in ECMA-376's (and python-docx's CT_PPr) order.
_KEEP_NEXT_SUCCESSORS = (
    "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr", "suppressLineNumbers",
    "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct",
    "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
    "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
    "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle",
    "rPr", "sectPr", "pPrChange",
)  # fmt: skip


def _keep_with_next(paragraph: Any) -> None:
    """``paragraph.get_or_add_pPr().get_or_add_keepNext()``, the same XML on any lxml
    ``w:p`` and sooner: python-docx looks for each of the 34 elements that may follow
    keepNext with a find() of its own (most of the time of keeping a report's short tables
    together); here the paragraph properties' tags are read once and the same first
    successor is found."""
    w = f"{{{_W}}}"
    properties = paragraph.find(f"{w}pPr")
    if properties is None:
        properties = paragraph.makeelement(f"{w}pPr")
        paragraph.insert(0, properties)  # the first child, as python-docx's CT_P puts it
    elif properties.find(f"{w}keepNext") is not None:
        return
    present = {child.tag for child in properties}
    keep = properties.makeelement(f"{w}keepNext")
    for name in _KEEP_NEXT_SUCCESSORS:  # python-docx's rule: before the first kind present
        tag = f"{w}{name}"
        if tag in present:
            properties.find(tag).addprevious(keep)
            return
    properties.append(keep)


def _set_properties(docx: Any, context: TemplateContext) -> None:
    """Title and dates of the report itself (plain Python: no escaping involved)."""
    meta = context.get("meta") or {}
    props = docx.core_properties
    props.title = xml_text(meta.get("title"))[:255]
    try:
        when = dt.datetime.combine(dt.date.fromisoformat(str(meta.get("date"))), dt.time())
    except ValueError:
        return
    props.created = when
    props.modified = when
