"""The year-end deck as a PowerPoint file: a :class:`~opsreport.present.deck_types.Deck`
laid out on the deck template's layouts, with native, editable charts.

Nothing is computed or worded here: the slides, their titles, bullets, tables and the
page breaks of long lists come from present/deck.py; the charts from the chart data layer,
styled in the IBCS manner by the same code as the native Word charts
(:func:`opsreport.render.chart_style.chart_space`: AC dark, PY grey, PL outlined, variances
green and red, the data layer's number formats) and embedded with their workbook, so "Edit
Data" in PowerPoint opens the figures. Every run carries the East Asian typeface (a:ea).
The template is ``deck.pptx`` of the ``--template`` folder, else the bundled one; it must
have the layouts of :data:`~opsreport.present.deck.DECK_LAYOUTS` (see :func:`deck_layouts`).
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from opsreport.errors import TemplateProblem
from opsreport.io.zipbounds import ZipRefused, check_zip
from opsreport.present.deck import (
    BODY,
    BULLET_SIZE,
    CHART_BODY,
    DECK_LAYOUTS,
    NUMBER_SIZES,
    OPENING,
    SIDE,
    SLIDE,
    TABLE_SIZE,
    TITLE_SIZE,
)
from opsreport.present.deck_types import Deck, DeckSlide, DeckTable
from opsreport.present.theme import BAD, GOOD, HEADER_FILL, HEADER_TEXT, MUTED, TEXT
from opsreport.render.lookup import find_template, read_template_package

__all__ = [
    "DECK_TEMPLATE",
    "check_deck_template",
    "deck_layouts",
    "read_deck_template",
    "render_pptx",
]

DECK_TEMPLATE = "deck.pptx"
EMU = 12700  # per point
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_DEFAULT_EA = "Microsoft YaHei"


def read_deck_template(lang: str, template_dir: Path | None = None) -> tuple[Path, bytes]:
    """The deck template's path and bytes: a zip package within the workbook bounds."""
    template = find_template(DECK_TEMPLATE, lang, template_dir)
    package = read_template_package(template)
    try:
        check_zip(package)
    except ZipRefused as refused:
        raise TemplateProblem(
            f"{template}: not a PowerPoint file ({refused}) — save it from PowerPoint as "
            "«PowerPoint Presentation (.pptx)», or start again from `opsreport templates export`",
            template=str(template),
        ) from None
    return template, package


def _open(template: Path, package: bytes) -> Any:
    from pptx import Presentation

    try:
        return Presentation(io.BytesIO(package))
    except Exception as exc:  # zipfile, zlib, lxml and python-pptx each raise their own
        raise TemplateProblem(
            f"{template}: the file is damaged or not a PowerPoint presentation "
            f"({type(exc).__name__}: {exc}) — save it again from PowerPoint, or start again "
            "from `opsreport templates export`",
            template=str(template),
        ) from None


def deck_layouts(prs: Any, template: Path) -> dict[str, Any]:
    """The template's layouts the deck uses, by role; a missing one is a TemplateProblem
    naming it (the user renamed or deleted it in the Slide Master). The slides must be 16:9
    (13.333 × 7.5 in): the deck's boxes are measured for it."""
    width, height = prs.slide_width, prs.slide_height
    if (width, height) != (round(SLIDE[0] * EMU), round(SLIDE[1] * EMU)):
        raise TemplateProblem(
            f"{template}: the slides are {width / 360000:.2f} × {height / 360000:.2f} cm; the deck "
            "is laid out for widescreen 16:9 slides (33.87 × 19.05 cm) — set Design › Slide Size "
            "› Widescreen (16:9) in PowerPoint, or start again from `opsreport templates export`",
            template=str(template),
        )
    found = {layout.name: layout for layout in prs.slide_layouts}
    missing = [name for name in DECK_LAYOUTS.values() if name not in found]
    if missing:
        have = ", ".join(repr(name) for name in found) or "none"
        raise TemplateProblem(
            f"{template}: no slide layout named {missing[0]!r} (the deck needs the layouts "
            f"{', '.join(repr(n) for n in DECK_LAYOUTS.values())}; this template has {have}) — "
            "name a layout so in PowerPoint (View › Slide Master, right-click › Rename Layout), "
            "or start again from `opsreport templates export`",
            template=str(template),
        )
    return {name: found[name] for name in DECK_LAYOUTS.values()}


