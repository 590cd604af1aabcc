"""Native Word charts (render/word_charts.py): the chart parts read back from the .docx.

Every check reads the package (zip → XML), not the pixels: cached values equal the
engine's figures, per-point colours follow good/bad, the East Asian typeface is set, the
relationships and content types hold, the embedded workbook holds the same numbers.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

import opsreport
from opsreport.app.analysis import analyze
from opsreport.present import theme
from opsreport.present.charts import chart_data
from opsreport.present.charts.data import label_format

from .conftest import EN_EXAMPLE, ZH_EXAMPLE

C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS = {"c": C, "a": A, "w": W, "r": REL}
CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CHART_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
PACKAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/package"


@pytest.fixture(scope="module")
def zh_docx(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("native") / "zh.docx"
    opsreport.build_report(ZH_EXAMPLE, output=out, formats="docx")
    return out


def _charts(path: Path) -> dict[str, etree._Element]:
    """Each chart part by its title's text."""
    with zipfile.ZipFile(path) as package:
        found = {}
        for name in package.namelist():
            if name.startswith("word/charts/") and name.endswith(".xml"):
                root = etree.fromstring(package.read(name))
                title = "".join(root.xpath("c:chart/c:title//a:t/text()", namespaces=NS))
                found[title or name] = root
        return found


def _chart(charts: dict[str, etree._Element], start: str) -> etree._Element:
    return next(root for title, root in charts.items() if title.startswith(start))


def _cache(series: etree._Element, kind: str) -> list[str]:
    points = series.xpath(f"c:{kind}//c:pt", namespaces=NS)
    return [p.findtext(f"{{{C}}}v") for p in sorted(points, key=lambda p: int(p.get("idx")))]


def test_label_formats_print_what_the_documents_print():
    assert label_format(1, suffix="%") == '#,##0.0"%"'
    assert label_format(1, signed=True, suffix="pp") == '+#,##0.0"pp";-#,##0.0"pp";0.0"pp"'
    assert label_format(0, signed=True) == "+#,##0;-#,##0;0"
    assert label_format(2, suffix='亿"元') == '#,##0.00"亿元"'  # a quote cannot break out


def test_variance_chart_caches_the_engine_figures_coloured_by_the_kpi_direction(zh_docx):
    """The ΔPY chart's rate panel (the report shows attainment and ΔPY; the ΔPL chart is
    drawn for templates that ask for it)."""
    analysis = analyze(ZH_EXAMPLE)
    by_name = {r.kpi.name: r for r in analysis.metrics.results}
    root = _chart(_charts(zh_docx), "同比差异")  # the rate panel (pp)
    series = root.find(".//c:ser", NS)
    names = _cache(series, "cat")
    values = [Decimal(v) for v in _cache(series, "val")]
    # 毛利率: 24.1% − 21.8% = +2.3 pp, higher is better: good (green)
    margin = by_name["毛利率"]
    assert margin.kpi.actual - margin.kpi.prior_year == Decimal("2.3")
    assert values[names.index("毛利率")] == Decimal("2.3")
    # 营销费用率: 11.2% − 13.5% = −2.3 pp, lower is better: good (green) though negative
    cost = by_name["营销费用率"]
    assert cost.kpi.actual - cost.kpi.prior_year == Decimal("-2.3")
    assert values[names.index("营销费用率")] == Decimal("-2.3")
    fills = {
        int(point.findtext(f"{{{C}}}idx") or point.find(f"{{{C}}}idx").get("val")): point.find(
            ".//a:srgbClr", NS
        ).get("val")
        for point in series.findall("c:dPt", NS)
    }
    green, red = theme.GOOD.lstrip("#"), theme.BAD.lstrip("#")
    default = series.find("c:spPr//a:srgbClr", NS).get("val")

    def colour(name: str) -> str:
        return fills.get(names.index(name), default)

    assert colour("毛利率") == green
    assert colour("营销费用率") == green
    # 用户留存率: 41.2% − 42.0% = −0.8 pp, higher is better: bad (red)
    keep = by_name["用户留存率"]
    assert keep.kpi.actual - keep.kpi.prior_year == Decimal("-0.8")
    assert colour("用户留存率") == red
    label_format_code = series.find("c:dLbls/c:numFmt", NS).get("formatCode")
    assert label_format_code == '+#,##0.0"pp";-#,##0.0"pp";0.0"pp"'


