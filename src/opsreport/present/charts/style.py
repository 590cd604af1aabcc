"""What every chart is drawn and saved under: page and font sizes, the matplotlib rc
settings, the style context and a pyplot-free figure."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from opsreport.present.charts.fonts import setup_fonts
from opsreport.present.theme import BACKGROUND, BASELINE, TEXT

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "CM_PER_INCH",
    "DPI",
    "FONT_SIZE",
    "HEADER_IN",
    "NAME_LIMIT",
    "PAGE_WIDTH_CM",
    "SUBTITLE_LIMIT",
    "SUB_SIZE",
    "TITLE_LIMIT",
    "TITLE_SIZE",
    "chart_style",
    "new_figure",
]


DPI = 150
PAGE_WIDTH_CM = 16.0
CM_PER_INCH = 2.54
FONT_SIZE = 8.0  # labels
TITLE_SIZE = 10.0
SUB_SIZE = 7.5
HEADER_IN = 0.62  # title + subtitle band
NAME_LIMIT = 16.0  # width units (a CJK character is one) before a name is cut with "…"
TITLE_LIMIT = 44.0  # … a chart's title
SUBTITLE_LIMIT = 90.0  # … its subtitle (at the smaller size)


_RC: dict[str, Any] = {
    "svg.fonttype": "none",  # text stays text (searchable, selectable, CJK via the browser)
    "text.parse_math": False,  # "$5 & $6" from a workbook is text, not mathtext
    "text.usetex": False,
    "axes.unicode_minus": False,
    "font.size": FONT_SIZE,
    "text.color": TEXT,
    "axes.edgecolor": BASELINE,
    "axes.linewidth": 0.8,
    "axes.labelcolor": TEXT,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "xtick.labelsize": FONT_SIZE,
    "ytick.labelsize": FONT_SIZE,
    "figure.facecolor": BACKGROUND,
    "savefig.facecolor": BACKGROUND,
    "path.simplify": True,
}


@contextmanager
def chart_style(name: str) -> Iterator[None]:
    """The charts' matplotlib settings while one chart is drawn (fonts, sizes, a stable SVG salt)."""
    import matplotlib

    setup_fonts()
    settings: Any = {**_RC, "svg.hashsalt": f"opsreport:{name}"}
    with matplotlib.rc_context(settings):
        yield


def new_figure(width_in: float, height_in: float) -> tuple[Any, Any]:
    """A Figure with an Agg canvas (no pyplot) and its renderer for measuring text."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=100)
    canvas = FigureCanvasAgg(fig)
    return fig, canvas.get_renderer()  # type: ignore[no-untyped-call]