def check_deck_template(lang: str, template_dir: Path | None = None) -> Path:
    """The deck template ``--template`` (or the bundled one) gives, opened and checked for
    the layouts the deck needs (``opsreport check``); a TemplateProblem names what is wrong."""
    template = find_template(DECK_TEMPLATE, lang, template_dir)
    try:
        stat = os.stat(template)
        key = (os.path.realpath(template), stat.st_size, stat.st_mtime_ns)
    except OSError:
        key = None
    if key is not None and key in _CHECKED:  # check of 100 workbooks: opened once
        return template
    template, package = read_deck_template(lang, template_dir)
    deck_layouts(_open(template, package), template)
    if key is not None:
        _CHECKED.add(key)
    return template


_CHECKED: set[tuple[str, int, int]] = set()  # deck templates found whole, by file state


def _east_asian(prs: Any) -> str:
    """The theme's East Asian body font, else Microsoft YaHei."""
    from lxml import etree

    master = prs.slide_master.part
    for rel in master.rels.values():
        if rel.reltype.endswith("/theme"):
            root = etree.fromstring(rel.target_part.blob)
            font = root.find(f".//{{{_A}}}minorFont/{{{_A}}}ea")
            if font is not None and font.get("typeface"):
                return str(font.get("typeface"))
    return _DEFAULT_EA


def render_pptx(deck: Deck, charts: dict[str, Any], template_dir: Path | None = None) -> bytes:
    """The deck as .pptx bytes, on the template's layouts (any slides it holds are dropped)."""
    template, package = read_deck_template(deck["lang"], template_dir)
    prs = _open(template, package)
    layouts = deck_layouts(prs, template)
    _drop_slides(prs)
    font = _east_asian(prs)
    for slide in deck["slides"]:
        _add_slide(prs, layouts[slide["layout"]], slide, charts, font, deck["lang"])
    stream = io.BytesIO()
    prs.core_properties.title = deck["title"]
    prs.save(stream)
    return stream.getvalue()


def _drop_slides(prs: Any) -> None:
    ids = prs.slides._sldIdLst
    for entry in list(ids):
        prs.part.drop_rel(entry.rId)
        ids.remove(entry)


def _rgb(color: str) -> Any:
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(color.lstrip("#").upper())  # type: ignore[no-untyped-call]


def _run(
    paragraph: Any, text: str, size: float, font: str, *, bold: bool = False, color: str = ""
) -> None:
    from lxml import etree
    from pptx.util import Pt

    run = paragraph.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    if color:
        run.font.color.rgb = _rgb(color)
    properties = run._r.get_or_add_rPr()
    if properties.find(f"{{{_A}}}ea") is None:
        latin = properties.find(f"{{{_A}}}latin")
        ea = etree.SubElement(properties, f"{{{_A}}}ea")
        ea.set("typeface", font)
        if latin is not None:
            latin.addnext(ea)


def _text_box(
    slide: Any,
    box: tuple[float, float, float, float],
    paragraphs: list[str],
    size: float,
    font: str,
    *,
    bullet: bool = False,
    color: str = TEXT,
    bold: bool = False,
) -> Any:
    from pptx.util import Pt

    x, y, w, h = box
    shape = slide.shapes.add_textbox(*(round(v * EMU) for v in (x, y, w, h)))
    frame = shape.text_frame
    frame.word_wrap = True
    for index, text in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.space_after = Pt(size * 0.4)
        _run(paragraph, ("• " if bullet else "") + text, size, font, bold=bold, color=color)
    return shape


def _title(slide: Any, text: str, font: str, size: float) -> None:
    title = slide.shapes.title
    if title is None:
        return
    frame = title.text_frame
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    _run(paragraph, text, size, font, bold=True)


def _placeholder(slide: Any, index: int) -> Any:
    for shape in slide.placeholders:
        if shape.placeholder_format.idx == index:
            return shape
    return None


