"""docs/workbook.md cannot drift from the contract in schema.py (and the value vocabularies)."""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO
from pathlib import Path

import pytest

from opsreport import schema, values
from opsreport.workbook import Limits

DOC_PATH = Path(__file__).resolve().parents[1] / "docs" / "workbook.md"
DOC = DOC_PATH.read_text(encoding="utf-8")
_CJK = re.compile(r"[\u3400-\u9fff]")


def _first_chinese(aliases: tuple[str, ...]) -> str:
    return next(alias for alias in aliases if _CJK.search(alias))


def _section(name: str) -> str:
    """The text of the sheet's section: from its heading to the next heading of its level."""
    match = re.search(rf"^### `{re.escape(name)}` .*$", DOC, re.MULTILINE)
    assert match, f"docs/workbook.md has no section headed ### `{name}`"
    end = re.search(r"^#{1,3} ", DOC[match.end() :], re.MULTILINE)
    return DOC[match.start() : match.end() + end.start() if end else len(DOC)]


@pytest.mark.parametrize("spec", schema.SHEETS.values(), ids=lambda spec: spec.name)
def test_every_sheet_and_column_is_documented(spec: schema.SheetSpec) -> None:
    assert f"`{spec.name}`" in DOC
    section = _section(spec.name)
    assert _first_chinese(spec.aliases) in section.splitlines()[0]
    missing = [f"`{alias}`" for alias in spec.aliases[1:] if f"`{alias}`" not in DOC]
    for column in spec.columns:
        row = re.search(rf"^\| `{re.escape(column.field)}` \|.*$", section, re.MULTILINE)
        assert row, f"{spec.name}: no table row for the column {column.field}"
        assert f"`{_first_chinese(column.aliases)}`" in row.group()
        missing += [f"`{alias}`" for alias in column.aliases[1:] if f"`{alias}`" not in row.group()]
        if column.required:
            assert "**yes**" in row.group() or "| yes |" in row.group(), column.field
    assert not missing, f"{spec.name}: aliases missing from the docs: {missing}"


@pytest.mark.parametrize("key", schema.META_KEYS)
def test_every_meta_key_is_documented(key: str) -> None:
    section = _section("meta")
    row = re.search(rf"^\| `{re.escape(key)}` \|.*$", section, re.MULTILINE)
    assert row, f"meta: no table row for the setting {key}"
    missing = [alias for alias in schema.META_KEYS[key] if f"`{alias}`" not in row.group()]
    assert not missing, f"meta {key}: aliases missing from the docs: {missing}"


@pytest.mark.parametrize(
    "vocabulary",
    [values._DIRECTIONS, values._AGGREGATIONS, values._LEVELS],
    ids=["directions", "aggregations", "levels"],
)
def test_every_spelling_is_documented(vocabulary: dict[str, object]) -> None:
    missing = [word for word in vocabulary if f"`{word}`" not in DOC]
    assert not missing, f"spellings missing from docs/workbook.md: {missing}"


def test_limits_match_the_code() -> None:
    limits = Limits()
    assert f"| file size | {limits.max_file_bytes // (1024 * 1024)} MB (" in DOC
    assert f"| {limits.max_zip_entries:,} |" in DOC
    assert f"| {limits.max_uncompressed_bytes // (1024 * 1024)} MB (" in DOC
    assert f"| {limits.max_entry_ratio}× |" in DOC
    assert f"| {limits.max_rows:,} (" in DOC
    assert f"| {limits.max_columns} (" in DOC
    assert f"the first {limits.header_search_rows} non-empty rows" in DOC


# --------------------------------------------------------------------------- docs/templates.md
# The users' guide to templates cannot drift from the context and the filters: every
# name it lists exists and every name a template receives is listed; every filter is
# documented; every example renders, and gives what the page says it gives.

TEMPLATES_PATH = DOC_PATH.parent / "templates.md"
TEMPLATES = TEMPLATES_PATH.read_text(encoding="utf-8")
TODAY = dt.date(2027, 1, 15)


def _outside_code() -> list[tuple[int, str]]:
    """The page's lines with their numbers, fenced code blocks left out."""
    lines, fenced = [], False
    for number, line in enumerate(TEMPLATES.splitlines()):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced:
            lines.append((number, line))
    return lines


