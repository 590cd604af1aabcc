"""The CLI end to end on the examples: exit codes, JSON, messages without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from opsreport.cli import app

from .conftest import EN_EXAMPLE, EXAMPLES, ZH_EXAMPLE

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_metrics_json_of_the_chinese_example():
    result = run("metrics", ZH_EXAMPLE, "--json", "-q")
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    # 19 KPIs + the narrative ones of issue 13: 利润率, 自有品牌占比 (利润), 续费率 (用户) and
    # 短视频月产量, 爆款率, 自然流量占比, 素材生命周期 (内容): 19 + 2 + 1 + 4 = 26
    assert len(rows) == 26
    profit = rows["P01"]
    assert profit["attainment"] == 1.04625  # 8.37 / 8
    assert profit["var_target"] == 0.37 and profit["var_target_pct"] == 0.04625
    assert profit["share"] == 0.4185  # 8.37 / 20
    assert profit["next_change"] == 1.13  # 9.5 − 8.37
    days = rows["E01"]  # 库存周转天数, lower is better: 48.5 against 45
    assert days["direction"] == "lower" and days["status"] == "missed"
    assert days["attainment"] == pytest.approx(1 - 3.5 / 45)
    margin = rows["P03"]  # 毛利率 24.1% against 23.0%: +1.1 pp
    assert margin["unit"] == "%" and margin["var_target"] == 1.1
    statuses = [r["status"] for r in rows.values()]
    # 12 met, 3 near, 4 missed before issue 13; then 利润率, 自有品牌占比 (its target 28 + 10 = 38
    # made from the growth target), 短视频月产量 and 自然流量占比 met, 续费率 41/45 = 91.1% missed
    assert (statuses.count("met"), statuses.count("near"), statuses.count("missed")) == (16, 3, 5)
    assert statuses.count(None) == 2  # 爆款率 and 素材生命周期 have no target
    brand = rows["P07"]
    assert brand["target"] == 38 and brand["target_source"] == "growth"


def test_metrics_json_goals_and_risks():
    goals = json.loads(run("metrics", ZH_EXAMPLE, "--json", "--what", "goals", "-q").stdout)
    not_smart = {g["goal"]: g["failed"] for g in goals if not g["is_smart"]}
    assert not_smart == {
        "复购率提升至45%": ["A"],
        "会员规模突破600万人": ["T"],
        "提升品牌影响力": ["S", "M"],
    }
    risks = json.loads(run("metrics", ZH_EXAMPLE, "--json", "--what", "risks", "-q").stdout)
    # Judged on 2026's annual figures: 48.5 > 47 crossed (1.5 past), a fact, not an alarm
    assert not any(r["triggered"] for r in risks)
    crossed = [r for r in risks if r["crossed"]]
    assert [(r["kpi"], r["threshold"], r["observed"], r["margin"], r["judged_on"])
            for r in crossed] == [("E01", "> 47", 48.5, 1.5, "2026")]  # fmt: skip
    assert crossed[0]["score"] == crossed[0]["likelihood"] * crossed[0]["impact"]


def test_metrics_table_and_other_selections():
    for what in ("kpis", "quarters", "breakdown", "goals", "risks"):
        result = run("metrics", EN_EXAMPLE, "--what", what, "-q")
        assert result.exit_code == 0, result.output


def test_invalid_workbook_exits_1_with_every_error_and_no_traceback(make_workbook):
    path = make_workbook(
        {"kpis": [["name", "target", "actual"], ["GMV", "abc", "x"]]}, name="broken.xlsx"
    )
    result = run("metrics", path)
    assert result.exit_code == 1
    assert "broken.xlsx › kpis › B2: target: not a number ('abc')" in result.stderr
    assert "broken.xlsx › kpis › C2: actual: not a number ('x')" in result.stderr
    assert "2 errors" in result.stderr
    assert "Traceback" not in result.output


def test_missing_file_and_usage_errors(tmp_path):
    assert run("metrics", tmp_path / "nope.xlsx").exit_code == 1
    assert run("metrics").exit_code == 2
    assert run("metrics", ZH_EXAMPLE, "--what", "nonsense").exit_code == 2
    assert run("build", ZH_EXAMPLE, "--format", "odt").exit_code == 2


def test_every_command_has_help_with_an_example():
    def leaves(group, prefix: tuple[str, ...] = ()):
        for name, command in group.commands.items():
            if hasattr(command, "commands"):  # a group
                yield from leaves(command, (*prefix, name))
            else:
                yield (*prefix, name), command

    found = dict(leaves(app))
    assert {
        ("metrics",),
        ("build",),
        ("plan",),
        ("check",),
        ("init",),
        ("context",),
        ("templates", "export"),
    } <= set(found)
    for path, command in found.items():
        result = run(*path, "--help")
        assert result.exit_code == 0
        assert "Example" in result.stdout, f"{' '.join(path)} --help has no example"
        assert command.help


@pytest.mark.parametrize(
    ("lang", "counts", "line"),
    [
        ("zh", (3, 3, 0, 0, 0), "3项指标：3项均已达成"),  # no 「0项接近」, no 「风险触发0项」
        ("zh", (5, 2, 0, 1, 2), "5项指标：2项达成、1项未达成；2项风险今年已越过触发线"),
        ("zh", (2, 0, 0, 0, 0), "2项指标"),  # no target: no count at all
        ("en", (1, 1, 0, 0, 1), "1 KPI: 1 met; 1 risk past the trigger line this year"),
        ("en", (4, 0, 4, 0, 0), "4 KPIs: all 4 near target"),
    ],
)
def test_the_build_line_leaves_zero_counts_out(lang, counts, line):
    from pathlib import Path

    from opsreport.app.build import BuildResult

    keys = ("total", "met", "near", "missed", "risks_triggered")
    built = BuildResult(Path("x.xlsx"), [], None, lang, dict(zip(keys, counts, strict=True)))  # type: ignore[arg-type]
    assert built.one_line() == line


def test_build_markdown_and_html(tmp_path):
    result = run("build", ZH_EXAMPLE, "--format", "md", "-o", tmp_path, "--no-charts", "-q")
    assert result.exit_code == 0, result.output
    assert f"wrote {tmp_path / 'ecommerce-2026-zh.md'}" in result.stdout
    # 26 KPIs, 24 with a target (爆款率 and 素材生命周期 have none): the 19 of before (12 met,
    # 3 near, 4 missed) + 利润率 105.7%, 自有品牌占比 107.9%, 短视频月产量 115.0%, 自然流量占比
    # 120.0% met and 续费率 41/45 = 91.1% missed: 12 + 4 = 16 met, 3 near, 4 + 1 = 5 missed
    assert "26项指标：16项达成、3项接近目标、5项未达成；1项风险今年已越过触发线" in result.stdout
    result = run(
        "build", EN_EXAMPLE, "--format", "html", "-o", tmp_path / "report.html", "--no-charts", "-q"
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_build_refuses_to_overwrite_the_input(tmp_path, make_workbook, basic_sheets):
    path = make_workbook(basic_sheets)
    before = path.read_bytes()
    result = run("build", path, "-o", path, "--format", "md", "--no-charts")
    assert result.exit_code == 1
    assert "refusing to overwrite the input workbook" in result.stderr
    assert path.read_bytes() == before


def test_cli_module_imports_nothing_heavy():
    code = (
        "import sys, opsreport.cli; "
        "heavy = [m for m in ('openpyxl', 'matplotlib', 'docx', 'docxtpl', 'pandas', 'jinja2') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


def test_batch_build_of_a_folder_continues_past_a_failure(tmp_path, make_workbook, basic_sheets):
    import shutil

    folder = tmp_path / "stores"
    folder.mkdir()
    for n in range(3):
        shutil.copy(ZH_EXAMPLE, folder / f"store{n}.xlsx")
    broken = make_workbook({"kpis": [["name", "actual"], ["GMV", "abc"]]}, name="broken.xlsx")
    shutil.copy(broken, folder / "broken.xlsx")
    out = tmp_path / "out"
    result = run("build", folder, "-o", out, "--format", "md", "--no-charts", "--jobs", "2")
    assert result.exit_code == 1
    assert sorted(p.name for p in out.glob("*.md")) == ["store0.md", "store1.md", "store2.md"]
    assert "3 built, 1 failed" in result.stdout
    assert "broken.xlsx › kpis › B2: actual: not a number ('abc')" in result.stderr


def test_check_passes_on_the_bundled_examples():
    """What a team's CI runs: every example renders (report, plan drafts, all formats, charts)."""
    result = run("check", EXAMPLES, "--jobs", "1")
    assert result.exit_code == 0, result.output
    examples = len(list(Path(EXAMPLES).glob("*.xlsx")))  # zh, en and the zh year in progress
    assert examples == 3 and f"{examples} passed, 0 failed" in result.stdout
    assert result.stdout.count("ok   ") == examples


