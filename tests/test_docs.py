"""The guides cannot drift from the code: docs/workbook.md from the contract in schema.py, the
value vocabularies and the value rules; docs/templates.md from the context, the filters and the
render budget; both from the tests they name; the README's layout from the package."""

from __future__ import annotations

import ast
import datetime as dt
import fnmatch
import functools
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest

from opsreport.core import choices
from opsreport.core.dates import parse_date
from opsreport.core.numbers import parse_number
from opsreport.core.periods import parse_period
from opsreport.core.text import clean_text
from opsreport.core.units import parse_unit
from opsreport.core.value_problem import ValueProblem
from opsreport.io import schema
from opsreport.io.workbook import Limits

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
    [choices._DIRECTIONS, choices._AGGREGATIONS, choices._LEVELS],
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


def test_every_value_setting_the_docs_name_is_the_codes() -> None:
    """The "setting" cells of §6.3 name constants of opsreport.core modules: each one exists."""
    import importlib

    section = DOC[DOC.index("### 6.3 Values") :]
    section = section[: section.index("\n### ")]
    settings = [
        cells[3]
        for cells in (re.split(r"(?<!\\)\|", line) for line in section.splitlines())
        if len(cells) > 4 and cells[1].strip() not in {"rule", "---"}
    ]
    named = [found for cell in settings for found in re.findall(r"`(\w+)\.(\w+)`", cell)]
    assert len(named) >= 7, named  # MAX_NUMBER, MIN_NUMBER, MAX_TEXT_CHARS, MIN_DATE …
    missing = [
        f"{module}.{name}"
        for module, name in named
        if not hasattr(importlib.import_module(f"opsreport.core.{module}"), name)
    ]
    assert not missing, missing


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
def contexts(tmp_path_factory) -> dict[str, dict]:
    from opsreport.app.analysis import analyze
    from opsreport.present.plan_context import plan_context
    from opsreport.present.report_context import build_context

    from .conftest import write_workbook
    from .in_year_sheets import IN_YEAR_SHEETS

    zh = analyze(schema_example("zh"))
    midyear = write_workbook(tmp_path_factory.mktemp("in_year") / "h1.xlsx", IN_YEAR_SHEETS, None)
    return {
        "in_year": plan_context(analyze(midyear), 3, today=TODAY, year=2026),
        "plan q2": plan_context(zh, 2, today=TODAY),
        "zh": build_context(zh.metrics, today=TODAY),
        "en": build_context(analyze(schema_example("en")).metrics, today=TODAY),
        "plan": plan_context(zh, 1, today=TODAY),
        "capped": build_context(zh.metrics, today=TODAY, kpis_per_group=1),
    }


def schema_example(lang: str) -> Path:
    from .conftest import EN_EXAMPLE, ZH_EXAMPLE

    return ZH_EXAMPLE if lang == "zh" else EN_EXAMPLE


def _chart_entry_keys() -> set[str]:
    """The fields of a chart in ``charts``, as pipeline.render_formats makes them."""
    from types import SimpleNamespace

    from opsreport.app.pipeline import render_formats

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
        "5.12 `risks`": set(zh["risks"][0]) | set(zh["risks_crossed"][0]),
        "5.13 `sections`": set(plan["sections"]),
        "5.14 `charts`": _chart_entry_keys(),
        "5.16 Plan drafts": set(plan["plan"]),
        "Each of `plan.targets`": set(plan["plan"]["targets"][0]),
        "Each task of `plan.phases`": set(plan["plan"]["phases"][0]["tasks"][0]),
        "Each of `plan.resources`": set(plan["plan"]["resources"][0]),
        "Each of `plan.problems`": set(c["plan q2"]["plan"]["problems"][0]),
        "5.18 In-year drafts": set(c["in_year"]["in_year"]),
        "Each of `in_year.review`": set(c["in_year"]["in_year"]["review"][0]),
        "Each of `in_year.quarters`": set(c["in_year"]["in_year"]["quarters"][0]),
        "Each of `in_year.catch_up`": set(c["in_year"]["in_year"]["catch_up"][0]),
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


# The context's shapes (opsreport.present.context_types) are the names documented and the
# keys of real contexts, level by level: every dict of every context built from both examples
# (report and plan draft, every quarter) has exactly its TypedDict's keys, with values of its
# types, and every table of §5 lists exactly those keys.