def test_attainment_chart_values_and_status_colours(zh_docx):
    analysis = analyze(ZH_EXAMPLE)
    result = next(r for r in analysis.metrics.results if r.kpi.name == "直接利润")
    root = _chart(_charts(zh_docx), "指标完成率")
    series = root.find(".//c:ser", NS)
    names, values = _cache(series, "cat"), _cache(series, "val")
    # 直接利润: 8.37亿元 ÷ 8.00亿元 = 104.625% → label 104.6%
    assert result.kpi.actual / result.kpi.target * 100 == Decimal("104.625")
    assert Decimal(values[names.index("直接利润")]) == Decimal("104.625")
    # GMV: 49.6 ÷ 52.0 = 95.38% (near: amber)
    gmv = names.index("GMV")
    point = next(
        p for p in series.findall("c:dPt", NS) if p.find("c:idx", NS).get("val") == str(gmv)
    )
    assert point.find(".//a:srgbClr", NS).get("val") == theme.STATUS_COLORS["near"].lstrip("#")


def test_bars_short_of_the_100_percent_line_hold_their_label_inside(zh_docx):
    """The 100% line is the value axis' gridline: a label beside the end of a bar at
    88.6% stood on it (8|8.6%). A bar from 50% to just under 100% holds its label inside
    its end, dark on amber and white on green or red; the rest keep theirs outside."""
    root = _chart(_charts(zh_docx), "指标完成率")
    series = root.find(".//c:ser", NS)
    names, values = _cache(series, "cat"), _cache(series, "val")
    inside = {
        names[int(label.find("c:idx", NS).get("val"))]: label
        for label in series.findall("c:dLbls/c:dLbl", NS)
        if label.find("c:dLblPos", NS) is not None
        and label.find("c:dLblPos", NS).get("val") == "inEnd"
    }
    short = {name for name, v in zip(names, values, strict=True) if 50 <= float(v) < 100}
    assert set(inside) == short
    # 复购率 31.5% ÷ 33.0% = 95.45% (near: amber → dark text); 用户留存率 41.2% ÷ 45.0% =
    # 91.56% (missed: red → white); 直接利润 104.6% keeps its label outside.
    assert {"复购率", "用户留存率"} <= short and "直接利润" not in inside
    color = "c:txPr//a:srgbClr"
    assert inside["复购率"].find(color, NS).get("val") == theme.TEXT.lstrip("#")
    assert inside["用户留存率"].find(color, NS).get("val") == "FFFFFF"
    for label in inside.values():  # the schema's order: idx, txPr, dLblPos, show…
        tags = [etree.QName(child).localname for child in label]
        assert tags[:4] == ["idx", "txPr", "dLblPos", "showLegendKey"]


def test_data_labels_never_wrap(zh_docx):
    """Word wraps a data label to the room it sees beside its bar ("+15.0pp" at the right
    edge of a half-width ΔPY chart stood on two lines): every label, the series' and each
    point's own, is one line (a:bodyPr wrap="none")."""
    bodies = [
        body
        for root in _charts(zh_docx).values()
        for body in root.xpath(
            ".//c:dLbls/c:txPr/a:bodyPr | .//c:dLbl/c:txPr/a:bodyPr", namespaces=NS
        )
    ]
    assert len(bodies) > 20  # every chart's labels, the inside ones too
    assert {body.get("wrap") for body in bodies} == {"none"}


def test_label_colour_on_a_fill_is_the_one_with_more_contrast():
    from opsreport.present.charts.data import text_on

    # amber #F9A825: L = 0.48 → dark 7.7:1, white 2.0:1; green #2E7D32: L = 0.155 →
    # white 5.1:1, dark 2.9:1; red #C62828: L = 0.136 → white 5.6:1
    assert text_on(theme.NEAR) == theme.TEXT
    assert text_on(theme.GOOD) == theme.LABEL_ON_DARK
    assert text_on(theme.BAD) == theme.LABEL_ON_DARK
    assert text_on("white") == theme.TEXT
    assert text_on(theme.AC_COLOR) == theme.LABEL_ON_DARK