def test_check_and_batch_build_take_a_timeout_per_workbook():
    for command in ("check", "build"):
        result = run(command, "--help")
        assert "--timeout" in result.stdout and "300" in result.stdout, result.stdout
    assert run("check", EXAMPLES, "--timeout", "-1").exit_code == 2


def test_templates_export_into_a_read_only_folder_is_an_error_not_a_traceback(
    tmp_path, monkeypatch
):
    from opsreport.io import files

    def mkstemp(**_):
        raise PermissionError(13, "Permission denied", str(tmp_path))

    monkeypatch.setattr(files.tempfile, "mkstemp", mkstemp)
    result = run("templates", "export", tmp_path / "mine")
    assert result.exit_code == 1
    assert "cannot write (Permission denied)" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "mine").exists()  # the folder it made is gone again


def test_plan_all_quarters_writes_four_drafts(tmp_path):
    result = run(
        "plan", ZH_EXAMPLE, "--all-quarters", "-f", "md", "-o", tmp_path, "--no-charts", "-q"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.count("wrote ") == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"ecommerce-2026-zh-plan-2027Q{q}.md" for q in (1, 2, 3, 4)
    ]


def _figure_error(*_args: object, **_kwargs: object) -> None:
    from opsreport.core.records import Location
    from opsreport.engine.metrics import FigureError, figure_problem

    raise FigureError(
        [
            figure_problem(
                "KPI P01 (直接利润): a figure could not be rendered",
                Location("wb.xlsx", "kpis", 2),
                "wb.xlsx",
            )
        ]
    )


