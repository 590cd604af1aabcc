"""One layout, three formats: the report and the plan draft show the same sections,
tables, columns and facts in Word, Markdown and HTML (opsreport.present.layout); Word
colours through character styles; Markdown's chart links lead to the written files."""

from __future__ import annotations

import datetime as dt
import html
import html.parser
import re
import urllib.parse
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn

from opsreport.app.analysis import analyze
from opsreport.app.build import build_report, render_documents
from opsreport.app.plan import build_plan, render_plan_documents
from opsreport.present import theme
from opsreport.present.layout import PLAN, REPORT, Layout
from opsreport.render.word_styles import CHARACTER_STYLES

from .conftest import EN_EXAMPLE, ZH_EXAMPLE

ROOT = Path(__file__).resolve().parents[1]
COMMON = ROOT / "src" / "opsreport" / "templates" / "common"
TODAY = dt.date(2027, 1, 15)
EXAMPLES = {"zh": ZH_EXAMPLE, "en": EN_EXAMPLE}
FORMATS = ("docx", "md", "html")


@cache
def documents(lang: str, kind: str) -> dict[str, bytes]:
    """The three formats of one example's report or Q1 plan draft (no charts: text only)."""
    analysis = analyze(EXAMPLES[lang])
    if kind == "report":
        rendered, _, _ = render_documents(analysis, FORMATS, charts=False, today=TODAY)
    else:
        rendered, _, _ = render_plan_documents(analysis, 1, FORMATS, charts=False, today=TODAY)
    return rendered


@cache
def context(lang: str, kind: str) -> dict[str, Any]:
    from opsreport.present.plan_context import plan_context
    from opsreport.present.report_context import build_context

    analysis = analyze(EXAMPLES[lang])
    if kind == "report":
        return build_context(analysis.metrics, lang, today=TODAY)
    return plan_context(analysis, 1, lang, today=TODAY)


# --------------------------------------------------------------------------- reading each format


_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+\. )")


def read_docx(data: bytes) -> tuple[list[tuple[int, str]], list[list[str]], str]:
    """(headings as (level, text), table header rows, all the text) of a rendered .docx."""
    doc = Document(BytesIO(data))
    levels = {"title": 0, "heading 1": 1, "heading 2": 2}
    headings = [
        (levels[p.style.name.lower()], p.text.strip())
        for p in doc.paragraphs
        if p.style is not None and p.style.name.lower() in levels
    ]
    headers, texts = [], [p.text for p in doc.paragraphs]
    for table in doc.tables:
        headers.append([cell.text.replace("\n", " ") for cell in table.rows[0].cells])
        for row in table.rows:
            texts.extend(cell.text for cell in row.cells)
    return headings, headers, "\n".join(texts)


def _md_plain(text: str) -> str:
    text = re.sub(r"(?<!\\)\*\*", "", text).replace("<br>", "\n")
    return html.unescape(re.sub(r"\\(.)", r"\1", text))


def read_md(data: bytes) -> tuple[list[tuple[int, str]], list[list[str]], str]:
    lines = data.decode("utf-8").splitlines()
    headings = []
    headers = []
    for index, line in enumerate(lines):
        if match := re.match(r"^(#{1,3}) (.*)$", line):
            headings.append((len(match.group(1)) - 1, _NUMBER.sub("", _md_plain(match.group(2)))))
        if line.startswith("|") and index + 1 < len(lines) and lines[index + 1].startswith("|-"):
            cells = re.split(r"(?<!\\)\|", line)[1:-1]
            headers.append([_md_plain(c).strip() for c in cells])
    plain = "\n".join(_md_plain(line) for line in lines)
    return headings, headers, plain


