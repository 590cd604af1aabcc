"""Which charts a build makes: native Word charts (the default for a Word document and
its PDF), pictures (``image``: PNG in Word and Markdown, SVG in HTML), or none.

A Word build with native charts never imports matplotlib: its charts are written from
the chart data (:func:`opsreport.present.charts.chart_data`); Markdown and HTML always
get pictures, drawn only for them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from opsreport.errors import UsageError

__all__ = ["CHART_MODES", "ChartMode", "chart_mode", "make_charts", "picture_formats"]

ChartMode = Literal["native", "image"]
CHART_MODES: tuple[ChartMode, ...] = ("native", "image")
_WORD = ("docx", "pdf")


def chart_mode(charts: bool | str | None) -> ChartMode | None:
    """``charts`` as a mode: True (the default) is ``native``, False, None or ``"none"``
    no charts, ``"native"``/``"image"`` as named; anything else is a UsageError."""
    if charts is None or charts is False or charts == "none":
        return None
    if charts is True:
        return "native"
    if charts in CHART_MODES:
        return "native" if charts == "native" else "image"
    raise UsageError(f"unknown chart kind {charts!r}: use native, image or none")


def picture_formats(formats: Sequence[str], charts: bool | str | None) -> tuple[str, ...]:
    """The formats among ``formats`` that embed charts as pictures: Markdown and HTML
    always, Word (and its PDF) only with ``image``."""
    mode = chart_mode(charts)
    if mode is None:
        return ()
    return tuple(f for f in formats if f in {"md", "html"} or (mode == "image" and f in _WORD))


def make_charts(
    formats: Sequence[str],
    charts: bool | str | None,
    draw: Callable[[tuple[str, ...]], dict[str, Any]],
    data: Callable[[], dict[str, Any]],
    *,
    lang: str = "zh",
    jobs: int | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(pictures, native charts) for ``formats``: ``draw(encodings)`` is called only when
    a format needs pictures, ``data()`` only when a Word document gets native charts,
    whose parts are then made in a worker while the document renders (``jobs``: see
    :func:`opsreport.present.charts.chart_jobs`; 1 makes them in this process)."""
    from opsreport.app.pipeline import chart_encodings

    mode = chart_mode(charts)
    if mode is None:
        return {}, {}
    pictures = picture_formats(formats, mode)
    native: dict[str, Any] = {}
    if mode == "native" and set(_WORD) & set(formats):
        from opsreport.render.word_chart_jobs import prepare_native

        native = dict(prepare_native(data(), lang, jobs))
    drawn = draw(chart_encodings(pictures)) if pictures else {}
    return drawn, native
