"""The report's palette and font families: the one place where a colour or a family is chosen.

The charts (:mod:`opsreport.present.charts`) read these names; the HTML stylesheet and the
Word templates are meant to read them too, so that "good" is the same green in a chart, a
table cell and a Word paragraph. Notation follows IBCS (International Business
Communication Standards):

- scenarios are told apart by fill, not hue: AC (actual) solid dark grey, PY (prior year)
  solid light grey, PL (plan / target) outlined with a white fill;
- variances are coloured by their business impact for the KPI's direction, never by sign
  alone: green good, red bad (a cost that falls is green);
- everything else (text, axes, grids) is grey, so the only colour on a page means something.

Colours are hex strings (``#RRGGBB``, upper case) or the CSS/matplotlib name ``white``;
matplotlib, CSS and WordprocessingML (without the ``#``) all read them. This module has no
imports and no behaviour: changing a value here changes every output that uses it (the
charts' golden hashes included).
"""

from __future__ import annotations

__all__ = [
    "AC_COLOR",
    "ALERT",
    "ALERT_FILL",
    "BACKGROUND",
    "BAD",
    "BASELINE",
    "CJK_FAMILIES",
    "GOOD",
    "GRID",
    "HEADER_FILL",
    "HEADER_TEXT",
    "LABEL_ON_DARK",
    "LATIN_FAMILY",
    "LEAD_FILL",
    "MUTED",
    "NEAR",
    "NEAR_TEXT",
    "PACKAGED_FAMILY",
    "PHASE_SHADES",
    "PL_EDGE",
    "PL_FILL",
    "PY_COLOR",
    "RISK_TINTS",
    "RULE",
    "STATUS_COLORS",
    "SUBTLE",
    "SVG_FALLBACK",
    "TABLE_RULE",
    "TAG_TEXT",
    "TEXT",
]

# --------------------------------------------------------------------------- scenarios

AC_COLOR = "#404040"
"""AC, actual: solid dark grey (columns, bars, the dots of the risk matrix)."""

PY_COLOR = "#A6A6A6"
"""PY, prior year: solid light grey, drawn behind and left of the actual."""

PL_EDGE = "#404040"
"""PL, plan / target: the outline of a white column (IBCS draws plans hollow)."""

BACKGROUND = "white"
"""The page and the figures' ground; also the ground behind value labels."""

PL_FILL = BACKGROUND
"""PL, plan / target: the fill inside the outline (the ground shows through)."""

# --------------------------------------------------------------------------- variances

GOOD = "#2E7D32"
"""A favourable variance for the KPI's direction (ΔPL, ΔPY), and the status "met"."""

BAD = "#C62828"
"""An unfavourable variance for the KPI's direction, and the status "missed"."""

NEAR = "#F9A825"
"""The status "near" (attainment within the near threshold): amber, as a fill only."""

NEAR_TEXT = "#B07800"
"""The status "near" as text: a darker amber than :data:`NEAR`, readable on white."""

ALERT = BAD
"""A triggered risk or an alert: the same red as a bad variance (the ring in the risk matrix)."""

ALERT_FILL = "#FDECEA"
"""The pale red ground of an alert box in the documents (not used by the charts)."""

STATUS_COLORS = {"met": GOOD, "near": NEAR, "missed": BAD}
"""Attainment status -> bar colour in the attainment chart."""

# --------------------------------------------------------------------------- neutrals

TEXT = "#262626"
"""Body text, value labels, titles: near black."""

MUTED = "#595959"
"""Secondary text: subtitles (units), notes ("… 12 more"), pp changes, milestone labels."""

BASELINE = "#404040"
"""The zero line and the axis a chart stands on (IBCS: a strong baseline, no other frame)."""

GRID = "#E6E6E6"
"""Light grid lines (the month lines of the task timeline), behind everything."""

LABEL_ON_DARK = "white"
"""Text drawn on a dark fill (the numbers inside the risk matrix's dots), and break marks."""

PHASE_SHADES = ("#404040", "#A6A6A6", "#6E6E6E", "#C4C4C4", "#575757", "#8C8C8C")
"""Task-timeline bars, one grey per phase in turn: phases are categories, not scenarios or
variances, so they get no hue (IBCS keeps colour for meaning)."""

RISK_TINTS = {"low": "#E3F1E4", "medium": "#FFF3CD", "high": "#F9DEDC"}
"""Risk-matrix cells by score band (low < 6 <= medium < 15 <= high): pale green, amber, red."""

# --------------------------------------------------------------------------- documents
# The greys of the Word and HTML documents' furniture (the Word templates and the HTML
# stylesheet read them; the charts do not).

HEADER_FILL = "#404040"
"""The dark ground of a table's header row, and the strong rules of tables and titles."""

HEADER_TEXT = "#FFFFFF"
"""The text on :data:`HEADER_FILL` (Word wants a hex colour, not ``white``)."""

RULE = "#BFBFBF"
"""The rule under a section heading."""

TABLE_RULE = "#D9D9D9"
"""The light lines between table rows."""

LEAD_FILL = "#F2F2F2"
"""The ground of the opening paragraph (the lead)."""

SUBTLE = "#7F7F7F"
"""Furniture text: the subtitle line, page header and footer, list bullets."""

TAG_TEXT = "#A6A6A6"
"""The template-only control paragraphs ({%p … %}), removed when the report is rendered."""

# --------------------------------------------------------------------------- fonts

CJK_FAMILIES = (
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "WenQuanYi Micro Hei",
    "Hiragino Sans GB",
)
"""System CJK families the charts look for, in order of preference."""

PACKAGED_FAMILY = "Noto Sans CJK SC"
"""The CJK family of the font file shipped by the ``noto_cjk_sans_otc`` package (OFL)."""

LATIN_FAMILY = "DejaVu Sans"
"""The charts' Latin family (matplotlib's own, so text is measured the same everywhere)."""

SVG_FALLBACK = (
    LATIN_FAMILY,
    "Noto Sans CJK SC",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
)
"""What browsers get in a chart's SVG: the metrics font first, then any CJK font they may have."""