def test_quarterly_chart_has_ac_py_pl_in_the_ibcs_manner(zh_docx):
    root = _chart(_charts(zh_docx), "季度趋势：直接利润")
    series = {s.find("c:tx//c:v", NS).text: s for s in root.findall(".//c:ser", NS)}
    ac, py, pl = series["实际 AC"], series["上年 PY"], series["目标 PL"]
    assert _cache(ac, "val") == ["1.62", "1.88", "2.05", "2.82"]  # 亿元, as the trend table
    assert ac.find("c:spPr/a:solidFill/a:srgbClr", NS).get("val") == theme.AC_COLOR.lstrip("#")
    assert py.find("c:spPr/a:solidFill/a:srgbClr", NS).get("val") == theme.PY_COLOR.lstrip("#")
    assert pl.find("c:spPr/a:noFill", NS) is not None  # PL outlined
    assert pl.find("c:spPr/a:ln//a:srgbClr", NS).get("val") == theme.PL_EDGE.lstrip("#")
    assert ac.find("c:dLbls/c:numFmt", NS).get("formatCode") == "#,##0.00"
    assert root.find("c:chart/c:legend", NS) is not None  # three scenarios: keyed


def test_bridge_steps_stand_on_an_invisible_base(zh_docx):
    analysis = analyze(ZH_EXAMPLE)
    data = chart_data(analysis.metrics, "zh")["bridge:渠道:P02"]
    root = _chart(_charts(zh_docx), data.title)
    base, steps = root.findall(".//c:ser", NS)[:2]
    assert base.find("c:spPr/a:noFill", NS) is not None
    lows = [Decimal(v) if v else Decimal(0) for v in _cache_full(base)]
    sizes = [Decimal(v) for v in _cache_full(steps)]
    # PY 41.3亿元 first, then each step starts where the last ended: base + size = end
    assert lows[0] == 0 and sizes[0] == Decimal("41.3")
    running = sizes[0]
    for low, size in zip(lows[1:-1], sizes[1:-1], strict=True):
        assert low == min(running, running + size) or low + size == running  # rise or fall
        running = low + size if low == running else low
    assert sizes[-1] == Decimal("49.6")  # AC 49.6亿元


def _cache_full(series: etree._Element) -> list[str]:
    """A series' cached values with its empty points as ''."""
    count = int(series.find("c:val//c:ptCount", NS).get("val"))
    values = [""] * count
    for point in series.findall("c:val//c:pt", NS):
        values[int(point.get("idx"))] = point.findtext(f"{{{C}}}v")
    return values


def test_parts_relationships_content_types_and_fonts(zh_docx):
    with zipfile.ZipFile(zh_docx) as package:
        names = package.namelist()
        types = etree.fromstring(package.read("[Content_Types].xml"))
        overrides = {o.get("PartName"): o.get("ContentType") for o in types}
        rels = etree.fromstring(package.read("word/_rels/document.xml.rels"))
        chart_targets = {r.get("Id"): r.get("Target") for r in rels if r.get("Type") == CHART_REL}
        document = etree.fromstring(package.read("word/document.xml"))
        drawn = document.xpath(
            "//c:chart/@r:id",
            namespaces={
                "c": C,
                "r": REL.replace("package/2006/relationships", "officeDocument/2006/relationships"),
            },
        )
        charts = [n for n in names if n.startswith("word/charts/chart")]
        assert len(charts) == len(chart_targets) == len(drawn) >= 10
        assert set(drawn) == set(chart_targets)
        for name in charts:
            assert overrides["/" + name] == CHART_TYPE
            root = etree.fromstring(package.read(name))
            external = root.find("c:externalData", NS)
            rel_id = external.get(
                "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
            )
            chart_rels = etree.fromstring(
                package.read(name.replace("charts/", "charts/_rels/") + ".rels")
            )
            target = next(r for r in chart_rels if r.get("Id") == rel_id)
            assert target.get("Type") == PACKAGE_REL
            embedded = "word/" + target.get("Target").removeprefix("../")
            assert embedded in names and embedded.startswith("word/embeddings/")
            # every run in the chart names the template's East Asian typeface
            runs = root.xpath("//a:defRPr | //a:rPr", namespaces=NS)
            assert runs and all(r.find("a:ea", NS) is not None for r in runs)
            assert root.find("c:lang", NS).get("val") == "zh-CN"