def shape_problems(value: object, shape: object, where: str) -> list[str]:
    """How ``value`` differs from the type ``shape`` (a TypedDict, list, dict, union or
    plain type), each difference named by its path (``plan.targets[0].rule``)."""
    import types
    import typing

    if typing.is_typeddict(shape):
        name = shape.__name__
        if not isinstance(value, dict):
            return [f"{where}: a {type(value).__name__}, not a {name}"]
        required, optional = shape.__required_keys__, shape.__optional_keys__
        problems = []
        if missing := required - set(value):
            problems.append(f"{where}: missing the keys {sorted(missing)} of {name}")
        if extra := set(value) - required - optional:
            problems.append(f"{where}: has keys {name} does not define: {sorted(extra)}")
        hints = typing.get_type_hints(shape)
        for key in [k for k in value if k in hints]:
            problems += shape_problems(value[key], hints[key], f"{where}.{key}")
        return problems
    origin, args = typing.get_origin(shape), typing.get_args(shape)
    if origin in (typing.Union, types.UnionType):
        attempts = [shape_problems(value, option, where) for option in args]
        if not all(attempts):
            return []
        typed = [a for o, a in zip(args, attempts, strict=True) if typing.is_typeddict(o) and isinstance(value, dict)]  # fmt: skip
        return typed[0] if typed else [f"{where}: {value!r:.60} is not {shape}"]
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: a {type(value).__name__}, not a list"]
        return [p for i, item in enumerate(value) for p in shape_problems(item, args[0], f"{where}[{i}]")]  # fmt: skip
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{where}: a {type(value).__name__}, not a dict"]
        keys = [f"{where}: key {k!r} is not a str" for k in value if not isinstance(k, str)]
        return keys + [p for k, item in value.items() for p in shape_problems(item, args[1], f"{where}[{k!r}]")]  # fmt: skip
    if shape is type(None):
        fits = value is None
    elif shape in (int, float):  # a bool is an int to Python, never a figure here
        fits = isinstance(value, int if shape is int else (int, float)) and not isinstance(value, bool)  # fmt: skip
    else:
        fits = isinstance(value, shape)
    return [] if fits else [f"{where}: {value!r:.60} is not a {getattr(shape, '__name__', shape)}"]


@pytest.fixture(scope="module")
def every_context(tmp_path_factory) -> dict[str, tuple[dict, object]]:
    """Each real context with the shape it must have: both examples, the report (with the
    chart entries a build adds, and as Word sees it) and each quarter's plan draft."""
    from types import SimpleNamespace

    from opsreport.app.analysis import analyze
    from opsreport.app.pipeline import render_formats
    from opsreport.present.context_types import PlanContext, ReportContext, WordExtras
    from opsreport.present.plan_context import plan_context
    from opsreport.present.report_context import build_context
    from opsreport.render.docx import word_context

    from .conftest import write_workbook
    from .in_year_sheets import IN_YEAR_SHEETS

    class WordReport(ReportContext, WordExtras):
        """The report as a Word template sees it."""

    chart = SimpleNamespace(title="t", alt="a", png=b"", svg="<svg/>", width_cm=10)
    found: dict[str, tuple[dict, object]] = {}
    for lang in ("zh", "en"):
        analysis = analyze(schema_example(lang))
        report = build_context(analysis.metrics, today=TODAY)
        found[f"{lang} report"] = (report, ReportContext)
        capped = build_context(analysis.metrics, today=TODAY, kpis_per_group=1)  # group.more
        found[f"{lang} report, one KPI per dimension"] = (capped, ReportContext)
        drawn = dict(report)
        render_formats(drawn, {"risks": chart, "timeline": chart}, (), "report")
        found[f"{lang} report with charts"] = (drawn, ReportContext)
        word, _ = word_context(drawn, {"risks": chart})
        found[f"{lang} report in Word"] = (word, WordReport)
        for quarter in (1, 2, 3, 4):
            plan = plan_context(analysis, quarter, today=TODAY)
            found[f"{lang} plan Q{quarter}"] = (plan, PlanContext)
    midyear = analyze(
        write_workbook(tmp_path_factory.mktemp("h1") / "h1.xlsx", IN_YEAR_SHEETS, None)
    )
    for lang in ("zh", "en"):
        for quarter in (3, 4):  # in-year drafts of 2026 from its Q1–Q2
            plan = plan_context(midyear, quarter, lang, today=TODAY, year=2026)
            found[f"{lang} in-year plan Q{quarter}"] = (plan, PlanContext)
    return found


def test_every_context_has_the_shape_its_typeddict_says(every_context) -> None:
    problems = [
        f"{name}: {problem}"
        for name, (context, shape) in every_context.items()
        for problem in shape_problems(context, shape, "context")
    ]
    assert not problems, "\n".join(problems)


def test_the_shape_check_finds_a_missing_or_extra_key_and_a_wrong_type(every_context) -> None:
    from opsreport.present.context_types import PlanContext

    plan, _ = every_context["zh plan Q1"]
    wrong = {**plan, "plan": {**plan["plan"], "invented": 1}, "kpis": [dict(plan["kpis"][0], attainment=1.0)]}  # fmt: skip
    del wrong["plan"]["warning_pct"]
    assert shape_problems(wrong, PlanContext, "context") == [
        "context.kpis[0].attainment: 1.0 is not a str",
        "context.plan: missing the keys ['warning_pct'] of Plan",
        "context.plan: has keys Plan does not define: ['invented']",
    ]


def _typed_keys(*shapes: type) -> set[str]:
    return {key for shape in shapes for key in (shape.__required_keys__ | shape.__optional_keys__)}