class _Html(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[int, str]] = []
        self.headers: list[list[str]] = []
        self.text: list[str] = []
        self._tag: str | None = None
        self._buffer = ""
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in {"h1", "h2", "h3", "th"}:
            self._tag, self._buffer = tag, ""
        if tag == "thead":
            self._in_head = True
            self.headers.append([])
        if tag in {"p", "li", "td", "th", "tr", "h1", "h2", "h3", "dd", "dt"}:
            self.text.append("\n")
        if tag in {"style", "title"}:
            self._tag = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._tag and tag in {"h1", "h2", "h3"}:
            level = int(tag[1]) - 1
            self.headings.append((level, _NUMBER.sub("", self._buffer.strip())))
        if tag == "th" and self._in_head:
            self.headers[-1].append(self._buffer.strip())
        if tag == "thead":
            self._in_head = False
        if tag == self._tag:
            self._tag = None

    def handle_data(self, data: str) -> None:
        if self._tag in {"style", "title"}:
            return
        self._buffer += data
        self.text.append(data)


def read_html(data: bytes) -> tuple[list[tuple[int, str]], list[list[str]], str]:
    parser = _Html()
    parser.feed(data.decode("utf-8"))
    return parser.headings, parser.headers, "".join(parser.text)


READERS = {"docx": read_docx, "md": read_md, "html": read_html}
CASES = [(lang, kind) for lang in ("zh", "en") for kind in ("report", "plan")]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _facts(value: Any, key: str = "") -> list[str]:
    """Every text of the context a reader may see: the formatted figures, names, sentences."""
    if key in {"labels", "plan_labels", "charts", "sections", "lang", "svg", "file"}:
        return []
    if isinstance(value, dict):
        return [fact for k, v in value.items() for fact in _facts(v, str(k))]
    if isinstance(value, (list, tuple)):
        return [fact for item in value for fact in _facts(item, key)]
    if isinstance(value, str) and len(_squeeze(value)) >= 2:
        return [value]
    return []


# --------------------------------------------------------------------------- parity


@pytest.mark.parametrize(("lang", "kind"), CASES)
def test_the_three_formats_show_the_same_headings(lang, kind):
    read = {fmt: READERS[fmt](documents(lang, kind)[fmt])[0] for fmt in FORMATS}
    assert read["md"] == read["docx"]
    assert read["html"] == read["docx"]


@pytest.mark.parametrize(("lang", "kind"), CASES)
def test_the_three_formats_show_the_same_table_columns(lang, kind):
    read = {fmt: READERS[fmt](documents(lang, kind)[fmt])[1] for fmt in FORMATS}
    # Word sets a detail column (the risk's response) in a row of its own under each risk.
    labels = {"labels": context(lang, kind)["labels"], **(
        {"plan_labels": context(lang, kind)["plan_labels"]} if kind == "plan" else {})}  # fmt: skip
    layout = REPORT if kind == "report" else PLAN
    details = {c.header_text(labels) for t in layout.tables for c in t.columns if c.detail}
    without_details = [[h for h in row if h not in details] for row in read["md"]]
    assert [_squeeze(" ".join(r)) for r in without_details] == [
        _squeeze(" ".join(r)) for r in read["docx"]
    ]
    assert read["html"] == read["md"]


def _shows(text: str, spaced: str, fact: str) -> bool:
    """A bare number is shown only whole, looked for in the text with its cells apart
    (``spaced``: each run of white space one line break): Word's adjacent date cells
    squeezed together (2027-01-04, 2027-01-22 → …01-042027-01-22…) do not show a KPI's
    prior year 420, and a quarter table's bare 1.62 and 1.60 are two figures."""
    if re.fullmatch(r"[\d,.]+", fact):
        return re.search(rf"(?<![\d,.]){re.escape(fact)}(?![\d,.]*\d)", spaced) is not None
    return fact in text


@pytest.mark.parametrize(("lang", "kind"), CASES)
def test_every_fact_one_format_shows_the_others_show(lang, kind):
    """Each text of the context (a figure, a name, a sentence) is in all three or in none."""
    raw = {fmt: READERS[fmt](documents(lang, kind)[fmt])[2] for fmt in FORMATS}
    texts = {fmt: _squeeze(text) for fmt, text in raw.items()}
    spaced = {fmt: re.sub(r"\s+", "\n", text) for fmt, text in raw.items()}
    lacking = []
    for fact in dict.fromkeys(_facts(context(lang, kind))):
        shown = {fmt for fmt in FORMATS if _shows(texts[fmt], spaced[fmt], _squeeze(fact))}
        if shown and shown != set(FORMATS):
            lacking.append((fact, sorted(set(FORMATS) - shown)))
    assert lacking == []