def _guide_section(heading: str) -> str:
    """From the heading that starts with ``heading`` to the next heading of any level."""
    all_lines = TEMPLATES.splitlines()
    headings = [n for n, line in _outside_code() if re.match(r"#{2,4} ", line)]
    start = next((n for n in headings if all_lines[n].lstrip("#").strip().startswith(heading)), None)  # fmt: skip
    assert start is not None, f"docs/templates.md has no heading starting {heading!r}"
    end = next((n for n in headings if n > start), len(all_lines))
    return "\n".join(all_lines[start:end])


def _listed(section: str) -> set[str]:
    """The names in the first column of the section's tables (`a`, `b` cells count each)."""
    names: set[str] = set()
    for row in re.findall(r"^\| (.+?) \|", section, re.MULTILINE):
        if not set(row) <= {"-", "|", " "}:
            names.update(re.findall(r"`([^`]+)`", row))
    return names


@pytest.fixture(scope="module")
def contexts() -> dict[str, dict]:
    from opsreport.api import analyze
    from opsreport.context import build_context
    from opsreport.plan import plan_context

    zh = analyze(schema_example("zh"))
    return {
        "zh": build_context(zh.metrics, today=TODAY),
        "en": build_context(analyze(schema_example("en")).metrics, today=TODAY),
        "plan": plan_context(zh, 1, today=TODAY),
        "capped": build_context(zh.metrics, today=TODAY, kpis_per_group=1),
    }


def schema_example(lang: str) -> Path:
    from .conftest import EN_EXAMPLE, ZH_EXAMPLE

    return ZH_EXAMPLE if lang == "zh" else EN_EXAMPLE


def _chart_entry_keys() -> set[str]:
    """The fields of a chart in ``charts``, as build.render_formats makes them."""
    from types import SimpleNamespace

    from opsreport.build import render_formats

    chart = SimpleNamespace(title="t", alt="a", png=b"", svg="<svg/>", width_cm=10)
    context: dict = {"lang": "zh"}
    render_formats(context, {"risks": chart}, (), "report")  # no format: only the entries
    return set(context["charts"]["risks"])


def _structures(c: dict[str, dict]) -> dict[str, set[str]]:
    zh, plan = c["zh"], c["plan"]
    goal = next(g for g in zh["goals"] if not g["is_smart"])
    return {
        "5.1 Top-level names": set(zh) | set(plan) | {"images"},
        "5.2 `meta`": set(zh["meta"]),
        "5.3 `summary`": set(zh["summary"]),
        "5.4 `groups`": set(zh["groups"][0]),
        "`group.more`": set(c["capped"]["groups"][0]["more"]),
        "5.5 A KPI row": set(zh["kpis"][0]) | set(c["en"]["kpis"][0]) | set(plan["plan"]["gaps"][0]),
        "5.6 `quarters`": set(zh["quarters"][0]),
        "Each of `q.rows`": set(zh["quarters"][0]["rows"][0]),
        "5.7 `breakdowns`": set(zh["breakdowns"][0]),
        "Each of `table.rows`": set(zh["breakdowns"][0]["rows"][0]),
        "5.8 `problems`": set(zh["problems"][0]),
        "5.9 `goals`": set(goal) | set(zh["goals_not_smart"][0]),
        "Each of `goal.smart`": set(goal["smart"][0]),
        "5.10 `tasks`": set(zh["tasks"]),
        "Each task of `phase.tasks`": set(zh["tasks"]["phases"][0]["tasks"][0]) | set(zh["tasks"]["all"][0]),
        "Each of `tasks.milestones`": set(zh["tasks"]["milestones"][0]),
        "5.11 `resources`": set(zh["resources"]),
        "Each of `resources.categories`": set(zh["resources"]["categories"][0]),
        'Each of `category["items"]`': set(zh["resources"]["categories"][0]["items"][0]),
        "5.12 `risks`": set(zh["risks"][0]) | set(zh["risks_triggered"][0]),
        "5.13 `sections`": set(plan["sections"]),
        "5.14 `charts`": _chart_entry_keys(),
        "5.16 Plan drafts": set(plan["plan"]),
        "Each of `plan.targets`": set(plan["plan"]["targets"][0]),
        "Each task of `plan.phases`": set(plan["plan"]["phases"][0]["tasks"][0]),
        "Each of `plan.resources`": set(plan["plan"]["resources"][0]),
    }  # fmt: skip


def test_every_name_a_template_receives_is_documented_and_no_other(contexts):
    problems = []
    for heading, actual in _structures(contexts).items():
        documented = _listed(_guide_section(heading))
        if missing := actual - documented:
            problems.append(f"{heading}: not documented: {sorted(missing)}")
        if invented := documented - actual:
            problems.append(f"{heading}: documented but not in the context: {sorted(invented)}")
    assert not problems, "\n".join(problems)