def _keys(shapes: dict) -> dict:
    return {where: _typed_keys(*kinds) for where, kinds in shapes.items()}


def _documented_shapes() -> dict[str, tuple[type, ...]]:
    """The TypedDicts whose keys each table of docs/templates.md §5 must list."""
    from opsreport.present import context_types as t

    return {
        "5.1 Top-level names": (t.ReportContext, t.PlanContext, t.WordExtras),
        "5.2 `meta`": (t.Meta,),
        "5.3 `summary`": (t.Summary,),
        "5.4 `groups`": (t.Group,),
        "`group.more`": (t.GroupMore,),
        "5.5 A KPI row": (t.KpiRow,),
        "5.6 `quarters`": (t.QuarterSeriesItem,),
        "Each of `q.rows`": (t.QuarterRow,),
        "5.7 `breakdowns`": (t.Breakdown,),
        "Each of `table.rows`": (t.BreakdownRow,),
        "5.8 `problems`": (t.Problem,),
        "5.9 `goals`": (t.Goal,),
        "Each of `goal.smart`": (t.SmartCheck,),
        "5.10 `tasks`": (t.Tasks,),
        "Each task of `phase.tasks`": (t.TaskRow,),
        "Each of `tasks.milestones`": (t.Milestone,),
        "5.11 `resources`": (t.Resources,),
        "Each of `resources.categories`": (t.ResourceCategory,),
        'Each of `category["items"]`': (t.ResourceItem,),
        "5.12 `risks`": (t.RiskItem,),
        "5.13 `sections`": (t.PlanSections,),
        "5.14 `charts`": (t.ChartEntry,),
        "5.16 Plan drafts": (t.Plan,),
        "Each of `plan.targets`": (t.PlanTarget,),
        "Each task of `plan.phases`": (t.PlanTask,),
        "Each of `plan.resources`": (t.PlanResource,),
        "Each of `plan.problems`": (t.PlanProblem,),
        "5.18 In-year drafts": (t.InYear,),
        "Each of `in_year.review`": (t.ReviewRow,),
        "Each of `in_year.quarters`": (t.ReviewQuarterRow,),
        "Each of `in_year.catch_up`": (t.CatchUpRow,),
        "5.19 `campaigns`": (t.Campaigns,),
        "Each of `campaigns.rows`": (t.CampaignRow,),
    }


def _documented_in_a_row() -> dict[tuple[str, str], tuple[type, ...]]:
    """The kinds §5 describes in one table row (`problem_areas`: each has `area` and
    `problems`): (section, row name) -> the TypedDict."""
    from opsreport.present import context_types as t

    return {
        ("5.1 Top-level names", "problem_areas"): (t.ProblemArea,),
        ("5.10 `tasks`", "phases"): (t.Phase,),
        ("Each of `resources.categories`", "totals"): (t.ResourceTotal,),
        ("5.16 Plan drafts", "phases"): (t.PlanPhase,),
        ("5.16 Plan drafts", "milestones"): (t.Milestone,),
        ("5.19 `campaigns`", "quarters"): (t.CampaignQuarterItem,),
    }


def shape_documentation_problems(
    tables: dict[str, set[str]], rows: dict[tuple[str, str], set[str]]
) -> list[str]:
    """Where docs/templates.md §5 and the TypedDicts disagree, naming the key and the table."""
    problems = []
    found = [
        (heading, _listed(_guide_section(heading)), typed) for heading, typed in tables.items()
    ]
    for (heading, name), typed in rows.items():
        row = re.search(rf"^\| `{name}` \|.*$", _guide_section(heading), re.MULTILINE)
        documented = set(re.findall(r"`(\w+)`", row.group())[1:]) if row else set()
        found.append((f"{heading}, row `{name}`", documented, typed))
    for where, documented, typed in found:
        if missing := typed - documented:
            problems.append(f"docs/templates.md {where}: not documented: {sorted(missing)}")
        if invented := documented - typed:
            problems.append(f"docs/templates.md {where}: documented, not in context_types: {sorted(invented)}")  # fmt: skip
    return problems


def test_the_documented_names_are_the_typeddicts_keys() -> None:
    problems = shape_documentation_problems(
        _keys(_documented_shapes()), _keys(_documented_in_a_row())
    )
    assert not problems, "\n".join(problems)


def test_the_documentation_check_names_a_missing_and_an_invented_key() -> None:
    tables = {"5.2 `meta`": _keys(_documented_shapes())["5.2 `meta`"] - {"org"} | {"invented"}}
    rows = {("5.10 `tasks`", "phases"): {"name", "tasks", "count"}}
    assert shape_documentation_problems(tables, rows) == [
        "docs/templates.md 5.2 `meta`: not documented: ['invented']",
        "docs/templates.md 5.2 `meta`: documented, not in context_types: ['org']",
        "docs/templates.md 5.10 `tasks`, row `phases`: not documented: ['count']",
    ]


