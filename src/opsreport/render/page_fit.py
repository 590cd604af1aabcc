"""When a chart is kept on the page of the table under it (keep-with-next), one rule for
the Word report whether its body is rendered in memory (render/docx.py) or streamed
(render/wordstream.py).

Keeping a pair together moves all of it to the next page when it does not fit at the
bottom of this one, leaving that much of this page empty. So a chart keeps with its
table only when the pair takes at most half the text height: no page is left less
than half full by a kept pair. A taller pair is let go: the chart stays where it falls
and its table follows (its header row repeats on the next page).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "KEEP_PAIR_CM",
    "TABLE_ROW_CM",
    "TEXT_HEIGHT_CM",
    "drawing_height_cm",
    "keeps_with_table",
]

TEXT_HEIGHT_CM = 25.3  # A4 (29.7 cm) less the templates' 2.2 cm margins
KEEP_PAIR_CM = TEXT_HEIGHT_CM / 2
TABLE_ROW_CM = 0.6  # a table row of one line at the table text size, with its padding
_EMU_PER_CM = 360000
_EXTENT = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent"


def drawing_height_cm(paragraph: Any) -> float:
    """How tall the drawings in ``paragraph`` (an lxml ``w:p``) stand, one under the other:
    the sum of their ``wp:extent`` heights (a multi-panel chart is a drawing per panel)."""
    total = 0
    for extent in paragraph.iter(_EXTENT):
        try:
            total += max(0, int(extent.get("cy", "0")))
        except ValueError:  # a template's own drawing with a broken size: counts as none
            continue
    return total / _EMU_PER_CM


def keeps_with_table(chart_cm: float, table_rows: int) -> bool:
    """Whether a chart ``chart_cm`` tall keeps with the ``table_rows``-row table under it:
    only when both take at most half the text height (4.8 cm of quarterly columns and a
    5-row table: 4.8 + 5 × 0.6 = 7.8 ≤ 12.65, kept; a 12.6 cm chart and an 8-row table:
    12.6 + 4.8 = 17.4, let go)."""
    return chart_cm + table_rows * TABLE_ROW_CM <= KEEP_PAIR_CM
