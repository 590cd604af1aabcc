"""The public API (``from opsreport import …``) and its one error contract.

The README's "Library use" example is run as written; ``Analysis.frame()`` is compared
cell by cell with ``opsreport metrics --json`` for both examples; every refusal is an
OpsreportError of the right kind, raised before anything is written.
"""

from __future__ import annotations

import ast
import json
import math
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

import opsreport
from opsreport import (
    Analysis,
    BuildResult,
    CheckResult,
    FigureError,
    Limits,
    OpsreportError,
    OutputError,
    Settings,
    TemplateProblem,
    UsageError,
    WorkbookError,
    analyze,
    build_plan,
    build_report,
    check,
)
from opsreport.app.analysis import FRAME_COLUMNS, TABLES
from opsreport.cli import app

from .conftest import EN_EXAMPLE, EXAMPLES, ROOT, ZH_EXAMPLE

runner = CliRunner()


# --------------------------------------------------------------------------- the facade


def test_every_public_name_resolves_and_is_listed():
    for name in opsreport.__all__:
        assert getattr(opsreport, name) is not None, name
    assert set(opsreport.__all__) <= set(dir(opsreport))
    assert callable(analyze) and callable(build_report) and callable(build_plan)
    assert isinstance(Analysis, type) and isinstance(BuildResult, type)
    assert isinstance(CheckResult, type) and isinstance(Settings, type)
    assert isinstance(Limits, type)
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        opsreport.nonsense  # noqa: B018


def test_check_stays_the_function_after_its_module_is_imported():
    """The module lives at opsreport.app.check, so importing it leaves the facade's
    ``opsreport.check`` the function."""
    import importlib

    module = importlib.import_module("opsreport.app.check")
    from opsreport import check as again

    assert again is check and callable(again) and not isinstance(again, type(module))
    assert opsreport.check is check
    assert sys.modules["opsreport.app.check"] is module and hasattr(module, "check_file")