def test_the_drifts_are_gone():
    """Word says how many quarterly series it left out; Markdown and HTML print the
    resources total (8人、4,510万元、2套 in the Chinese example: the categories' totals)."""
    ctx = context("zh", "report")
    assert ctx["resources"]["total"] == "8人、4,510万元、2套"
    for fmt in ("md", "html"):
        text = READERS[fmt](documents("zh", "report")[fmt])[2]
        assert "合计：8人、4,510万元、2套" in _squeeze(text)


def test_word_says_how_many_quarterly_series_it_left_out(make_workbook):
    """Ten KPIs with quarters: eight charted and tabled, 10 − 8 = 2 said in a sentence,
    in all three formats."""
    kpis = [["id", "name", "group", "unit", "direction", "target", "actual", "prior_year"]]
    quarters = [["kpi_id", "period", "actual"]]
    for n in range(10):
        kpis.append([f"K{n}", f"指标{n}", "组", "元", "higher", 100, 100 + n, 90])
        quarters += [[f"K{n}", f"2026Q{q}", 20 + q + n] for q in (1, 2, 3, 4)]
    path = make_workbook({"meta": [["key", "value"], ["title", "T"], ["year", 2026]],
                          "kpis": kpis, "quarters": quarters})  # fmt: skip
    rendered, _, _ = render_documents(analyze(path), FORMATS, lang="zh", charts=False, today=TODAY)
    sentence = "另有2项指标的季度数据未逐一列出（见 opsreport metrics --what quarters）。"
    for fmt in FORMATS:
        assert _squeeze(sentence) in _squeeze(READERS[fmt](rendered[fmt])[2]), fmt


@pytest.mark.parametrize("layout", [REPORT, PLAN], ids=["report", "plan"])
def test_the_text_templates_spell_out_the_layouts_tables(layout: Layout):
    """Each layout table is in report/plan .md.j2 and .html.j2 with its columns in order,
    numeric ones right-aligned (``--:`` / ``class="num"``)."""
    kind = "report" if layout is REPORT else "plan"
    md = (COMMON / f"{kind}.md.j2").read_text(encoding="utf-8")
    page = (COMMON / f"{kind}.html.j2").read_text(encoding="utf-8")
    short = {"labels": "L", "plan_labels": "P"}

    def tag(path: str) -> str:
        if path.startswith('"'):
            return path.strip('"')
        group, _, key = path.partition(".")
        return "{{ " + short[group] + "." + key + " }}"

    for table in layout.tables:
        columns = [c for c in table.columns]
        heads = [
            tag(c.label)
            + (f" → {tag(c.and_label)}" if c.and_label else "")
            + ("{{ op }}{{ " + c.of + " }}{{ cp }}" if c.of else "")
            + (
                "{% if " + c.unit + " %}{{ op }}{{ " + c.unit + " }}{{ cp }}{% endif %}"
                if c.unit
                else ""
            )
            for c in columns
        ]
        if any(c.when for c in columns):  # optional columns: checked rendered (parity, below)
            continue
        md_row = "| " + " | ".join(heads) + " |"
        align = "|" + "|".join("--:" if c.numeric else "---" for c in columns) + "|"
        assert f"{md_row}\n{align}\n" in md, table.key
        cells = "".join(
            f'<th class="num">{h}</th>' if c.numeric else f"<th>{h}</th>"
            for c, h in zip(columns, heads, strict=True)
        )
        assert f"<thead><tr>{cells}</tr></thead>" in page, table.key


def test_sections_follow_the_layout_in_order():
    """The report's numbered headings are the layout's sections whose condition holds, in
    its order (the example has every section but the value one)."""
    report = context("zh", "report")
    labels = report["labels"]

    def holds(condition: str) -> bool:
        value: Any = report
        for part in condition.split("."):
            value = value[part]
        return bool(value)

    shown = [s for s in REPORT.sections if holds(s.condition)]
    assert len(shown) >= len(REPORT.sections) - 1
    expected = [labels[s.heading.split(".")[1]] for s in shown]
    headings = [
        text for level, text in read_docx(documents("zh", "report")["docx"])[0] if level == 1
    ]
    assert headings == expected
    plan_labels = context("zh", "plan")["plan_labels"]
    expected = [plan_labels[s.heading.split(".")[1]] for s in PLAN.sections]
    headings = [text for level, text in read_docx(documents("zh", "plan")["docx"])[0] if level == 1]
    assert headings == expected


