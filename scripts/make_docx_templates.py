#!/usr/bin/env python3
"""Build the Word templates ``src/opsreport/templates/{zh,en}/report.docx``.

Usage::

    python scripts/make_docx_templates.py [--out DIR]

Each template is an ordinary styled Word document holding docxtpl/Jinja tags, so
a user can restyle the report in Word (styles, fonts, colours, wording, the order
of the sections) without touching Python. What the tags may use is the report
context (``opsreport context WORKBOOK``) plus ``images`` (the charts as pictures)
and the filters ``good``, ``status``, ``alert``, ``smart`` and ``color``, which
return coloured rich text and therefore go in ``{{r … }}`` tags.

Everything the reader sees is laid out by named styles defined here: Normal,
Title, Subtitle, Lead, Heading 1–3, List Bullet, Problem, Problem Detail, Alert,
Chart, Caption, Table Text, Table Text Small, Table Header, Table Header Small,
Table Number (right-aligned), the table style Report Table and Template Tag
(the grey ``{%p … %}`` control paragraphs, removed when the report is rendered).
Heading 1 is numbered by Word numbering (一、二、 in Chinese, 1. 2. in English),
so sections left out renumber themselves. The output is deterministic: fixed
document properties and zip timestamps, so two runs give byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

TEMPLATES = Path(__file__).resolve().parent.parent / "src" / "opsreport" / "templates"
FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
ZIP_TIME = (2026, 1, 1, 0, 0, 0)

# Page: A4 portrait, 2.2 cm margins. 1 cm = 567 twips (dxa).
PAGE_W, PAGE_H = 11906, 16838
MARGIN = 1247
TEXT_W = PAGE_W - 2 * MARGIN  # 9412 twips = 16.6 cm

DARK = "262626"
HEADER_FILL = "404040"
RULE = "BFBFBF"
GREY = "7F7F7F"
RED = "C62828"
RED_FILL = "FDECEA"

W = nsdecls("w")


@dataclass(frozen=True)
class Lang:
    code: str
    latin: str  # ascii/hAnsi font
    east_asian: str  # w:eastAsia font
    body: float  # Normal size in points
    num_fmt: str
    num_text: str
    num_suffix: str
    open_paren: str
    close_paren: str
    hint: bool  # w:hint="eastAsia": shared punctuation (“”·→…) in the Chinese font


# Latin text in Arial: LibreOffice renders it with the metric-compatible Liberation
# Sans, so a PDF made there breaks lines where Word does. Calibri falls back to the
# much wider DejaVu Sans wherever Carlito is not installed, and the ten-column KPI
# table then no longer fits. Change LATIN to taste; the column widths assume Arial.
LATIN = "Arial"
LANGS = {
    "zh": Lang("zh", LATIN, "Microsoft YaHei", 10.5, "chineseCounting", "%1、", "nothing", "（", "）", True),
    "en": Lang("en", LATIN, "Microsoft YaHei", 10, "decimal", "%1.", "space", " (", ")", False),
}  # fmt: skip


def cm(value: float) -> int:
    return round(value * 567)


# --------------------------------------------------------------------------- XML snippets


def fonts(lang: Lang) -> str:
    return (
        f'<w:rFonts w:ascii="{lang.latin}" w:hAnsi="{lang.latin}" '
        f'w:eastAsia="{lang.east_asian}" w:cs="{lang.latin}"/>'
    )


def run_fonts(lang: Lang) -> str:
    """The run-level font: only w:eastAsia (Latin text follows the paragraph style)."""
    hint = ' w:hint="eastAsia"' if lang.hint else ""
    return f'<w:rFonts w:eastAsia="{lang.east_asian}"{hint}/>'


def run(lang: Lang, text: str, *, bold: bool = False, color: str | None = None) -> str:
    """One run holding ``text`` (tags included) whole: docxtpl needs a tag inside one run."""
    props = run_fonts(lang)
    if bold:
        props += "<w:b/><w:bCs/>"
    if color:
        props += f'<w:color w:val="{color}"/>'
    return f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(
    lang: Lang,
    content: str | list[str],
    style: str | None = None,
    *,
    jc: str | None = None,
    bold: bool = False,
    color: str | None = None,
    keep_next: bool = False,
    before: int | None = None,
) -> str:
    """A paragraph: ``content`` is the text of its single run, or a list of prebuilt runs.

    ``before`` overrides the style's space before the paragraph (points).
    """
    ppr = ""
    if style:
        ppr += f'<w:pStyle w:val="{style}"/>'
    if keep_next:
        ppr += "<w:keepNext/>"
    if before is not None:
        ppr += f'<w:spacing w:before="{before * 20}"/>'
    if jc:
        ppr += f'<w:jc w:val="{jc}"/>'
    runs = (
        "".join(content)
        if isinstance(content, list)
        else (run(lang, content, bold=bold, color=color) if content else "")
    )
    return f"<w:p {W}>" + (f"<w:pPr>{ppr}</w:pPr>" if ppr else "") + runs + "</w:p>"


# --------------------------------------------------------------------------- styles


def style_xml(
    style_id: str,
    name: str,
    *,
    kind: str = "paragraph",
    based_on: str | None = "Normal",
    next_style: str | None = None,
    ppr: str = "",
    rpr: str = "",
    extra: str = "",
    priority: int | None = None,
    qformat: bool = False,
    default: bool = False,
) -> str:
    parts = [f'<w:style {W} w:type="{kind}" w:styleId="{style_id}"' + (' w:default="1"' if default else "") + ">"]  # fmt: skip
    parts.append(f'<w:name w:val="{name}"/>')
    if based_on:
        parts.append(f'<w:basedOn w:val="{based_on}"/>')
    if next_style:
        parts.append(f'<w:next w:val="{next_style}"/>')
    if priority is not None:
        parts.append(f'<w:uiPriority w:val="{priority}"/>')
    if qformat:
        parts.append("<w:qFormat/>")
    if ppr:
        parts.append(f"<w:pPr>{ppr}</w:pPr>")
    if rpr:
        parts.append(f"<w:rPr>{rpr}</w:rPr>")
    parts.append(extra)
    parts.append("</w:style>")
    return "".join(parts)


def size(points: float) -> str:
    half = round(points * 2)
    return f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'


def spacing(before: int = 0, after: int = 0, line: int | None = None) -> str:
    """Spacing in points (before/after) and a line multiple ×240 (auto rule)."""
    text = f'<w:spacing w:before="{before * 20}" w:after="{after * 20}"'
    if line is not None:
        text += f' w:line="{line}" w:lineRule="auto"'
    return text + "/>"


HEADING_NUM_ID = 20
BULLET_NUM_ID = 21


def define_styles(doc, lang: Lang) -> None:
    styles = doc.styles.element
    # Latin text is English even in a Chinese report (zh-CN on Latin text lets
    # LibreOffice break "2026Q1" or "41.9%" in the middle).
    lang_tag = '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
    defaults = styles.find(qn("w:docDefaults"))
    defaults.getparent().replace(
        defaults,
        parse_xml(
            f"<w:docDefaults {W}><w:rPrDefault><w:rPr>{fonts(lang)}{size(lang.body)}{lang_tag}</w:rPr></w:rPrDefault>"
            f"<w:pPrDefault><w:pPr>{spacing(0, 6, 300)}</w:pPr></w:pPrDefault></w:docDefaults>"
        ),
    )
    table_cell_margins = (
        '<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="57" w:type="dxa"/>'
        '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
    )
    heading_rule = f'<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="2" w:color="{RULE}"/></w:pBdr>'  # fmt: skip
    definitions = [
        style_xml("Normal", "Normal", based_on=None, qformat=True, default=True,
                  ppr=f'<w:widowControl/>{spacing(0, 6, 300)}<w:jc w:val="both"/>',
                  rpr=f"{fonts(lang)}{size(lang.body)}"),
        style_xml("Title", "Title", next_style="Subtitle", priority=10, qformat=True,
                  ppr=f'<w:keepNext/>{spacing(0, 6, 240)}<w:jc w:val="center"/><w:outlineLvl w:val="9"/>',
                  rpr=f'{fonts(lang)}<w:b/><w:bCs/><w:color w:val="{DARK}"/><w:kern w:val="28"/>{size(18)}'),
        style_xml("Subtitle", "Subtitle", next_style="Lead", priority=11, qformat=True,
                  ppr=f'{spacing(0, 18, 240)}<w:jc w:val="center"/>',
                  rpr=f'{fonts(lang)}<w:color w:val="{GREY}"/>{size(9.5)}'),
        style_xml("Lead", "Lead", next_style="Normal", qformat=True,
                  ppr=f'<w:pBdr><w:left w:val="single" w:sz="24" w:space="6" w:color="{HEADER_FILL}"/></w:pBdr>'
                  f'<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>{spacing(0, 12, 320)}'
                  '<w:ind w:left="170" w:right="113"/>',
                  rpr=f"{fonts(lang)}{size(lang.body)}"),
        style_xml("Heading1", "heading 1", next_style="Normal", priority=9, qformat=True,
                  ppr=f'<w:keepNext/><w:keepLines/><w:numPr><w:numId w:val="{HEADING_NUM_ID}"/></w:numPr>'
                  f'{heading_rule}{spacing(20, 8, 240)}<w:ind w:left="0" w:firstLine="0"/><w:jc w:val="left"/>'
                  '<w:outlineLvl w:val="0"/>',
                  rpr=f'{fonts(lang)}<w:b/><w:bCs/><w:color w:val="{DARK}"/>{size(15)}'),
        style_xml("Heading2", "heading 2", next_style="Normal", priority=9, qformat=True,
                  ppr=f'<w:keepNext/><w:keepLines/>{spacing(12, 6, 240)}<w:jc w:val="left"/><w:outlineLvl w:val="1"/>',
                  rpr=f'{fonts(lang)}<w:b/><w:bCs/><w:color w:val="{DARK}"/>{size(12)}'),
        style_xml("Heading3", "heading 3", next_style="Normal", priority=9, qformat=True,
                  ppr=f'<w:keepNext/><w:keepLines/>{spacing(8, 4, 240)}<w:jc w:val="left"/><w:outlineLvl w:val="2"/>',
                  rpr=f'{fonts(lang)}<w:b/><w:bCs/><w:color w:val="{DARK}"/>{size(11)}'),
        style_xml("LeadIn", "Lead-in", next_style="Normal", qformat=True,
                  ppr="<w:keepNext/>"),
        style_xml("TableNote", "Table Note", qformat=True, ppr=f"<w:keepLines/>{spacing(8, 6)}"),
        style_xml("ListBullet", "List Bullet", priority=99, qformat=True,
                  ppr=f'<w:numPr><w:numId w:val="{BULLET_NUM_ID}"/></w:numPr>{spacing(0, 3, 300)}'
                  '<w:ind w:left="360" w:hanging="240"/><w:jc w:val="left"/>'),
        style_xml("Problem", "Problem", next_style="ProblemDetail", qformat=True,
                  ppr=f'<w:keepNext/><w:keepLines/>{spacing(8, 3, 300)}<w:jc w:val="left"/>',
                  rpr=f'<w:b/><w:bCs/><w:color w:val="{DARK}"/>'),
        style_xml("ProblemDetail", "Problem Detail", qformat=True,
                  ppr=f'{spacing(0, 3, 300)}<w:ind w:left="420"/><w:jc w:val="left"/>'),
        style_xml("Alert", "Alert", qformat=True,
                  ppr='<w:pBdr>'
                  + "".join(f'<w:{side} w:val="single" w:sz="8" w:space="4" w:color="{RED}"/>'
                            for side in ("top", "left", "bottom", "right"))
                  + f'</w:pBdr><w:shd w:val="clear" w:color="auto" w:fill="{RED_FILL}"/>'
                  f'{spacing(0, 0, 300)}<w:ind w:left="113" w:right="113"/><w:jc w:val="left"/>',
                  rpr=f'<w:color w:val="{RED}"/>'),
        style_xml("Chart", "Chart", next_style="Caption", qformat=True,
                  ppr=f'{spacing(6, 8, 240)}<w:jc w:val="center"/>'),
        style_xml("Caption", "caption", next_style="Normal", priority=35, qformat=True,
                  ppr=f'{spacing(2, 10, 240)}<w:jc w:val="center"/>',
                  rpr=f'<w:color w:val="595959"/>{size(9)}'),
        style_xml("TableText", "Table Text", qformat=True,
                  ppr='<w:spacing w:before="0" w:after="0" w:line="250" w:lineRule="exact"/><w:jc w:val="left"/>',
                  rpr=size(9)),
        style_xml("TableTextSmall", "Table Text Small", based_on="TableText", qformat=True,
                  ppr='<w:spacing w:before="0" w:after="0" w:line="220" w:lineRule="exact"/>',
                  rpr=size(8)),
        style_xml("TableNumber", "Table Number", based_on="TableText", qformat=True,
                  ppr='<w:jc w:val="right"/>'),
        style_xml("TableNumberSmall", "Table Number Small", based_on="TableTextSmall", qformat=True,
                  ppr='<w:jc w:val="right"/>'),
        style_xml("TableHeader", "Table Header", based_on="TableText", qformat=True,
                  ppr="<w:keepNext/>", rpr='<w:b/><w:bCs/><w:color w:val="FFFFFF"/>'),
        style_xml("TableHeaderSmall", "Table Header Small", based_on="TableTextSmall", qformat=True,
                  ppr="<w:keepNext/>", rpr='<w:b/><w:bCs/><w:color w:val="FFFFFF"/>'),
        style_xml("TemplateTag", "Template Tag",
                  ppr=f'{spacing(0, 0, 240)}<w:jc w:val="left"/>',
                  rpr=f'<w:color w:val="A6A6A6"/>{size(8)}'),
        style_xml("Header", "header", ppr=f'{spacing(0, 0, 240)}<w:jc w:val="right"/>',
                  rpr=f'<w:color w:val="{GREY}"/>{size(8)}'),
        style_xml("Footer", "footer", ppr=f'{spacing(0, 0, 240)}<w:jc w:val="center"/>',
                  rpr=f'<w:color w:val="{GREY}"/>{size(8)}'),
        style_xml("ReportTable", "Report Table", kind="table", based_on="TableNormal", priority=59,
                  qformat=True, ppr=spacing(0, 0, 240),
                  extra=f'<w:tblPr><w:tblBorders>'
                  f'<w:top w:val="single" w:sz="8" w:space="0" w:color="{HEADER_FILL}"/>'
                  f'<w:bottom w:val="single" w:sz="8" w:space="0" w:color="{HEADER_FILL}"/>'
                  f'<w:insideH w:val="single" w:sz="4" w:space="0" w:color="D9D9D9"/>'
                  f"</w:tblBorders>{table_cell_margins}</w:tblPr>"
                  f'<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/><w:color w:val="FFFFFF"/></w:rPr>'
                  f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/></w:tcPr></w:tblStylePr>'),
    ]  # fmt: skip
    # The default template's 140 table styles (Light Shading …) only clutter Word's gallery.
    keep = {"TableNormal", "TableGrid"}
    for old in styles.findall(qn("w:style")):
        if old.get(qn("w:type")) == "table" and old.get(qn("w:styleId")) not in keep:
            styles.remove(old)
    for xml in definitions:
        element = parse_xml(xml)
        style_id = element.get(qn("w:styleId"))
        for old in styles.findall(qn("w:style")):
            if old.get(qn("w:styleId")) == style_id:
                styles.remove(old)
        styles.append(element)
    # Linked character styles of the defaults keep the theme fonts; point them at ours.
    for old in styles.findall(qn("w:style")):
        rpr = old.find(qn("w:rPr"))
        if rpr is not None and (rfonts := rpr.find(qn("w:rFonts"))) is not None:
            rpr.replace(rfonts, parse_xml(fonts(lang).replace("<w:rFonts", f"<w:rFonts {W}", 1)))


def define_numbering(doc, lang: Lang) -> None:
    """Heading 1 numbered 一、二、 (zh) or 1. 2. (en); a plain • for List Bullet."""
    numbering = doc.part.numbering_part.element
    levels = "".join(
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="none"/>'
        f'<w:lvlText w:val=""/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="0" w:firstLine="0"/></w:pPr></w:lvl>'
        for level in range(1, 9)
    )
    heading = parse_xml(
        f'<w:abstractNum {W} w:abstractNumId="{HEADING_NUM_ID}"><w:nsid w:val="4F505301"/>'
        '<w:multiLevelType w:val="multilevel"/><w:tmpl w:val="4F505302"/>'
        f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{lang.num_fmt}"/>'
        f'<w:pStyle w:val="Heading1"/><w:suff w:val="{lang.num_suffix}"/>'
        f'<w:lvlText w:val="{lang.num_text}"/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:ind w:left="0" w:firstLine="0"/></w:pPr></w:lvl>'
        f"{levels}</w:abstractNum>"
    )
    bullet = parse_xml(
        f'<w:abstractNum {W} w:abstractNumId="{BULLET_NUM_ID}"><w:nsid w:val="4F505303"/>'
        '<w:multiLevelType w:val="singleLevel"/><w:tmpl w:val="4F505304"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
        '<w:pStyle w:val="ListBullet"/><w:lvlText w:val="•"/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:ind w:left="360" w:hanging="240"/></w:pPr>'
        f'<w:rPr><w:rFonts w:ascii="{lang.latin}" w:hAnsi="{lang.latin}" w:hint="default"/>'
        f'<w:color w:val="{GREY}"/></w:rPr></w:lvl></w:abstractNum>'
    )
    first_num = numbering.find(qn("w:num"))
    first_num.addprevious(heading)
    first_num.addprevious(bullet)
    for number in (HEADING_NUM_ID, BULLET_NUM_ID):
        numbering.append(
            parse_xml(f'<w:num {W} w:numId="{number}"><w:abstractNumId w:val="{number}"/></w:num>')
        )


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Col:
    header: str  # the header cell text (a tag)
    cell: str  # the template row's cell text (a tag)
    width: float | None  # cm; None shares the rest of the text width (by ``flex``)
    number: bool = False
    flex: float = 1.0


def widths(cols: list[Col], total: int = TEXT_W) -> list[int]:
    """Column widths in twips summing to ``total`` (the text width) exactly."""
    fixed = sum(cm(c.width) for c in cols if c.width is not None)
    flexible = [c for c in cols if c.width is None]
    rest = total - fixed
    weight = sum(c.flex for c in flexible)
    if flexible and rest < cm(1.5) * len(flexible):
        raise SystemExit(f"columns too wide: {[c.header for c in cols]}")
    result = [cm(c.width) if c.width is not None else int(rest * c.flex / weight) for c in cols]
    result[cols.index(flexible[0]) if flexible else -1] += total - sum(result)
    return result


def cell(
    lang: Lang,
    width: int,
    content: str,
    style: str,
    *,
    fill: str | None = None,
    top_rule: bool = False,
    bold: bool = False,
    keep_next: bool = False,
    borders: str = "",
) -> str:
    tcpr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if top_rule:
        borders += f'<w:top w:val="single" w:sz="8" w:space="0" w:color="{HEADER_FILL}"/>'
    if borders:
        tcpr += f"<w:tcBorders>{borders}</w:tcBorders>"
    if fill:
        tcpr += f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'
    tcpr += '<w:vAlign w:val="top"/>' if not fill else '<w:vAlign w:val="bottom"/>'
    # Each line its own run (a tag never spans two); "{{r" rich text brings its own weight.
    runs = "<w:r><w:br/></w:r>".join(
        run(lang, line, bold=bold and not line.startswith("{{r "))
        for line in content.split("\n")
        if line
    )
    keep = "<w:keepNext/>" if keep_next else ""
    return f'<w:tc><w:tcPr>{tcpr}</w:tcPr><w:p><w:pPr><w:pStyle w:val="{style}"/>{keep}</w:pPr>{runs}</w:p></w:tc>'


def table(
    lang: Lang,
    cols: list[Col],
    loop: str,
    *,
    small: bool = False,
    total: list[str] | None = None,
    detail: list[str] | None = None,
    keep: bool = False,
    width: int = TEXT_W,
) -> str:
    """A table (full width unless ``width`` says less): a repeated dark header row, a ``{%tr for %}`` row loop, a total row.

    ``detail`` (prebuilt runs) adds a second, full-width row to each item of the loop,
    kept on the page with the first and not ruled off from it. ``keep`` keeps the
    rows with the total row, so a short table is not split before its total (only
    with a total row: keep-with-next on the last row would chain the table to the
    next heading, summary and chart and push them all to a new page).
    """
    if keep and total is None:
        raise ValueError("keep needs a total row")
    sizes = widths(cols, width)
    text_style, number_style, header_style = (
        ("TableTextSmall", "TableNumberSmall", "TableHeaderSmall")
        if small
        else ("TableText", "TableNumber", "TableHeader")
    )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in sizes)
    rows = []
    # Numeric headers right-aligned like their column.
    header_cells = []
    for c, w in zip(cols, sizes, strict=True):
        xml = cell(lang, w, c.header, header_style, fill=HEADER_FILL)
        if c.number:
            xml = xml.replace("</w:pPr>", '<w:jc w:val="right"/></w:pPr>', 1)
        header_cells.append(xml)
    header = "".join(header_cells)
    rows.append(f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{header}</w:tr>")

    def control_row(tag: str) -> str:
        cells = [cell(lang, sizes[0], tag, "TemplateTag")]
        cells += [cell(lang, w, "", "TemplateTag") for w in sizes[1:]]
        return f"<w:tr>{''.join(cells)}</w:tr>"

    rows.append(control_row("{%tr " + loop + " %}"))
    no_rule = '<w:bottom w:val="nil"/>' if detail else ""
    body = "".join(
        cell(
            lang,
            w,
            c.cell,
            number_style if c.number else text_style,
            keep_next=bool(detail) or keep,
            borders=no_rule,
        )
        for c, w in zip(cols, sizes, strict=True)
    )
    rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{body}</w:tr>")
    if detail:
        rows.append(
            f'<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>'
            f'<w:gridSpan w:val="{len(cols)}"/><w:tcBorders><w:top w:val="nil"/></w:tcBorders></w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="{text_style}"/><w:spacing w:after="40"/>'
            f'<w:ind w:left="{sizes[0]}"/></w:pPr>{"".join(detail)}</w:p></w:tc></w:tr>'
        )
    rows.append(control_row("{%tr endfor %}"))
    if total is not None:
        cells = "".join(
            cell(lang, w, text, number_style if c.number else text_style, top_rule=True, bold=True)
            for c, w, text in zip(cols, sizes, total, strict=True)
        )
        rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>")
    pad = 34 if small else 57  # cell padding: 0.06 cm in the wide tables, else 0.1 cm
    tblpr = (
        '<w:tblPr><w:tblStyle w:val="ReportTable"/>'
        f'<w:tblW w:w="{width}" w:type="dxa"/><w:tblInd w:w="0" w:type="dxa"/>'
        '<w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="{pad}" w:type="dxa"/>'
        f'<w:bottom w:w="28" w:type="dxa"/><w:right w:w="{pad}" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'
    )
    return f"<w:tbl {W}>{tblpr}<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


# --------------------------------------------------------------------------- the report


class Body:
    def __init__(self, doc, lang: Lang) -> None:
        self.lang = lang
        self.body = doc.element.body
        self.sect = self.body.find(qn("w:sectPr"))

    def add(self, xml: str) -> None:
        self.sect.addprevious(parse_xml(xml))

    def p(self, content: str | list[str], style: str | None = None, **kw) -> None:
        self.add(para(self.lang, content, style, **kw))

    def tag(self, text: str) -> None:
        """A control paragraph ``{%p … %}``: alone in its paragraph, removed on rendering."""
        self.p("{%p " + text + " %}", "TemplateTag")

    def r(self, text: str, **kw) -> str:
        return run(self.lang, text, **kw)

    def chart(self, key: str) -> None:
        """A chart picture, left out when that chart was not drawn.

        No caption: the picture carries its title (IBCS) and a caption repeated it.
        """
        self.tag(f"if {key} in images")
        self.p("{{ images[" + key + "] }}", "Chart")
        self.tag("endif")

    def table(self, cols: list[Col], loop: str, **kw: Any) -> None:
        self.add(table(self.lang, cols, loop, **kw))


def quarter_table(b: Body) -> None:
    """The quarters of a KPI, without the plan or prior-year columns it has no figures for.

    One table per case under ``{%p if %}``: each stays a plain table to restyle in Word
    (Word has no conditional column). A table with fewer columns is narrower, so that its
    figures stay near their period.
    """
    period = Col("{{ labels.period }}", "{{ row.period }}", None)
    actual = Col("{{ labels.ac }}", "{{ row.actual }}", 2.2, True)
    target = Col("{{ labels.pl }}", "{{ row.target }}", 2.2, True)
    prior = Col("{{ labels.py }}", "{{ row.prior_year }}", 2.2, True)
    attainment = Col("{{ labels.attainment }}", "{{ row.attainment }}", 2.0, True)
    delta_prior = Col(
        "{{ labels.dpy }}", "{{r row.delta_prior | good(row.good_prior) }}", 2.4, True
    )
    qoq = Col("{{ labels.qoq }}", "{{r row.qoq | good(row.good_qoq) }}", 2.4, True)
    cases = [
        ("if q.has_target and q.has_prior_year", [target, prior, attainment, delta_prior]),
        ("elif q.has_target", [target, attainment]),
        ("elif q.has_prior_year", [prior, delta_prior]),
        ("else", []),
    ]
    for tag, middle in cases:
        b.tag(tag)
        numbers = [actual, *middle, qoq]
        if len(middle) == 4:
            b.table([period, *numbers], "for row in q.rows")
            continue
        period_col = Col(period.header, period.cell, 3.0)
        numbers = [Col(c.header, c.cell, None, True) for c in numbers]
        b.table([period_col, *numbers], "for row in q.rows", width=cm(3.0 + 3.2 * len(numbers)))
    b.tag("endif")


def kpi_columns(lang: Lang) -> list[Col]:
    zh = lang.code == "zh"
    money, delta, pct = (1.9, 2.05, 1.3) if zh else (1.9, 1.9, 1.15)
    return [
        Col("{{ labels.kpi }}", "{{ kpi.name }}", None),
        Col("{{ labels.ac }}", "{{ kpi.actual }}", money, True),
        Col("{{ labels.pl }}", "{{ kpi.target }}", money, True),
        Col("{{ labels.py }}", "{{ kpi.prior_year }}", money, True),
        Col("{{ labels.dpl }}", "{{r kpi.var_target | good(kpi.good_target) }}", delta, True),
        Col("{{ labels.dpl_pct }}", "{{r kpi.var_target_pct | good(kpi.good_target) }}", pct, True),
        Col("{{ labels.dpy }}", "{{r kpi.var_prior | good(kpi.good_prior) }}", delta, True),
        Col("{{ labels.dpy_pct }}", "{{r kpi.var_prior_pct | good(kpi.good_prior) }}", pct, True),
        Col("{{ labels.attainment }}", "{{ kpi.attainment }}", 1.1 if zh else 1.6, True),
        Col(
            "{{ labels.status }}",
            "{{r kpi.status_label | status(kpi.status) }}",
            1.0 if zh else 1.15,
        ),
    ]


def risk_columns(lang: Lang) -> list[Col]:
    """Eleven columns; the response, the longest text, gets the full-width row under each risk."""
    zh = lang.code == "zh"
    return [
        Col("#", "{{r risk.no | alert(risk.triggered) }}", 0.75),
        Col("{{ labels.risk }}", "{{ risk.risk }}", None),
        Col("{{ labels.category }}", "{{ risk.category }}", 1.2 if zh else 1.65),
        Col("{{ labels.likelihood }}", "{{ risk.likelihood }}", 1.1 if zh else 1.55, True),
        Col("{{ labels.severity }}", "{{ risk.impact }}", 1.35 if zh else 1.15, True),
        Col("{{ labels.score }}", "{{ risk.score }}", 1.1 if zh else 1.05, True),
        Col("{{ labels.kpi }}", "{{ risk.kpi }}", 1.9 if zh else 1.8),
        Col("{{ labels.trigger }}", "{{ risk.threshold }}", 1.45),
        Col("{{ labels.observed }}", "{{ risk.observed }}", 1.75 if zh else 1.6, True),
        Col("{{ labels.status }}", '{{r risk.status | alert(risk.triggered, "⚠ ") }}', 1.6 if zh else 1.8),
        Col("{{ labels.owner }}", "{{ risk.owner }}", 1.1 if zh else 1.55),
    ]  # fmt: skip


def goal_columns(lang: Lang) -> list[Col]:
    zh = lang.code == "zh"
    return [
        Col(
            "{{ labels.goal }}", '{{r goal.goal | alert(not goal.is_smart, "✗ ") }}', None, flex=1.3
        ),
        Col("{{ labels.kpi }}", "{{ goal.kpi }}", 1.6 if zh else 1.8),
        Col(
            "{{ labels.baseline }}\n→ {{ labels.target }}",
            "{{ goal.baseline }}\n→ {{ goal.target }}",
            1.8 if zh else 1.9,
            True,
        ),
        # The percent on its own line: "-4.5天（-9.3%）" wrapped after its minus sign.
        Col(
            "{{ labels.change }}",
            "{{ goal.required_change_amount }}{% if goal.required_change_pct %}\n"
            + ("（{{ goal.required_change_pct }}）" if zh else "({{ goal.required_change_pct }})")
            + "{% endif %}",
            2.2,
            True,
        ),
        Col("{{ labels.deadline }}", "{{ goal.deadline }}", 1.65),
        Col("{{ labels.owner }}", "{{ goal.owner }}", 1.1 if zh else 1.4),
        Col("{{ labels.measure }}", "{{ goal.measure }}", None),
        Col("{{ labels.aligns_to }}", "{{ goal.aligns_to }}", None),
        # Two lines, S M A / R T: one line would take 2.6 cm.
        Col("SMART", "{{r goal.smart | smart }}", 1.65),
    ]


def build_body(doc, lang: Lang) -> None:
    b = Body(doc, lang)
    zh = lang.code == "zh"
    op, cp = lang.open_paren, lang.close_paren

    # Title block and opening paragraph.
    b.p("{{ meta.title }}", "Title")
    b.p(
        "{% if meta.org %}{{ labels.org }}{{ labels.colon }}{{ meta.org }} · {% endif %}"
        "{% if meta.author %}{{ labels.author }}{{ labels.colon }}{{ meta.author }} · {% endif %}"
        "{{ labels.date }}{{ labels.colon }}{{ meta.date }}",
        "Subtitle",
    )
    b.p(
        [
            b.r("{{ summary.opening }}{% if summary.headline %}{{ labels.gap }}{% endif %}"),
            b.r("{{ summary.headline }}", bold=True),
        ],
        "Lead",
    )

    # Results against target.
    b.tag("if sections.results")
    b.p("{{ labels.results }}", "Heading1")
    for key in ('"attainment"', '"variance_target"', '"variance_prior"'):
        b.chart(key)
    b.tag("for group in groups")
    b.p("{{ group.name }}", "Heading2")
    b.p("{{ group.summary }}", "LeadIn")
    b.tag("for kpi in group.kpis")
    b.p("{{ kpi.sentence }}", "ListBullet")
    b.tag("endfor")
    b.table(kpi_columns(lang), "for kpi in group.kpis", small=True)
    b.tag("if group.more")
    b.p("{{ group.more.text }}", "TableNote", color=GREY)
    b.tag("endif")
    b.tag("endfor")
    b.tag("endif")

    # Quarterly trend.
    b.tag("if sections.quarters")
    b.p("{{ labels.quarters }}", "Heading1")
    b.tag("for q in quarters")
    b.p("{{ q.name }}", "Heading2")
    b.tag("if q.summary")
    b.p("{{ q.summary }}", "LeadIn")
    b.tag("endif")
    b.chart("q.chart")
    quarter_table(b)
    b.tag("endfor")
    b.tag("endif")

    # Breakdown.
    b.tag("if sections.breakdown")
    b.p("{{ labels.breakdown }}", "Heading1")
    b.tag("for table in breakdowns")
    b.p("{{ table.dimension }} · {{ table.kpi }}", "Heading2")
    b.p("{{ table.summary }}", "LeadIn")
    b.chart("table.chart")
    b.table(
        [
            Col("{{ labels.rank }}", "{{ row.rank }}", 1.1, True),
            Col("{{ labels.item }}", "{{ row.item }}", None),
            Col("{{ labels.ac }}", "{{ row.actual }}", 2.3, True),
            Col("{{ labels.share }}", "{{ row.share }}", 1.5, True),
            Col("{{ labels.py }}", "{{ row.prior_year }}", 2.3, True),
            Col("{{ labels.share_prior }}", "{{ row.share_prior }}", 1.65, True),
            Col("{{ labels.share_change }}", "{{ row.share_change }}", 2.35, True),
            Col(
                "{{ labels.dpy_pct }}", "{{r row.var_prior_pct | good(row.good_prior) }}", 1.6, True
            ),
        ],
        "for row in table.rows",
        keep=True,
        total=[
            "",
            "{{ labels.total }}",
            "{{ table.total }}",
            "100.0%",
            "{{ table.total_prior }}",
            "100.0%",
            "",
            "",
        ],
    )
    b.tag("endfor")
    b.tag("endif")

    # Problems and their causes, grouped by area.
    b.tag("if sections.problems")
    b.p("{{ labels.problems }}", "Heading1")
    b.tag("for area in problem_areas")
    b.p("{{ area.area or labels.problems }}", "Heading2")
    b.tag("for problem in area.problems")
    b.p("{{ problem.problem }}", "Problem")
    for field, label in (
        ("figures", "related"),
        ("subjective", "subjective"),
        ("objective", "objective"),
        ("impact", "impact"),
        ("action", "action"),
    ):
        b.tag(f"if problem.{field}")
        b.p(
            [
                b.r("{{ labels." + label + " }}{{ labels.colon }}", bold=True),
                b.r("{{ problem." + field + " }}"),
            ],
            "ProblemDetail",
        )
        b.tag("endif")
    b.tag("endfor")
    b.tag("endfor")
    b.tag("endif")

    # Next year's SMART goals.
    b.tag("if sections.goals")
    b.p("{{ labels.goals }}", "Heading1")
    b.table(goal_columns(lang), "for goal in goals", small=True)
    b.tag("if goals_not_smart")
    b.p("{{ labels.not_smart }}{{ labels.colon }}", "TableNote", bold=True, keep_next=True)
    b.tag("for goal in goals_not_smart")
    b.p(
        [
            b.r("✗ {{ goal.goal }}", bold=True, color=RED),
            b.r("{{ labels.colon }}{{ goal.why_not }}"),
        ],
        "ListBullet",
    )
    b.tag("endfor")
    b.tag("endif")
    b.tag("endif")

    # Tasks and milestones.
    b.tag("if sections.tasks")
    b.p("{{ labels.tasks }}", "Heading1")
    b.chart('"timeline"')
    b.tag("for phase in tasks.phases")
    b.p("{{ phase.name or labels.phase }}", "Heading2")
    b.table(
        [
            Col("{{ labels.task }}", "{{ task.task }}", None),
            Col("{{ labels.start }}", "{{ task.start }}", 1.95),
            Col("{{ labels.end }}", "{{ task.end }}", 1.95),
            Col("{{ labels.owner }}", "{{ task.owner }}", 1.5 if zh else 2.2),
            Col("{{ labels.milestone }}", "{{ task.milestone }}", 2.6 if zh else 2.7),
            Col("{{ labels.deliverable }}", "{{ task.deliverable }}", None),
        ],
        "for task in phase.tasks",
    )
    b.tag("endfor")
    b.tag("if tasks.milestones")
    b.p("{{ labels.milestones }}", "Heading2")
    b.tag("for m in tasks.milestones")
    b.p(
        [
            b.r("{{ m.date }} "),
            b.r("{{ m.milestone }}", bold=True),
            b.r("{% if m.deliverable %}" + op + "{{ m.deliverable }}" + cp + "{% endif %}"),
        ],
        "ListBullet",
    )
    b.tag("endfor")
    b.tag("endif")
    b.tag("endif")

    # Resources.
    b.tag("if sections.resources")
    b.p("{{ labels.resources }}", "Heading1")
    b.tag("for category in resources.categories")
    b.p(
        "{{ category.name }}"
        + op
        + "{{ labels.total }}"
        + ("" if zh else " ")
        + "{{ category.total }}"
        + cp,
        "Heading2",
    )
    b.table(
        [
            Col("{{ labels.item }}", "{{ item.item }}", 5.0),
            Col("{{ labels.amount }}", "{{ item.amount }}", 2.6, True),
            Col("{{ labels.share }}", "{{ item.share }}", 1.8, True),
            Col("{{ labels.note }}", "{{ item.note }}", None),
        ],
        'for item in category["items"]',
        keep=True,
        total=["{{ labels.total }}", "{{ category.total }}", "", ""],
    )
    b.tag("endfor")
    b.p(
        [b.r("{{ labels.total }}{{ labels.colon }}", bold=True), b.r("{{ resources.total }}")],
        "TableNote",
    )
    b.tag("endif")

    # Risks: the triggered ones first, in a red box.
    b.tag("if sections.risks")
    b.p("{{ labels.risks }}", "Heading1")
    b.tag("if risks_triggered")
    b.p("⚠ {{ labels.triggered_header }}{{ labels.colon }}", "Alert", bold=True)
    b.tag("for risk in risks_triggered")
    b.p(
        [
            b.r("{{ risk.no }} {{ risk.risk }}", bold=True),
            b.r(
                "{{ labels.colon }}{{ risk.kpi }} {{ risk.observed }}"
                + op
                + "{{ labels.trigger }} {{ risk.threshold }}"
                + cp
                + " → {{ risk.response }}"
            ),
        ],
        "Alert",
    )
    b.tag("endfor")
    b.tag("endif")
    b.chart('"risks"')
    b.table(
        risk_columns(lang),
        "for risk in risks",
        small=True,
        detail=[
            b.r("{{ labels.response }}{{ labels.colon }}", bold=True),
            b.r("{{ risk.response }}"),
        ],
    )
    b.tag("endif")
    b.p("")  # a document ends with a paragraph, not a table


# --------------------------------------------------------------------------- the plan


def plan_target_columns(lang: Lang) -> list[Col]:
    """Goal, baseline, annual target, the four quarters (this quarter's in bold), the split."""
    zh = lang.code == "zh"
    amount, quarter = (1.75, 1.75) if zh else (1.95, 1.8)
    op, cp = lang.open_paren, lang.close_paren
    return [
        Col("{{ labels.goal }}", "{{ t.name }}", None),
        Col("{{ labels.baseline }}", "{{ t.baseline }}", amount, True),
        Col("{{ plan_labels.annual_target }}", "{{ t.annual }}", amount, True),
        *(
            Col(f"Q{n}", f"{{{{r t.quarters[{n - 1}] | color(bold=plan.quarter == {n}) }}}}", quarter, True)
            for n in (1, 2, 3, 4)
        ),
        Col("{{ plan_labels.method }}", "{{ t.method }}" + op + "{{ t.aggregation }}" + cp, 2.4 if zh else 2.6),
    ]  # fmt: skip


def build_plan_body(doc, lang: Lang) -> None:
    """The quarterly plan draft: the sections of ``common/plan.md.j2``, in its order."""
    b = Body(doc, lang)
    zh = lang.code == "zh"
    op, cp = lang.open_paren, lang.close_paren

    b.p("{{ plan.title }}", "Title")
    b.p(
        "{% if meta.org %}{{ labels.org }}{{ labels.colon }}{{ meta.org }} · {% endif %}"
        "{% if meta.author %}{{ labels.author }}{{ labels.colon }}{{ meta.author }} · {% endif %}"
        "{{ labels.period }}{{ labels.colon }}{{ plan.start }} – {{ plan.end }} · "
        "{{ labels.date }}{{ labels.colon }}{{ meta.date }}",
        "Subtitle",
    )

    # Background: the year in one paragraph, the quarterly trend in bullets.
    b.p("{{ plan_labels.background }}", "Heading1")
    b.p(
        [
            b.r("{{ summary.opening }}{% if summary.headline %}{{ labels.gap }}{% endif %}"),
            b.r("{{ summary.headline }}", bold=True),
        ]
    )
    b.tag("for q in quarters")
    b.tag("if q.summary")
    b.p("{{ q.summary }}", "ListBullet")
    b.tag("endif")
    b.tag("endfor")

    # Problem definition: the KPIs short of target, then the problems and their actions.
    b.p("{{ plan_labels.problem }}", "Heading1")
    b.tag("if plan.gaps")
    b.table(
        [
            Col("{{ labels.kpi }}", "{{ k.name }}", None),
            Col("{{ labels.ac }}", "{{ k.actual }}", 2.3, True),
            Col("{{ labels.pl }}", "{{ k.target }}", 2.3, True),
            Col("{{ labels.dpl }}", "{{r k.delta_target | good(k.good_target) }}", 2.3, True),
            Col("{{ labels.attainment }}", "{{ k.attainment }}", 1.9 if zh else 2.0, True),
            Col("{{ labels.status }}", "{{r k.status_label | status(k.status) }}", 1.7),
        ],
        "for k in plan.gaps",
    )
    b.tag("endif")
    b.tag("for p in problems")
    b.p(
        [
            b.r("{{ p.problem }}", bold=True),
            b.r(
                "{% if p.area %}" + op + "{{ p.area }}" + cp + "{% endif %}"
                "{% if p.action %}{{ labels.colon }}{{ p.action }}{% endif %}"
            ),
        ],
        "ListBullet",
        before=4,
    )
    b.tag("endfor")

    # Targets of the quarter.
    b.tag("if sections.plan_targets")
    b.p("{{ plan_labels.targets }}", "Heading1")
    b.table(plan_target_columns(lang), "for t in plan.targets", small=True)
    b.tag("endif")

    # Implementation path: the quarter's tasks by phase.
    b.p("{{ plan_labels.path }}", "Heading1")
    b.tag("if plan.phases")
    b.tag("for phase in plan.phases")
    b.p("{{ phase.name or labels.phase }}", "Heading2")
    b.table(
        [
            Col("{{ labels.task }}", "{{ t.task }}{% if t.carries_over %} ↔{% endif %}", None),
            Col("{{ labels.start }}", "{{ t.start }}", 1.95),
            Col("{{ labels.end }}", "{{ t.end }}", 1.95),
            Col("{{ labels.owner }}", "{{ t.owner }}", 1.5 if zh else 2.3),
            Col("{{ labels.deliverable }}", "{{ t.deliverable }}", None),
        ],
        "for t in phase.tasks",
    )
    b.tag("endfor")
    b.p("{{ plan_labels.carries_over }}", "TableNote", color=GREY)
    b.tag("else")
    b.p("{{ plan_labels.no_tasks }}")
    b.tag("endif")
    b.tag("if plan.undated")
    b.p(
        [
            b.r("{{ plan_labels.undated }}{{ labels.colon }}", bold=True),
            b.r("{{ plan.undated | join(labels.sep) }}"),
        ]
    )
    b.tag("endif")

    # Risk assessment: the matrix, the register, then the quarter's warning lines.
    b.tag("if sections.risks")
    b.p("{{ plan_labels.risks }}", "Heading1")
    b.chart('"risks"')
    b.table(
        risk_columns(lang),
        "for risk in risks",
        small=True,
        detail=[
            b.r("{{ labels.response }}{{ labels.colon }}", bold=True),
            b.r("{{ risk.response }}"),
        ],
    )
    b.tag("endif")
    b.tag("if sections.plan_targets")
    b.p("{{ plan_labels.monitoring }}", "Heading2")
    b.table(
        [
            Col("{{ labels.goal }}", "{{ t.name }}", None, flex=1.4),
            Col("{{ plan_labels.quarter_target }}", "{{ t.target }}", 2.4, True),
            Col("{{ plan_labels.warning_line }}", "{{ t.warning_line }}", 2.4, True),
            Col("{{ plan_labels.rule }}", "{{ t.rule }}", None),
        ],
        "for t in plan.targets",
    )
    b.tag("endif")

    # Resources for the quarter.
    b.tag("if sections.plan_resources")
    b.p("{{ plan_labels.resources }}", "Heading1")
    b.table(
        [
            Col("{{ labels.category }}", "{{ r.category }}", 1.5 if zh else 2.2),
            Col("{{ labels.item }}", "{{ r.item }}", None, flex=1.2),
            Col("{{ plan_labels.annual }}", "{{ r.annual }}", 2.2, True),
            Col("{{ plan_labels.quarter_share }}", "{{ r.quarter }}", 2.2, True),
            Col(
                "{{ labels.note }}",
                "{{ r.basis }}{% if r.note %}{{ labels.sep }}{{ r.note }}{% endif %}",
                None,
            ),
        ],
        "for r in plan.resources",
    )
    b.tag("endif")

    # Timeline and milestones.
    b.p("{{ plan_labels.timeline }}", "Heading1")
    b.chart('"timeline"')
    b.tag("for m in plan.milestones")
    b.p(
        [
            b.r("{{ m.date }} "),
            b.r("{{ m.milestone }}", bold=True),
            b.r(
                "{% if m.deliverable %}" + op + "{{ m.deliverable }}" + cp + "{% endif %}"
                "{% if m.owner %} · {{ m.owner }}{% endif %}"
            ),
        ],
        "ListBullet",
    )
    b.tag("else")
    b.p("{{ plan_labels.no_tasks }}")
    b.tag("endfor")
    b.p("")  # a document ends with a paragraph, not a table


def setup_section(doc, lang: Lang, title: str = "{{ meta.title }}") -> None:
    section = doc.sections[0]
    sect = section._sectPr
    for child in list(sect):
        sect.remove(child)
    for attribute in list(sect.attrib):
        del sect.attrib[attribute]
    sect.append(parse_xml(f'<w:pgSz {W} w:w="{PAGE_W}" w:h="{PAGE_H}"/>'))
    sect.append(
        parse_xml(
            f'<w:pgMar {W} w:top="{MARGIN}" w:right="{MARGIN}" w:bottom="{MARGIN}" '
            f'w:left="{MARGIN}" w:header="680" w:footer="567" w:gutter="0"/>'
        )
    )
    sect.append(parse_xml(f'<w:cols {W} w:space="425"/>'))
    sect.append(parse_xml(f'<w:docGrid {W} w:linePitch="360"/>'))
    # Header: the title from page 2 on; footer: the page number on every page.
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    header_p = header.paragraphs[0]._p
    header_p.getparent().replace(header_p, parse_xml(para(lang, title, "Header")))
    first = section.first_page_header
    first.is_linked_to_previous = False
    for footer in (section.footer, section.first_page_footer):
        footer.is_linked_to_previous = False
        old = footer.paragraphs[0]._p
        old.getparent().replace(
            old,
            parse_xml(
                f'<w:p {W}><w:pPr><w:pStyle w:val="Footer"/></w:pPr>'
                f'<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>'
            ),
        )


def setup_settings(doc, lang: Lang) -> None:
    settings = doc.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        settings.remove(theme_lang)
    for element in list(settings):
        if element.tag in {qn("w:rsids"), qn("w:attachedTemplate")}:
            settings.remove(element)


def setup_properties(doc) -> None:
    props = doc.core_properties
    props.author = "opsreport"
    props.last_modified_by = "opsreport"
    props.title = ""
    props.subject = ""
    props.comments = "opsreport Word template: edit styles, fonts and wording in Word; the tags are filled from the workbook."
    props.keywords = ""
    props.category = ""
    props.revision = 1
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    package = doc.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rel_id)
    # Word 2010's stylesWithEffects copy would keep the old theme-font styles alive.
    for rel_id, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.rels.pop(rel_id)


# The templates: file name → (body builder, the title tag of the page header).
KINDS = {
    "report": (build_body, "{{ meta.title }}"),
    "plan": (build_plan_body, "{{ plan.title }}"),
}


def build(lang_code: str, kind: str = "report") -> bytes:
    """The template ``<kind>.docx`` (``report`` or ``plan``) of one language, as bytes."""
    body, title = KINDS[kind]
    lang = LANGS[lang_code]
    doc = Document()
    define_styles(doc, lang)
    define_numbering(doc, lang)
    setup_section(doc, lang, title)
    setup_settings(doc, lang)
    setup_properties(doc)
    body(doc, lang)
    raw = io.BytesIO()
    doc.save(raw)
    return normalise_zip(raw.getvalue())


def normalise_zip(data: bytes) -> bytes:
    """Fixed timestamps and order: the same input gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename.startswith("docProps/thumbnail"):
                continue
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, source.read(info.filename))
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=TEMPLATES, help="templates folder")
    args = parser.parse_args()
    for code in LANGS:
        for kind in KINDS:
            path = args.out / code / f"{kind}.docx"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(build(code, kind))
            print(f"wrote {path}")


if __name__ == "__main__":
    main()