def _imported_after(code: str) -> list[str]:
    probe = (
        f"import sys; {code}; "
        "print(','.join(m for m in ('openpyxl', 'matplotlib', 'docx', 'docxtpl', 'pandas', "
        "'jinja2') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return [name for name in result.stdout.strip().split(",") if name]


def test_importing_the_facade_loads_nothing_heavy():
    assert _imported_after("import opsreport") == []
    assert _imported_after("from opsreport import OpsreportError, UsageError") == []
    assert _imported_after("import opsreport.cli") == []


def test_pandas_is_imported_by_frame_only():
    analysed = f"import opsreport; a = opsreport.analyze({str(ZH_EXAMPLE)!r})"
    assert "pandas" not in _imported_after(analysed + "; a.rows('kpis')")
    assert "pandas" in _imported_after(analysed + "; a.frame('kpis')")


def test_the_package_ships_its_types():
    assert (ROOT / "src" / "opsreport" / "py.typed").is_file()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'packages = ["src/opsreport"]' in pyproject  # hatch ships every file in it
    assert re.search(r'"pandas>=2\.2\.2', pyproject)


# --------------------------------------------------------------------------- the README


def _readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Library use") :]
    section = section[: section.index("\n## ", 1)]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the Library use section has a python example"
    return match.group(1)


def test_the_readme_example_runs(tmp_path, monkeypatch, capsys):
    code = _readme_example()
    assert len([line for line in code.splitlines() if line.strip()]) == 5  # five lines of code
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    # the KPIs the Chinese example missed: attainment below 95% (e.g. 净推荐值 36 of 40)
    assert "净推荐值" in printed and "0.9" in printed
    assert "直接利润" not in printed  # met: 8.37 of 8
    assert "out/ecommerce-2026-zh.md" in printed
    assert (tmp_path / "out" / "ecommerce-2026-zh.md").is_file()


# --------------------------------------------------------------------------- frame()


def _metrics_json(workbook: Path, table: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["metrics", str(workbook), "--json", "--what", table, "-q"])
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def _same(cell: object, value: object, figure: bool) -> bool:
    """A frame cell holds the JSON value: a float for a figure, NaN/None for null;
    counts (likelihood, impact, score) stay integers."""
    if value is None:
        return cell is None or (isinstance(cell, float) and math.isnan(cell))
    if isinstance(value, bool):
        return bool(cell) is value
    if figure:
        return isinstance(cell, float) and cell == float(value)  # type: ignore[arg-type]
    if isinstance(value, int):
        return int(cell) == value  # type: ignore[call-overload]
    return cell == value


@pytest.mark.parametrize("workbook", [ZH_EXAMPLE, EN_EXAMPLE], ids=["zh", "en"])
@pytest.mark.parametrize("table", TABLES)
def test_frame_cells_are_the_metrics_json(workbook, table):
    expected = _metrics_json(workbook, table)
    frame = analyze(workbook).frame(table)
    assert list(frame.columns) == list(FRAME_COLUMNS[table][0])
    assert len(frame) == len(expected)
    for index, row in enumerate(expected):
        assert list(row) == list(frame.columns), (table, index)  # the JSON's keys, in order
        for column, value in row.items():
            cell = frame.iloc[index][column]
            figure = column in FRAME_COLUMNS[table][1]
            assert _same(cell, value, figure), (table, index, column, cell, value)
    for column in FRAME_COLUMNS[table][1]:
        assert str(frame[column].dtype) == "float64", column


@pytest.mark.parametrize("workbook", [ZH_EXAMPLE, EN_EXAMPLE], ids=["zh", "en"])
def test_metrics_json_says_the_figures_the_sentences_tell(workbook):
    """``metrics --json`` and the KPI sentences read one story per KPI (engine/story):
    the benchmark gap, the growth against its target, the drivers and the chain."""
    from opsreport.engine.metrics import json_number
    from opsreport.present.narrative.sentence import Narrative

    metrics = analyze(workbook).metrics
    stories = Narrative.of(metrics, {}, metrics.report.meta.language or "zh").stories

    def label(key: str) -> str:
        kpi = metrics.report.kpi(key)
        return kpi.id or kpi.name

    rows = _metrics_json(workbook, "kpis")
    assert len(rows) == len(stories)
    for row, (key, story) in zip(rows, stories.items(), strict=True):
        assert (row["id"] or row["name"]) == label(key)
        pct = story.benchmark_gap_pct
        assert row["benchmark_gap"] == json_number(story.benchmark_gap), key
        assert row["benchmark_gap_pct"] == json_number(pct * 100 if pct is not None else None)
        assert row["growth"] == json_number(story.growth), key
        assert row["growth_vs_target_pp"] == json_number(story.growth_gap), key
        assert row["drivers"] == [label(k) for k in story.drivers], key
        first = [label(k) for k in story.chains[0]] + [label(key)] if story.chains else []
        assert row["chain"] == first, key
    # the comparison is of real figures: each example has all three
    assert any(row["benchmark_gap"] is not None for row in rows)
    assert any(row["growth"] is not None for row in rows)
    assert any(row["chain"] for row in rows)


def test_frames_of_both_examples_have_rows():
    """Guard for the test above: it compares real rows, not empty tables."""
    for workbook in (ZH_EXAMPLE, EN_EXAMPLE):
        analysis = analyze(workbook)
        assert all(len(analysis.frame(table)) > 0 for table in ("kpis", "goals", "risks"))
    assert len(analyze(ZH_EXAMPLE).frame("quarters")) > 0
    assert len(analyze(ZH_EXAMPLE).frame("breakdown")) > 0
    assert all(len(analyze(ZH_EXAMPLE).frame(table)) > 0 for table in ("resources", "plan"))


def test_frame_figures_are_floats_and_the_decimals_stay_exact():
    analysis = analyze(ZH_EXAMPLE)
    kpis = analysis.frame("kpis").set_index("id")
    assert kpis.loc["P01", "attainment"] == 1.04625  # 8.37 / 8
    assert kpis.loc["P01", "var_target"] == pytest.approx(0.37)  # 8.37 - 8
    profit = next(r for r in analysis.metrics.results if r.kpi.id == "P01")
    assert profit.var_target == Decimal("0.37") and profit.attainment == Decimal("1.04625")
    # a figure 15 digits hold, a float too: 1/3 is written with 15 significant digits
    assert kpis["attainment"].sum() == pytest.approx(
        sum(float(r.attainment) for r in analysis.metrics.results if r.attainment is not None)
    )


def test_a_table_without_rows_still_has_its_columns(make_workbook, basic_sheets):
    analysis = analyze(make_workbook(basic_sheets))  # no goals, no risks, no periods
    for table in ("goals", "risks", "quarters", "breakdown", "resources"):  # plan: next_target
        frame = analysis.frame(table)
        assert len(frame) == 0 and list(frame.columns) == list(FRAME_COLUMNS[table][0])
    missing_prior = analysis.frame("kpis")
    assert len(missing_prior) == 3 and missing_prior["share"].dtype == "float64"


def test_an_unknown_table_is_a_usage_error():
    analysis = analyze(ZH_EXAMPLE)
    for ask in (analysis.frame, analysis.rows):
        with pytest.raises(UsageError, match=r"unknown table 'kpi': use kpis, goals, risks"):
            ask("kpi")


# --------------------------------------------------------------------------- build, plan, check


def test_build_report_and_build_plan_write_what_they_return(tmp_path):
    workbook = shutil.copyfile(EN_EXAMPLE, tmp_path / "year.xlsx")
    analysis = analyze(workbook)
    built = build_report(
        workbook, formats="md", charts=False, output=tmp_path / "out", analysis=analysis
    )
    assert built.outputs == [tmp_path / "out" / "year.md"] and built.outputs[0].is_file()
    assert built.one_line().startswith(f"{len(analysis.metrics.results)} KPIs:")
    plans = build_plan(workbook, ["Q1", 2], formats="md", charts=False, output=tmp_path / "plans")
    year = analysis.report.meta.plan_year
    assert [p.name for p in plans] == [f"year-plan-{year}Q1.md", f"year-plan-{year}Q2.md"]
    assert all(p.is_file() for p in plans)
    every = build_plan(workbook, "all", formats="md", charts=False, output=tmp_path / "all")
    assert len(every) == 4


def test_template_context_is_what_the_context_command_shows():
    analysis = analyze(ZH_EXAMPLE)
    report = opsreport.template_context(analysis)
    plan = opsreport.template_context(analysis, quarter="Q1")
    assert "kpis" in report and "plan" in plan and plan["plan"]["quarter"] in (1, "Q1")
    result = runner.invoke(app, ["context", str(ZH_EXAMPLE), "--json"])
    shown = json.loads(result.stdout)
    assert set(shown) == set(report) | {"charts"}


def test_check_gives_one_result_per_workbook(tmp_path):
    shutil.copyfile(ZH_EXAMPLE, tmp_path / "a.xlsx")
    (tmp_path / "b.xlsx").write_bytes(b"not a workbook")
    results = check([tmp_path], formats="md", charts=False, jobs=1)
    assert [r.path.name for r in results] == ["a.xlsx", "b.xlsx"]
    assert results[0].passed() and not results[1].passed()
    assert "b.xlsx" in opsreport.format_check_results(results)


# --------------------------------------------------------------------------- the error contract


def test_every_kind_is_an_opsreport_error_with_its_exit_code():
    assert UsageError.exit_code == 2
    for kind in (WorkbookError, FigureError, TemplateProblem, OutputError):
        assert issubclass(kind, OpsreportError) and kind.exit_code == 1
    assert issubclass(UsageError, ValueError)  # what these were before the contract
    assert issubclass(FigureError, WorkbookError) and issubclass(FigureError, ValueError)


def test_library_refusals_are_usage_errors_and_write_nothing(tmp_path):
    workbook = shutil.copyfile(EN_EXAMPLE, tmp_path / "year.xlsx")
    out = tmp_path / "out"
    refusals = [
        (lambda: build_report(workbook, formats="odt", output=out), "unknown format 'odt': use docx, md, html, pdf, pptx or all"),
        (lambda: build_report(workbook, formats=(), output=out), "no format: use docx, md, html, pdf, pptx or all"),
        (lambda: build_report(workbook, lang="fr", output=out), "unknown language 'fr': use zh or en"),
        (lambda: build_plan(workbook, "Q5", output=out), "not a quarter: 'Q5' (use Q1–Q4 or e.g. 2027Q1)"),
        (lambda: build_plan(workbook, 0, output=out), "not a quarter: '0'"),
        (lambda: build_plan(workbook, "2030Q1", output=out), "2030Q1: the workbook plans 2027, not 2030"),
        (lambda: build_plan(workbook, [], output=out), "no quarter"),
        (lambda: opsreport.write_starter(out / "new.xlsx", "fr"), "unknown language 'fr'"),
        (lambda: opsreport.export_templates(out, "fr"), "unknown language 'fr'"),
        (lambda: check([workbook], formats="odt"), "unknown format 'odt'"),
        (lambda: opsreport.template_context(analyze(workbook), quarter="all"), "one quarter"),
    ]  # fmt: skip
    for refuse, message in refusals:
        with pytest.raises(UsageError) as caught:
            refuse()
        assert str(caught.value).startswith(message), (message, str(caught.value))
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["year.xlsx"]


def test_paths_without_workbooks_are_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    for call in (check, opsreport.build_reports, opsreport.workbook_sources):
        with pytest.raises(OpsreportError, match=r"^no \.xlsx workbooks found in .*empty$"):
            call([tmp_path / "empty"])


def test_a_broken_workbook_is_a_workbook_error_naming_its_cell(make_workbook, basic_sheets):
    basic_sheets["kpis"][1][6] = "lots"  # P01's actual
    with pytest.raises(WorkbookError) as caught:
        analyze(make_workbook(basic_sheets))
    assert any(d.location.sheet == "kpis" for d in caught.value.errors)
    assert "kpis" in str(caught.value)


def test_the_cli_maps_errors_in_one_place():
    """cli.py catches OpsreportError once (the group's handler, which also turns Ctrl-C
    into exit 130); the only other except turns an unusable --template folder into a
    UsageError (exit 2)."""
    tree = ast.parse((ROOT / "src" / "opsreport" / "cli.py").read_text(encoding="utf-8"))
    caught = sorted(
        ast.unparse(handler.type) for handler in ast.walk(tree)
        if isinstance(handler, ast.ExceptHandler) and handler.type is not None
    )  # fmt: skip
    assert caught == ["KeyboardInterrupt", "OpsreportError", "TemplateProblem"]


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["plan", str(ZH_EXAMPLE), "--quarter", "Q7"], 2, "error: not a quarter: 'Q7'"),
        (["plan", str(ZH_EXAMPLE)], 2, "error: give --quarter Q1…Q4 or --all-quarters"),
        (["context", str(ZH_EXAMPLE), "--quarter", "2030Q1"], 2, "the workbook plans 2027, not 2030"),
        (["check", "EMPTY"], 1, "error: no .xlsx workbooks found in EMPTY"),
        (["build", "EMPTY"], 1, "error: no .xlsx workbooks found in EMPTY"),
        (["build", str(ZH_EXAMPLE), "-f", "md", "--template", "EMPTY/x"], 2, "error: the template folder EMPTY/x does not"),
    ],
)  # fmt: skip
def test_the_cli_prints_each_refusal_and_exits_with_its_code(argv, code, message, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    argv = [arg.replace("EMPTY", str(empty)) for arg in argv]
    message = message.replace("EMPTY", str(empty))
    result = runner.invoke(app, argv)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
