"""The render budget (render/budget.py): bombs refused with the template's name and line,
normal renders unchanged, the limits' arithmetic, the child process and its failures."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import re
import signal
import sys
import time
from pathlib import Path

import pytest

from opsreport.app.analysis import analyze
from opsreport.errors import TemplateProblem
from opsreport.present.report_context import build_context
from opsreport.render import budget, budget_child
from opsreport.render.budget import (
    RenderBudget,
    RenderLimits,
    RenderOutOfMemory,
    RenderTimeout,
    RenderTooLarge,
    breach_message,
    data_rows,
    use_render_budget,
)
from opsreport.render.docx import render_docx
from opsreport.render.html import render_html
from opsreport.render.markdown import render_markdown
from opsreport.render.notices import notify, template_notices
from opsreport.render.sandbox import make_environment

from .conftest import ZH_EXAMPLE
from .hostile.cases_budget import BOMBS, ITEMS, MEMORY, RECURSION, SLOW, TEXT, TIME

TODAY = dt.date(2027, 1, 15)
LINUX = sys.platform.startswith("linux")
# Small limits keep the bombs quick: 0.5 s, 2 MB of text, 5,000 list items, 48 MB
# (5,000 texts of 100 KB would be 500 MB: the memory limit comes first).
SMALL = RenderBudget(
    seconds=0.5,
    seconds_per_row=0,
    text_mb=2,
    text_kb_per_row=0,
    list_items=5000,
    list_items_per_row=0,
    memory_mb=48,
    memory_kb_per_row=0,
)


@pytest.fixture(scope="module")
def context() -> dict:
    return build_context(analyze(ZH_EXAMPLE).metrics, "zh", today=TODAY)


def _text_template(tmp_path: Path, name: str, source: str) -> Path:
    folder = tmp_path / "tpl"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(source, encoding="utf-8")
    return folder


def _word_template(tmp_path: Path, name: str, *paragraphs: str) -> Path:
    from docx import Document

    folder = tmp_path / "tpl"
    folder.mkdir(exist_ok=True)
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(folder / name))
    return folder


# --------------------------------------------------------------------------- the arithmetic


def test_limits_grow_with_the_rows_of_data() -> None:
    limits = RenderBudget().limits(1000)
    assert limits.seconds == 10 + 0.002 * 1000 == 12
    assert limits.text_chars == (50 * 1000 + 16 * 1000) * 1000 == 66_000_000
    assert limits.list_items == 1_000_000 + 10 * 1000 == 1_010_000
    assert limits.memory_bytes == (512 * 1024 + 16 * 1000) * 1024 == 553_254_912


def test_rows_are_the_entries_of_the_context_lists_two_mappings_deep() -> None:
    context = {
        "title": "x",
        "kpis": [{"quarters": [1, 2, 3, 4]}] * 3,  # 3 rows; lists inside rows do not count
        "plan": {"targets": [1, 2], "deeper": {"gaps": [1]}},  # 2 + 1
        "charts": {},
    }
    assert data_rows(context) == 3 + 2 + 1


def test_the_messages_state_the_limit() -> None:
    limits = RenderLimits(
        seconds=10.11, text_chars=50_880_000, list_items=1_000_880, memory_bytes=513 * 2**20
    )
    assert budget.timeout_message(limits).startswith("took longer than 10.1 s to render")
    assert budget._text_message(limits).startswith("would produce more than 50.9 MB of text")
    assert budget._list_message(limits).startswith(
        "would build a list of more than 1,000,880 items"
    )
    assert budget.memory_message(limits).startswith("needed more than 513 MB of memory")
    assert budget.timeout_message(RenderBudget(seconds=0.25).limits(0)).startswith(
        "took longer than 0.25 s"
    )


def test_memory_and_recursion_errors_are_explained() -> None:
    assert breach_message(MemoryError()).startswith("needed more than 512 MB of memory")
    assert breach_message(RecursionError()).startswith("a macro calls itself too deeply")
    assert breach_message(ValueError("x")) is None


# --------------------------------------------------------------------------- bombs


@pytest.mark.parametrize(
    "isolate", [False, True] if LINUX else [False], ids=["in-process", "child"][: 2 if LINUX else 1]
)
@pytest.mark.parametrize("label", sorted(BOMBS))
def test_every_bomb_is_refused_naming_the_template_and_line(
    tmp_path, context, label, isolate
) -> None:
    source, says = BOMBS[label]
    folder = _text_template(tmp_path, "report.md.j2", source + "\n")
    with (
        use_render_budget(dataclasses.replace(SMALL, isolate=isolate)),
        pytest.raises(TemplateProblem) as caught,
    ):
        render_markdown(context, folder)
    message = str(caught.value)
    assert message.startswith(f"{folder / 'report.md.j2'}, line "), message
    assert says in message, message
    assert caught.value.template == str(folder / "report.md.j2")
    assert caught.value.line is not None


def test_the_bombs_say_what_the_hostile_corpus_expects() -> None:
    assert {says for _, says in BOMBS.values()} == {TEXT, ITEMS, MEMORY, RECURSION, TIME}
    assert {label for label, (_, says) in BOMBS.items() if says == TIME} == SLOW


@pytest.mark.parametrize("isolate", [False, True] if LINUX else [False])
def test_a_word_template_bomb_quotes_its_paragraph(tmp_path, context, isolate) -> None:
    folder = _word_template(tmp_path, "report.docx", "{{ meta.title }}", BOMBS["tilde-doubling"][0])
    with (
        use_render_budget(dataclasses.replace(SMALL, isolate=isolate)),
        pytest.raises(TemplateProblem) as caught,
    ):
        render_docx(context, None, folder)
    message = str(caught.value)
    assert message.startswith(f"{folder / 'report.docx'}, paragraph «{{% set ns"), message
    assert "would produce more than 2 MB of text" in message


def test_a_word_template_loop_runs_out_of_time(tmp_path, context) -> None:
    folder = _word_template(tmp_path, "plan.docx", BOMBS["nested-loops"][0])
    with use_render_budget(SMALL), pytest.raises(TemplateProblem) as caught:
        render_docx(context, None, folder, name="plan.docx")
    assert "took longer than 0.5 s to render — a loop in the template" in str(caught.value)
    assert str(caught.value).startswith(f"{folder / 'plan.docx'}, paragraph «{{% for i")


def test_an_html_template_bomb_is_refused(tmp_path, context) -> None:
    folder = _text_template(tmp_path, "report.html.j2", BOMBS["replace-squaring"][0])
    with (
        use_render_budget(SMALL),
        pytest.raises(TemplateProblem, match=r"report\.html\.j2, line 1"),
    ):
        render_html(context, folder)


def test_output_too_long_names_the_line_that_was_printing(tmp_path, context) -> None:
    source = "# title\n\n{% for i in range(100000) %}\n{{ 'x' * 1000 }}\n{% endfor %}\n"
    folder = _text_template(tmp_path, "report.md.j2", source)
    with use_render_budget(SMALL), pytest.raises(TemplateProblem) as caught:
        render_markdown(context, folder)
    assert caught.value.line == 4  # {{ 'x' * 1000 }}: 2,000 lines of 1,000 reach 2 MB
    assert "would produce more than 2 MB of text" in str(caught.value)


def test_a_budget_applies_to_bundled_templates_too(context) -> None:
    tiny = RenderBudget(text_mb=0.001, text_kb_per_row=0)  # 1,000 characters
    with use_render_budget(tiny), pytest.raises(TemplateProblem) as caught:
        render_markdown(context)
    assert "report.md.j2" in str(caught.value)
    assert "would produce more than 0.001 MB of text" in str(caught.value)


def test_a_refused_render_leaves_the_process_able_to_render(tmp_path, context) -> None:
    folder = _text_template(tmp_path, "report.md.j2", BOMBS["nested-loops"][0])
    with use_render_budget(dataclasses.replace(SMALL, isolate=False)):
        with pytest.raises(TemplateProblem):
            render_markdown(context, folder)
        time.sleep(2 * budget._POLL_SECONDS)  # a watchdog left armed would fire now
    assert render_markdown(context).startswith("# ")


# --------------------------------------------------------------------------- normal renders


@pytest.mark.parametrize("render", [render_markdown, render_html])
def test_a_template_renders_the_same_in_a_child_process(tmp_path, context, render) -> None:
    source = "{{ meta.title }}\n{% for k in kpis %}{{ k.name }} {{ k.actual }} {{ [k.name, 'x'] | join('-') | replace('x', 'y') }}\n{% endfor %}"
    name = "report.md.j2" if render is render_markdown else "report.html.j2"
    folder = _text_template(tmp_path, name, source)
    with use_render_budget(RenderBudget(isolate=False)):
        here = render(context, folder)
    with use_render_budget(RenderBudget(isolate=True)):
        there = render(context, folder)
    assert here == there
    assert context["kpis"][0]["name"] in here


def test_the_counted_filters_give_jinjas_results() -> None:
    env = make_environment("zh", [], autoescape=False)
    source = (
        "{{ 'abcb' | replace('b', 'x') }}|{{ ['a', 'b'] | join(',') }}|{{ 'a\nb' | indent(2) }}|"
        "{{ 'aaa bbb' | wordwrap(3) }}|{{ 'ab' ~ 1 }}|{{ 'a' + 'b' }}|{{ [1] + [2] }}|"
        "{{ 'a,b'.split(',') }}|{{ 'x'.join(['1', '2']) }}|{{ 'abc' | list }}"
    )
    assert env.from_string(source).render() == (
        "axcx|a,b|a\n  b|aaa\nbbb|ab1|ab|[1, 2]|['a', 'b']|1x2|['a', 'b', 'c']"
    )


def test_outside_a_render_the_default_limits_apply() -> None:
    env = make_environment("zh", [], autoescape=True)
    with pytest.raises(RenderTooLarge, match="more than 50 MB of text"):
        env.from_string(BOMBS["tilde-doubling"][0]).render()


# --------------------------------------------------------------------------- the watchdog


def test_the_watchdog_stops_a_python_loop() -> None:
    limits = RenderBudget(seconds=0.2).limits(0)

    def spin() -> None:
        while True:
            pass

    with pytest.raises(RenderTimeout, match=r"took longer than 0\.2 s"):
        budget._run_counted(limits, spin)


@pytest.mark.skipif(not LINUX, reason="the resident size is read from /proc")
def test_the_watchdog_stops_a_growing_process() -> None:
    limits = RenderBudget(memory_mb=32, memory_kb_per_row=0, seconds=30).limits(0)
    kept: list[bytearray] = []

    def grow() -> None:
        while True:
            kept.append(bytearray(1 << 20))  # touched: resident

    try:
        with pytest.raises(RenderOutOfMemory, match="needed more than 32 MB of memory"):
            budget._run_counted(limits, grow)
    finally:
        kept.clear()


# --------------------------------------------------------------------------- the child process

pytestmark_linux = pytest.mark.skipif(not LINUX, reason="renders run in a child only on Linux")


def _no_children_left() -> bool:
    try:
        return os.waitpid(-1, os.WNOHANG) == (0, 0)
    except ChildProcessError:
        return True


@pytestmark_linux
def test_a_child_stuck_in_c_is_killed_at_the_deadline(monkeypatch) -> None:
    monkeypatch.setattr(budget_child, "_KILL_GRACE", 0.2)
    limits = RenderBudget(seconds=0.3).limits(0)
    with pytest.raises(TemplateProblem) as caught:
        budget_child.run_forked(
            limits, lambda: time.sleep(60), "tpl/report.md.j2"
        )  # no bytecode: no watchdog
    assert str(caught.value) == (
        "tpl/report.md.j2: took longer than 0.3 s to render — a loop in the template runs "
        "too long (or without end)"
    )
    assert caught.value.template == "tpl/report.md.j2"
    assert _no_children_left()


@pytestmark_linux
def test_a_child_that_dies_is_reported() -> None:
    limits = RenderBudget(memory_mb=100, memory_kb_per_row=0).limits(0)
    with pytest.raises(TemplateProblem) as caught:
        budget_child.run_forked(
            limits, lambda: os.kill(os.getpid(), signal.SIGKILL), "tpl/report.docx"
        )
    assert str(caught.value) == (
        "tpl/report.docx: the render stopped unexpectedly (signal SIGKILL) — it probably "
        "needed more than 100 MB of memory"
    )
    assert _no_children_left()


@pytestmark_linux
def test_a_childs_address_space_is_capped() -> None:
    limits = RenderBudget(memory_mb=64, memory_kb_per_row=0).limits(0)

    def allocate() -> int:
        return len(bytes(256 * 2**20))  # one allocation, no time for the watchdog

    with pytest.raises(MemoryError):
        budget_child.run_forked(limits, allocate, "tpl/report.md.j2")


@pytestmark_linux
def test_a_child_returns_results_exceptions_and_notices() -> None:
    limits = RenderBudget().limits(0)
    assert budget_child.run_forked(limits, lambda: b"\x00" * 3_000_000, "t") == b"\x00" * 3_000_000

    def fails() -> None:
        raise TemplateProblem("t.md.j2, line 3: bad", template="t.md.j2", line=3)

    with pytest.raises(TemplateProblem) as caught:
        budget_child.run_forked(limits, fails, "t")
    assert (str(caught.value), caught.value.template, caught.value.line) == (
        "t.md.j2, line 3: bad",
        "t.md.j2",
        3,
    )

    def notifies() -> str:
        notify("an external link was dropped")
        return "done"

    with template_notices() as notices:
        assert budget_child.run_forked(limits, notifies, "t") == "done"
    assert notices == ["an external link was dropped"]

    class Unpicklable(Exception):
        def __reduce__(self):  # type: ignore[override]
            raise TypeError("no")

    def odd() -> None:
        raise Unpicklable("lxml says no")

    with pytest.raises(RuntimeError, match="Unpicklable: lxml says no"):
        budget_child.run_forked(limits, odd, "t")
    assert _no_children_left()


def test_where_fork_is_missing_renders_stay_in_process(monkeypatch, tmp_path, context) -> None:
    monkeypatch.setattr(budget, "fork_available", lambda: False)
    forked = []
    monkeypatch.setattr(budget, "run_forked", lambda *a: forked.append(a))
    folder = _text_template(tmp_path, "report.md.j2", "{{ meta.title }}\n")
    assert render_markdown(context, folder).strip() == context["meta"]["title"]
    assert forked == []


def test_only_templates_of_the_users_folder_go_to_a_child(monkeypatch, tmp_path, context) -> None:
    forked: list[str] = []
    real = budget.run_forked
    monkeypatch.setattr(budget, "fork_available", lambda: True)
    monkeypatch.setattr(
        budget, "run_forked", lambda limits, run, template: forked.append(template) or run()
    )
    folder = _text_template(tmp_path, "report.md.j2", "{{ meta.title }}\n")
    render_markdown(context, folder)  # the user's report.md.j2
    render_html(context, folder)  # the bundled report.html.j2: in-process
    assert forked == [str(folder / "report.md.j2")]
    assert real is not budget.run_forked


def test_a_word_template_renders_the_same_in_a_child_process(tmp_path, context) -> None:
    from docx import Document

    folder = _word_template(
        tmp_path, "report.docx", "{{ meta.title }}", "{% for k in kpis %}{{ k.name }} {% endfor %}"
    )
    texts = []
    for isolate in (False, True):
        with use_render_budget(RenderBudget(isolate=isolate)):
            data = render_docx(context, None, folder)
        texts.append([p.text for p in Document(io.BytesIO(data)).paragraphs])
    assert texts[0] == texts[1]
    assert texts[0][0] == context["meta"]["title"]


# --------------------------------------------------------------------------- 50,000 KPIs

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def _xpath_less_parser():
    """A parser whose elements refuse XPath, as libxml2 refuses a ``//`` query on a
    document of more than 10,000,000 nodes (a 50,000-KPI plan): the limit lowered to 0."""
    from lxml import etree

    class NoXPath(etree.ElementBase):
        def xpath(self, *args, **kwargs):  # type: ignore[override]
            raise etree.XPathEvalError("unknown error")

    parser = etree.XMLParser()
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(element=NoXPath))
    return parser


def test_the_rendered_word_document_is_checked_without_xpath(monkeypatch) -> None:
    from lxml import etree

    from opsreport.render.docx import report_template_class

    from .hostile.cases_budget import _word

    tpl = report_template_class()(io.BytesIO(_word("x")))
    tpl.render_init()
    parser = _xpath_less_parser()
    real_fromstring = etree.fromstring  # the rendered body is parsed into XPath-less elements
    monkeypatch.setattr(etree, "fromstring", lambda xml, *_, **__: real_fromstring(xml, parser))
    body = (
        f'<w:body xmlns:w="{W}" xmlns:wp="{WP}"><w:p><w:r><w:t>ok</w:t></w:r></w:p>'
        '<w:p><w:r><w:drawing><wp:docPr id="7"/></w:drawing></w:r></w:p>'
        '<w:p><w:r><w:drawing><wp:docPr id="7"/></w:drawing></w:r></w:p></w:body>'
    )
    tree = tpl.fix_tables(body)  # the strict parse, the run checks, docxtpl's table fixes
    tpl.fix_docpr_ids(tree)
    assert [e.get("id") for e in tree.iter(f"{{{WP}}}docPr")] == ["1001", "1002"]  # from 1000

    nested = (
        f'<w:body xmlns:w="{W}"><w:p><w:r><w:t>a<w:r><w:t>b</w:t></w:r></w:t></w:r></w:p></w:body>'
    )
    with pytest.raises(TemplateProblem, match="rich text «ab» printed inside a text run"):
        tpl.fix_tables(nested)
    stray = f'<w:body xmlns:w="{W}"><w:p> \n<w:r><w:t>a</w:t></w:r>loose words<w:r/></w:p></w:body>'
    with pytest.raises(TemplateProblem, match="«loose words» was printed by a"):
        tpl.fix_tables(stray)
    spaces = f'<w:body xmlns:w="{W}"><w:p>\u3000<w:r><w:t>a</w:t></w:r></w:p></w:body>'
    with pytest.raises(TemplateProblem, match="was printed by a"):  # not XML space: stray text
        tpl.fix_tables(spaces)


# --------------------------------------------------------------------------- streamed Word bodies


def _document_xml(data: bytes) -> bytes:
    """word/document.xml, canonical: blank text between elements dropped (python-docx's
    parser drops it on the tree path), namespace declarations in canonical form."""
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("word/document.xml")
    tree = etree.fromstring(xml, etree.XMLParser(remove_blank_text=True))
    return etree.tostring(tree, method="c14n")


def _both_ways(monkeypatch, render) -> tuple[bytes, bytes]:
    """``render()`` on the tree path, then streamed in pieces of about 2,000 characters."""
    from opsreport.render import wordstream

    monkeypatch.setattr(wordstream, "STREAM_ABOVE", 10**12)
    tree = render()
    monkeypatch.setattr(wordstream, "STREAM_ABOVE", 0)
    monkeypatch.setattr(wordstream, "_PIECE", 2000)
    return tree, render()


@pytest.mark.parametrize("document", ["report", "plan"])
def test_a_streamed_body_is_the_tree_paths_document(monkeypatch, document) -> None:
    from opsreport.present.plan_context import plan_context

    from .test_render_docx import fake_chart

    analysis = analyze(ZH_EXAMPLE)
    if document == "report":  # every KPI listed, charts above tables (keepNext), short tables
        context = build_context(analysis.metrics, "zh", today=TODAY, kpis_per_group=0)
        keys = ["attainment", "risks"]
    else:
        context = plan_context(analysis, 1, "zh", today=TODAY)
        keys = ["timeline", "risks"]
    charts = {key: fake_chart(key, f"title {key}") for key in keys}
    # column fitting (render/column_fit) is a repair of the in-memory tree only: a streamed
    # body (beyond STREAM_ABOVE characters) keeps the template's column widths
    from opsreport.render import docx as docx_module

    monkeypatch.setattr(docx_module, "fit_table_columns", lambda body: 0)
    tree, streamed = _both_ways(
        monkeypatch, lambda: render_docx(context, charts, name=f"{document}.docx")
    )
    assert _document_xml(streamed) == _document_xml(tree)
    assert b"<w:keepNext" in _document_xml(tree) and b'docPr descr="' in _document_xml(tree)


def test_a_streamed_body_gets_docxtpls_column_repairs(monkeypatch, tmp_path, context) -> None:
    from docx import Document

    folder = tmp_path / "tpl"
    folder.mkdir()
    document = Document()
    document.add_paragraph("{{ meta.title }}")
    grows = document.add_table(rows=2, cols=3)  # a {%tc %} loop makes 5 cells of 3 columns
    for cell, text in zip(
        grows.rows[0].cells,
        ("{%tc for x in [1, 2, 3, 4, 5] %}", "{{ x }}", "{%tc endfor %}"),
        strict=True,
    ):
        cell.text = text
    document.add_paragraph("between")
    shrinks = document.add_table(rows=1, cols=4)  # 1 cell of 4 columns
    for cell, text in zip(
        shrinks.rows[0].cells,
        ("{%tc for x in [1] %}", "{{ x }}", "{%tc endfor %}", ""),
        strict=True,
    ):
        cell.text = text
    document.save(str(folder / "report.docx"))
    tree, streamed = _both_ways(monkeypatch, lambda: render_docx(context, None, folder))
    assert _document_xml(streamed) == _document_xml(tree)
    grids = re.findall(rb"<w:tblGrid>.*?</w:tblGrid>", _document_xml(tree))
    assert [grid.count(b"<w:gridCol") for grid in grids] == [5, 2]  # 5 cells; 1 cell + 1 blank


@pytest.mark.parametrize(
    ("paragraphs", "says"),
    [
        (["{{r meta.title }}"], "was printed by a {{r … }} tag"),
        (['{%p set d = meta.title | color("C00000") %}', "{{ d }}"], "printed inside a text run"),
    ],
)
def test_a_streamed_body_is_checked_like_the_tree(
    monkeypatch, tmp_path, context, paragraphs, says
) -> None:
    from opsreport.render import wordstream

    folder = _word_template(tmp_path, "report.docx", *paragraphs)
    messages = []
    for above in (10**12, 0):
        monkeypatch.setattr(wordstream, "STREAM_ABOVE", above)
        with pytest.raises(TemplateProblem) as caught:
            render_docx(context, None, folder)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert says in messages[1]


def test_a_streamed_body_that_breaks_the_xml_is_refused(monkeypatch, tmp_path, context) -> None:
    from docx import Document

    from opsreport.render import wordstream

    folder = tmp_path / "tpl"
    folder.mkdir()
    document = Document()
    document.add_table(rows=1, cols=1).rows[0].cells[0].text = "{% if false %}"
    document.add_paragraph("{% endif %}")  # the if drops the end of the table: not XML any more
    document.save(str(folder / "report.docx"))
    monkeypatch.setattr(wordstream, "STREAM_ABOVE", 0)
    with pytest.raises(TemplateProblem, match="the rendered document is not valid Word XML"):
        render_docx(context, None, folder)


def test_a_body_whose_text_does_not_match_its_elements_takes_the_tree_path(
    monkeypatch, tmp_path, context
) -> None:
    from docx import Document
    from lxml import etree

    folder = tmp_path / "tpl"
    folder.mkdir()
    document = Document()
    document.add_paragraph("{{ meta.title }}")
    document.element.body.insert(0, etree.Comment(" <w:p> in a comment is not a paragraph "))
    document.save(str(folder / "report.docx"))
    tree, streamed = _both_ways(monkeypatch, lambda: render_docx(context, None, folder))
    assert _document_xml(streamed) == _document_xml(tree)
