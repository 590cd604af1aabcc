"""What a chart shows, decided once for both its writers: the picture (matplotlib, PNG/SVG)
and the native Word chart (render/word_charts.py).

A :class:`ChartData` holds every decision a chart makes from the engine's figures: which
rows and in what order, each point's value in the unit the document writes (en: 837 for
8.37亿元), its label as the text prints it, its colour (good/bad by the KPI's direction,
status, phase), the Excel number format that writes the same label from the value, the
panels (rates in points apart from amounts in percent), the title, the unit line, the alt
text and the footnote. The writers only lay these out. No matplotlib here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

__all__ = [
    "ChartData",
    "MatrixCell",
    "MatrixRow",
    "Panel",
    "RiskGrid",
    "Series",
    "hex_rgb",
    "label_format",
    "text_on",
]

ChartKind = Literal["bar", "pin", "column", "bridge", "timeline", "matrix"]
SeriesRole = Literal["ac", "py", "pl", "status", "variance", "base", "step", "task"]


@dataclass(frozen=True)
class Series:
    """One series of a panel: a value per category (None: no point there).

    ``colors`` are per-point fills ("" = the role's own: AC dark, PY grey, PL outlined);
    ``labels`` the text the picture prints beside each point ("" = none);
    ``number_format`` the Excel format that prints those labels from ``values``, and
    ``point_formats`` per-point overrides ("" = the series' own). A ``base`` series is
    not drawn (it lifts the next series: a bridge's or a timeline's invisible start).
    ``inside`` gives, per point, the colour of a label written inside the bar's end
    ("" = beside the end, as usual).
    """

    role: SeriesRole
    name: str
    values: tuple[Decimal | None, ...]
    colors: tuple[str, ...]
    labels: tuple[str, ...]
    number_format: str
    point_formats: tuple[str, ...] = ()
    inside: tuple[str, ...] = ()


@dataclass(frozen=True)
class Panel:
    """One plot: its categories (``names`` in full, ``categories`` as shown), its series
    and its unit line ("" for a one-panel chart, whose unit is in the subtitle)."""

    name: str  # "" or "rate" / "amount"
    heading: str
    names: tuple[str, ...]
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    limits: tuple[float, float] | None = None  # values beyond are drawn cut at these
    reference: float | None = None  # a reference line (attainment: 100%)
    axis_format: str = ""  # the value axis' number format when it is shown ("" = hidden)
    axis_span: tuple[float, float] | None = None  # the value axis' range when it is fixed
    axis_step: float | None = None  # its major unit when it is shown
    notes: tuple[str, ...] = ()  # a second, smaller label per category (a share's change)


@dataclass(frozen=True)
class MatrixCell:
    """One likelihood × impact cell: its tint and the risks in it (numbers, rung or not)."""

    likelihood: int
    impact: int
    tint: str
    risks: tuple[tuple[int, bool], ...]


@dataclass(frozen=True)
class MatrixRow:
    """One risk of the key beside the grid: number, text (cut), suffix, colour."""

    number: int
    text: str
    suffix: str
    ringed: bool
    color: str


@dataclass(frozen=True)
class RiskGrid:
    """The risk matrix: 25 cells, the key, the axis words and what a ring means."""

    cells: tuple[MatrixCell, ...]
    rows: tuple[MatrixRow, ...]
    likelihood: str
    impact: str
    ring: str  # the ring's colour


@dataclass(frozen=True)
class ChartData:
    """One chart as both writers lay it out (see the module docstring)."""

    key: str
    kind: ChartKind
    title: str
    subtitle: str
    alt: str
    note: str  # the footnote ("+3 more …"), "" for none
    panels: tuple[Panel, ...] = ()
    legend: bool = False  # a key of the series (the quarterly chart's AC / PY / PL)
    grid: RiskGrid | None = field(default=None, compare=False)
    native_subtitle: str = ""  # the unit line of the native chart when it draws differently

    @property
    def name(self) -> str:
        """The chart's key, as a :class:`~opsreport.present.charts.record.Chart` names it."""
        return self.key


_NAMED = {"white": "FFFFFF", "black": "000000"}


def hex_rgb(color: str) -> str:
    """A theme colour (``#RRGGBB``, ``#RGB``, ``white``, ``black``) as DrawingML and
    WordprocessingML write it, ``RRGGBB``; "" for anything else."""
    rgb = _NAMED.get(color.strip().lower(), color.strip().lstrip("#").upper())
    if len(rgb) == 3:  # #fff
        rgb = "".join(c * 2 for c in rgb)
    return rgb if len(rgb) == 6 and all(c in "0123456789ABCDEF" for c in rgb) else ""


def text_on(fill: str) -> str:
    """The label colour that reads best on ``fill``: near-black or white, whichever has
    the higher WCAG contrast ratio (dark on the amber of "near", white on green and red)."""
    from opsreport.present.theme import LABEL_ON_DARK, TEXT

    rgb = hex_rgb(fill)
    if not rgb:
        return TEXT  # not a colour this knows (the theme's are #RRGGBB): the body text's
    channels = [int(rgb[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    # contrast with white (1.05 / (L + 0.05)) against near-black (#262626, L = 0.019)
    return TEXT if (luminance + 0.05) / 0.069 > 1.05 / (luminance + 0.05) else LABEL_ON_DARK


def _quoted(text: str) -> str:
    """Text an Excel number format prints as typed ("" inside are dropped)."""
    return f'"{text.replace(chr(34), "")}"' if text else ""


def label_format(places: int | None, *, signed: bool = False, suffix: str = "") -> str:
    """The Excel number format that prints what :mod:`opsreport.present.formatting` does:
    thousands separated, ``places`` decimals, ``suffix`` after (``%``, ``pp``, ``个百分点``),
    a "+" before a positive figure when ``signed``: ``+#,##0.0"pp";-#,##0.0"pp";0.0"pp"``."""
    places = max(0, min(places or 0, 15))  # Excel shows at most 15 significant digits
    body = "#,##0" + ("." + "0" * places if places else "")
    tail = _quoted(suffix)
    if not signed:
        return body + tail
    zero = "0" + ("." + "0" * places if places else "")
    return f"+{body}{tail};-{body}{tail};{zero}{tail}"
