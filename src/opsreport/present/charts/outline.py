"""A chart as ``opsreport check`` lays it out by default: its key, title and alt text from
its data, and an empty picture.

A check proves that every template renders with every chart it refers to, and that
every chart's data can be made from the team's figures (the native Word charts are
written in full). Drawing the Markdown and HTML pictures with matplotlib takes about a
second a workbook and proves the picture writer, which lays out the same data; the
tests draw it on hostile figures, and ``check --pictures`` draws it on the team's.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from opsreport.present.charts.data import ChartData

__all__ = ["ChartOutline", "chart_outlines"]


@dataclass(frozen=True)
class ChartOutline:
    """What a template reads of a chart (title, alt, svg), with nothing drawn."""

    name: str
    title: str
    alt: str

    @property
    def svg(self) -> str:
        """An empty picture with the chart's accessible name, as a drawn one has."""
        label = escape(self.alt)
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}">'
            f"<title>{escape(self.alt, quote=False)}</title></svg>"
        )


def chart_outlines(data: dict[str, ChartData]) -> dict[str, ChartOutline]:
    """An outline per chart of ``data``, by the same keys and in the same order."""
    return {key: ChartOutline(key, chart.title, chart.alt) for key, chart in data.items()}