def test_every_typeddict_is_checked_against_the_documentation() -> None:
    """A new TypedDict in context_types must get its table (or row) in §5 and its line above."""
    import typing

    from opsreport.present import context_types as t

    documented = [*_documented_shapes().values(), *_documented_in_a_row().values()]
    checked = {shape.__name__ for kinds in documented for shape in kinds}
    shapes = [getattr(t, name) for name in t.__all__ if typing.is_typeddict(getattr(t, name))]
    # The shared part of both contexts is in 5.1; the words are listed by opsreport context,
    # not in a table; a target's first fields are part of plan.targets, the report's
    # sections part of the plan's.
    parts = {"AnnualContext", "PlanLabels", "InYearLabels", "QuarterTextLabels", "TargetFields",
             "Sections"}  # fmt: skip
    unchecked = [s.__name__ for s in shapes if s.__name__ not in checked | parts]
    assert not unchecked, f"context_types defines shapes §5 does not document: {unchecked}"


def test_every_filter_is_documented_and_no_other():
    from jinja2.defaults import DEFAULT_FILTERS

    from opsreport.render import html, markdown
    from opsreport.render.filters import filters
    from opsreport.render.word_styles import docx_filters

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
    from opsreport.render.sandbox import make_environment

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

    from opsreport.render.docx import render_docx
    from opsreport.render.word_styles import COLORS

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
        shown = first.font.color.rgb or first.style.font.color.rgb  # direct (color) or by style
        assert shown == RGBColor.from_string(shades.get(colour, colour)), paragraph.text


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
    assert (
        "## 八、风险与应对" in outputs[1]
        and "- R1 库存积压导致周转恶化: 今年实际48.5天已越过触发线（库存周转天数 &gt; 47天）"
        in outputs[1]
    )
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
        assert text.splitlines()[:2] == [
            "风险与应对",
            "R1 库存积压导致周转恶化: 今年实际48.5天已越过触发线（库存周转天数 > 47天）",
        ]
    else:
        assert len(doc.inline_shapes) == 1 and text.splitlines() == ["", "指标完成率"]


# --------------------------------------------------------------------------- promises and tests
# Both guides state each promise next to the test (and the hostile case) that keeps it. A test
# renamed or removed, a parametrized id that is no more, a case that is gone: the guide would
# name a guard that no longer runs. These tests make that fail.

ROOT = DOC_PATH.parents[1]
GUIDES = {"workbook.md": DOC, "templates.md": TEMPLATES}
# `test_x`, `test_x[id]`, `tests/test_f.py::test_x`, `test_f.py::test_x[id]` (inside backticks)
_TEST_REF = re.compile(r"`((?:tests/)?(?:[\w/]+\.py)::)?(test_\w+)(?:\[([^\]`]*)\])?`")
_PATH_REF = re.compile(r"`((?:tests|scripts|src|docs|examples)/[\w./-]+?)(?:::[^`]*)?`")
_CASE_REF = re.compile(r"\b(?:corpus|cases?)((?:,?\s+(?:and\s+)?`[^`]+`)+)")


@dataclass(frozen=True)
class TestReference:
    """A test a guide names: its file (when given), function and parametrized id."""

    file: str | None
    name: str
    param: str | None


def test_references(text: str) -> list[TestReference]:
    """Every test named in ``text``; ``[…]`` (any id) counts as no id."""
    found = []
    for path, name, param in _TEST_REF.findall(text):
        file = path.removesuffix("::") or None
        if file and not file.startswith("tests/"):
            file = f"tests/{file}"
        found.append(TestReference(file, name, None if param in ("", "…") else param))
    return found


test_references.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test
TestReference.__test__ = False  # type: ignore[attr-defined]


def case_references(text: str) -> list[str]:
    """The hostile cases (and broken-workbook files) a guide names after corpus/case(s)."""
    names = []
    for run in _CASE_REF.findall(text):
        names += [n for n in re.findall(r"`([^`]+)`", run) if "…" not in n and "/" not in n]
    return names


@functools.lru_cache(maxsize=1)
def defined_tests() -> dict[str, frozenset[str]]:
    """Test function name -> the test files defining it (module level or in a class)."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        nodes = list(tree.body) + [n for c in tree.body if isinstance(c, ast.ClassDef) for n in c.body]  # fmt: skip
        for node in nodes:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_"):  # fmt: skip
                found.setdefault(node.name, set()).add(str(path.relative_to(ROOT)))
    return {name: frozenset(files) for name, files in found.items()}


@functools.cache
def collected_ids(tests: tuple[str, ...]) -> frozenset[str]:
    """The node ids pytest collects for ``tests`` (``file::function``: their parametrized
    ids), in a subprocess."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-o", "addopts=",
         "-p", "no:randomly", "-p", "no:cacheprovider", *tests],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return frozenset(line for line in done.stdout.splitlines() if "::" in line)


