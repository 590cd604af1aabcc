"""How tall a chart is on the page: one rule for the picture (matplotlib) and the native
Word chart (render/word_charts.py), so that both modes paginate alike.

A chart is sized to its content: a horizontal chart is a header plus one row per
category at :data:`ROW_CM`; when that would pass :data:`CAP_CM` (about half the A4 text
height, 25.3 cm) the rows get thinner, down to :data:`MIN_ROW_CM` (8 pt labels still
apart), so a 26-KPI chart takes half a page and a 5-KPI chart a fifth, never a page.
A column chart (quarters: 2 to 8 categories side by side) has a fixed height,
:data:`COLUMN_CM`: its categories widen it, not heighten it.
"""

from __future__ import annotations

__all__ = [
    "CAP_CM",
    "COLUMN_CM",
    "FIXED_CM",
    "MIN_ROW_CM",
    "ROW_CM",
    "TIMELINE_NAME_LIMIT",
    "label_lines",
    "row_pitch_cm",
]

ROW_CM = 0.5  # one category row of a horizontal chart when the chart is short
MIN_ROW_CM = 0.4  # the thinnest row: 8 pt labels (0.28 cm) with a gap between them
CAP_CM = 12.5  # the tallest a horizontal chart grows before its rows thin out
FIXED_CM = 2.2  # what a chart has besides its rows: title, unit line, axis, footnote
COLUMN_CM = 4.0  # a column chart (the quarterly trend), whatever its categories
TIMELINE_NAME_LIMIT = 22.0  # width units (a CJK character is 1) of a task name's line
LINE_SHARE = 0.7  # each further line of a wrapped label adds this share of a row


def row_pitch_cm(rows: int) -> float:
    """The height of one row of a horizontal chart of ``rows`` rows (all its panels):
    :data:`ROW_CM`, thinner as the chart would pass :data:`CAP_CM`, never below
    :data:`MIN_ROW_CM`. 26 rows: (12.5 − 2.2) ÷ 26 = 0.396 → 0.4 cm; 5 rows: 0.5 cm."""
    if rows <= 0:
        return ROW_CM
    fit = (CAP_CM - FIXED_CM) / rows
    return max(MIN_ROW_CM, min(ROW_CM, fit))


def label_lines(labels: tuple[str, ...] | list[str]) -> float:
    """How many rows tall each row of a chart stands when its labels wrap (every row
    alike: a chart's categories are evenly spaced): 1, plus :data:`LINE_SHARE` for
    each line of the longest label past its first (two lines: 1.7 rows)."""
    most = max((label.count("\n") + 1 for label in labels), default=1)
    return 1 + LINE_SHARE * (most - 1)
