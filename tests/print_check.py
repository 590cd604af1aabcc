"""Checks of a printed (PDF) Word document, for the LibreOffice layout tests
(tests/test_print_layout.py): blank pages, and short table cells broken over two lines.

A *short cell* is a table cell paragraph that is one token which must never wrap: a
Chinese word of two to four characters (an owner 运营主管, a status 未达成), or a figure
with a Chinese unit (10.00亿元, 646万元/人/月, （亿元）). Its text must stand whole on one
line of the PDF as many times as the document has such cells: a cell broken over
two lines (「运营主 / 管」, 「10.00 亿 / 元」) is found on no line, so the count falls
short. Lines are compared without spaces (LibreOffice spaces Latin from CJK, and
pdftotext writes that as a space), and ``-layout`` keeps a table row on one line.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

__all__ = [
    "blank_pages",
    "broken_cells",
    "half_empty_pages",
    "page_count",
    "page_fills",
    "short_cells",
]

_CJK = "\u3400-\u9fff"
SHORT_CELL = re.compile(
    rf"[{_CJK}]{{2,4}}"  # 运营主管, 未达成
    rf"|[（(]?[+\-−]?[\d,.]*\d[\d,.]*\s?[{_CJK}%][{_CJK}/%]*[）)]?"  # 10.00亿元, 646万元/人/月
    rf"|[（(][{_CJK}/%]{{2,8}}[）)]"  # （亿元）
)


def short_cells(docx: bytes) -> Counter[str]:
    """Every short cell paragraph of the document's tables (nested ones too), counted."""
    from docx import Document

    document = Document(BytesIO(docx))
    found: Counter[str] = Counter()
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for cell in document.element.body.iter(f"{w}tc"):
        for paragraph in cell.findall(f"{w}p"):
            text = "".join(t.text or "" for t in paragraph.iter(f"{w}t")).strip()
            if SHORT_CELL.fullmatch(text):
                found[re.sub(r"\s+", "", text)] += 1
    return found


def _pdftotext(pdf: Path) -> list[str]:
    """The pages' text, laid out (``pdftotext -layout``), one string per page."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    return text.split("\f")[: page_count(pdf)]


def broken_cells(docx: bytes, pdf: Path) -> dict[str, tuple[int, int]]:
    """Short cells found whole on fewer PDF lines than the document has them:
    {text: (cells in the document, whole on a line of the PDF)}."""
    lines = [re.sub(r"\s+", "", line) for page in _pdftotext(pdf) for line in page.splitlines()]
    broken = {}
    for text, cells in short_cells(docx).items():
        whole = sum(line.count(text) for line in lines)
        if whole < cells:
            broken[text] = (cells, whole)
    return broken


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


def _gray_pages(pdf: Path, dpi: int) -> Iterator[tuple[int, int, int, bytes]]:
    """Each page as (number, width, height, its grey pixels a byte each), from pdftoppm."""
    for number in range(1, page_count(pdf) + 1):
        raw = subprocess.run(
            ["pdftoppm", "-gray", "-r", str(dpi), "-f", str(number), "-l", str(number), str(pdf)],
            check=True,
            capture_output=True,
        ).stdout
        magic, width, height, _, pixels = raw.split(maxsplit=4)
        assert magic == b"P5", magic
        yield number, int(width), int(height), pixels


def blank_pages(pdf: Path, dpi: int = 20) -> list[int]:
    """Pages with no ink between the running header and the footer (8 % to 92 % of the
    height: A4's 2.2 cm margins are 7.4 %): a page of only 「第 X 页 / 共 Y 页」 is blank."""
    blank = []
    for number, w, h, pixels in _gray_pages(pdf, dpi):
        body = pixels[int(h * 0.08) * w : int(h * 0.92) * w]
        if min(body, default=255) > 200:
            blank.append(number)
    return blank


def page_fills(pdf: Path, dpi: int = 30) -> list[float]:
    """How far down each page's ink reaches, as a share of the body band (8 % to 92 % of
    the height, between the running header and the footer): 0.43 is a page that stops
    at 43 % of its text height."""
    fills = []
    for _, w, h, pixels in _gray_pages(pdf, dpi):
        top, bottom = int(h * 0.08), int(h * 0.92)
        lowest = top
        for y in range(top, bottom):
            if min(pixels[y * w : (y + 1) * w]) < 200:
                lowest = y
        fills.append((lowest - top) / (bottom - top))
    return fills


def _chapters(docx: bytes) -> list[str]:
    """The texts of the document's Heading 1 paragraphs (their numbers are Word's)."""
    from docx import Document

    document = Document(BytesIO(docx))
    return [
        re.sub(r"\s+", "", p.text)
        for p in document.paragraphs
        if p.style is not None and p.style.name == "Heading 1" and p.text.strip()
    ]


def half_empty_pages(docx: bytes, pdf: Path, least: float = 0.5) -> list[tuple[int, float]]:
    """Pages less than ``least`` full that are not the end of a chapter (the next page
    opens with a Heading 1) nor the last page: (page number, fill)."""
    fills, texts, chapters = page_fills(pdf), _pdftotext(pdf), _chapters(docx)
    found = []
    for index, fill in enumerate(fills[:-1]):
        if fill >= least:
            continue
        lines = [re.sub(r"\s+", "", line) for line in texts[index + 1].splitlines()]
        # the first lines: the running header (when the page has one) and what opens the page
        body = [line for line in lines if line][:2]
        if any(line.endswith(chapter) for line in body for chapter in chapters):
            continue
        found.append((index + 1, round(fill, 2)))
    return found