def test_the_other_names_mentioned_exist(contexts):
    zh, plan = contexts["zh"], contexts["plan"]
    for name, value in re.findall(r"`(labels|plan_labels)\.(\w+)`", TEMPLATES):
        assert value in (zh["labels"] if name == "labels" else plan["plan_labels"]), (name, value)
    phase = _guide_section("5.10 `tasks`")
    assert "each has `name` and `tasks`" in phase and set(zh["tasks"]["phases"][0]) == {"name", "tasks"}  # fmt: skip
    milestones = re.search(r"^\| `milestones` \|.*$", _guide_section("5.16 Plan drafts"), re.M)
    assert set(re.findall(r"`(\w+)`", milestones.group())[1:]) == set(plan["plan"]["milestones"][0])  # fmt: skip
    totals = re.search(r"^\| `totals` \|.*$", _guide_section("Each of `resources.categories`"), re.M)  # fmt: skip
    assert set(re.findall(r"`(\w+)`", totals.group())[1:]) == set(zh["resources"]["categories"][0]["totals"][0])  # fmt: skip


def test_every_filter_is_documented_and_no_other():
    from jinja2.defaults import DEFAULT_FILTERS

    from opsreport.render import html, markdown
    from opsreport.render.common import filters
    from opsreport.render.docx import docx_filters

    def table_of(heading: str) -> set[str]:
        section = _guide_section(heading)
        first = section.split("\n\n| you write")[0]  # the first table lists the filters
        return _listed(first)

    common = set(filters("zh"))
    md_only = set(markdown._environment("zh", ()).filters) - set(DEFAULT_FILTERS) - common
    html_only = set(html._environment("zh", ()).filters) - set(DEFAULT_FILTERS) - common
    assert table_of("6.1 In every template") == common
    assert table_of("6.2 In Word templates only") == set(docx_filters())
    assert table_of("6.3 In Markdown templates only") == md_only
    assert not html_only


_BINDINGS = {"kpi": ("kpis", "name"), "risk": ("risks", "no"), "goal": ("goals", "goal")}


def _examples(heading: str) -> list[tuple[str, str, dict[str, str], str, str]]:
    """(header, tag, bindings, expected, colour) for each example row of a section."""
    rows = []
    header = ""
    for line in _guide_section(heading).splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if cells and cells[0] == "you write":
            header = cells[2]
        elif header and len(cells) >= 3 and cells[0].startswith("`{{"):
            source = cells[0].strip("`").replace("\\|", "|")
            binding = dict([cells[1].split(": ", 1)]) if cells[1] else {}
            rows.append((header, source, binding, cells[2].strip("`"), (cells[3:] or [""])[0]))
    return rows


def _bound(context: dict, binding: dict[str, str]) -> dict:
    bound = dict(context)
    for name, key in binding.items():
        items, field = _BINDINGS[name]
        bound[name] = next(item for item in context[items] if item[field] == key)
    return bound


@pytest.mark.parametrize("heading", ["6.1 In every template", "6.3 In Markdown templates only"])
def test_filter_examples_give_what_the_page_says(contexts, heading):
    from opsreport.render import markdown
    from opsreport.render.common import make_environment

    examples = _examples(heading)
    assert len(examples) >= (20 if heading.startswith("6.1") else 1)
    for header, source, binding, expected, _ in examples:
        lang = "en" if header.startswith("English") else "zh"
        env = (
            markdown._environment(lang, ())
            if header == "Markdown"
            else make_environment(lang, [], autoescape=False)
        )
        got = env.from_string(source).render(_bound(contexts[lang], binding))
        assert got == expected, (source, binding)


def test_word_colour_examples_give_what_the_page_says(tmp_path, contexts):
    from docx import Document
    from docx.shared import RGBColor

    from opsreport.render.docx import COLORS, render_docx

    examples = _examples("6.2 In Word templates only")
    doc = Document()
    for _, source, binding, _, _ in examples:
        ((name, key),) = binding.items()
        items, field = _BINDINGS[name]
        doc.add_paragraph(f'{{%p for {name} in {items} if {name}.{field} == "{key}" %}}')
        doc.add_paragraph(source)
        doc.add_paragraph("{%p endfor %}")
    doc.save(tmp_path / "report.docx")
    rendered = Document(BytesIO(render_docx(contexts["zh"], template_dir=tmp_path)))
    assert [p.text for p in rendered.paragraphs] == [expected for _, _, _, expected, _ in examples]
    shades = {"green": COLORS["good"], "red": COLORS["bad"], "amber": COLORS["near"]}
    for paragraph, (*_, colour) in zip(rendered.paragraphs, examples, strict=True):
        first = next(run for run in paragraph.runs if run.text)
        assert first.font.color.rgb == RGBColor.from_string(shades.get(colour, colour)), paragraph.text  # fmt: skip


