"""Markdown and HTML output of the examples; the context they share."""

from __future__ import annotations

import datetime as dt
import html.parser
import os
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document

from opsreport.app.analysis import analyze
from opsreport.app.build import render_documents
from opsreport.present.report_context import build_context
from opsreport.render.docx import render_docx
from opsreport.render.markdown import escape_markdown, render_markdown

from .conftest import EN_EXAMPLE, ZH_EXAMPLE

GOLDEN = Path(__file__).parent / "golden"
TODAY = dt.date(2027, 1, 15)


def render(path: Path, fmt: str, lang: str | None = None) -> str:
    documents, _, _ = render_documents(analyze(path), (fmt,), lang=lang, charts=False, today=TODAY)
    return documents[fmt].decode("utf-8")


@pytest.mark.parametrize(
    ("workbook", "golden"),
    [(ZH_EXAMPLE, "ecommerce-2026-zh.md"), (EN_EXAMPLE, "support-2026-en.md")],
)
def test_markdown_matches_golden_file(workbook, golden):
    """Regenerate after an intended change with OPSREPORT_UPDATE_GOLDEN=1 pytest."""
    text = render(workbook, "md")
    path = GOLDEN / golden
    if os.environ.get("OPSREPORT_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_markdown_carries_the_figures_and_sections():
    text = render(ZH_EXAMPLE, "md")
    # 6.42 → 8.37: +1.95/6.42 = +30.4% (≥ 30%: 大幅); 0.37/8 = 4.6%; 8.37/20 = 41.9%
    assert (
        "直接利润由6.42亿元大幅增长至8.37亿元（+30.4%），较目标8.00亿元超额4.6%，"
        "占公司利润增量20.00亿元的41.9%。" in text
    )
    assert (
        "| 直接利润 | 8.37亿元 | 8.00亿元 | 6.42亿元 | +0.37亿元 | +4.6% | +1.95亿元 | +30.4% | 104.6% | 🟢 达成 |"
        in text
    )
    for heading in ("## 一、经营成果与目标达成", "## 二、价值贡献", "## 三、季度趋势", "## 四、季度重点活动复盘",
                    "## 五、结构分析", "## 六、问题与原因分析", "## 七、明年目标（SMART）", "## 八、重点任务与里程碑",
                    "## 九、资源需求", "## 十、风险与应对", "## 十一、展望"):  # fmt: skip
        assert heading in text
    # The risk whose line this year's actual crossed (48.5 > 47 days) is listed first, as a
    # fact about the year, not as a live alarm: no ⚠, no 已触发 in the annual report.
    assert "- R1 库存积压导致周转恶化：今年实际48.5天已越过触发线（库存周转天数 &gt; 47天）" in text
    risks = text[text.index("## 十、风险与应对") : text.index("## 十一、展望")]
    assert "⚠" not in risks and "已触发" not in risks
    # 8.37 − 7.5 = 0.87亿元 from the line; 24.1 − 22 = 2.1 points; 8 − 4.6 = 3.4 points
    assert "今年实际8.37亿元，距触发线0.87亿元" in risks
    assert "今年实际24.1%，距触发线2.1个百分点" in risks
    assert "今年实际偏离目标4.6%，距触发线3.4个百分点" in risks
    assert "✗ 提升品牌影响力" in text  # a goal that is not SMART is marked with the reason


def test_sections_are_left_out_cleanly(make_workbook, basic_sheets):
    path = make_workbook(basic_sheets)
    text = render(path, "md", lang="zh")
    assert "## 一、经营成果与目标达成" in text
    for absent in ("季度趋势", "问题与原因分析", "SMART", "风险与应对", "资源需求"):
        assert absent not in text


def test_cell_text_appears_literally(make_workbook, basic_sheets):
    basic_sheets["kpis"].append(
        ["X1", "R&D <Top> {{ x }} | *a*", "效率", "元", "higher", 10, 12, None, None, None]
    )
    path = make_workbook(basic_sheets)
    md = render(path, "md", lang="zh")
    assert r"R&D &lt;Top&gt; {{ x }} \| \*a\*" in md
    page = render(path, "html", lang="zh")
    assert "R&amp;D &lt;Top&gt; {{ x }} | *a*" in page
    assert "<Top>" not in page


def test_escape_markdown():
    assert escape_markdown("a|b\nc") == r"a\|b<br>c"
    assert escape_markdown("R&D &lt;") == "R&D &amp;lt;"
    assert escape_markdown(None) == ""


class _Checker(html.parser.HTMLParser):
    VOID = frozenset({"meta", "br", "img", "hr", "input", "link"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}> after {self.stack[-3:]}"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def test_html_parses_and_is_balanced():
    for workbook, lang in ((ZH_EXAMPLE, None), (EN_EXAMPLE, None), (ZH_EXAMPLE, "en")):
        checker = _Checker()
        checker.feed(render(workbook, "html", lang))
        checker.close()
        assert checker.stack == []
    text = "".join(checker.text)
    assert "Results against target" in text


def test_english_document_of_the_chinese_workbook():
    text = render(ZH_EXAMPLE, "md", lang="en")
    assert "## 1. Results against target" in text
    assert (
        # 亿元 in English: 100 M CNY, so 6.42亿元 = 642 M CNY, 8.37亿元 = 837 M CNY, 8.00亿元 = 800 M CNY
        "直接利润 rose sharply from 642 M CNY to 837 M CNY (+30.4%), 4.6% above the target of 800 M CNY"
        in text
    )


def test_context_has_every_section_key():
    context = build_context(analyze(ZH_EXAMPLE).metrics, today=TODAY)
    assert set(context) >= {"lang", "labels", "meta", "summary", "groups", "kpis", "quarters", "breakdowns",
                            "problems", "goals", "tasks", "resources", "risks", "risks_triggered", "charts", "sections"}  # fmt: skip
    # 12 met before issue 13 + 利润率, 自有品牌占比, 短视频月产量, 自然流量占比 = 16
    assert context["summary"]["met"] == 16 and context["summary"]["risks_triggered"] == 1
    profit = next(k for k in context["kpis"] if k["id"] == "P01")
    assert (
        profit["attainment"] == "104.6%"
        and profit["share"] == "41.9%"
        and profit["good_target"] is True
    )
    days = next(k for k in context["kpis"] if k["id"] == "E01")
    assert days["good_target"] is False and days["good_prior"] is True  # lower is better


def test_atomic_write_keeps_normal_permissions_and_never_half_writes(tmp_path):
    import os

    from opsreport.io.files import OutputError, atomic_write

    target = tmp_path / "report.md"
    atomic_write(target, b"one")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    source = tmp_path / "year.xlsx"
    source.write_bytes(b"input")
    with pytest.raises(OutputError, match="refusing to overwrite the input"):
        atomic_write(source, b"x", protect=(source,))
    assert source.read_bytes() == b"input"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_an_edited_template_is_used_by_the_next_render_in_the_same_process(tmp_path):
    """Environments and compiled templates are cached per process; edits must still show."""
    context = build_context(analyze(ZH_EXAMPLE).metrics, today=dt.date(2027, 1, 15))
    template = tmp_path / "report.md.j2"
    template.write_text("first {{ meta.title }}", encoding="utf-8")
    assert (
        render_markdown(context, tmp_path) == "first 电商运营中心2026年度工作总结与2027年工作计划\n"
    )
    template.write_text("second {{ meta.org }}", encoding="utf-8")
    later = template.stat().st_mtime + 5
    os.utime(template, (later, later))
    assert render_markdown(context, tmp_path) == "second 电商运营中心\n"

    def word(text: str) -> bytes:
        doc = Document()
        doc.add_paragraph(text)
        doc.save(tmp_path / "report.docx")
        return render_docx(context, template_dir=tmp_path)

    first = Document(BytesIO(word("A {{ meta.org }}"))).paragraphs[0].text
    second = Document(BytesIO(word("B {{ meta.year }}"))).paragraphs[0].text
    assert (first, second) == ("A 电商运营中心", "B 2026")
