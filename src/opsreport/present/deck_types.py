"""The deck context: the slides of the year-end deck as plain data (present/deck.py makes
it, render/pptx.py lays it out). Every text arrives written; every box already fits."""

from __future__ import annotations

from typing import TypedDict

__all__ = ["BigNumber", "Deck", "DeckSlide", "DeckTable", "YearToDate"]


class BigNumber(TypedDict):
    """A headline KPI as a big number with its variances (ΔPL, ΔPY)."""

    label: str
    value: str
    basis: str  # what ``value`` is when it is not the year's actual: 年初至今 / Year to date
    lines: list[str]  # 较目标+4.6% / 同比+30.4%
    good: list[bool | None]  # each line's good/bad (green/red), None: neutral


class YearToDate(TypedDict):
    """A KPI of the year in progress as its big number shows it (no annual actual yet):
    its year so far and how it compares, formatted by present/in_year_rows.

    Only comparisons of like with like: the year so far against the quarter targets so
    far, the landing forecast against the annual target. No ΔPY: the engine holds no
    prior-year year-to-date figure, and last year's full year is no comparison for a half.
    """

    basis: str  # 年初至今 / 年初至今平均 / 第2季度末 (sum, avg, last KPIs)
    value: str  # the year so far: 3.50亿元
    lines: list[str]  # 年初至今完成率 101.4% / 预计完成率 104.8%
    good: list[bool | None]


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
