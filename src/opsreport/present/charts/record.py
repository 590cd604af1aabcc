"""The Chart record (one picture, encoded as PNG and inline-able SVG on first use) and
the clean-up that makes matplotlib's SVG safe to inline in an HTML page."""

from __future__ import annotations

import functools
import hashlib
import io
import re
from dataclasses import dataclass, field
from html import escape
from typing import Any

from opsreport.present.charts.fonts import FONT_STATE
from opsreport.present.charts.style import DPI, chart_style
from opsreport.present.theme import LATIN_FAMILY, PACKAGED_FAMILY, SVG_FALLBACK


@dataclass(frozen=True)
class Mark:
    """One thing a chart draws from data (a bar, a pin, a step), as it is drawn: its row
    name, value, label and colour, and the panel it sits in ("" for one-panel charts).
    Tests read these instead of the pixels."""

    panel: str
    name: str
    value: float  # where the mark ends on its axis (a step: its change)
    label: str  # the value label printed beside it
    color: str


@dataclass(frozen=True)
class Chart:
    """One drawn chart: the same picture as PNG bytes and as inline-able SVG text.

    Both encodings are made on first use: saving a figure costs more than drawing
    it, and a Word build needs only PNG, an HTML build only SVG.
    """

    name: str  # e.g. "attainment", "quarterly:P01"
    title: str  # in the report language
    width_cm: float  # suggested width in a Word page (<= 16 cm)
    alt: str  # short alt text in the report language
    figure: Any = field(repr=False, compare=False, default=None)
    marks: tuple[Mark, ...] = field(repr=False, compare=False, default=())  # only some charts

    @functools.cached_property
    def png(self) -> bytes:
        """150 dpi PNG."""
        stream = io.BytesIO()
        with chart_style(self.name):  # the rc settings drawing used apply to saving too
            # zlib level 3: a quarter faster than the default 6 for a file 2% larger.
            self.figure.savefig(
                stream,
                format="png",
                dpi=DPI,
                metadata={"Software": None},
                pil_kwargs={"compress_level": 3},
            )
        return stream.getvalue()

    @functools.cached_property
    def svg(self) -> str:
        """Standalone <svg ...>...</svg>, no XML prolog or doctype."""
        stream = io.StringIO()
        with chart_style(self.name):
            self.figure.savefig(stream, format="svg", metadata={"Date": None})
        return _clean_svg(stream.getvalue(), self.alt, self.name)


_FONT_FAMILY_RE = re.compile(r"font-family:[^;\"]*")


def _svg_families() -> str:
    names = [LATIN_FAMILY, FONT_STATE.get("family", PACKAGED_FAMILY), *SVG_FALLBACK]
    unique = list(dict.fromkeys(names))
    return ", ".join(f"'{name}'" for name in unique) + ", sans-serif"


_TAG_RE = re.compile(r"<[^>]+>")
_ID_RE = re.compile(r'( id="|url\(#|href="#)')


def _clean_svg(svg: str, alt: str, name: str) -> str:
    """Inline-able SVG: no prolog or doctype, a CJK font fallback, an accessible label, and
    ids unique to this chart (several charts share one HTML page; matplotlib numbers its
    groups figure_1, axes_1, … in every file)."""
    svg = svg[svg.index("<svg") :]
    families = "font-family: " + _svg_families()
    prefix = "c" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8] + "-"

    def fix_tag(match: re.Match[str]) -> str:
        tag = _FONT_FAMILY_RE.sub(families, match.group(0))
        return _ID_RE.sub(lambda m: m.group(1) + prefix, tag)

    # Only inside tags (text content never holds a raw "<", attribute values never a raw
    # ">"), so a KPI named 'font-family: x' or 'id="y"' is left as typed.
    svg = _TAG_RE.sub(fix_tag, svg)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(alt)}" ', 1)
    head_end = svg.index(">") + 1
    return svg[:head_end] + f"\n <title>{escape(alt, quote=False)}</title>" + svg[head_end:]
