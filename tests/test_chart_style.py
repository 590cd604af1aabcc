"""The format-neutral native chart styling (render/chart_style.py), here the timeline's date
axis: few short labels at the first days of months, each inside its month, level."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from opsreport.render.chart_style import TIMELINE_TICKS, chart_space, timeline_ticks

EPOCH = dt.date(1899, 12, 30).toordinal()  # Excel's day 0
NS = {
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
}


def serial(year: int, month: int, day: int) -> float:
    return float(dt.date(year, month, day).toordinal() - EPOCH)


def span(first: dt.date, last: dt.date) -> tuple[float, float]:
    """The data layer's axis span: the first day and the day after the last, as serials."""
    return float(first.toordinal() - EPOCH), float(last.toordinal() + 1 - EPOCH)


def labels(first: dt.date, last: dt.date, lang: str = "zh") -> list[dt.date]:
    """The days the axis labels stand on, as LibreOffice and Word place them: from the
    axis' minimum every ``unit`` days up to its maximum."""
    ticks = timeline_ticks(span(first, last), lang)
    assert ticks is not None
    end, found, k = span(first, last)[1], [], 0
    while ticks.minimum + k * ticks.unit <= end:
        found.append(dt.date.fromordinal(int(ticks.minimum + k * ticks.unit) + EPOCH))
        k += 1
    return found


def test_a_year_of_tasks_is_labelled_every_other_month_short():
    # The zh example's tasks, 2027-01-04 … 2027-12-31: twelve month labels of «2027年1月»
    # were tilted; every 2 months from 1 January: 6 labels (12 ÷ 2), written 1月 3月 … 11月.
    ticks = timeline_ticks(span(dt.date(2027, 1, 4), dt.date(2027, 12, 31)), "zh")
    assert ticks is not None
    assert ticks.minimum == serial(2027, 1, 1) == 46388
    assert ticks.number_format == 'm"月"'
    # 1 March is 59 days after 1 January, 1 May 120, 1 July 181, 1 September 243, 1 November
    # 304, the axis ends 365 days on (1 January 2028): the step is the smallest putting each
    # label at least ¼ day past its month's first day and a seventh past the end,
    # max(59.25 ÷ 1, 120.25 ÷ 2, 181.25 ÷ 3, 243.25 ÷ 4, 304.25 ÷ 5, 365.25 ÷ 6) = 60.875 days.
    assert ticks.unit == pytest.approx(60.875)
    days = labels(dt.date(2027, 1, 4), dt.date(2027, 12, 31))
    assert [d.month for d in days] == [1, 3, 5, 7, 9, 11]
    assert max(d.day for d in days) <= 3  # no gridline more than two days past its month
    en = timeline_ticks(span(dt.date(2027, 1, 4), dt.date(2027, 12, 31)), "en")
    assert en is not None and en.number_format == "mmm"  # Jan Mar May …


def test_a_span_across_new_year_names_the_year_in_at_most_four_labels():
    # October 2026 … September 2027: 12 months; labels with their year are twice as long,
    # so 4 at most: every 3 months (12 ÷ 3 = 4), Oct, Jan, Apr, Jul.
    ticks = timeline_ticks(span(dt.date(2026, 10, 1), dt.date(2027, 9, 30)), "en")
    assert ticks is not None and ticks.number_format == "mmm yyyy"
    days = labels(dt.date(2026, 10, 1), dt.date(2027, 9, 30), "en")
    assert [(d.year, d.month) for d in days] == [(2026, 10), (2027, 1), (2027, 4), (2027, 7)]
    zh = timeline_ticks(span(dt.date(2026, 10, 1), dt.date(2027, 9, 30)), "zh")
    assert zh is not None and zh.number_format == 'yyyy"年"m"月"'


