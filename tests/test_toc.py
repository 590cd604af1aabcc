"""The Word report's table of contents and page footer (issue 15, Deliver 4).

The TOC field of the report template is filled when the report is rendered
(render/toc.py): one entry per Heading 1 and 2, numbered as Word numbers the heading,
linked to a bookmark on it, with a PAGEREF page number; Word refreshes it on opening
(w:updateFields). The footer says 「第 X 页 / 共 Y 页」 / "Page X of Y".
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from functools import cache

import pytest
from docx import Document
from lxml import etree

from opsreport.app.analysis import analyze
from opsreport.app.build import render_documents
from opsreport.app.plan import render_plan_documents
from opsreport.render.toc import TocEntry, _chinese, fill_toc, static_toc, toc_entries

from .conftest import EN_EXAMPLE, ZH_EXAMPLE
from .test_layout import read_docx, read_md

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
TODAY = dt.date(2027, 1, 15)
EXAMPLES = {"zh": ZH_EXAMPLE, "en": EN_EXAMPLE}


@cache
def report(lang: str) -> dict[str, bytes]:
    rendered, _, _ = render_documents(
        analyze(EXAMPLES[lang]), ("docx", "md"), charts=False, today=TODAY
    )
    return rendered


def part(docx: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return etree.fromstring(package.read(name))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_contents_list_every_chapter_in_order(lang):
    """The template's field is ``\\o "1-1"``: every Heading 1, none of the sections."""
    docx = report(lang)["docx"]
    headings = [(level, text) for level, text in read_docx(docx)[0] if level == 1]
    entries = toc_entries(docx)
    assert len(entries) >= 10
    assert [(e.level, e.text) for e in entries] == headings
    # the same chapters as Markdown's headings (which the layout test holds to Word's)
    assert [(e.level, e.text) for e in entries] == [
        (level, text) for level, text in read_md(report(lang)["md"])[0] if level == 1
    ]


def test_chapter_numbers_are_the_headings_list_numbers():
    """Heading 1 is numbered by Word numbering: 一、二、… in Chinese, 1. 2. … in English."""
    zh = [e.number for e in toc_entries(report("zh")["docx"]) if e.level == 1]
    en = [e.number for e in toc_entries(report("en")["docx"]) if e.level == 1]
    assert zh[:3] == ["一、", "二、", "三、"] and zh[-1] == f"{_chinese(len(zh))}、"
    assert en[:3] == ["1.", "2.", "3."] and en[-1] == f"{len(en)}."
    assert all(e.number == "" for e in toc_entries(report("zh")["docx"]) if e.level == 2)


def test_chinese_counting():
    assert [_chinese(n) for n in (1, 9, 10, 11, 19, 20, 21, 99)] == [
        "一", "九", "十", "十一", "十九", "二十", "二十一", "九十九"
    ]  # fmt: skip


def test_each_entry_links_to_a_bookmark_on_its_heading_with_a_page_field():
    docx = report("zh")["docx"]
    root = part(docx, "word/document.xml")
    heads = {}
    for paragraph in root.iter(f"{{{W}}}p"):
        mark = paragraph.find("w:bookmarkStart", NS)
        if mark is not None and mark.get(f"{{{W}}}name", "").startswith("_Toc"):
            heads[mark.get(f"{{{W}}}name")] = "".join(paragraph.itertext()).strip()
    links = root.findall(".//w:hyperlink", NS)
    assert len(links) == len(toc_entries(docx)) == len(heads)
    for link, entry in zip(links, toc_entries(docx), strict=True):
        anchor = link.get(f"{{{W}}}anchor")
        assert heads[anchor] == entry.text
        instr = "".join(t.text for t in link.iter(f"{{{W}}}instrText"))
        assert instr.strip() == f"PAGEREF {anchor} \\h"
    ids = [m.get(f"{{{W}}}id") for m in root.iter(f"{{{W}}}bookmarkStart")]
    assert len(ids) == len(set(ids))


def test_word_refreshes_the_contents_on_opening():
    docx = report("zh")["docx"]
    settings = part(docx, "word/settings.xml")
    (update,) = settings.findall("w:updateFields", NS)
    assert update.get(f"{{{W}}}val") == "true"
    root = part(docx, "word/document.xml")
    begins = [r for r in root.iter(f"{{{W}}}r") if r.find("w:fldChar", NS) is not None]
    code = "".join(t.text for t in root.iter(f"{{{W}}}instrText") if "TOC" in (t.text or ""))
    assert code.strip() == 'TOC \\o "1-1" \\h \\z \\u'
    assert begins[0].find("w:fldChar", NS).get(f"{{{W}}}dirty") == "true"
    # the field is whole: as many ends as begins (TOC + one PAGEREF per entry)
    kinds = [r.find("w:fldChar", NS).get(f"{{{W}}}fldCharType") for r in begins]
    assert kinds.count("begin") == kinds.count("end") == 1 + len(toc_entries(docx))


def test_for_libreoffice_the_entries_stay_without_the_toc_field():
    docx = report("zh")["docx"]
    plain = static_toc(docx)
    root = part(plain, "word/document.xml")
    assert not [t for t in root.iter(f"{{{W}}}instrText") if "TOC" in (t.text or "")]
    assert toc_entries(plain) == toc_entries(docx)
    pagerefs = [t for t in root.iter(f"{{{W}}}instrText") if "PAGEREF" in (t.text or "")]
    assert len(pagerefs) == len(toc_entries(docx))


