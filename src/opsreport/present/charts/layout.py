"""Shared layout of the charts: text measuring and cutting, headers and notes, the axes
of the horizontal (one row per KPI) charts, value labels, top-N selection."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from opsreport.present.charts.record import Chart, Mark
from opsreport.present.charts.sizing import row_pitch_cm
from opsreport.present.charts.style import (
    CM_PER_INCH,
    FONT_SIZE,
    HEADER_IN,
    NAME_LIMIT,
    PAGE_WIDTH_CM,
    SUB_SIZE,
    SUBTITLE_LIMIT,
    TITLE_LIMIT,
    TITLE_SIZE,
)
from opsreport.present.charts.texts import chart_text
from opsreport.present.formatting import fmt_pp
from opsreport.present.theme import BACKGROUND, BASELINE, MUTED, TEXT

__all__ = [
    "char_units",
    "clip",
    "draw_header",
    "draw_note",
    "draw_value_label",
    "finish_chart",
    "float_or_none",
    "more_text",
    "plain_axes",
    "pp_label",
    "row_axes",
    "row_chart_height",
    "row_height_in",
    "select_top",
    "short_text",
    "text_width_in",
    "wrap_text",
]


def text_width_in(
    renderer: Any, texts: Sequence[str], size: float, weight: str = "normal"
) -> float:
    """Width in inches of the widest text, measured with the fonts in use (CJK fallback too)."""
    from matplotlib.font_manager import FontProperties

    if not texts:
        return 0.0
    prop = FontProperties(size=size, weight=weight)
    widest = max(
        renderer.get_text_width_height_descent(text, prop, ismath=False)[0] for text in texts
    )
    return float(widest / renderer.dpi)


def char_units(ch: str) -> float:
    """A character's width in name-limit units: 1 for a wide (CJK) character, else 0.55."""
    return 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55


def short_text(text: object, limit: float = NAME_LIMIT) -> str:
    """One line of at most ``limit`` width units (a CJK character is 1), cut with "…"."""
    clean = " ".join(str(text if text is not None else "").split())
    # Every character is at least 0.55 units wide, so this many already exceed the
    # limit: a 32,767-character name costs what a short one does.
    head = clean[: math.ceil(limit / 0.55) + 1]
    if len(head) == len(clean) and sum(char_units(ch) for ch in clean) <= limit:
        return clean
    used, kept = 0.0, []
    for ch in head:
        used += char_units(ch)
        if used > limit - 1:
            break
        kept.append(ch)
    return "".join(kept).rstrip() + "…"


def wrap_text(text: object, limit: float = NAME_LIMIT, lines: int = 3) -> str:
    """Lines of at most ``limit`` width units (a CJK character is 1) joined by "\\n":
    Latin text breaks at spaces, CJK between any two characters; beyond ``lines`` the
    last line is cut with "…" (a name of 32,767 characters costs what a short one does)."""
    clean = " ".join(str(text if text is not None else "").split())
    clean = clean[: math.ceil(limit * lines / 0.55) + 1]
    out: list[str] = []
    rest = clean
    while rest and len(out) < lines:
        used, cut = 0.0, len(rest)
        for index, ch in enumerate(rest):
            used += char_units(ch)
            if used > limit:
                cut = index
                break
        if cut == len(rest):
            out.append(rest)
            rest = ""
            break
        space = rest.rfind(" ", 0, cut + 1)
        wide = unicodedata.east_asian_width(rest[cut]) in "WF" or (
            cut > 0 and unicodedata.east_asian_width(rest[cut - 1]) in "WF"
        )
        if space > 0 and not wide:
            cut = space
        out.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        out[-1] = short_text(out[-1] + " " + rest, limit)
    return "\n".join(out)


def pp_label(points: Decimal | None) -> str:
    """Compact percentage points for a label: +1.2pp."""
    return fmt_pp(points, 1, signed=True, lang="en").replace(" ", "")


def draw_header(fig: Any, width_in: float, height_in: float, title: str, subtitle: str) -> None:
    """Title and subtitle, each one line cut to the page width: both may hold a KPI's
    name or unit, which can be 32,767 characters (laying those out took seconds)."""
    title, subtitle = short_text(title, TITLE_LIMIT), short_text(subtitle, SUBTITLE_LIMIT)
    x = 0.1 / width_in
    fig.text(x, 1 - 0.1 / height_in, title, ha="left", va="top", size=TITLE_SIZE, weight="bold")
    if subtitle:
        fig.text(x, 1 - 0.36 / height_in, subtitle, ha="left", va="top", size=SUB_SIZE, color=MUTED)


def draw_note(fig: Any, width_in: float, height_in: float, text: str) -> None:
    """A chart's footnote (what it leaves out), small and grey at the bottom left; none if empty."""
    if text:
        fig.text(
            0.1 / width_in,
            0.08 / height_in,
            text,
            ha="left",
            va="bottom",
            size=SUB_SIZE,
            color=MUTED,
        )