def test_a_span_of_a_century_is_labelled_by_the_year():
    # 1900 … 2026: 127 years; yearly steps of 1, 2, 5, 10, 20 years give 127, 64, 26, 13, 7
    # labels, more than 6; every 50 years gives 1900, 1950, 2000.
    ticks = timeline_ticks(span(dt.date(1900, 1, 1), dt.date(2026, 1, 1)), "zh")
    assert ticks is not None and ticks.number_format == 'yyyy"年"'
    assert [d.year for d in labels(dt.date(1900, 1, 1), dt.date(2026, 1, 1))] == [1900, 1950, 2000]
    # 2026 … 9999: 7,974 years; every 1,000 years would be 8 labels, every 2,000 gives 4
    assert [d.year for d in labels(dt.date(2026, 7, 1), dt.date(9999, 12, 31))] == [
        2026,
        4026,
        6026,
        8026,
    ]
    # the last day there is (the hostile corpus' far dates): no month after December 9999
    assert [d.year for d in labels(dt.date(9990, 1, 1), dt.date(9999, 12, 31))] == list(
        range(9990, 10000, 2)
    )


def test_no_ticks_without_excel_dates():
    assert timeline_ticks(None, "zh") is None
    assert timeline_ticks((5.0, 5.0), "zh") is None  # an empty span
    assert timeline_ticks((float("nan"), 10.0), "zh") is None
    # before 1900 the data layer writes plain numbers (no Excel dates): left as it is
    assert timeline_ticks(span(dt.date(1899, 6, 1), dt.date(1900, 6, 1)), "zh") is None


def test_every_label_stands_in_its_month_for_any_span():
    """Spans starting every 17 days of 2024–2031 (leap years too), 1 day to 5 years long:
    at most 6 labels (4 with the year), the k-th on a day of the k-th labelled month."""
    checked = 0
    for start in range(dt.date(2024, 1, 1).toordinal(), dt.date(2031, 12, 31).toordinal(), 17):
        first = dt.date.fromordinal(start)
        for length in (0, 27, 59, 90, 181, 364, 400, 730, 1100, 1826):
            last = dt.date.fromordinal(start + length)
            ticks = timeline_ticks(span(first, last), "zh")
            assert ticks is not None
            days = labels(first, last)
            most = TIMELINE_TICKS if ticks.number_format in {'m"月"', 'yyyy"年"'} else 4
            assert 1 <= len(days) <= most, (first, last)
            months = [d.year * 12 + d.month - 1 for d in days]
            steps = {b - a for a, b in itertools.pairwise(months)}
            assert len(steps) <= 1, (first, last, days)  # evenly: one label every n months
            assert days[0].day == 1 and days[0] <= first  # the axis opens on a first day
            checked += 1
    assert checked > 1000


def test_the_native_timeline_writes_the_ticks_level():
    from opsreport.app.analysis import analyze
    from opsreport.present.charts import chart_data

    from .conftest import ZH_EXAMPLE

    data = chart_data(analyze(ZH_EXAMPLE).metrics, "zh")["timeline"]
    space, _ = chart_space(data, data.panels[0], first=True, font=None, lang="zh")
    axis = space.find(".//c:valAx", NS)
    assert axis.find("c:numFmt", NS).get("formatCode") == 'm"月"'
    assert float(axis.find("c:scaling/c:min", NS).get("val")) == 46388  # 2027-01-01
    assert float(axis.find("c:majorUnit", NS).get("val")) == pytest.approx(60.875)
    body = axis.find("c:txPr/a:bodyPr", NS)
    assert (body.get("rot"), body.get("vert")) == ("0", "horz")


def test_bars_measure_from_zero():
    """The quarterly gross margin, 23.2% … 24.7%: an automatic axis started near 22%, and
    Q1's bar stood half as tall as Q4's though 23.2 ÷ 24.7 = 94%. Bars start at 0."""
    from opsreport.app.analysis import analyze
    from opsreport.present.charts import chart_data

    from .conftest import ZH_EXAMPLE

    data = chart_data(analyze(ZH_EXAMPLE).metrics, "zh")["quarterly:P03"]
    space, _ = chart_space(data, data.panels[0], first=True, font=None, lang="zh")
    values = [float(v.text) for v in space.findall(".//c:ser/c:val//c:v", NS)]
    assert min(values) > 20  # every figure far above zero
    scaling = space.find(".//c:valAx/c:scaling", NS)
    assert float(scaling.find("c:min", NS).get("val")) == 0.0