def missing_tests(text: str) -> list[str]:
    """The tests ``text`` names that do not exist (function, file or parametrized id)."""
    defined = defined_tests()
    missing = []
    with_ids: list[tuple[TestReference, frozenset[str]]] = []
    for ref in test_references(text):
        files = defined.get(ref.name, frozenset())
        if ref.file is not None:
            files = files & {ref.file}
        if not files:
            missing.append(f"{ref.file + '::' if ref.file else ''}{ref.name}")
        elif ref.param is not None:
            with_ids.append((ref, files))
    if with_ids:
        wanted_tests = {f"{f}::{ref.name}" for ref, files in with_ids for f in files}
        ids = collected_ids(tuple(sorted(wanted_tests)))
        for ref, files in with_ids:
            wanted = {f"{file}::{ref.name}[{ref.param}]" for file in files}
            if not wanted & ids:
                missing.append(f"{ref.name}[{ref.param}]")
    return missing


def _bad_workbooks() -> set[str]:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_bad_workbooks", ROOT / "scripts" / "make_bad_workbooks.py")  # fmt: skip
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return set(module.CASES)


def missing_cases(text: str) -> list[str]:
    """The cases ``text`` names that neither the hostile corpus nor the broken-workbook
    corpus holds (``*`` matches any part of a case's name)."""
    from .hostile import all_cases

    hostile = {case.name for case in all_cases()} | {f"{c.area}/{c.name}" for c in all_cases()}
    files = _bad_workbooks()
    return [
        name
        for name in case_references(text)
        if not (name in files if name.endswith(".xlsx") else fnmatch.filter(hostile, name))
    ]


@pytest.mark.parametrize("guide", sorted(GUIDES))
def test_every_test_a_guide_names_exists(guide: str) -> None:
    text = GUIDES[guide]
    assert len(test_references(text)) >= 20
    assert not missing_tests(text), f"docs/{guide} names tests that do not exist"


@pytest.mark.parametrize("guide", sorted(GUIDES))
def test_every_case_and_path_a_guide_names_exists(guide: str) -> None:
    text = GUIDES[guide]
    assert len(case_references(text)) >= 10
    assert not missing_cases(text), f"docs/{guide} names hostile cases that do not exist"
    paths = [p for p in _PATH_REF.findall(text) if not (ROOT / p).exists()]
    assert not paths, f"docs/{guide} names files that do not exist: {paths}"


def _kept_by_rows(text: str) -> list[tuple[str, str]]:
    """(first cell, last cell) of every row of the tables whose last column is 'kept by'."""
    rows, keeping = [], False
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if not line.startswith("|"):
            keeping = False
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if following.startswith("|---"):
            keeping = cells[-1] == "kept by"
        elif keeping and not line.startswith("|---"):
            rows.append((cells[0], cells[-1]))
    return rows


@pytest.mark.parametrize("guide", sorted(GUIDES))
def test_every_promise_in_a_kept_by_table_names_its_test(guide: str) -> None:
    rows = _kept_by_rows(GUIDES[guide])
    assert len(rows) >= 20
    untested = [first for first, kept_by in rows if not test_references(kept_by)]
    assert not untested, f"docs/{guide}: promises without a test: {untested}"


def test_the_checks_find_what_does_not_exist() -> None:
    """The checks above can fail: a test, an id, a file and a case that are not there."""
    assert missing_tests("`test_limit[max_file_bytes]` `test_docs.py::test_limits_match_the_code`") == []  # fmt: skip
    assert missing_tests("`test_no_such_promise` `test_limit[no_such_limit]`") == [
        "test_no_such_promise",
        "test_limit[no_such_limit]",
    ]
    assert missing_tests("`tests/test_values.py::test_limit`") == ["tests/test_values.py::test_limit"]  # fmt: skip
    assert missing_cases("cases `superscript-digit`, `word-tpl-*`; corpus `zip-bomb.xlsx`") == []
    assert missing_cases("case `no-such-attack`, corpus `no-such.xlsx`") == [
        "no-such-attack",
        "no-such.xlsx",
    ]
    assert _kept_by_rows("| a | kept by |\n|---|---|\n| x | nothing |\n") == [("x", "nothing")]


# --------------------------------------------------------------------------- docs/workbook.md §6.3
# Every refusal §6.3 quotes is the parser's, word for word (message — hint); a quote ending in
# " …" is the start of the message.


def _refusal(parse: Callable[[], object]) -> str:
    with pytest.raises(ValueProblem) as caught:
        parse()
    return f"{caught.value.message} — {caught.value.hint}"