def _code_blocks(section: str, language: str) -> list[str]:
    return re.findall(rf"^```{re.escape(language)}\n(.*?)^```", section, re.MULTILINE | re.DOTALL)


def _chart_context(context: dict) -> dict:
    charts = {"attainment": {"title": "指标完成率", "alt": "…", "file": "charts/01-attainment.png", "svg": "<svg/>"}}  # fmt: skip
    return {**context, "charts": charts}


def test_markdown_and_html_examples_render(contexts):
    from opsreport.render import html, markdown

    section = _guide_section("4. Markdown and HTML templates")
    blocks = _code_blocks(section, "jinja")
    assert len(blocks) == 3
    outputs = [markdown._environment("zh", ()).from_string(b).render(_chart_context(contexts["zh"])) for b in blocks]  # fmt: skip
    assert "| 直接利润 | 8.37亿元 | 8.00亿元 | +4.6% | 104.6% | 🟢 达成 |" in outputs[0]
    assert "## 八、风险与应对" in outputs[1] and "- R1 库存积压导致周转恶化: 已触发" in outputs[1]
    assert outputs[2].strip() == "![指标完成率](charts/01-attainment.png)"
    (page,) = _code_blocks(section, "html+jinja")
    got = html._environment("zh", ()).from_string(page).render(_chart_context(contexts["zh"]))
    assert got.strip() == "<figure><svg/><figcaption>指标完成率</figcaption></figure>"


def _word_template(section: str, path: Path) -> Path:
    """The section's Word example as a document: each line of a ```text block is a
    paragraph, each table holding tags is a Word table (cells as shown)."""
    from docx import Document

    doc = Document()
    parts = re.split(r"^```text\n(.*?)^```\n", section, flags=re.MULTILINE | re.DOTALL)
    for index, part in enumerate(parts):
        if index % 2:
            for line in part.splitlines():
                doc.add_paragraph(line)
            continue
        table = re.search(r"^(\|.*\|\n)+", part, re.MULTILINE)
        if table and "{%tr" in table.group():
            rows = [
                [
                    c.strip().strip("`").replace("\\|", "|")
                    for c in re.split(r"(?<!\\)\|", line)[1:-1]
                ]
                for line in table.group().splitlines()
                if not line.startswith("|---")
            ]
            word_table = doc.add_table(rows=len(rows), cols=len(rows[0]))
            for word_row, cells in zip(word_table.rows, rows, strict=True):
                for cell, text in zip(word_row.cells, cells, strict=True):
                    cell.text = text
    doc.save(path / "report.docx")
    return path


@pytest.mark.parametrize(
    "heading", ["3.2 A KPI table", "3.3 A section only when there is data", "3.4 Charts"]
)
def test_word_examples_render(tmp_path, contexts, heading):
    from docx import Document

    from opsreport.render.docx import render_docx

    from .test_render_docx import fake_chart

    section = _guide_section(heading)
    folder = _word_template(section, tmp_path)
    charts = {"attainment": fake_chart("attainment", "指标完成率")}
    doc = Document(BytesIO(render_docx(_chart_context(contexts["zh"]), charts, template_dir=folder)))  # fmt: skip
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "{{" not in text and "{%" not in text
    if heading.startswith("3.2"):
        shown = re.search(r"the first table starts:\n\n((?:\|.*\n)+)", section).group(1)
        expected = [
            [re.sub(r" \((green|amber|red)\)$", "", c.strip()) for c in line.split("|")[1:-1]]
            for line in shown.splitlines()
            if not line.startswith("|---")
        ]
        rows = [[cell.text for cell in row.cells] for row in doc.tables[0].rows]
        assert rows[: len(expected)] == expected
        assert [p.text for p in doc.paragraphs[:1]] == ["利润"]
    elif heading.startswith("3.3"):
        assert text.splitlines()[:2] == ["风险与应对", "R1 库存积压导致周转恶化: 已触发"]
    else:
        assert len(doc.inline_shapes) == 1 and text.splitlines() == ["", "指标完成率"]
