"""Pages that print well (issue 15 §3), checked on the PDF LibreOffice makes of the Word
documents: both examples and a plan draft have no blank page, no page less than half
full but at a chapter's end, stay within their page budget, and break no short table
cell (an owner, a status, a figure with its unit) over two lines (the plan's targets
table too, since each row's unit moved under its goal). Both checks are proven able to
fail: the cell check on a column too narrow for 运营主管 and 10.00亿元, the fill check on a
page of three lines (tests/print_check.py says how they work).

Page budgets (A4, LibreOffice 7, the bundled templates), measured when they were set
and quoted in the issue's note: the zh example (26 KPIs, seven quarterly trends, two
breakdowns, 33 tasks, 9 risks) 14 pages, was 18: attainment and ΔPY side by side, no ΔPL
chart, chapters-only contents, each quarterly chart with its sentence beside it and its
table under both (one block that does not split), breakdown and bridge side by side,
units in the headers, 1.15 line spacing. The en example 13, was 18 (its actuals-only
quarterly tables stand beside their charts); the zh Q1 plan draft 6, was 7. The issue
asked for 10 for the zh example when it had 19 KPIs and none of the campaign review,
value, contribution and bridge sections; at today's content 10 pages would mean dropping
sections, not laying them out better (every page but the last is now 80–100 % full).
"""

from __future__ import annotations

import shutil
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

from opsreport import build_plan, build_report

from .print_check import blank_pages, broken_cells, half_empty_pages, page_count

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ZH_EXAMPLE = EXAMPLES / "ecommerce-2026-zh.xlsx"
EN_EXAMPLE = EXAMPLES / "support-2026-en.xlsx"
BUDGET = {"zh": 14, "en": 13, "plan": 6}

needs_libreoffice = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("soffice", "pdftotext", "pdftoppm", "pdfinfo")),
    reason="LibreOffice (soffice) or poppler (pdftotext, pdftoppm, pdfinfo) not installed",
)


def _docx_and_pdf(outputs: list[Path]) -> tuple[bytes, Path]:
    docx = next(path for path in outputs if path.suffix == ".docx")
    pdf = next(path for path in outputs if path.suffix == ".pdf")
    return docx.read_bytes(), pdf


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, tuple[bytes, Path]]:
    folder = tmp_path_factory.mktemp("printed")
    return {
        "zh": _docx_and_pdf(
            build_report(ZH_EXAMPLE, output=folder, formats=["docx", "pdf"]).outputs
        ),
        "en": _docx_and_pdf(
            build_report(EN_EXAMPLE, output=folder, formats=["docx", "pdf"]).outputs
        ),
        "plan": _docx_and_pdf(
            list(build_plan(ZH_EXAMPLE, 1, output=folder, formats=["docx", "pdf"]))
        ),
    }


@pytest.mark.slow
@pytest.mark.libreoffice
@needs_libreoffice
@pytest.mark.parametrize("name", ["zh", "en", "plan"])
def test_no_blank_page_and_within_the_page_budget(printed, name):
    _, pdf = printed[name]
    assert blank_pages(pdf) == [], pdf.name
    assert page_count(pdf) <= BUDGET[name], (pdf.name, page_count(pdf), BUDGET[name])


@pytest.mark.slow
@pytest.mark.libreoffice
@needs_libreoffice
@pytest.mark.parametrize("name", ["zh", "en", "plan"])
def test_no_page_is_less_than_half_full_but_at_a_chapters_end(printed, name):
    """Issue 15 §3: a chart kept with its table no longer pushes half a page of white
    ahead of it (measured: every page but the last at least 60 % full)."""
    docx, pdf = printed[name]
    assert half_empty_pages(docx, pdf) == [], pdf.name


@pytest.mark.slow
@pytest.mark.libreoffice
@needs_libreoffice
@pytest.mark.parametrize("name", ["zh", "en", "plan"])
def test_no_short_cell_is_broken_over_two_lines(printed, name):
    docx, pdf = printed[name]
    assert broken_cells(docx, pdf) == {}, pdf.name


def _printed_pdf(docx: bytes, pdf: Path) -> Path:
    """``docx`` converted to ``pdf`` by LibreOffice, as ``--format pdf`` converts it."""
    from opsreport.render.pdf import convert_docx, pdf_settings

    pdf.write_bytes(convert_docx(docx, pdf_settings()))
    return pdf


def _saved(document: Any) -> bytes:
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _one_table_document(column_cm: float) -> bytes:
    """A document with one table whose first column is ``column_cm`` wide, holding an
    owner, a figure with its unit and a unit per person per month (python-docx only)."""
    from docx import Document
    from docx.shared import Cm

    document = Document()
    table = document.add_table(rows=3, cols=2)
    table.autofit = False
    for row, text in zip(table.rows, ["运营主管", "10.00亿元", "646万元/人/月"], strict=True):
        row.cells[0].text = text
        row.cells[1].text = "说明"
        row.cells[0].width = Cm(column_cm)
        row.cells[1].width = Cm(15.0 - column_cm)
    for column, width in zip(table.columns, (column_cm, 15.0 - column_cm), strict=True):
        column.width = Cm(width)
    return _saved(document)


@pytest.mark.slow
@pytest.mark.libreoffice
@needs_libreoffice
def test_the_cell_check_finds_words_broken_in_a_narrow_column(tmp_path):
    """A 1.0 cm column (less its 0.38 cm of cell margins) holds two 11 pt CJK characters:
    运营主管, 10.00亿元 and 646万元/人/月 each wrap; at 5 cm none does."""
    found = {}
    for width in (1.0, 5.0):
        docx = _one_table_document(width)
        found[width] = broken_cells(docx, _printed_pdf(docx, tmp_path / f"narrow-{width}.pdf"))
    assert set(found[1.0]) == {"运营主管", "10.00亿元", "646万元/人/月"}, found[1.0]
    assert all(whole == 0 for _, whole in found[1.0].values())
    assert found[5.0] == {}


def _two_page_document(second_starts_a_chapter: bool) -> bytes:
    """Three lines, a page break, then a Heading 1 or a plain paragraph (python-docx)."""
    from docx import Document

    document = Document()
    for line in ("第一段", "第二段", "第三段"):
        document.add_paragraph(line)
    document.add_page_break()
    if second_starts_a_chapter:
        document.add_heading("问题与原因分析", level=1)
    document.add_paragraph("下一页的正文")
    return _saved(document)


@pytest.mark.slow
@pytest.mark.libreoffice
@needs_libreoffice
def test_the_fill_check_finds_a_page_left_mostly_white(tmp_path):
    """Three lines on page 1 then a break: about a tenth full, found; when page 2 opens a
    chapter, page 1 is a chapter's end and allowed."""
    found = {}
    for chapter in (False, True):
        docx = _two_page_document(chapter)
        found[chapter] = half_empty_pages(
            docx, _printed_pdf(docx, tmp_path / f"break-{chapter}.pdf")
        )
    ((page, fill),) = found[False]
    assert page == 1 and fill < 0.2
    assert found[True] == []