_YUAN, _WAN, _PCT = parse_unit("元"), parse_unit("万元"), parse_unit("%")
VALUE_RULES: dict[str, tuple[Callable[[], object], str]] = {
    "infinity": (lambda: parse_number(float("inf")), "not a finite number (inf): the cell holds a value beyond any spreadsheet's range (figures must stay below 10^15) — type the figure again"),
    "inf-typed": (lambda: parse_number("inf", unit=_YUAN), "not a number ('inf') — type a plain number such as 1234.5, -3.5, (1,200), 14.8%, 8.37亿, 646万 or 1.2k"),
    "1e28": (lambda: parse_number(1e28), "a number too large (1e+28): figures must stay below 10^15 (1,000,000,000,000,000), the most a spreadsheet holds to the unit — check the figure, or give the KPI a larger unit (万元, 亿元, USD m)"),
    "converted": (lambda: parse_number("5000万亿", unit=_YUAN), "a number too large ('5000万亿' = 5.00E+15 元): figures must stay below 10^15 …"),
    "16-digits": (lambda: parse_number("123456789012.3456"), "a number of 16 significant digits ('123456789012.3456'): a spreadsheet keeps at most 15 — round it to 15 digits"),
    "101-characters": (lambda: parse_number("1" * 101), "not a number (a text of 101 characters) — a number typed as text has at most 100 characters"),
    "32767": (lambda: clean_text("x" * 40_000), "a text of 40,000 characters; a cell holds at most 32,767 — shorten the text or split it over several rows"),
    "superscript": (lambda: parse_number("4⁹", unit=_YUAN), "not a plain number ('4⁹'): ⁹ is a superscript nine, not the digits 9 — type plain digits 0–9 (full-width ０–９ are fine); a power such as 4⁹ must be typed as its value"),
    "superscript-date": (lambda: parse_date("2027-0³-31"), "not a plain date ('2027-0³-31'): ³ is a superscript three …"),
    "superscript-period": (lambda: parse_period("Q¹"), "not a plain period ('Q¹') …"),
    "arabic-indic": (lambda: parse_number("٥", unit=_YUAN), "not a number ('٥') — type a plain number such as 1234.5, -3.5, (1,200), 14.8%, 8.37亿, 646万 or 1.2k"),
    "bidi": (lambda: parse_number("4\u202e21", unit=_YUAN), "a direction control (U+202E) in a number ('4\\u202e21'): it displays in another order than it reads — retype the number without copying it from elsewhere"),
    "sign-inside": (lambda: parse_number("(-5)", unit=_YUAN), "a sign inside parentheses ('(-5)'): parentheses already mean negative — write -5 or (5), not both"),
    "sign-and": (lambda: parse_number("-(5)", unit=_YUAN), "a sign and parentheses ('-(5)'): parentheses already mean negative — write -5 or (5), not both"),
    "two-signs": (lambda: parse_number("+-5", unit=_YUAN), "two signs ('+-5') — write one sign, as in -5"),
    "unbalanced": (lambda: parse_number("(5", unit=_YUAN), "unbalanced parentheses ('(5') — write (5) for a negative 5, or 5"),
    "trailing-minus": (lambda: parse_number("5-", unit=_YUAN), "not a number ('5-') — type a plain number such as 1234.5, -3.5, (1,200), 14.8%, 8.37亿, 646万 or 1.2k"),
    "not-a-magnitude": (lambda: parse_number("3百元", unit=_WAN), "not a number ('3百元') — type a plain number such as 1234.5, -3.5, (1,200), 14.8%, 8.37亿, 646万 or 1.2k"),
    "percent-in-amount": (lambda: parse_number("5%", unit=_YUAN), "a percentage (5%) in a KPI whose unit is 元 — set the KPI's unit to % or enter the value without a percent format"),
    "points-in-amount": (lambda: parse_number("1.2pp", unit=_YUAN), "percentage points (1.2pp) in a KPI whose unit is 元 — set the KPI's unit to % or pp"),
    "magnitude-in-rate": (lambda: parse_number("3亿", unit=_PCT), "an amount with a magnitude (3亿) in a % KPI — enter the rate as a percentage"),
    "true": (lambda: parse_number(True), "a TRUE/FALSE value where a number was expected (True) — type the number itself"),
    "date-as-number": (lambda: parse_number(dt.date(2026, 3, 1)), "a date where a number was expected (2026-03-01) — format the cell as a number (Excel may have turned 3-1 or 3/1 into a date)"),
    "year-1": (lambda: parse_date("0001-01-01"), "a date before 1900-03-01 (0001-01-01) — dates run from 1900-03-01 to 9999-12-31 (Excel's 1900 date system counts the days before 1900-03-01 wrong)"),
    "year-10000": (lambda: parse_date("10000-01-01"), "not a date ('10000-01-01') — enter a date such as 2027-03-31 (or 2027年3月31日, or a week such as W12)"),
    "serial-60": (lambda: parse_date(60), "not a date: serial number 60 is before 1900-03-01 (Excel's serial 60 is 1900-02-29, a day that never was) — dates run from 1900-03-01 (serial 61) to 9999-12-31"),
    "serial-below-1": (lambda: parse_date(0.5), "not a date: serial number 0.5 is a time of day (serials below 1 have no day) — enter a date such as 2027-03-31 (or 2027年3月31日, or a week such as W12)"),
    "serial-beyond": (lambda: parse_date(2958466), "not a date: serial number 2958466 is outside Excel's dates (61 to 2,958,465: 1900-03-01 to 9999-12-31) — enter a date such as 2027-03-31 (or 2027年3月31日, or a week such as W12)"),
    "time-cell": (lambda: parse_date(dt.time(0, 0)), "a time of day where a date was expected (00:00:00) — enter a date such as 2027-03-31 (a date cell below 1 holds only a time)"),
    "serial-1904": (lambda: parse_date(2957004, epoch=dt.date(1904, 1, 1)), "not a date: serial number 2957004 is outside Excel's dates (0 to 2,957,003 in this 1904-system workbook: 1904-01-01 to 9999-12-31) — enter a date such as 2027-03-31 (or 2027年3月31日, or a week such as W12)"),
    "week-54": (lambda: parse_date("2027-W54"), "no such week (2027-W54) — weeks run from 1 to 52 (or 53)"),
    "week-without-year": (lambda: parse_date("W12"), "a week without a year (W12) — write 2027-W12 or set plan_year"),
    "week-1899": (lambda: parse_date("1899-W52"), "a week of the year 1899, outside 1900–9999 (1899-W52) — dates run from 1900-03-01 to 9999-12-31 (Excel's 1900 date system counts the days before 1900-03-01 wrong)"),
    "week-past-9999": (lambda: parse_date("9999-W52", week_end=True), "a week ending after 9999-12-31 (9999-W52) — dates run from 1900-03-01 to 9999-12-31 (Excel's 1900 date system counts the days before 1900-03-01 wrong)"),
    "hour-25": (lambda: parse_date("2027-03-31 25:00"), "no such time of day (2027-03-31 25:00) — write the time as 14:30"),
    "period-year-0": (lambda: parse_period("0000Q1"), "a period in the year 0 ('0000Q1'): years run from 1900 to 9999 — write a four-digit year such as 2026"),
    "month-13": (lambda: parse_period("13月"), "no such month ('13月') — months run from 1 to 12"),
    "period-year-10000": (lambda: parse_period("10000Q1"), "not a period ('10000Q1') — write a quarter (2026Q1, Q1, 一季度) or a month (2026-03, 3月, Mar)"),
}  # fmt: skip