def test_a_document_without_a_toc_field_is_left_byte_for_byte():
    plan = render_plan_documents(analyze(ZH_EXAMPLE), 1, ("docx",), charts=False, today=TODAY)[0]
    docx = plan["docx"]
    assert toc_entries(docx) == []  # plan drafts: page numbers, no table of contents
    assert fill_toc(docx) is docx and static_toc(docx) is docx
    assert fill_toc(b"not a zip") == b"not a zip"


def test_the_levels_come_from_the_field():
    """The template's ``\\o "1-1"`` lists the chapters; a user's ``"1-2"`` adds the sections."""
    docx = report("en")["docx"]
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        parts = {i.filename: package.read(i.filename) for i in package.infolist()}
    root = etree.fromstring(parts["word/document.xml"])
    # undo the filled field: keep its code, one placeholder paragraph, as the template has it
    body = root.find("w:body", NS)
    entries = [p for p in body if p.find("w:pPr/w:pStyle[@w:val='TOC1']", NS) is not None
               or p.find("w:pPr/w:pStyle[@w:val='TOC2']", NS) is not None]  # fmt: skip
    code = [r for r in entries[0].findall("w:r", NS)]
    end = entries[-1].findall("w:r", NS)[-1]
    placeholder = etree.SubElement(body, f"{{{W}}}p")
    entries[0].addprevious(placeholder)
    for entry in entries:
        body.remove(entry)
    for run in code:
        placeholder.append(run)
    placeholder.append(end)
    for instr in placeholder.iter(f"{{{W}}}instrText"):
        instr.text = instr.text.replace('"1-1"', '"1-2"')
    for mark in list(root.iter(f"{{{W}}}bookmarkStart", f"{{{W}}}bookmarkEnd")):
        mark.getparent().remove(mark)
    parts["word/document.xml"] = etree.tostring(root)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    chapters = toc_entries(docx)
    assert {e.level for e in chapters} == {1}
    refilled = toc_entries(fill_toc(out.getvalue()))
    assert [e for e in refilled if e.level == 1] == chapters
    assert refilled[0] == TocEntry(1, "1.", "Results against target")
    sections = [e for e in refilled if e.level == 2]
    assert sections and refilled.index(sections[0]) == 1  # the first chapter's first section


def _footer_texts(docx: bytes) -> list[tuple[str, list[str]]]:
    doc = Document(io.BytesIO(docx))
    section = doc.sections[0]
    found = []
    for footer in (section.footer, section.first_page_footer):
        paragraph = footer.paragraphs[0]._p
        text = "".join(t.text or "" for t in paragraph.iter(f"{{{W}}}t"))
        codes = [f.get(f"{{{W}}}instr").split()[0] for f in paragraph.iter(f"{{{W}}}fldSimple")]
        found.append((re.sub(r"\d", "#", text), codes))
    return found


@pytest.mark.parametrize("kind", ["report", "plan"])
def test_every_page_says_page_x_of_y(kind):
    """The first page too (it has a footer of its own: no running title in its header)."""
    for lang, words in (("zh", "第 # 页 / 共 # 页"), ("en", "Page # of #")):
        if kind == "report":
            docx = report(lang)["docx"]
        else:
            analysis = analyze(EXAMPLES[lang])
            docx = render_plan_documents(analysis, 1, ("docx",), charts=False, today=TODAY)[0][
                "docx"
            ]
        assert _footer_texts(docx) == [(words, ["PAGE", "NUMPAGES"])] * 2, (lang, kind)


def test_a_streamed_body_gets_the_same_contents(monkeypatch):
    """A long report's body is streamed (render/wordstream): its contents are filled from
    the saved bytes instead of the tree in memory, with the same entries."""
    from opsreport.present.report_context import build_context
    from opsreport.render import wordstream
    from opsreport.render.docx import render_docx

    context = build_context(analyze(ZH_EXAMPLE).metrics, "zh", today=TODAY)
    monkeypatch.setattr(wordstream, "STREAM_ABOVE", 0)
    streamed = render_docx(dict(context))
    assert toc_entries(streamed) == toc_entries(report("zh")["docx"])
    assert part(streamed, "word/settings.xml").find("w:updateFields", NS) is not None


def _word_document(*headings: tuple[str, str], toc_in_table: bool = False) -> bytes:
    """A python-docx document with a TOC field (in the body, or in a table cell) and headings."""
    from docx.oxml import parse_xml

    doc = Document()
    field = parse_xml(
        f'<w:p xmlns:w="{W}"><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-2" \\h \\z \\u </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>update me</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    if toc_in_table:
        cell = doc.add_table(rows=1, cols=1).cell(0, 0)
        cell._tc.append(field)
    else:
        doc.add_paragraph("Title", style="Title")._p.addnext(field)
    for style, text in headings:
        doc.add_paragraph(text, style=style)
        doc.add_paragraph("body text")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_a_users_document_gets_its_headings_listed_with_their_text_escaped():
    """python-docx's own styles (Heading 1/2 with outline levels, no numbering): entries
    without numbers; '&' and '<' stay text; Heading 3 is beyond "1-2"."""
    docx = _word_document(("Heading 1", "R&D <Top>"), ("Heading 2", "Sub & more"),
                          ("Heading 3", "too deep"), ("Heading 1", "Two"))  # fmt: skip
    assert toc_entries(fill_toc(docx)) == [
        TocEntry(1, "", "R&D <Top>"), TocEntry(2, "", "Sub & more"), TocEntry(1, "", "Two")
    ]  # fmt: skip
    assert "update me" not in "".join(part(fill_toc(docx), "word/document.xml").itertext())


def test_a_toc_field_inside_a_table_is_left_to_word():
    docx = _word_document(("Heading 1", "One"), toc_in_table=True)
    assert fill_toc(docx) is docx
