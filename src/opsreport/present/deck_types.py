"""The deck context: the slides of the year-end deck as plain data (present/deck.py makes
it, render/pptx.py lays it out). Every text arrives written; every box already fits."""

from __future__ import annotations

from typing import TypedDict

__all__ = ["BigNumber", "Deck", "DeckSlide", "DeckTable"]


class BigNumber(TypedDict):
    """A headline KPI as a big number with its variances (ΔPL, ΔPY)."""

    label: str
    value: str
    lines: list[str]  # 较目标+4.6% / 同比+30.4%
    good: list[bool | None]  # each line's good/bad (green/red), None: neutral


class DeckTable(TypedDict):
    """A table on a slide: headers, column widths (fractions of the body), rows."""

    columns: list[str]
    widths: list[float]
    numeric: list[bool]
    rows: list[list[str]]
    fills: list[list[str]]  # per-cell background (RRGGBB, "" none): the risk matrix


class DeckSlide(TypedDict):
    """One slide: its layout, message title and the one thing it shows."""

    kind: str  # title | contents | numbers | chart | table | bullets | matrix | closing
    layout: str  # the template layout it uses (DECK_LAYOUTS)
    title: str
    subtitle: str  # the title slide's lines; a chart slide's source line
    section: str  # the contents entry it belongs to ("" for title and closing)
    bullets: list[str]
    numbers: list[BigNumber]
    chart: str  # the key of its chart in the deck's chart data ("" for none)
    table: DeckTable | None
    continued: bool  # the second (third …) slide of a list that did not fit one


class Deck(TypedDict):
    lang: str
    title: str
    sections: list[str]
    slides: list[DeckSlide]
