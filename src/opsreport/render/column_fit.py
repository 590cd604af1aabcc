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

from lxml import etree

__all__ = ["fit_table_columns", "needed_twips", "unbreakable_tokens"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_T = f"{_W}t"
# A paragraph's style id, its runs' first explicit size (half points), whether a run is
# bold: compiled XPaths (libxml2), not ``find`` paths, which lxml walks step by step in
# Python (three a paragraph took a tenth of a Word render).
_NS = {"w": _W[1:-1]}
_STYLE_OF = etree.XPath("string(w:pPr/w:pStyle/@w:val)", namespaces=_NS)
_SIZE_OF = etree.XPath("string(w:r/w:rPr/w:sz/@w:val)", namespaces=_NS)
_BOLD_OF = etree.XPath("boolean(w:r/w:rPr/w:b)", namespaces=_NS)
_WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"  # ideographs, CJK and full-width punctuation
_WHOLE = re.compile(
    rf"[{_CJK}]{{2,4}}"
    # a run of digits, commas and points holding a digit, taken whole (``[\d,.]*\d[\d,.]*``
    # tried every split of a long run: 20,000 digits in a cell took 8 s)
    rf"|[（(]?[+\-−]?(?=[\d,.]*\d)[\d,.]++\s?[{_CJK}%][{_CJK}/%]*[）)]?"
    rf"|[（(][{_CJK}/%]{{2,8}}[）)]"
)
_HAN = "\u3400-\u9fff"
# a Latin word (a figure), a unit right after it, and the full-width brackets around it:
# LibreOffice would put 「（」 alone at the end of a line (本季度目标（ / 2027Q1）)
_PIECE = re.compile(rf"（?[^\s{_CJK}]+(?:[{_HAN}]{{1,3}}(?:/[{_HAN}]{{1,2}})*)?）?")
CELL_MARGINS_TWIPS = 2 * 57 + 30  # the templates' left and right cell margins, and a hair


def unbreakable_tokens(text: str) -> list[str]:
    """The pieces of a cell paragraph that must stay on one line: the whole text when it
    is one short token, else its Latin words (with a unit right after them, and the
    full-width brackets around them)."""
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


def _paragraph_needs(paragraph: Any, default_points: float) -> tuple[int, int]:
    """How wide the paragraph's widest unbreakable token stands, and its whole text on one
    line (twips; 0, 0 for an empty paragraph)."""
    text = "".join(paragraph.itertext(_T)).strip()  # strings only: no element proxies made
    if not text:
        return 0, 0
    name = str(_STYLE_OF(paragraph))
    points = 8.0 if "Small" in name else default_points
    size = str(_SIZE_OF(paragraph))  # an explicit run size (half points), else the style's
    if size.isdigit():
        points = int(size) / 2
    bold = "Header" in name or bool(_BOLD_OF(paragraph))
    return _text_need(text, points, bold), _line_need(text, points, bold)


@functools.lru_cache(maxsize=4096)
def _text_need(text: str, points: float, bold: bool) -> int:
    """The widest unbreakable token of ``text`` (a report repeats its owners and units)."""
    return max((needed_twips(tok, points, bold) for tok in unbreakable_tokens(text)), default=0)


@functools.lru_cache(maxsize=4096)
def _line_need(text: str, points: float, bold: bool) -> int:
    return needed_twips(text, points, bold)


# A column keeps this much beyond its longest line when it lends room (the estimate is
# an estimate: a figure must never wrap), and this many twips more (3 pt).
LINE_SLACK = 1.05
LINE_PAD_TWIPS = 60
# Room moved between columns below this is not worth a change (a quarter of a CJK character).
LEAST_MOVE_TWIPS = 45


def _taken(total: int, room: list[int]) -> list[int]:
    """``total`` twips taken from columns in proportion to their ``room`` (whole twips,
    exactly ``total``, none more than its room: ``sum(room) >= total``)."""
    whole = sum(room)
    taken = [free * total // whole for free in room]
    left = total - sum(taken)  # (fewer than the columns: what the rounding down left)
    while left:
        index = max(range(len(room)), key=lambda i: room[i] - taken[i])
        step = min(left, room[index] - taken[index])
        taken[index] += step
        left -= step
    return taken


def _balanced(widths: list[int], keeps: list[int], lines: list[int]) -> list[int] | None:
    """Widths with the room that columns have beyond their longest line (and a margin)
    given to the columns whose cells wrap, the column that wants least first and all it
    wants while there is room: as many columns as can stop wrapping do. None when nothing
    worth moving moves. ``keeps``: what each column keeps at least."""
    count = len(widths)
    # a column with no text under its header (a blank remarks column) lends nothing
    give = [
        max(0, w - keep) if line else 0 for w, keep, line in zip(widths, keeps, lines, strict=True)
    ]
    want = [max(0, line - w) for w, line in zip(widths, lines, strict=True)]
    budget = sum(give)
    takers = sorted((i for i in range(count) if want[i] and not give[i]), key=lambda i: want[i])
    if not budget or not takers:
        return None
    grant = [0] * count
    left = budget
    for index in takers:
        grant[index] = min(want[index], left)
        left -= grant[index]
    granted = budget - left
    if granted < LEAST_MOVE_TWIPS:
        return None
    lent = _taken(granted, give)  # the table keeps its width exactly
    return [w + g - taken for w, g, taken in zip(widths, grant, lent, strict=True)]


def fit_table_columns(body: Any, default_points: float = 9.0) -> int:
    """Widen every table column of ``body`` (an lxml ``w:body``) that is narrower than its
    widest unbreakable token, from the columns that spare room; then give the room a
    column has beyond its longest line to the columns whose cells wrap (a figure column
    twice as wide as its figures, beside a column of goals on two lines each). Header
    rows count for the tokens only (a header may wrap); a table that holds a drawing or
    another table is only widened for its tokens. How many tables changed."""
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
        rows = table.findall(f"{_W}tr")
        cells_of = [row.findall(f"{_W}tc") for row in rows]
        plain = [cells for cells in cells_of if len(cells) == count]  # rows without spans
        needs, lines = [0] * count, [0] * count
        for row, cells in zip(rows, cells_of, strict=True):
            if len(cells) != count:
                continue
            header = row.find(f"{_W}trPr/{_W}tblHeader") is not None
            for index, cell in enumerate(cells):
                for paragraph in cell.findall(f"{_W}p"):
                    need, line = _paragraph_needs(paragraph, default_points)
                    if need:
                        needs[index] = max(needs[index], need + CELL_MARGINS_TWIPS)
                    if line and not header:
                        lines[index] = max(lines[index], line + CELL_MARGINS_TWIPS)
        if _holds_more(table):
            new = _fitted(widths, needs, needs)
        else:
            keeps = [  # (a column with no text under its header keeps its width)
                max(need, int(line * LINE_SLACK) + LINE_PAD_TWIPS) if line else width
                for need, line, width in zip(needs, lines, widths, strict=True)
            ]
            # the room for a token from the columns that spare it without wrapping more
            # when they can, else from any column's room beyond its own tokens
            new = _fitted(widths, needs, keeps) or _fitted(widths, needs, needs)
            new = _balanced(new or widths, keeps, lines) or new
        if new is None or new == widths:
            continue
        for col, width in zip(columns, new, strict=True):
            col.set(f"{_W}w", str(width))
        for cells in plain:
            for cell, width in zip(cells, new, strict=True):
                tcw = cell.find(f"{_W}tcPr/{_W}tcW")
                if tcw is not None and tcw.get(f"{_W}type") == "dxa":
                    tcw.set(f"{_W}w", str(width))
        changed += 1
    return changed


def _fitted(widths: list[int], needs: list[int], keeps: list[int]) -> list[int] | None:
    """Widths with each column at least its widest token (``needs``), the room taken from
    the columns wider than what they keep (``keeps``, at least their needs) in proportion
    to what they spare; None when none is short or the others cannot spare enough (a wrap
    is better than a table wider than the page)."""
    short = [max(0, need - width) for need, width in zip(needs, widths, strict=True)]
    spare = [
        max(0, width - max(keep, need))
        for need, keep, width in zip(needs, keeps, widths, strict=True)
    ]
    deficit, room = sum(short), sum(spare)
    if deficit == 0 or room < deficit:
        return None
    lent = _taken(deficit, spare)  # the table keeps its width exactly
    return [width + lack - taken for width, lack, taken in zip(widths, short, lent, strict=True)]


def _holds_more(table: Any) -> bool:
    """Whether a table's cells hold a drawing or a table of their own (their width is
    not their text's)."""
    for _ in table.iter(f"{_W}drawing", f"{{{_WP_NS}}}inline", f"{_W}object", f"{_W}pict"):
        return True
    return any(True for nested in table.iter(f"{_W}tbl") if nested is not table)