def _add_slide(
    prs: Any, layout: Any, slide: DeckSlide, charts: dict[str, Any], font: str, lang: str
) -> None:
    page = prs.slides.add_slide(layout)
    kind = slide["kind"]
    if kind in {"title", "closing"}:
        _title(page, slide["title"], font, 36 if kind == "title" else 28)
        lines = slide["subtitle"].split("\n") if kind == "title" else slide["bullets"]
        sub = _placeholder(page, 1)
        if sub is not None and lines:
            frame = sub.text_frame
            frame.word_wrap = True
            for index, line in enumerate(lines):
                paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
                _run(paragraph, line, 18 if kind == "title" else 16, font, color=MUTED)
        _drop_empty_placeholders(page)
        return
    _title(page, slide["title"], font, TITLE_SIZE)
    _drop_empty_placeholders(page)
    if kind == "contents":
        _text_box(page, BODY, slide["bullets"], 20, font)
    elif kind == "numbers":
        _numbers(page, slide, font)
    elif kind == "chart":
        data = charts[slide["chart"]]
        box = CHART_BODY if slide["bullets"] else BODY
        _chart(page, data, box, font, lang)
        if slide["bullets"]:
            _text_box(page, SIDE, slide["bullets"], BULLET_SIZE, font, bullet=True)
    elif kind == "bullets":
        _text_box(page, BODY, slide["bullets"], BULLET_SIZE, font, bullet=True)
    elif kind == "table" and slide["table"] is not None:
        _table(page, slide["table"], BODY, font)
    elif kind == "matrix" and slide["table"] is not None:
        _matrix(page, slide["table"], font)
        _text_box(page, SIDE, slide["bullets"], BULLET_SIZE, font, bullet=True)


def _drop_empty_placeholders(page: Any) -> None:
    """Placeholders the deck does not fill (date, footer, a layout's body) are removed:
    an empty one shows "Click to add text" in PowerPoint."""
    for shape in list(page.placeholders):
        if not shape.has_text_frame or not shape.text_frame.text:
            shape._element.getparent().remove(shape._element)


def _numbers(page: Any, slide: DeckSlide, font: str) -> None:
    x, y, w, _ = BODY
    label_size, figure_size, line_size = NUMBER_SIZES
    numbers = slide["numbers"]
    width = w / max(len(numbers), 1)
    for index, number in enumerate(numbers):
        left = x + index * width
        _text_box(page, (left, y, width - 12, 28), [number["label"]], label_size, font, color=MUTED)
        _text_box(
            page, (left, y + 30, width - 12, 56), [number["value"]], figure_size, font, bold=True
        )
        lines = list(zip(number["lines"], number["good"], strict=True))
        if number["basis"]:  # 年初至今: the figure is the year so far, said under it
            lines.insert(0, (number["basis"], None))
        for row, (line, good) in enumerate(lines):
            color = (
                (MUTED if row == 0 and number["basis"] else TEXT)
                if good is None
                else (GOOD if good else BAD)
            )
            _text_box(
                page,
                (left, y + 92 + row * 26, width - 12, 24),
                [line],
                line_size,
                font,
                color=color,
            )
    if slide["bullets"]:
        _text_box(page, OPENING, slide["bullets"], BULLET_SIZE, font)


def _table(page: Any, table: DeckTable, box: tuple[float, float, float, float], font: str) -> None:
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Pt

    from opsreport.present.deck import table_row_height

    x, y, w, _ = box
    rows = [table["columns"], *table["rows"]] if table["columns"] else table["rows"]
    height = sum(table_row_height(r, table["widths"], TABLE_SIZE) for r in rows)
    shape = page.shapes.add_table(
        len(rows), len(table["widths"]), *(round(v * EMU) for v in (x, y, w, height))
    )
    grid = shape.table
    for index, fraction in enumerate(table["widths"]):
        grid.columns[index].width = round(fraction * w * EMU)
    header = bool(table["columns"])
    grid.first_row = header
    for r, row in enumerate(rows):
        grid.rows[r].height = round(table_row_height(row, table["widths"], TABLE_SIZE) * EMU)
        fills = table["fills"][r - header] if table["fills"] and r - header >= 0 else []
        for c, text in enumerate(row):
            cell = grid.cell(r, c)
            cell.margin_top = cell.margin_bottom = Pt(3.6)
            cell.margin_left = cell.margin_right = Pt(7.2)
            frame = cell.text_frame
            frame.word_wrap = True
            paragraph = frame.paragraphs[0]
            if table["numeric"][c] and r >= header:
                paragraph.alignment = PP_ALIGN.RIGHT
            is_header = header and r == 0
            _run(
                paragraph,
                text,
                TABLE_SIZE,
                font,
                bold=is_header,
                color=HEADER_TEXT if is_header else TEXT,
            )
            cell.fill.solid()
            fill = fills[c] if c < len(fills) else ""
            cell.fill.fore_color.rgb = _rgb(
                HEADER_FILL if is_header else (fill or ("FFFFFF" if r % 2 else "F2F2F2"))
            )