def _values_section() -> str:
    start = DOC.index("### 6.3 Values")
    return DOC[start : DOC.index("\n### ", start + 1)]


@pytest.mark.parametrize("rule", sorted(VALUE_RULES))
def test_a_documented_value_rule_is_what_the_parser_says(rule: str) -> None:
    parse, documented = VALUE_RULES[rule]
    assert f"`{documented}`" in _values_section(), f"§6.3 does not quote: {documented}"
    said = _refusal(parse)
    if documented.endswith(" …"):
        assert said.startswith(documented.removesuffix(" …")), said
    else:
        assert said == documented


def test_the_documented_hidden_character_warnings_are_the_loaders(make_workbook) -> None:
    from opsreport.io.workbook import load_report

    path = make_workbook({"kpis": [["id", "name", "actual"], ["P01", "\u202eGMV", 1], ["P02", "N\u200bPS", 2]]})  # fmt: skip
    said = [f"{w.message} — {w.hint}" for w in load_report(path).warnings if w.code == "hidden_characters"]  # fmt: skip
    assert said[0] == (
        "name: the text holds direction controls (U+202E RIGHT-TO-LEFT OVERRIDE) that make it "
        "display in another order than it reads; they are removed — retype the text (copying "
        "from a web page or a chat brings such characters along)"
    )
    assert said[1].startswith("name: the text holds invisible characters (U+200B ZERO WIDTH SPACE); they are removed — ")  # fmt: skip
    section = _values_section()
    assert f"`{said[0]}`" in section
    assert "`name: the text holds invisible characters (U+200B ZERO WIDTH SPACE); they are removed — …`" in section  # fmt: skip


# --------------------------------------------------------------------------- docs/templates.md §8.2


def test_the_render_budget_documented_is_the_code(contexts) -> None:
    """The limits §8.2 states are the constants, and its messages are the budget's for the
    a report of 88 rows, about the bundled Chinese example (10 s + 88 × 2 ms = 10.176 s, shown 10.2 s;
    50,000,000 + 88 × 16,000 = 51,408,000 characters, 51.4 MB; 1,000,000 + 88 × 10 =
    1,000,880 items; 512 MB + 88 × 16 KB = 513.4 MB, shown 513 MB)."""
    from opsreport.render import budget

    section = _guide_section("8.2 The render budget")
    rows = {first: row for first, row in re.findall(r"^\| ([^|]+?) \|(.*)$", section, re.M)}
    assert f"{budget.RENDER_SECONDS:g} s + {budget.RENDER_SECONDS_PER_ROW * 1000:g} ms per row" in rows["time"]  # fmt: skip
    assert f"{budget.RENDER_TEXT_MB:g} MB + {budget.RENDER_TEXT_KB_PER_ROW:g} KB per row" in rows["text"]  # fmt: skip
    assert f"{budget.RENDER_LIST_ITEMS:,} + {budget.RENDER_LIST_ITEMS_PER_ROW} per row" in rows["list items"]  # fmt: skip
    assert f"{budget.RENDER_MEMORY_MB:g} MB + {budget.RENDER_MEMORY_KB_PER_ROW:g} KB per row" in rows["memory"]  # fmt: skip
    assert 50 <= budget.data_rows(contexts["zh"]) <= 200 and "report of 88 rows" in section
    limits = budget.RenderBudget().limits(88)
    assert (limits.seconds, limits.text_chars, limits.list_items) == (10 + 88 * 0.002, 51_408_000, 1_000_880)  # fmt: skip
    assert limits.memory_bytes == (512 * 1024 + 88 * 16) * 1024
    messages = [
        budget.timeout_message(limits),
        budget._text_message(limits),
        budget._list_message(limits),
        budget.memory_message(limits),
        budget.breach_message(RecursionError()),
    ]
    assert messages[0].startswith("took longer than 10.2 s") and "513 MB" in messages[3]
    missing = [m for m in messages if m not in section]
    assert not missing, missing
    assert f"it probably needed more than {limits.memory_bytes / 2**20:,.0f} MB of memory`" in section  # fmt: skip