def test_edit_data_workbook_holds_the_same_numbers(zh_docx):
    import openpyxl

    root = _chart(_charts(zh_docx), "同比差异")
    cached = [Decimal(v) for v in _cache(root.find(".//c:ser", NS), "val")]
    with zipfile.ZipFile(zh_docx) as package:
        rel_id = root.find("c:externalData", NS).get(
            f"{{{NS['r'].replace('package/2006/relationships', 'officeDocument/2006/relationships')}}}id"
        )
        chart_name = next(
            n
            for n in package.namelist()
            if n.startswith("word/charts/chart")
            and etree.fromstring(package.read(n))
            .find("c:externalData", NS)
            .get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
            == rel_id
            and "同比差异"
            in "".join(
                etree.fromstring(package.read(n)).xpath(
                    "c:chart/c:title//a:t/text()", namespaces=NS
                )
            )
        )
        chart_rels = etree.fromstring(
            package.read(chart_name.replace("charts/", "charts/_rels/") + ".rels")
        )
        target = next(r for r in chart_rels if r.get("Id") == rel_id).get("Target")
        workbook = openpyxl.load_workbook(
            io.BytesIO(package.read("word/" + target.removeprefix("../")))
        )
    sheet = workbook.active
    numbers = [
        Decimal(str(row[1]))
        for row in sheet.iter_rows(min_row=2, values_only=True)
        if row[1] is not None
    ]
    assert numbers == cached


def test_python_docx_reopens_the_document_and_the_risk_matrix_is_a_shaded_table(zh_docx):
    import docx

    document = docx.Document(str(zh_docx))
    assert document.paragraphs
    shaded = {
        cell.get(f"{{{W}}}fill")
        for cell in document.element.body.iter(f"{{{W}}}shd")
        if cell.get(f"{{{W}}}fill")
    }
    assert {t.lstrip("#").upper() for t in theme.RISK_TINTS.values()} <= shaded
    with zipfile.ZipFile(zh_docx) as package:
        assert not [n for n in package.namelist() if n.startswith("word/media/")]  # no PNG