def _matrix(page: Any, table: DeckTable, font: str) -> None:
    x, y, w, h = CHART_BODY
    _table(page, table, (x, y, w * 0.8, h), font)


# The chart code sizes text for a Word page (8 pt labels); a slide is read from a distance.
CHART_TEXT_SCALE = 1.5
CHART_FRAME = 72.0  # pt of a slide chart's height not given to its rows: title, unit, axis
NAME_SHARE = 0.4  # of a timeline's width its task names may take, on one or two lines


def _scale_text(space: Any, factor: float) -> None:
    """Every text size of a chart (``sz`` of its run properties) times ``factor``."""
    for name in ("defRPr", "rPr", "endParaRPr"):
        for properties in space.iter(f"{{{_A}}}{name}"):
            size = properties.get("sz")
            if size and size.isdigit():
                properties.set("sz", str(round(int(size) * factor)))


def _unwrap(label: str) -> str:
    """A name the data layer wrapped for the page, on one line again: a space where Latin
    text was broken at one, nothing between CJK characters."""
    lines = label.split("\n")
    joined = lines[0]
    for line in lines[1:]:
        latin = joined[-1:].isascii() and line[:1].isascii()
        joined += (" " if latin and joined and line else "") + line
    return joined


def slide_panel(data: Any, panel: Any, width: float) -> Any:
    """A timeline's panel with its task names wrapped for the slide (``width`` pt wide,
    text at :data:`CHART_TEXT_SCALE`): the data layer wraps them for a 16 cm page, where a
    name of 40 characters takes two lines; a slide has room for it on one."""
    from dataclasses import replace

    from opsreport.present.charts.layout import wrap_text
    from opsreport.render.chart_style import LABEL_SIZE

    if data.kind != "timeline":
        return panel
    limit = NAME_SHARE * width / (LABEL_SIZE * CHART_TEXT_SCALE)  # width units: a CJK char 1
    names = tuple(wrap_text(_unwrap(name), limit, 2) for name in panel.categories)
    return replace(panel, categories=names)


def chart_text_scale(data: Any, panel: Any, height: float) -> float:
    """How much larger than on the page a slide chart's text is: :data:`CHART_TEXT_SCALE`,
    less when the rows of a horizontal chart ``height`` pt tall would not hold their names
    (each row a band of the plot; a name's lines 1.2 × its size), never below the page's."""
    from opsreport.present.deck_fit import LINE
    from opsreport.render.chart_style import LABEL_SIZE

    if data.kind == "column" or not panel.categories:
        return CHART_TEXT_SCALE
    lines: int = max(str(name).count("\n") + 1 for name in panel.categories)
    band = (height - CHART_FRAME) / len(panel.categories)
    return max(1.0, min(CHART_TEXT_SCALE, band / (lines * LINE * LABEL_SIZE)))


def _chart(
    page: Any, data: Any, box: tuple[float, float, float, float], font: str, lang: str
) -> None:
    """The chart's panels stacked in ``box``, each a native chart part with its workbook."""
    from pptx.opc.constants import CONTENT_TYPE as CT
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT
    from pptx.parts.chart import ChartPart

    from opsreport.render.chart_style import chart_space

    x, y, w, h = box
    panels = data.panels
    weights = [max(len(p.categories), 2) for p in panels]
    top = y
    package = page.part.package
    for index, panel in enumerate(panels):
        height = h * weights[index] / sum(weights)
        shown = slide_panel(data, panel, w)
        space, workbook = chart_space(data, shown, first=index == 0, font=font, lang=lang)
        _scale_text(space, chart_text_scale(data, shown, height))
        part = ChartPart(
            package.next_partname(ChartPart.partname_template), CT.DML_CHART, package, space
        )
        part.chart_workbook.update_from_xlsx_blob(workbook)
        r_id = page.part.relate_to(part, RT.CHART)
        page.shapes._add_chart_graphicFrame(r_id, *(round(v * EMU) for v in (x, top, w, height)))
        top += height
