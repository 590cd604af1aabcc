"""Table column widths from the longest cell that must not wrap, set once a Word report
is rendered (the template's widths are guesses made before the figures were known).

A cell must not break inside a token: a Chinese word of up to four characters (运营主管),
a figure with its unit (10.00亿元, 646万元/人/月, （亿元）) or a Latin word. Each column
needs its widest such token plus the cell margins; a column short of that takes the
room from the columns with some to spare, in proportion to what they spare, and the
table keeps its width. When the table cannot spare enough, it is left as it is (a wrap
is better than a table wider than the page). Widths are estimated from the characters:
a CJK character is one em, a Latin one 0.56 em (Arial's digits), a capital 0.67 em,
LibreOffice's space between CJK and Latin a quarter em, bold 6 % wider.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from typing import Any

__all__ = ["fit_table_columns", "needed_twips", "unbreakable_tokens"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_T = f"{_W}t"
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"  # ideographs, CJK and full-width punctuation
_WHOLE = re.compile(
    rf"[{_CJK}]{{2,4}}"
    rf"|[（(]?[+\-−]?[\d,.]*\d[\d,.]*\s?[{_CJK}%][{_CJK}/%]*[）)]?"
    rf"|[（(][{_CJK}/%]{{2,8}}[）)]"
)
_HAN = "\u3400-\u9fff"
_PIECE = re.compile(rf"[^\s{_CJK}]+(?:[{_HAN}]{{1,3}}(?:/[{_HAN}]{{1,2}})*)?")
CELL_MARGINS_TWIPS = 2 * 57 + 30  # the templates' left and right cell margins, and a hair


def unbreakable_tokens(text: str) -> list[str]:
    """The pieces of a cell paragraph that must stay on one line: the whole text when it
    is one short token, else its Latin words (with a unit right after them)."""
    text = text.strip()
    if not text:
        return []
    if _WHOLE.fullmatch(text):
        return [text]
    return _PIECE.findall(text)


def _em(ch: str) -> float:
    if unicodedata.east_asian_width(ch) in "WF":
        return 1.0
    if ch == " ":
        return 0.28
    if ch in ",.:;'|!il":
        return 0.28
    return 0.67 if ch.isupper() else 0.56


def needed_twips(token: str, points: float, bold: bool = False) -> int:
    """How wide ``token`` stands at ``points`` (twips, 1/20 pt)."""
    ems = sum(_em(ch) for ch in token)
    wide = [unicodedata.east_asian_width(ch) in "WF" for ch in token]
    ems += 0.25 * sum(1 for a, b in itertools.pairwise(wide) if a != b)
    return round(ems * points * (1.06 if bold else 1.0) * 20)


@functools.cache
def _lookups() -> tuple[Any, Any, Any]:
    """A paragraph's style id, its runs' first explicit size (half points) and whether a
    run is bold, each one compiled XPath: three ``find`` paths a paragraph took a tenth of
    a Word render (lxml runs a path with steps in Python; a compiled XPath in libxml2)."""
    from lxml import etree

    w = {"w": _W[1:-1]}
    return (
        etree.XPath("string(w:pPr/w:pStyle/@w:val)", namespaces=w),
        etree.XPath("string(w:r/w:rPr/w:sz/@w:val)", namespaces=w),
        etree.XPath("boolean(w:r/w:rPr/w:b)", namespaces=w),
    )


def _paragraph_need(paragraph: Any, default_points: float) -> int:
    text = "".join(paragraph.itertext(_T))  # strings only: no element proxies made
    if not text.strip():
        return 0
    style_of, size_of, bold_of = _lookups()
    name = str(style_of(paragraph))
    points = 8.0 if "Small" in name else default_points
    size = str(size_of(paragraph))  # an explicit run size (half points), else the style's
    if size.isdigit():
        points = int(size) / 2
    return _text_need(text, points, "Header" in name or bool(bold_of(paragraph)))


@functools.lru_cache(maxsize=4096)
def _text_need(text: str, points: float, bold: bool) -> int:
    """The widest unbreakable token of ``text`` (a report repeats its owners and units)."""
    return max((needed_twips(tok, points, bold) for tok in unbreakable_tokens(text)), default=0)


def fit_table_columns(body: Any, default_points: float = 9.0) -> int:
    """Widen every table column of ``body`` (an lxml ``w:body``) that is narrower than its
    widest unbreakable token, from the columns that spare room; how many tables changed."""
    changed = 0
    for table in body.iter(f"{_W}tbl"):
        grid = table.find(f"{_W}tblGrid")
        if grid is None:
            continue
        columns = grid.findall(f"{_W}gridCol")
        try:
            widths = [int(col.get(f"{_W}w", "")) for col in columns]
        except ValueError:
            continue
        count = len(widths)
        rows = [row.findall(f"{_W}tc") for row in table.findall(f"{_W}tr")]
        plain = [cells for cells in rows if len(cells) == count]  # rows without spans
        needs = [0] * count
        for cells in plain:
            for index, cell in enumerate(cells):
                for paragraph in cell.findall(f"{_W}p"):
                    need = _paragraph_need(paragraph, default_points)
                    needs[index] = max(needs[index], need + CELL_MARGINS_TWIPS if need else 0)
        short = [max(0, need - width) for need, width in zip(needs, widths, strict=True)]
        spare = [max(0, width - need) for need, width in zip(needs, widths, strict=True)]
        deficit, room = sum(short), sum(spare)
        if deficit == 0 or room < deficit:
            continue
        new = [
            width + lack - int(free * deficit / room)
            for width, lack, free in zip(widths, short, spare, strict=True)
        ]
        widest = max(range(count), key=lambda i: spare[i])
        new[widest] += sum(widths) - sum(new)  # the table keeps its width exactly
        for col, width in zip(columns, new, strict=True):
            col.set(f"{_W}w", str(width))
        for cells in plain:
            for cell, width in zip(cells, new, strict=True):
                tcw = cell.find(f"{_W}tcPr/{_W}tcW")
                if tcw is not None and tcw.get(f"{_W}type") == "dxa":
                    tcw.set(f"{_W}w", str(width))
        changed += 1
    return changed
