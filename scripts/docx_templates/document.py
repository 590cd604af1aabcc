"""Page setup, settings and properties, and a deterministic package: the same input, the same bytes."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from .base import FIXED_TIME, LANGS, MARGIN, PAGE_H, PAGE_W, ZIP_TIME, Lang, W, para, run, run_fonts
from .plan import build_plan_body
from .report import build_body
from .styles import define_numbering, define_styles


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
        old.getparent().replace(old, parse_xml(page_footer(lang)))


def page_footer(lang: Lang) -> str:
    """「第 X 页 / 共 Y 页」 / "Page X of Y": the PAGE and NUMPAGES fields in their words.

    Delete the footer in Word (or its text around the fields) to change it.
    """
    before, between, after = (
        ("第 ", " 页 / 共 ", " 页") if lang.code == "zh" else ("Page ", " of ", "")
    )

    def text(words: str) -> str:
        return run(lang, words) if words else ""

    def field(code: str) -> str:
        return (
            f'<w:fldSimple w:instr=" {code} \\* MERGEFORMAT ">'
            f"<w:r><w:rPr>{run_fonts(lang)}</w:rPr><w:t>1</w:t></w:r></w:fldSimple>"
        )

    return (
        f'<w:p {W}><w:pPr><w:pStyle w:val="Footer"/></w:pPr>'
        + text(before) + field("PAGE") + text(between) + field("NUMPAGES") + text(after)
        + "</w:p>"
    )  # fmt: skip


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