def test_chinese_headings_use_full_width_brackets():
    for kind in ("report", "plan"):
        for fmt in FORMATS:
            for _, text in READERS[fmt](documents("zh", kind)[fmt])[0]:
                assert "(" not in text and ")" not in text, (kind, fmt, text)


# --------------------------------------------------------------------------- Markdown chart links

_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(([^)\s]*)\)")


def _links_resolve(md_path: Path) -> list[str]:
    """Every image link of a Markdown file leads to a written PNG, and every PNG written
    beside it is linked; returns the links."""
    text = md_path.read_text(encoding="utf-8")
    assert "\\[" not in text and "<br>!" not in text and "\\_" not in text  # nothing escaped
    links = [target for _, target in _IMAGE.findall(text)]
    assert links
    folder = md_path.with_name(f"{md_path.stem}-charts")
    for link in links:
        path = md_path.parent / urllib.parse.unquote(link)
        assert path.parent == folder, link
        assert path.read_bytes().startswith(b"\x89PNG"), link
    assert sorted(md_path.parent / urllib.parse.unquote(a) for a in links) == sorted(
        folder.iterdir()
    )
    return links


def test_markdown_chart_links_lead_to_the_written_files(tmp_path):
    """A name with a space and brackets: the link is percent-encoded, not escaped."""
    output = tmp_path / "年报 (终稿).md"
    build_report(ZH_EXAMPLE, output=output, formats=("md", "docx"), charts=True, today=TODAY)
    links = _links_resolve(output)
    assert links[0] == urllib.parse.quote("年报 (终稿)-charts/01-attainment.png")
    text = output.read_text(encoding="utf-8")
    assert "![同比差异（ΔPY%）](" in text
    # the ΔPL chart is drawn but the bundled template does not show it: no file for it
    assert "variance_target" not in text
    assert not list(output.with_name("年报 (终稿)-charts").glob("*variance_target*"))


def test_a_plan_drafts_chart_links_lead_to_the_written_files(tmp_path):
    (written,) = build_plan(
        EN_EXAMPLE, 1, output=tmp_path / "q1 plan.md", formats=("md",), today=TODAY
    )
    assert len(_links_resolve(written)) == 2  # the risk matrix and the quarter's timeline


# --------------------------------------------------------------------------- Word character styles


def _runs(doc: Any) -> list[Any]:
    body = doc.element.body
    return list(body.iter(qn("w:r")))


def _style_colour(doc: Any, style_id: str) -> str | None:
    for style in doc.styles.element.findall(qn("w:style")):
        if style.get(qn("w:styleId")) == style_id:
            colour = style.find(f"{qn('w:rPr')}/{qn('w:color')}")
            return None if colour is None else colour.get(qn("w:val"))
    return None


@pytest.mark.parametrize(("lang", "kind"), CASES)
def test_coloured_runs_carry_a_character_style_and_no_colour(lang, kind):
    doc = Document(BytesIO(documents(lang, kind)["docx"]))
    styled: dict[str, int] = {}
    for run in _runs(doc):
        assert run.find(f"{qn('w:rPr')}/{qn('w:color')}") is None, "".join(run.itertext())
        style = run.find(f"{qn('w:rPr')}/{qn('w:rStyle')}")
        if style is not None:
            styled[style.get(qn("w:val"))] = styled.get(style.get(qn("w:val")), 0) + 1
    expected = {"report": {"Good", "Bad", "Near", "Alert"}, "plan": {"Bad", "Near"}}[kind]
    assert expected <= set(styled), styled
    for style in CHARACTER_STYLES.values():
        assert _style_colour(doc, style.style_id) == style.color
    assert _style_colour(doc, "Good") == theme.GOOD.lstrip("#")