def more_text(lang: str, hidden: int) -> str:
    """The footnote for ``hidden`` items a chart leaves out ("+3 more KPIs in the table"), else ""."""
    return chart_text(lang, "more", n=hidden) if hidden > 0 else ""


def finish_chart(
    fig: Any, name: str, title: str, width_in: float, alt: str, marks: Sequence[Mark] = ()
) -> Chart:
    """The drawn figure as a Chart, its width on the page at most the page width."""
    return Chart(
        name=name,
        title=title,
        width_cm=round(min(PAGE_WIDTH_CM, width_in * CM_PER_INCH), 2),
        alt=alt,
        figure=fig,
        marks=tuple(marks),
    )


def plain_axes(ax: Any) -> None:
    """No frame and no tick marks: the charts draw their own reference lines."""
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.tick_params(length=0)


def row_axes(
    fig: Any,
    renderer: Any,
    *,
    width_in: float,
    height_in: float,
    names: Sequence[str],
    values: Sequence[float],
    labels_right: Sequence[float],
    labels_left: Sequence[float],
    reference: float | None = None,
    footer_in: float = 0.2,
    band: tuple[float, float] | None = None,
    left_in: float | None = None,
) -> Any:
    """Axes for a horizontal chart: one row per name, the left margin fits the longest name
    (or is ``left_in``), the x range leaves room for the value labels (widths in inches) on
    either side. ``band`` (top, height in inches from the figure's top) places the axes
    in one panel of a chart of several; else they fill the figure below its header."""
    if left_in is None:
        left_in = min(text_width_in(renderer, names, FONT_SIZE) + 0.18, width_in * 0.45)
    right_in = 0.12
    axes_w = width_in - left_in - right_in
    if band is None:
        fig.subplots_adjust(
            left=left_in / width_in,
            right=1 - right_in / width_in,
            top=1 - HEADER_IN / height_in,
            bottom=footer_in / height_in,
        )
        ax = fig.add_subplot()
    else:
        top_in, band_in = band
        ax = fig.add_axes(
            (
                left_in / width_in,
                1 - (top_in + band_in) / height_in,
                axes_w / width_in,
                band_in / height_in,
            )
        )
    lo = min([0.0, *values] + ([reference] if reference is not None else []))
    hi = max([0.0, *values] + ([reference] if reference is not None else []))
    pad_r = max(labels_right, default=0.0) + 0.06
    pad_l = max(labels_left, default=0.0) + (0.06 if labels_left else 0.02)
    share = min((pad_r + pad_l) / axes_w, 0.7)
    span = (hi - lo) or 1.0
    total = span / (1 - share)
    per_in = total / axes_w
    ax.set_xlim(lo - pad_l * per_in, hi + pad_r * per_in)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_yticks(range(len(names)), labels=list(names))
    ax.set_xticks([])
    plain_axes(ax)
    ax.axvline(0, color=BASELINE, linewidth=0.8, zorder=3)
    return ax


def draw_value_label(
    ax: Any,
    text: str,
    x: float,
    y: float,
    right: bool,
    *,
    offset: float = 3.0,
    size: float = FONT_SIZE,
    color: str = TEXT,
    ground: str | None = BACKGROUND,
) -> None:
    """A value label beside a bar end, on a white ground so reference lines pass behind it
    (``ground=None``: no ground, for a label inside its bar)."""
    box = {"boxstyle": "square,pad=0.08", "facecolor": ground, "edgecolor": "none"}
    ax.annotate(
        text,
        (x, y),
        xytext=(offset if right else -offset, 0),
        textcoords="offset points",
        ha="left" if right else "right",
        va="center_baseline",
        size=size,
        color=color,
        zorder=6,
        bbox=box if ground else None,
    )


def select_top(items: Sequence[Any], top: int, key: Any) -> tuple[list[Any], int]:
    """The ``top`` items by ``key`` (smallest first), kept in their given order."""
    items = list(items)
    if top < 1:
        top = 1
    if len(items) <= top:
        return items, 0
    chosen = {id(item) for item in sorted(items, key=key)[:top]}
    return [item for item in items if id(item) in chosen], len(items) - top


def clip(value: float, lo: float, hi: float) -> tuple[float, bool]:
    """``value`` kept within [lo, hi], and whether it was cut (a clipped bar is marked)."""
    if value > hi:
        return hi, True
    if value < lo:
        return lo, True
    return value, False


def row_height_in(rows: int) -> float:
    """One row's height in inches in a chart of ``rows`` rows (present/charts/sizing:
    the rule the native Word charts follow too)."""
    return row_pitch_cm(rows) / CM_PER_INCH


def row_chart_height(rows: int, footer_in: float) -> float:
    """The figure height in inches of a one-row-per-name chart with ``rows`` rows."""
    return HEADER_IN + rows * row_height_in(rows) + footer_in + 0.08


def float_or_none(value: Decimal | None) -> float | None:
    """A Decimal figure as matplotlib takes it; None (no figure) stays None."""
    return None if value is None else float(value)