def test_labels_inside_join_a_points_own_label_and_keep_the_schemas_order():
    """A point with its own format (written by the point labels) also gets its inside
    place and colour; a deleted label stays deleted; the c:dLbl elements stand first, by
    index; a series with no label at all but an inside colour makes no labels (it
    raised)."""
    from decimal import Decimal

    from opsreport.present.charts.data import ChartData, Panel, Series

    def space(series: Series) -> object:
        panel = Panel("", "", ("a", "b", "c"), ("a", "b", "c"), (series,), reference=100.0)
        data = ChartData("k", "bar", "t", "", "", "", (panel,))
        return chart_space(data, panel, first=True, font=None, lang="zh")[0]

    values = tuple(Decimal(v) for v in ("90", "95", "120"))
    # point 1 has no label (deleted), point 2 its own format: both written by the point
    # labels before point 0's inside label is added
    labelled = Series(
        "status", "n", values, ("#C62828", "#F9A825", "#2E7D32"), ("90.0%", "", "120.0%"),
        "0.0", point_formats=("", "", '0.0"%"'), inside=("white", "#262626", "white"),
    )  # fmt: skip
    d_lbls = space(labelled).find(".//c:ser/c:dLbls", NS)
    labels = d_lbls.findall("c:dLbl", NS)
    assert [int(label.find("c:idx", NS).get("val")) for label in labels] == [0, 1, 2]
    assert all(child.tag.endswith("}dLbl") for child in list(d_lbls)[: len(labels)])
    assert labels[0].find("c:dLblPos", NS).get("val") == "inEnd"
    assert labels[0].find("c:txPr//a:srgbClr", NS).get("val") == "FFFFFF"
    assert labels[1].find("c:delete", NS) is not None  # no label: stays deleted
    assert labels[1].find("c:dLblPos", NS) is None
    own = [child.tag.split("}")[1] for child in labels[2]]
    assert own[:5] == ["idx", "numFmt", "txPr", "dLblPos", "showLegendKey"]
    assert labels[2].find("c:numFmt", NS).get("formatCode") == '0.0"%"'  # its format kept
    unlabelled = Series(
        "status", "n", values, ("", "", ""), ("", "", ""), "0.0", inside=("white", "", "")
    )
    assert space(unlabelled).find(".//c:ser/c:dLbls", NS) is None


def test_the_native_key_leaves_out_a_series_without_figures():
    """PY and PL for two quarters and no actual yet: the key names PY and PL only."""
    from decimal import Decimal

    from opsreport.present.charts.data import ChartData, Panel, Series

    def series(role: str, values: tuple[Decimal | None, ...]) -> Series:
        return Series(role, role.upper(), values, ("", ""), ("", ""), "0")

    shown = (Decimal(1), Decimal(2))
    panel = Panel(
        "", "", ("Q1", "Q2"), ("Q1", "Q2"),
        (series("py", shown), series("pl", shown), series("ac", (None, None))),
    )  # fmt: skip
    data = ChartData("quarterly:X", "column", "t", "", "", "", (panel,), legend=True)
    legend = chart_space(data, panel, first=True, font=None, lang="en")[0].find(".//c:legend", NS)
    tags = [child.tag.split("}")[1] for child in legend]
    assert tags[:2] == ["legendPos", "legendEntry"]
    (entry,) = legend.findall("c:legendEntry", NS)
    assert entry.find("c:idx", NS).get("val") == "2"  # the actual, third series
    assert entry.find("c:delete", NS).get("val") == "1"