def test_a_figure_that_cannot_be_rendered_is_an_error_naming_its_kpi(monkeypatch, tmp_path):
    """build, plan, context and check report a FigureError met while rendering like any
    workbook error: exit 1, the KPI and row, no traceback."""
    import shutil

    from opsreport.app import build, plan
    from opsreport.app.check import check_file  # (opsreport.check is the facade's function)
    from opsreport.present import report_context as context

    workbook = tmp_path / "wb.xlsx"
    shutil.copyfile(ZH_EXAMPLE, workbook)
    for module in (build, plan, context):
        monkeypatch.setattr(module, "build_context", _figure_error, raising=False)
    monkeypatch.setattr(plan, "plan_context", _figure_error)
    runner = CliRunner()
    for argv in (
        ["build", str(workbook), "--no-charts", "-f", "md"],
        ["plan", str(workbook), "-Q", "Q1", "--no-charts", "-f", "md"],
        ["context", str(workbook)],
    ):
        result = runner.invoke(app, argv)
        assert result.exit_code == 1, (argv, result.output)
        assert "KPI P01 (直接利润)" in result.output and "kpis" in result.output, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    outcome = check_file(workbook, formats=("md",), charts=False)
    assert [d.code for d in outcome.errors] == ["figure", "figure"]  # the report and the plans
    assert not list(tmp_path.glob("wb*.md"))


def test_ctrl_c_exits_130_with_one_line_not_a_traceback(monkeypatch):
    import opsreport

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(opsreport, "analyze", interrupted)
    result = runner.invoke(app, ["metrics", str(ZH_EXAMPLE)])
    assert result.exit_code == 130
    assert result.stderr.strip() == "interrupted"
    assert "Traceback" not in result.output