def test_a_restyled_good_recolours_the_report(tmp_path):
    """What docs/templates.md tells a user: modify the style Good in Word."""
    from docx.shared import RGBColor

    from opsreport.render.docx import render_docx

    template = Document(ROOT / "src" / "opsreport" / "templates" / "zh" / "report.docx")
    template.styles["Good"].font.color.rgb = RGBColor(0x12, 0x34, 0x56)
    template.save(tmp_path / "report.docx")
    doc = Document(BytesIO(render_docx(context("zh", "report"), template_dir=tmp_path)))
    assert _style_colour(doc, "Good") == "123456"
    good = [
        r
        for r in doc.paragraphs[0].part.element.iter(qn("w:rStyle"))
        if r.get(qn("w:val")) == "Good"
    ]
    assert good


def test_a_template_without_the_styles_gets_them(tmp_path):
    """A copy exported before the styles came (its "Alert" a paragraph style) still colours."""
    from docx.enum.style import WD_STYLE_TYPE

    from opsreport.render.docx import render_docx

    template = Document()
    template.styles.add_style("Alert", WD_STYLE_TYPE.PARAGRAPH)
    template.add_paragraph('{{r "R1" | alert(True) }}{{r "+1" | good(True) }}')
    template.save(tmp_path / "report.docx")
    doc = Document(BytesIO(render_docx(context("zh", "report"), template_dir=tmp_path)))
    runs = [r for r in doc.paragraphs[0].runs if r.text]
    assert [r.text for r in runs] == ["R1", "+1"]
    assert [r.style.style_id for r in runs] == ["AlertText", "Good"]
    assert runs[0].style.name == "Alert Text" and runs[0].style.font.bold
    assert _style_colour(doc, "AlertText") == theme.ALERT.lstrip("#")
    assert _style_colour(doc, "Good") == theme.GOOD.lstrip("#")


def test_the_html_templates_carry_the_themes_palette(monkeypatch):
    """Changing a colour in present/theme.py and not running the script fails here."""
    import sys

    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    monkeypatch.delitem(sys.modules, "docx_templates.css", raising=False)
    from docx_templates.css import palette_css

    block = palette_css()
    assert f"--good: {theme.GOOD};" in block and f"--near: {theme.NEAR_TEXT};" in block
    for name in ("report.html.j2", "plan.html.j2"):
        style = (COMMON / name).read_text(encoding="utf-8").split("</style>")[0]
        assert block in style
        assert re.findall(r"#[0-9A-Fa-f]{3,6}\b", style.replace(block, "")) == []  # no other colour


def test_a_dimension_without_targets_has_no_plan_columns_in_any_format():
    """No column of 「无目标」: a dimension whose KPIs have no target shows KPI, AC, PY, ΔPY,
    ΔPY% in Word, Markdown and HTML; one with a target keeps every column."""
    from . import builders as b

    kpis = [
        b.kpi("营收", id="A", group="经营", unit="万元", target=100, actual=104, prior_year=90),
        b.kpi("访客", id="B", group="流量", unit="万人", actual=50, prior_year=40),
        b.kpi("停留时长", id="C", group="流量", unit="分钟", actual=3, prior_year=4),
    ]
    analysis = b.analysis(b.report(kpis, meta=b.meta(year=2026, language="zh")))
    documents, _, _ = render_documents(analysis, ("docx", "md", "html"), charts=False)
    headers = {
        "经营": [
            "指标",
            "实际",
            "目标",
            "上年",
            "较目标",
            "较目标%",
            "同比",
            "同比%",
            "完成率",
            "状态",
        ],
        "流量": ["指标", "实际", "上年", "同比", "同比%"],
    }
    md = documents["md"].decode()
    for group, header in headers.items():
        section = md.split(f"### {group}")[1].split("###")[0]
        assert "| " + " | ".join(header) + " |" in section, group
    assert "无目标" not in md.split("### 流量")[1]
    page = documents["html"].decode()
    flow = page.split("流量</h3>")[1]
    assert re.findall(r"<th[^>]*>([^<]+)</th>", flow.split("</thead>")[0]) == headers["流量"]
    word = Document(BytesIO(documents["docx"]))
    tables = [[cell.text for cell in t.rows[0].cells] for t in word.tables]
    assert headers["经营"] in tables and headers["流量"] in tables
