"""Charts in an English document write their unit and figures as the text does
(present/formatting.in_language): 8.37亿元 is 837 under "Unit: M CNY", never 8.37 under
"Unit: 亿元" beside a sentence saying 837 M CNY. Checked by the marks drawn and the SVG text."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from opsreport.engine.metrics import compute
from opsreport.io.workbook import load_report
from opsreport.present.charts.bridge import bridge_chart, bridge_marks
from opsreport.present.charts.report import chart_specs
from opsreport.present.formatting import fmt_figure, unit_text

from .builders import breakdown, kpi, metrics, report
from .test_charts import texts

D = Decimal
EXAMPLE = Path(__file__).parent.parent / "examples" / "ecommerce-2026-zh.xlsx"
CJK = re.compile(r"[\u3400-\u9fff]")

# GMV by channel: PY 7.5 + 17.2 = 24.7亿元, AC 12.6 + 19.2 = 31.8亿元.
GMV = kpi("GMV", id="P02", unit="亿元", target=33, actual="31.8", prior_year="24.7")
CHANNELS = [
    breakdown("P02", "抖音", dimension="渠道", actual="12.6", prior_year="7.5", target=13),
    breakdown("P02", "天猫", dimension="渠道", actual="19.2", prior_year="17.2", target=20),
]


def test_figure_and_unit_follow_the_text():
    assert (fmt_figure(D("8.37"), "亿元", 2, "en"), unit_text("亿元", "en")) == ("837", "M CNY")
    assert (fmt_figure(D("8.37"), "亿元", 2, "zh"), unit_text("亿元", "zh")) == ("8.37", "亿元")
    assert fmt_figure(D("5.1"), "亿元", 1, "en", signed=True) == "+510"  # 5.1 × 100 M
    assert fmt_figure(D("-0.4"), "亿元", 1, "en", signed=True) == "-40"
    assert fmt_figure(D("0.001"), "亿元", 1, "en", signed=True) == "0"  # 0.1 M → 0 places: 0
    assert unit_text("天", "en") == "days" and unit_text("%", "en") == "%"
    assert unit_text("tickets", "en") == "tickets"  # not a Chinese unit: as typed


def test_an_english_bridge_labels_its_steps_in_the_texts_unit():
    table = metrics(report([GMV], breakdown=CHANNELS)).breakdowns[0]
    en = [(m.name, m.label) for m in bridge_marks(table, "en")]
    # ×100 (亿 = 100 M), 1 place − 2 → 0: 24.7 → 2,470; +5.1 → +510; +2.0 → +200; 31.8 → 3,180
    assert en == [("PY", "2,470"), ("抖音", "+510"), ("天猫", "+200"), ("AC", "3,180")]
    zh = [m.label for m in bridge_marks(table, "zh")]
    assert zh == ["24.7", "+5.1", "+2.0", "31.8"]
    chart = bridge_chart(table, "en")
    assert chart is not None
    said = texts(chart.svg)
    assert any(text.startswith("Unit: M CNY;") for text in said), said
    assert not any("亿" in text for text in said)


def _without_names(text: str, names: set[str]) -> str:
    """The text with the workbook's names (and a name cut to the margin, "自然流量…") removed."""
    if text.endswith("…") and any(name.startswith(text[:-1]) for name in names):
        return ""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "")
    return text


def test_the_english_charts_of_the_zh_example_hold_no_chinese_but_its_names():
    built = compute(load_report(EXAMPLE))
    report_ = built.report
    names = {k.name for k in report_.kpis}
    names |= {row.dimension for row in report_.breakdown if row.dimension}
    names |= {row.item for row in report_.breakdown}
    kinds = ("attainment", "variance_", "quarterly:", "breakdown:", "bridge:")
    drawn = 0
    for key, draw, args in chart_specs(built, "en"):
        if not key.startswith(kinds):
            continue
        chart = draw(*args)
        if chart is None:
            continue
        drawn += 1
        for text in texts(chart.svg):
            assert not CJK.search(_without_names(text, names)), (key, text)
    # attainment, 2 variance, 7 featured quarters, 2 breakdowns with 2 bridges
    assert drawn >= 8
