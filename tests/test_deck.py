"""The year-end deck (build --format pptx): slides in the outline's order titled with their
message, native charts whose cached values are the engine's figures, every box within the
fitting rule, hostile templates refused by name, LibreOffice draws one page per slide."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from functools import cache
from io import BytesIO
from pathlib import Path

import pytest
from lxml import etree
from pptx import Presentation

from opsreport.app.analysis import analyze
from opsreport.app.build import build_report, render_deck
from opsreport.errors import TemplateProblem
from opsreport.present.deck import (
    BODY,
    BULLET_SIZE,
    NUMBER_SIZES,
    OPENING,
    SIDE,
    TABLE_SIZE,
    deck_chart_data,
    deck_context,
    deck_year_to_date,
    table_row_height,
    title_lines,
)
from opsreport.present.deck_fit import (
    INSET_X,
    char_width,
    cut_to_lines,
    line_count,
    lines_height,
    text_fits,
)
from opsreport.present.report_context import build_context

from .conftest import EN_EXAMPLE, ZH_EXAMPLE

TODAY = dt.date(2027, 1, 15)
EXAMPLES = {"zh": ZH_EXAMPLE, "en": EN_EXAMPLE}
_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


@cache
def deck(lang: str):
    analysis = analyze(EXAMPLES[lang])
    context = build_context(analysis.metrics, lang, today=TODAY)
    charts = deck_chart_data(analysis.metrics, context, lang)
    so_far = deck_year_to_date(analysis.metrics, lang)
    assert so_far == {}  # a finished year: every big number is the year's actual
    return deck_context(context, charts, lang, so_far), charts


@cache
def pptx_bytes(lang: str) -> bytes:
    analysis = analyze(EXAMPLES[lang])
    context = build_context(analysis.metrics, lang, today=TODAY)
    return render_deck(analysis, context, lang)


# --------------------------------------------------------------------------- the fitting rule


def test_the_fitting_rule_measures_cjk_as_wide_and_latin_narrow():
    assert char_width("利", 20) == 20 and char_width("a", 20) == 11.0  # 0.55 × 20
    # 10 CJK characters at 20 pt = 200 pt: one line in 200 pt, two in 199 pt.
    assert line_count("直接利润超额完成目标了", 20, 220) == 1
    assert line_count("直接利润超额完成目标", 20, 200) == 1
    assert line_count("直接利润超额完成目标", 20, 199) == 2
    # "aaaa bbbb": 9 × 11 = 99 pt; in 60 pt the words break apart (4 × 11 = 44 each).
    assert line_count("aaaa bbbb", 20, 99) == 1 and line_count("aaaa bbbb", 20, 60) == 2
    assert line_count("a\nb", 20, 100) == 2  # a line break starts a line
    # two one-line paragraphs at 10 pt: 2 × 1.2 × 10 + 0.4 × 10 gap + 2 × 3.6 insets = 35.2
    assert lines_height(["a", "b"], 10, 100) == pytest.approx(35.2)
    assert text_fits(["a", "b"], 10, 100, 35.2) and not text_fits(["a", "b"], 10, 100, 35.1)


# --------------------------------------------------------------------------- slides


ZH_TITLES = [
    ("title", "电商运营中心2026年度工作总结与2027年工作计划"),
    ("contents", "目录"),
    ("numbers", "直接利润8.37亿元，超额4.6%"),
    ("chart", "利润：6/7项达成，直接利润8.37亿元，超额4.6%"),
    ("chart", "用户：5/9项达成，新增用户236万人，超额2.6%"),
    ("chart", "效率：3/6项达成，库存周转天数48.5天，完成率92.2%"),
    ("chart", "内容：2/2项达成，短视频月产量1,150条，超额15.0%"),
    ("chart", "直接利润由2026Q1的1.62亿元升至2026Q4的2.82亿元"),
    ("chart", "GMV由2026Q1的10.2亿元升至2026Q4的16.3亿元"),
    ("chart", "毛利率由2026Q1的23.2%升至2026Q4的24.7%"),
    ("chart", "渠道：天猫居首，GMV 18.6亿元，占37.5%"),
    ("chart", "品类：家用电器居首，GMV 14.2亿元，占28.6%"),
    ("table", "全年5项重点活动，投入3,820万元"),
    ("table", "4个问题待解决：流量、用户、商品、组织"),
    ("table", "2027年7项目标：直接利润达到9.5亿元、GMV达到58亿元"),
    ("chart", "分4个阶段推进15项任务，设7个里程碑"),
    ("table", "所需资源：8人、4,510万元、2套"),
    ("matrix", "6项风险，1项今年已越过触发线"),
    ("closing", "2027年，电商运营中心将以直接利润达到9.5亿元、GMV达到58亿元为首要目标"),
]


def test_the_zh_deck_follows_the_outline_titled_with_messages():
    slides = deck("zh")[0]["slides"]
    assert [(s["kind"], s["title"]) for s in slides] == ZH_TITLES
    # 8.37 ÷ 8.00 − 1 = 4.6% above target; the big numbers carry ΔPL and ΔPY.
    numbers = slides[2]["numbers"]
    assert [n["value"] for n in numbers] == ["8.37亿元", "49.6亿元", "24.1%"]
    assert numbers[0]["lines"] == ["ΔPL 较目标 +4.6%", "ΔPY 同比 +30.4%"]  # 8.37 ÷ 6.42 − 1
    assert numbers[2]["lines"][0] == "ΔPL 较目标 +1.1个百分点"  # 24.1 − 23.0
    assert slides[0]["subtitle"] == "电商运营中心\n演讲人：王敏\n日期：2027-01-15"
    assert deck("zh")[0]["sections"] == ["年度业绩概况", "核心业务数据分析", "季度重点活动复盘",
                                         "问题与挑战总结", "2027年战略规划", "资源与团队保障"]  # fmt: skip


def test_the_en_deck_has_the_same_outline_and_continues_a_long_list():
    slides = deck("en")[0]["slides"]
    kinds = [s["kind"] for s in slides]
    assert kinds[:3] == ["title", "contents", "numbers"] and kinds[-1] == "closing"
    assert slides[2]["title"] == "First contact resolution 70.4%, 97.8% of target"  # 70.4 ÷ 72
    # lower is better: 9.1 vs 9.5 minutes, (9.5 − 9.1) ÷ 9.5 = 4.2% better
    assert "Average handle time 9.1 minutes, 4.2% better than target" in slides[4]["title"]
    continued = [s for s in slides if s["continued"]]
    assert continued and all(s["title"].endswith(" (continued)") for s in continued)
    assert "14 campaign" not in str(kinds)
    assert any(s["title"] == "4 campaigns, 295 k USD invested" for s in slides)


def assert_every_box_fits(slides) -> None:
    """Every title, bullet list, big number and table of ``slides`` within its box."""
    for slide in slides:
        assert title_lines(slide["title"]) <= 2, slide["title"]
        if slide["kind"] in {"chart", "matrix"} and slide["bullets"]:
            assert text_fits(slide["bullets"], BULLET_SIZE, SIDE[2], SIDE[3]), slide["title"]
        if slide["kind"] == "bullets":
            assert text_fits(slide["bullets"], BULLET_SIZE, BODY[2], BODY[3]), slide["title"]
        table = slide["table"]
        if slide["kind"] == "table" and table is not None:
            rows = [table["columns"], *table["rows"]]
            height = sum(table_row_height(r, table["widths"], TABLE_SIZE) for r in rows)
            assert height <= BODY[3], slide["title"]
        if slide["kind"] == "numbers":
            width = BODY[2] / len(slide["numbers"]) - 12 - 2 * INSET_X
            for number in slide["numbers"]:
                sizes = zip(
                    NUMBER_SIZES,
                    ([number["label"]], [number["value"]], [number["basis"], *number["lines"]]),
                    strict=True,
                )
                for size, texts in sizes:
                    assert all(line_count(t, size, width) == 1 for t in texts), number
                # the lines stand 26 pt apart from 92 pt under the body's top, 24 pt each,
                # and end above the opening sentence
                rows = len(number["lines"]) + bool(number["basis"])
                assert BODY[1] + 92 + (rows - 1) * 26 + 24 <= OPENING[1], number
            assert text_fits(slide["bullets"], BULLET_SIZE, OPENING[2], OPENING[3])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_box_overflows_by_the_fitting_rule(lang):
    assert_every_box_fits(deck(lang)[0]["slides"])


def test_long_texts_continue_or_are_cut_never_overflow(make_workbook):
    from opsreport.engine.metrics import compute
    from opsreport.io.workbook import load_report

    long_name = "一个非常非常长的指标名称" * 8  # 96 CJK characters: 3 lines of a title
    path = make_workbook({
        "meta": [["key", "value"], ["year", 2026]],
        "kpis": [["name", "unit", "actual", "target"], [long_name, "%", 5, 4]],
        "problems": [["problem", "subjective", "objective", "action"]]
        + [[f"问题{i}" + "很长的描述" * 30, "主观" * 40, "客观" * 40, "措施" * 400] for i in range(12)],
        "campaigns": [["quarter", "name", "investment", "unit", "result"]]
        + [[f"Q{i % 4 + 1}", f"活动{i}", 10, "万元", "效果" * 50] for i in range(25)],
    })  # fmt: skip
    metrics = compute(load_report(path))
    context = build_context(metrics, "zh", today=TODAY)
    slides = deck_context(context, deck_chart_data(metrics, context, "zh"), "zh")["slides"]
    assert_every_box_fits(slides)
    assert slides[2]["title"].endswith("…")  # the long name's title cut within two lines
    # 25 campaigns of 100 CJK characters of result in 0.31 × 874 − 14.4 = 256.5 pt at 11 pt
    # (23 a line): 5 lines = 5 × 13.2 + 7.2 = 73.2 pt a row; (400 − 20.4) ÷ 73.2 = 5.2 → 5 a
    # slide, 25 ÷ 5 = 5 slides, the last four continued.
    campaigns = [s for s in slides if s["title"].startswith("全年25项重点活动")]
    assert [len(s["table"]["rows"]) for s in campaigns] == [5, 5, 5, 5, 5]
    assert [s["continued"] for s in campaigns] == [False, True, True, True, True]
    # an action of 800 CJK characters is longer than a slide: cut with "…"
    problems = [s for s in slides if s["title"].startswith("12个问题待解决")]
    assert problems and all(row[3].endswith("…") for s in problems for row in s["table"]["rows"])


def test_cut_to_lines_keeps_what_fits_and_marks_the_cut():
    assert cut_to_lines("直接利润", 10, 100, 1) == "直接利润"
    # 10 pt CJK in 45 pt: 4 characters a line; two lines hold 7 characters and "…".
    assert cut_to_lines("一二三四五六七八九十", 10, 45, 2) == "一二三四五六七…"


def test_a_long_table_continues_on_the_next_slide_instead_of_shrinking():
    from opsreport.present import deck as module

    table = module._table(["a"], [1.0], [["一" * 200]] * 12)
    pages = module._table_pages(table)
    # 200 CJK × 11 pt = 2,200 pt in 874 − 14.4 = 859.6 pt: 3 lines → 3 × 13.2 + 7.2 = 46.8 pt
    # a row; the header 13.2 + 7.2 = 20.4; (400 − 20.4) ÷ 46.8 = 8.1: 8 rows a slide.
    assert [len(p["rows"]) for p in pages] == [8, 4]


# --------------------------------------------------------------------------- the pptx


def _charts(data: bytes) -> list[etree._Element]:
    with zipfile.ZipFile(BytesIO(data)) as package:
        names = sorted(n for n in package.namelist() if n.startswith("ppt/charts/chart"))
        return [etree.fromstring(package.read(n)) for n in names]


def test_the_pptx_has_one_slide_per_deck_slide_and_native_charts():
    data = pptx_bytes("zh")
    prs = Presentation(BytesIO(data))
    assert len(prs.slides) == len(ZH_TITLES)
    assert [s.shapes.title.text for s in prs.slides] == [t for _, t in ZH_TITLES]
    charts = _charts(data)
    assert charts and all(c.find(f"{_C}externalData") is not None for c in charts)
    with zipfile.ZipFile(BytesIO(data)) as package:
        assert any(n.startswith("ppt/embeddings/") for n in package.namelist())  # Edit Data
    # The 利润 dimension's attainment chart caches the engine's figures: 直接利润
    # 8.37 ÷ 8.00 = 104.625%, GMV 49.6 ÷ 52 = 95.38%.
    profit = next(c for c in charts if "直接利润" in etree.tostring(c, encoding="unicode")
                  and c.find(f".//{_C}barChart") is not None)  # fmt: skip
    values = [float(v.text) for v in profit.iter(f"{_C}v") if v.text.replace(".", "").isdigit()]
    assert values[0] == pytest.approx(104.625)
    assert values[1] == pytest.approx(49.6 / 52 * 100)
    # Every run of every slide and chart names the East Asian typeface.
    for slide in prs.slides:
        for run in slide._element.iter(f"{_A}r"):
            ea = run.find(f"{_A}rPr/{_A}ea")
            assert ea is not None and ea.get("typeface") == "Microsoft YaHei"


def test_a_template_missing_a_layout_is_refused_by_name(tmp_path):
    from opsreport.app.starter import export_templates

    folder = tmp_path / "t"
    export_templates(folder, "zh")
    prs = Presentation(str(folder / "deck.pptx"))
    prs.slide_layouts.get_by_name("opsreport Content").name = "My layout"
    prs.save(str(folder / "deck.pptx"))
    with pytest.raises(TemplateProblem) as info:
        build_report(ZH_EXAMPLE, output=tmp_path / "out.pptx", formats="pptx", template_dir=folder)
    message = str(info.value)
    assert "deck.pptx: no slide layout named 'opsreport Content'" in message
    assert "'My layout'" in message and not (tmp_path / "out.pptx").exists()


def test_a_damaged_template_is_refused(tmp_path):
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "deck.pptx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(TemplateProblem) as info:
        build_report(ZH_EXAMPLE, output=tmp_path / "out.pptx", formats="pptx", template_dir=folder)
    assert "deck.pptx: not a PowerPoint file" in str(info.value)
    assert not (tmp_path / "out.pptx").exists()


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (soffice)")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_libreoffice_draws_one_page_per_slide(lang, tmp_path):
    deck_file = tmp_path / f"{lang}.pptx"
    deck_file.write_bytes(pptx_bytes(lang))
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(deck_file)],
        capture_output=True, timeout=240, check=True,
    )  # fmt: skip
    pdf = (tmp_path / f"{lang}.pdf").read_bytes()
    pages = len(__import__("re").findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == len(Presentation(str(deck_file)).slides) == len(deck(lang)[0]["slides"])


def test_build_writes_the_deck_beside_the_report(tmp_path):
    result = build_report(EN_EXAMPLE, output=tmp_path, formats=("all", "pptx"))
    assert [p.suffix for p in result.outputs] == [".docx", ".md", ".html", ".pptx"]
    assert Path(result.outputs[-1]).read_bytes()[:2] == b"PK"


def test_check_opens_the_deck_template_and_names_a_missing_layout(tmp_path):
    from opsreport.render.pptx import check_deck_template

    assert check_deck_template("zh").name == "deck.pptx"  # the bundled one has every layout
    folder = tmp_path / "t"
    folder.mkdir()
    prs = Presentation(str(check_deck_template("en")))
    prs.slide_layouts.get_by_name("opsreport Title").name = "Title"
    prs.save(str(folder / "deck.pptx"))
    with pytest.raises(TemplateProblem, match="no slide layout named 'opsreport Title'"):
        check_deck_template("en", folder)


def test_templates_export_writes_the_deck_template(tmp_path):
    from opsreport.app.starter import export_templates

    written = export_templates(tmp_path, "en").written
    assert tmp_path / "deck.pptx" in written
    names = [layout.name for layout in Presentation(str(tmp_path / "deck.pptx")).slide_layouts]
    assert sorted(names) == ["opsreport Closing", "opsreport Content", "opsreport Title"]


def test_a_template_of_4_3_slides_is_refused_and_its_own_slides_are_dropped(tmp_path):
    from pptx.util import Emu

    from opsreport.render.pptx import check_deck_template

    folder = tmp_path / "t"
    folder.mkdir()
    prs = Presentation(str(check_deck_template("zh")))
    prs.slides.add_slide(prs.slide_layouts[0]).shapes.title.text = "an example slide"
    prs.save(str(folder / "deck.pptx"))
    out = build_report(ZH_EXAMPLE, output=tmp_path / "d.pptx", formats="pptx", template_dir=folder)
    slides = Presentation(str(out.outputs[0])).slides
    assert len(slides) == len(ZH_TITLES)  # the template's own slide is not in the deck
    assert "an example slide" not in [s.shapes.title.text for s in slides]
    prs.slide_width = Emu(9144000)  # 4:3: 25.40 × 19.05 cm
    prs.save(str(folder / "deck.pptx"))
    with pytest.raises(TemplateProblem, match=r"the slides are 25.40 × 19.05 cm; the deck is laid"):
        check_deck_template("zh", folder)


H1_EXAMPLE = Path(ZH_EXAMPLE).with_name("ecommerce-2026H1-zh.xlsx")


def in_year_slides(lang: str):
    analysis = analyze(H1_EXAMPLE)
    context = build_context(analysis.metrics, lang, today=TODAY)
    charts = deck_chart_data(analysis.metrics, context, lang)
    so_far = deck_year_to_date(analysis.metrics, lang)
    return deck_context(context, charts, lang, so_far)["slides"]


def test_a_year_in_progress_is_titled_with_its_year_so_far():
    slides = in_year_slides("zh")
    # no annual actual yet: the report's year-so-far clause (3.50 ÷ 8.00 = 43.75% → 43.8%)
    assert slides[2]["title"] == "直接利润：年初至今3.50亿元，完成全年目标8.00亿元的43.8%"
    # a dimension of KPIs all in progress: its name, then its first KPI's year so far
    assert slides[3]["title"] == "利润：直接利润年初至今3.50亿元，完成全年目标8.00亿元的43.8%"
    assert_every_box_fits(slides)


def test_a_year_in_progress_shows_its_big_numbers_year_to_date():
    numbers = in_year_slides("zh")[2]["numbers"]
    # No KPI rated (no annual actual): the lead (直接利润) and the next KPIs so far, each its
    # year to date, never "–". Direct profit Q1 + Q2 = 1.62 + 1.88 = 3.50; GMV 10.2 + 11.8 =
    # 22.0 (sum); gross margin the average of its quarters (23.2 + 23.9) ÷ 2 = 23.55%.
    assert [(n["label"], n["value"], n["basis"]) for n in numbers] == [
        ("直接利润", "3.50亿元", "年初至今"),
        ("GMV", "22.0亿元", "年初至今"),
        ("毛利率", "23.55%", "年初至今平均"),
    ]
    # Compared like with like only: the year so far with the quarter targets so far (direct
    # profit 3.50 ÷ (1.60 + 1.85) = 101.4%, GMV 22.0 ÷ (10.5 + 12) = 97.8%), the landing with
    # the annual target (8.384 ÷ 8.00 = 104.8%, 49.11 ÷ 52 = 94.4%); no ΔPL against the full year's
    # target (3.50 vs 8.00 would read −56%) and no ΔPY (no year-to-date figure of last year).
    assert numbers[0]["lines"] == ["年初至今完成率 101.4%", "预计完成率 104.8%"]
    assert numbers[0]["good"] == [True, True]
    assert numbers[1]["lines"] == ["年初至今完成率 97.8%", "预计完成率 94.4%"]
    assert numbers[1]["good"] == [False, False]
    assert not any("ΔPL" in line or "ΔPY" in line for n in numbers for line in n["lines"])


def test_a_year_in_progress_in_english_says_year_to_date():
    numbers = in_year_slides("en")[2]["numbers"]
    assert [(n["value"], n["basis"]) for n in numbers][:2] == [
        ("350 M CNY", "Year to date"),  # 3.50 亿元 = 350 M
        ("2,200 M CNY", "Year to date"),
    ]
    assert numbers[0]["lines"] == ["YTD attainment 101.4%", "Landing vs target 104.8%"]


def test_a_last_kpi_so_far_is_its_latest_quarter():
    from opsreport.engine.metrics import compute
    from opsreport.io.workbook import load_report

    so_far = deck_year_to_date(compute(load_report(H1_EXAMPLE)), "zh")
    # 会员数 (aggregation last): Q1 421, Q2 440 → the end of Q2, 440 ÷ Q2's target 440 = 100.0%
    assert so_far["U03"]["basis"] == "第2季度末" and so_far["U03"]["value"] == "440万人"
    assert so_far["U03"]["lines"][0] == "年初至今完成率 100.0%"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_master_puts_titles_top_left_in_the_box_the_fitting_rule_measures(lang):
    from opsreport.present.deck import DECK_LAYOUTS, TITLE, TITLE_SIZE
    from opsreport.render.pptx import check_deck_template

    prs = Presentation(str(check_deck_template(lang)))
    master = prs.slide_master._element
    p, a = "{http://schemas.openxmlformats.org/presentationml/2006/main}", _A
    # the master's title style: left-aligned; its title placeholder anchored at the top
    assert master.find(f"{p}txStyles/{p}titleStyle/{a}lvl1pPr").get("algn") == "l"
    title = next(s for s in prs.slide_master.placeholders if s.placeholder_format.idx == 0)
    body = title._element.find(f"{p}txBody/{a}bodyPr")
    assert body.get("anchor") == "t"
    # its insets are the fitting rule's: 91,440 EMU = 0.1 in = 7.2 pt left and right
    assert int(body.get("lIns")) == int(body.get("rIns")) == round(INSET_X * 12700)
    layouts = {layout.name: layout for layout in prs.slide_layouts}
    content = layouts[DECK_LAYOUTS["content"]]
    box = next(s for s in content.placeholders if s.placeholder_format.idx == 0)
    # the content layout's title box is present.deck.TITLE: 43, 22, 874 × 70 pt (× 12,700 EMU)
    assert (box.left, box.top, box.width, box.height) == tuple(round(v * 12700) for v in TITLE)
    assert box._element.find(f"{p}txBody/{a}lstStyle/{a}lvl1pPr") is None  # inherits the master
    # 35 CJK characters a line ((874 − 2 × 7.2) ÷ 24 = 35.8): two lines at 24 pt fit its
    # height, 2 × 1.2 × 24 + 2 × 3.6 = 64.8 ≤ 70; a third would not (93.6), hence TITLE_LINES
    two, three = (lines_height(["一" * n], TITLE_SIZE, TITLE[2]) for n in (70, 71))
    assert two == pytest.approx(64.8) and two <= TITLE[3]
    assert three == pytest.approx(93.6) and three > TITLE[3]
    # the title slide stays a title slide: its own centred title (a ctrTitle placeholder)
    opening = next(
        s for s in layouts[DECK_LAYOUTS["title"]].placeholders if s.placeholder_format.idx == 0
    )
    assert "CENTER_TITLE" in str(opening.placeholder_format.type)
    assert opening._element.find(f"{p}txBody/{a}lstStyle/{a}lvl1pPr").get("algn") == "ctr"


def test_committed_deck_templates_match_the_script(monkeypatch):
    import importlib.util
    import sys

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location(
        "make_pptx_template", root / "scripts" / "make_pptx_template.py"
    )
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    for lang in ("zh", "en"):
        committed = (root / "src" / "opsreport" / "templates" / lang / "deck.pptx").read_bytes()
        assert module.build(lang) == committed, (
            f"run python scripts/make_pptx_template.py ({lang}/deck.pptx is stale)"
        )


def test_the_timeline_slide_names_each_task_on_one_line_level_dates():
    """The data layer wraps task names for a 16 cm page; on the slide's 874 pt each is
    one line again, its dates short and few (render/chart_style.timeline_ticks)."""
    timeline = next(
        c for c in _charts(pptx_bytes("en")) if c.find(f".//{_C}valAx/{_C}numFmt") is not None
        and c.find(f".//{_C}valAx/{_C}numFmt").get("formatCode") == "mmm"
    )  # fmt: skip
    names = [v.text for v in timeline.find(f".//{_C}cat").iter(f"{_C}v")]
    assert "Finalise 2027 targets and team scorecards ◆" in names  # two lines in Word
    assert not any("\n" in name for name in names)
    # 8 pt page labels × 1.5 on the slide = 12 pt (sz 1200): 17 one-line rows fit the box
    axis = timeline.find(f".//{_C}catAx/{_C}txPr//{_A}defRPr")
    assert axis.get("sz") == "1200"


def test_a_slide_chart_shrinks_its_text_only_when_its_rows_would_not_hold_the_names():
    from opsreport.present.charts.data import ChartData, Panel
    from opsreport.render.pptx import CHART_TEXT_SCALE, chart_text_scale, slide_panel

    def panel(names):
        return Panel(name="", heading="", names=names, categories=names, series=())

    data = ChartData(key="t", kind="timeline", title="", subtitle="", alt="", note="", panels=())
    # 17 rows in 400 pt: bands of (400 − 72) ÷ 17 = 19.3 pt. One-line names at 12 pt need
    # 1.2 × 12 = 14.4: the full 1.5 ×. Two-line names need 2 × 1.2 × 8 × s ≤ 19.3: s = 1.005.
    assert chart_text_scale(data, panel(("a",) * 17), 400) == CHART_TEXT_SCALE
    assert chart_text_scale(data, panel(("a\nb",) * 17), 400) == pytest.approx(
        (400 - 72) / 17 / 19.2
    )
    # 60 rows: bands of 5.5 pt; never below the page's 8 pt (1.0 ×)
    assert chart_text_scale(data, panel(("a",) * 60), 400) == 1.0
    # the names the page wrapped at 22 width units are one line in 0.4 × 874 ÷ 12 = 29 units
    wrapped = panel(("Finalise 2027 targets and team\nscorecards", "年度预算与目标\n拆解"))
    assert slide_panel(data, wrapped, 874).categories == (
        "Finalise 2027 targets and team scorecards",
        "年度预算与目标拆解",
    )