def test_a_word_build_never_imports_matplotlib(tmp_path):
    code = (
        "import sys, opsreport\n"
        f"opsreport.build_report({str(ZH_EXAMPLE)!r}, output={str(tmp_path / 'r.docx')!r})\n"
        "print('matplotlib' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_image_charts_keep_the_pictures(tmp_path):
    out = tmp_path / "img.docx"
    opsreport.build_report(ZH_EXAMPLE, output=out, formats="docx", charts="image")
    with zipfile.ZipFile(out) as package:
        names = package.namelist()
    assert [n for n in names if n.startswith("word/media/") and n.endswith(".png")]
    assert not [n for n in names if n.startswith("word/charts/")]


def test_english_charts_write_english_units(tmp_path):
    out = tmp_path / "en.docx"
    opsreport.build_report(EN_EXAMPLE, output=out, formats="docx")
    charts = _charts(out)
    assert charts
    for root in charts.values():
        assert root.find("c:lang", NS).get("val") == "en-US"
    # Names are written whole up to 16 width units (29 Latin letters): "Time to first
    # onsite visit" (26 × 0.55 = 14.3 units) was cut to "Time to first onsite vi…".
    attainment = _cache(_chart(charts, "Attainment by KPI").find(".//c:ser", NS), "cat")
    assert "Time to first onsite visit" in attainment
    assert not [name for name in attainment if name.endswith("…")]
    # The en example's quarters hold actuals only: one series needs no key (a lone "■ AC"
    # stood among the column labels).
    quarterly = [root for title, root in charts.items() if title.startswith("Quarterly trend")]
    assert quarterly
    for root in quarterly:
        assert len(root.findall(".//c:ser", NS)) == 1
        assert root.find("c:chart/c:legend", NS) is None


def test_unknown_chart_kind_is_a_usage_error(tmp_path):
    from opsreport.errors import UsageError

    with pytest.raises(UsageError, match="use native, image or none"):
        opsreport.build_report(ZH_EXAMPLE, output=tmp_path / "x.docx", charts="svg")
    assert not (tmp_path / "x.docx").exists()


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (soffice)")
def test_libreoffice_draws_the_native_charts(zh_docx, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("needs pdftotext (poppler-utils)")
    profile = tmp_path / "profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         "pdf", "--outdir", str(tmp_path), str(zh_docx)],
        capture_output=True, timeout=180, check=True,
    )  # fmt: skip
    pdf = tmp_path / "zh.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    # The chart titles, a category and a data label drawn from the cached values
    # (104.6% = 8.37 ÷ 8.00; +2.3pp = 24.1 − 21.8, the ΔPY of 毛利率).
    for fragment in ("指标完成率", "同比差异", "104.6%", "+2.3pp", "季度趋势", "任务时间轴"):
        assert fragment in text, fragment


def _render_native(built, lang="zh"):
    """A report's Word document with native charts, from records (no workbook)."""
    from opsreport.app.chart_modes import make_charts
    from opsreport.app.pipeline import render_formats
    from opsreport.present.report_context import build_context

    from .builders import metrics

    computed = metrics(built)
    context = build_context(computed, lang)
    drawn, native = make_charts(
        ("docx",), True, lambda encode: {}, lambda: chart_data(computed, lang)
    )
    documents, _ = render_formats(context, drawn, ("docx",), "report", native=native)
    return documents["docx"], native


def test_hostile_names_units_and_figures_make_valid_charts():
    """Control characters, quotes, a 32,767-character name, 9e98 and a loss-making bridge
    become valid chart parts that python-docx and lxml read back."""
    import docx

    from . import builders as b

    weird = 'R&D <"Top"> \x07\x1f名' + "长" * 32000
    built = b.report(
        [
            b.kpi(weird, id="K1", unit='亿"元', target=8, actual=10, prior_year=-2),
            b.kpi("毛利率", id="K2", unit="%", target=20, actual=23.5, prior_year=21),
            b.kpi("巨大", id="K3", unit="元", target="9e98", actual="8e98"),
        ],
        breakdown=[
            b.breakdown("K1", "华东", dimension="区域", actual=-6, prior_year=-1),
            b.breakdown("K1", "华北", dimension="区域", actual=16, prior_year=-1),
        ],
        tasks=[b.task("古老任务", start="1890-01-01", end="1890-03-01", milestone="里程碑")],
        periods=[b.period("K1", "2026Q1", actual=2, target=2), b.period("K1", "2026Q2", actual=3)],
    )
    data, native = _render_native(built)
    document = docx.Document(io.BytesIO(data))
    assert document.paragraphs
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        charts = [n for n in package.namelist() if n.startswith("word/charts/chart")]
        assert charts
        for name in charts:
            root = etree.fromstring(package.read(name))  # well-formed, no control characters
            for fmt in root.xpath("//c:numFmt/@formatCode", namespaces=NS):
                assert fmt.count('"') % 2 == 0, fmt  # a unit's quote cannot open a string
    # the bridge of a loss-making item: −1 + −1 = −2 (PY) → −6 + 16 = +10 (AC), in 亿元
    bridge = next(d for k, d in native.items() if k.startswith("bridge:"))
    base, step = bridge.data.panels[0].series[:2]
    assert base.values[0] is None and base.values[-1] is None  # the totals stand on zero
    assert step.values[0] == Decimal(-2) and step.values[-1] == Decimal(10)


def test_a_chart_marker_in_a_table_cell_keeps_the_cell_valid():
    """The risk matrix (a table) printed in a table cell of a user's template: a nested
    table followed by a paragraph, which a cell must end with."""
    from opsreport.render.word_charts import native_drawing

    from . import builders as b

    built = b.report(
        [b.kpi("GMV", id="K1", target=1, actual=1)],
        risks=[b.risk("断货", likelihood=3, impact=4)],
    )
    grid = chart_data(b.metrics(built), "zh")["risks"]
    xml = native_drawing(None, grid, font=None, lang="zh")
    cell = (
        f'<w:tc xmlns:w="{W}"><w:p><w:r><w:t xml:space="preserve">前'
        + xml
        + "后</w:t></w:r></w:p></w:tc>"
    )
    root = etree.fromstring(cell)
    assert root.find(f"{{{W}}}tbl") is not None
    assert root[-1].tag == f"{{{W}}}p"
    fills = root.xpath("//w:shd/@w:fill", namespaces={"w": W})
    # likelihood 3 × impact 4 = 12: a medium cell; 25 cells shaded
    assert len(fills) == 25


def test_charts_made_in_a_worker_are_the_same_bytes():
    """The forked worker makes the same chart parts as this process does."""
    from opsreport.present.charts import chart_jobs
    from opsreport.render.word_chart_jobs import prepare_native

    data = chart_data(analyze(ZH_EXAMPLE).metrics, "zh")
    if chart_jobs(len(data), 2) == 1:
        pytest.skip("no fork here")
    here = prepare_native(data, "zh", jobs=1)
    there = prepare_native(data, "zh", jobs=2)
    assert next(iter(there.values())).job.connection is not None  # a worker was started
    for key, chart in here.items():
        if chart.data.kind == "matrix":
            continue
        assert there[key].prepared() == chart.prepared(), key


def test_a_prestarted_worker_makes_the_charts_it_is_sent_the_same(monkeypatch):
    """prestart_native: the worker imports ahead, then makes the same parts; one that died
    before it was sent anything leaves the charts to this process; an unused one is ended."""
    from opsreport.present.charts import chart_jobs
    from opsreport.render import word_chart_jobs as jobs

    data = chart_data(analyze(ZH_EXAMPLE).metrics, "zh")
    if chart_jobs(12, 2) == 1:
        pytest.skip("no fork here")
    here = jobs.prepare_native(data, "zh", jobs=1)
    jobs.prestart_native(2)
    ((process, _),) = jobs._PRESTARTED
    there = jobs.prepare_native(data, "zh", jobs=2)
    assert not jobs._PRESTARTED and next(iter(there.values())).job.connection is not None
    for key, chart in here.items():
        if chart.data.kind != "matrix":
            assert there[key].prepared() == chart.prepared(), key
    process.join(10)
    assert not process.is_alive()  # one job, then it ends

    jobs.prestart_native(2)
    ((process, _),) = jobs._PRESTARTED
    process.kill()
    process.join()
    dead = jobs.prepare_native(data, "zh", jobs=2)
    assert dead["attainment"].prepared() == here["attainment"].prepared()

    jobs.prestart_native(2)
    ((process, _),) = jobs._PRESTARTED
    jobs.stop_native()
    assert not jobs._PRESTARTED and not process.is_alive()


def test_a_prestarted_worker_ends_when_its_parent_dies_without_a_word():
    """The worker held its own copy of the parent's end of the pipe, so a parent killed
    before it sent the charts left it waiting for ever, holding the terminal's pipes."""
    import subprocess
    import sys

    from opsreport.present.charts import chart_jobs

    if chart_jobs(12, 2) == 1:
        pytest.skip("no fork here")
    code = (
        "import os\n"
        "from opsreport.render import word_chart_jobs as jobs\n"
        "jobs.prestart_native(2)\n"
        "print('started', flush=True)\n"
        "os._exit(0)\n"  # dies at once: no stop_native, no finalizer
    )
    with subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        out, _ = process.communicate(timeout=60)  # EOF only once the worker is gone too
    assert out.decode().strip() == "started"


def test_chart_width_filter_narrows_a_chart_marker_only():
    from markupsafe import Markup

    from opsreport.errors import TemplateProblem
    from opsreport.render.docx import chart_width

    marker = Markup("<!--opsreport-chart:3-->")
    assert chart_width(marker, 8.2) == "<!--opsreport-chart:3@8.20-->"
    assert chart_width(marker, "8") == "<!--opsreport-chart:3@8.00-->"
    assert chart_width(marker, 100) == "<!--opsreport-chart:3@16.60-->"  # the text width
    assert chart_width(marker, 1) == "<!--opsreport-chart:3@4.00-->"
    # workbook text that looks like a marker is plain text, never a chart
    assert chart_width("<!--opsreport-chart:3-->", 8) == "<!--opsreport-chart:3-->"
    assert chart_width("直接利润", 8) == "直接利润"
    for bad in ("wide", None, float("nan"), True, "8cm"):
        with pytest.raises(TemplateProblem, match="chart_width takes a width in centimetres"):
            chart_width(marker, bad)
    # beyond a float (10**400 has no float: OverflowError) or infinite: held to 4–16.6 cm
    assert chart_width(marker, 10**400) == "<!--opsreport-chart:3@16.60-->"
    assert chart_width(marker, -(10**400)) == "<!--opsreport-chart:3@4.00-->"
    assert chart_width(marker, float("inf")) == "<!--opsreport-chart:3@16.60-->"
    assert chart_width(marker, -5) == "<!--opsreport-chart:3@4.00-->"
    # twice: the last width wins (8 cm, then 12 cm)
    assert chart_width(chart_width(marker, 8), 12) == "<!--opsreport-chart:3@12.00-->"
    # a long text is named short in the message (39 characters and an ellipsis)
    with pytest.raises(TemplateProblem) as refused:
        chart_width(marker, "w" * 10_000)
    assert str(refused.value).endswith("not 'wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww…")


def test_attainment_and_prior_year_charts_stand_side_by_side(zh_docx):
    """The bundled report's pair: one borderless row, each chart 7.9 cm wide (half the 16.6 cm
    text width, 4,706 twips ÷ 567 = 8.30 cm, less the 0.4 cm LibreOffice keeps in a cell:
    8.30 − 0.4 = 7.90), every KPI named on its axis."""
    W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
    with zipfile.ZipFile(zh_docx) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    first_table = next(body.iter(f"{{{W}}}tbl"))
    cells = first_table.findall(f"{{{W}}}tr/{{{W}}}tc")
    assert len(cells) == 2
    titles = []
    for cell in cells:
        extents = [int(e.get("cx")) for e in cell.iter(f"{{{WP}}}extent")]
        assert extents and set(extents) == {round(7.9 * 360000)}
        titles.append([d.get("descr", "") for d in cell.iter(f"{{{WP}}}docPr")])
    charts = _charts(zh_docx)
    attainment = _chart(charts, "指标完成率")
    axis = attainment.find(".//c:catAx", NS)
    assert axis.find("c:tickLblSkip", NS).get("val") == "1"
    assert axis.find("c:txPr/a:bodyPr", NS).get("wrap") == "none"
    # every KPI with a target is a row: 24 of the example's 26 (「其中24项设有目标」)
    targeted = [r for r in analyze(ZH_EXAMPLE).metrics.results if r.attainment is not None]
    assert len(targeted) == 24
    assert len(_cache(attainment.find(".//c:ser", NS), "cat")) == 24


def _python_with_uno() -> str | None:
    """A Python that can drive LibreOffice (its ``uno`` module: the distribution's python3)."""
    for python in ("/usr/bin/python3", shutil.which("python3")):
        if python and shutil.which("soffice"):
            probe = subprocess.run([python, "-c", "import uno"], capture_output=True)
            if probe.returncode == 0:
                return python
    return None


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.skipif(_python_with_uno() is None, reason="needs LibreOffice and its Python uno")
def test_editing_a_charts_data_in_libreoffice_redraws_it(zh_docx, tmp_path):
    """Issue 15's "Edit Data": LibreOffice opens the quarterly chart of 直接利润 with its
    own data table — the engine's figures (Q1: PY 1.25, PL 1.60, AC 1.62) — and a value
    changed there (AC Q1 1.62 × 2 = 3.24) is what the chart then draws, while the table
    under it, Word text, keeps 1.62."""
    import json

    python = _python_with_uno()
    pdf = tmp_path / "edited.pdf"
    script = Path(__file__).with_name("lo_edit_chart.py")
    run = subprocess.run(
        [python, str(script), str(zh_docx), "季度趋势：直接利润", str(pdf), str(tmp_path / "p")],
        capture_output=True, text=True, timeout=240, check=True,
    )  # fmt: skip
    before, after = (json.loads(line) for line in run.stdout.splitlines()[-2:])
    assert before["categories"] == ["Q1", "Q2", "Q3", "Q4"]
    assert before["before"][0] == [1.25, 1.6, 1.62]  # PY, PL, AC of 2026Q1
    assert after["after"][0] == [1.25, 1.6, 3.24]
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "3.24" in text  # the edited bar's label


def test_a_negative_bars_label_has_room_left_of_it(zh_docx):
    """The ΔPY rate panel runs from 营销费用率's −2.3 pp to 自然流量占比's +15.0 pp: its axis
    starts 30 % of that range (17.3 pp) below the least bar, −2.3 − 5.19 = −7.49, so the
    label "-2.3pp" stands in the plot, not over the category names."""
    root = _chart(_charts(zh_docx), "同比差异")
    values = [float(v) for v in _cache(root.find(".//c:ser", NS), "val")]
    assert min(values) == -2.3 and max(values) == 15.0
    least = float(root.find(".//c:valAx/c:scaling/c:min", NS).get("val"))
    assert least == pytest.approx(-2.3 - (15.0 + 2.3) * 0.3)


@pytest.mark.parametrize("charts", ["native", "image"])
def test_a_quarter_without_a_sentence_leaves_no_empty_cell_beside_its_chart(tmp_path, charts):
    """One quarter reported (Q1 5万元 against 6; Q2–Q4 targets only): no sentence (it needs
    two quarters), so the chart stands full width above its table, not beside an empty cell."""
    from opsreport.app.build import build_report

    from . import builders as b

    revenue = b.kpi("营收", id="K", unit="万元", target=100, actual=100)
    periods = [b.period(revenue, "Q1", actual=5, target=6)]
    periods += [b.period(revenue, f"Q{n}", target=6) for n in (2, 3, 4)]
    report = b.report([revenue], periods=periods)
    assert b.context(report, "zh")["quarters"][0]["summary"] == ""
    output = tmp_path / "report.docx"
    build_report(
        report.source, analysis=b.analysis(report), output=output, formats=("docx",), charts=charts
    )
    W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
    with zipfile.ZipFile(output) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    for cell in body.iter(f"{{{W}}}tc"):
        assert "".join(cell.itertext()).strip() or cell.find(f".//{{{WP}}}extent") is not None
    # the attainment chart and the quarterly chart, each a drawing of the body
    extents = [int(e.get("cx")) for e in body.iter(f"{{{WP}}}extent")]
    assert len(extents) == 2


def test_a_chart_beside_text_fits_its_cell_with_room_to_spare(zh_docx):
    """Each chart of a side-by-side row is 0.4 cm narrower than its cell (LibreOffice keeps
    ~0.19 cm each side of a cell's text; a 9.1 cm chart in a 9.2 cm cell ran under the
    sentence beside it): the quarterly chart 9.2 − 0.4 = 8.8 cm (3,168,000 EMU) in a cell of
    5,216 twips (9.2 cm), the sentence beside it flush left, not justified."""
    from tests.docx_cells import WP, W, document_body, side_by_side_cells

    body = document_body(zh_docx)
    checked = 0
    for cell, width in side_by_side_cells(body):
        for extent in cell.findall(f"{{{W}}}p//{{{WP}}}extent"):  # this cell's own
            assert int(extent.get("cx")) == round((round(width / 567 - 0.4, 2)) * 360000)
            checked += 1
    assert checked >= 9  # the pair (2), the breakdown pairs, the seven quarterly charts
    sentence = next(
        p for p in body.iter(f"{{{W}}}p") if "".join(p.itertext()).startswith("直接利润逐季上升")
    )
    assert sentence.find(f"{{{W}}}pPr/{{{W}}}jc").get(f"{{{W}}}val") == "left"
    assert round(5216 / 567 - 0.4, 2) == 8.8