# --------------------------------------------------------------------------- README.md layout

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_module_is_in_the_readme_layout() -> None:
    """The layout table names every module of the package, and only modules that exist."""
    layout = README[README.index("## Layout") :]
    layout = layout[: layout.index("\n## ")]
    listed = set(re.findall(r"^\| `([\w/]+)` \|", layout, re.MULTILINE))
    package = ROOT / "src" / "opsreport"
    modules = {
        str(path.relative_to(package).with_suffix("")).replace("/__init__", "/")
        for path in package.rglob("*.py")
        if path.name != "__init__.py" or path.parent != package
    }
    assert listed == modules, (sorted(modules - listed), sorted(listed - modules))


# --------------------------------------------------------------------------- docs/templates.md §7
# Each message of the table "When a template is wrong" is what opsreport says of a template
# making that mistake: the template for each row, in the table's order ("…" in the page stands
# for any text; "my-templates/" for the folder).

_MISTAKES: list[tuple[str, list[str]]] = [
    ("md", ["# {{ meta.title }}", "", "{{ summary.opneing }}"]),
    ("docx", ["{{ kpis.name }}"]),
    ("docx", ["{{ k.attainment_value | pcnt }}"]),
    ("md", ["{{ kpis[0].var_target | good(kpis[0].good_target) }}"]),
    ("docx", ["{%p for k in kpis %}", "{{ k.actual | num(k.unit) }}", "{%p endfor %}"]),
    ("md", ["# T", "", "{% for k in kpis %}", "{{ k.name }}"]),
    ("md", ["{% if true %}", "{% for k in kpis %}", "{% endif %}", "{% endfor %}"]),
    ("docx", ["{{ labels.results }}", "{%p endif %}"]),
    ("md", ["# {{ meta.title }"]),
    ("docx", ["{%p if sections.results %} Results", "{%p endif %}"]),
    ("docx", ["{%p for k in kpis %}", "ΔPL {{ k.var_target | good(k.good_target) }}", "{%p endfor %}"]),
    ("docx", ["{{r meta.title }}"]),
    ("md", ["{{ meta.__class__ }}"]),
    ("md", ["{% include 'header.md.j2' %}"]),
]  # fmt: skip


def _said_in_order(documented: str, said: str) -> bool:
    """Whether ``said`` holds the pieces of ``documented`` between its "…", in order."""
    at = 0
    for piece in documented.split("…"):
        found = said.find(piece, at)
        if found < 0:
            return False
        at = found + len(piece)
    return True


def test_the_messages_for_template_mistakes_are_what_opsreport_says(tmp_path, contexts) -> None:
    from docx import Document

    from opsreport.errors import TemplateProblem
    from opsreport.render.docx import render_docx
    from opsreport.render.markdown import render_markdown

    table = _guide_section("7. When a template is wrong").split("\n\n| message")[1]
    documented = [m.replace("\\|", "|") for _, m in re.findall(r"^\| (`+)(.+?)\1 \|", table, re.M)]  # fmt: skip
    assert len(documented) == len(_MISTAKES), "a row of §7 without its template here (or one too many)"  # fmt: skip
    wrong = []
    for number, (message, (kind, lines)) in enumerate(zip(documented, _MISTAKES, strict=True)):
        folder = tmp_path / str(number) / "my-templates"
        folder.mkdir(parents=True)
        if kind == "md":
            (folder / "report.md.j2").write_text("\n".join(lines) + "\n", encoding="utf-8")
        else:
            document = Document()
            for line in lines:
                document.add_paragraph(line)
            document.save(str(folder / "report.docx"))
        with pytest.raises(TemplateProblem) as caught:
            if kind == "md":
                render_markdown(contexts["zh"], folder)
            else:
                render_docx(contexts["zh"], None, folder)
        said = str(caught.value)
        if not _said_in_order(message.replace("my-templates/", f"{folder}/"), said):
            wrong.append(f"the page: {message}\nopsreport: {said}")
    assert not wrong, "\n\n".join(wrong)
