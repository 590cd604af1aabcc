"""Whether text fits a box of a slide, measured from the text and its size, not guessed.

The one fitting rule of the deck (present/deck.py paginates by it; tests check every box
of both examples' decks against it): a CJK or other wide character is as wide as the font
size, any other character 0.55 of it; lines break between words (anywhere between wide
characters), a word longer than the line breaks where it must; a line is 1.2 × the size
tall. Boxes have PowerPoint's default insets (0.1 in left and right, 0.05 in top and
bottom). Sizes are in points (1 in = 72 pt).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

__all__ = [
    "INSET_X",
    "INSET_Y",
    "LINE",
    "char_width",
    "cut_to_lines",
    "line_count",
    "lines_height",
    "text_fits",
]

LINE = 1.2  # a line's height, in font sizes
INSET_X = 7.2  # pt: a text box's left and right inset
INSET_Y = 3.6  # pt: its top and bottom inset
PARAGRAPH_GAP = 0.4  # the space after a paragraph, in font sizes
_TOKEN = re.compile(r"[\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF]|[^\s\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF]+|\s+")  # fmt: skip


def char_width(char: str, size: float) -> float:
    """A character's advance: the font size for a wide (CJK, full-width) one, else 0.55 ×."""
    return size if unicodedata.east_asian_width(char) in {"W", "F"} else 0.55 * size


def _width(text: str, size: float) -> float:
    return sum(char_width(c, size) for c in text)


def line_count(text: str, size: float, width: float) -> int:
    """How many lines ``text`` takes at ``size`` pt in a line ``width`` pt wide (each
    line break of the text starts a line; an empty text is one line)."""
    if width <= size:
        return 10**6  # no character fits: never fits
    total = 0
    for paragraph in text.split("\n"):
        lines, used = 1, 0.0
        for token in _TOKEN.findall(paragraph):
            advance = _width(token, size)
            if token.isspace():
                used += advance if used else 0.0
                continue
            if used + advance <= width:
                used += advance
                continue
            if advance <= width:  # the word starts the next line
                lines, used = lines + 1, advance
                continue
            for char in token:  # a word longer than a line breaks where it must
                step = char_width(char, size)
                if used + step > width:
                    lines, used = lines + 1, 0.0
                used += step
        total += lines
    return total


def lines_height(paragraphs: Sequence[str], size: float, width: float) -> float:
    """The height in pt of ``paragraphs`` in a box ``width`` pt wide (its insets taken
    off), each followed by a gap of 0.4 × the size but the last, insets included."""
    inner = width - 2 * INSET_X
    lines = sum(line_count(p, size, inner) for p in paragraphs)
    gaps = max(len(paragraphs) - 1, 0) * PARAGRAPH_GAP * size
    return lines * LINE * size + gaps + 2 * INSET_Y


def text_fits(paragraphs: Sequence[str], size: float, width: float, height: float) -> bool:
    """Whether ``paragraphs`` at ``size`` pt fit a box of ``width`` × ``height`` pt."""
    return lines_height(paragraphs, size, width) <= height


def cut_to_lines(text: str, size: float, width: float, lines: int) -> str:
    """``text`` if it takes at most ``lines`` lines of ``width`` pt at ``size`` pt, else its
    longest beginning that does, ended by "…" (a name or title longer than its box: a list
    continues on the next slide instead, never a single text)."""
    if line_count(text, size, width) <= lines:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix + "…" that fits
        middle = (low + high + 1) // 2
        if line_count(text[:middle].rstrip() + "…", size, width) <= lines:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"
