"""Every workbook of a batch gets its own result, whatever happens to another.

Crashes and hangs are made deterministic by the work function itself (module-level,
so a spawned worker can import it too) or, for the commands, by replacing
``check_file`` in this process before the workers fork (Linux).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from opsreport.app import batch
from opsreport.app.batch import WorkerFailure, plan_batch, run_all
from opsreport.app.check import CheckResult, check_files, format_results, workbook_sources
from opsreport.cli import app
from opsreport.core.records import Diagnostic, Location
from opsreport.io.files import OutputError

from .conftest import ZH_EXAMPLE
from .hostile.cases_batch import one_good_five_damaged

check = sys.modules["opsreport.app.check"]  # the module; opsreport.check is the facade's function

runner = CliRunner()
forks = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork on Linux")


class Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("cannot pickle this exception")


def work(item: str) -> str:
    """What a worker does with ``item``: its name says how it misbehaves."""
    if item == "exit":
        os._exit(3)
    if item == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if item == "hang":
        time.sleep(600)
    if item == "system-exit":
        raise SystemExit(4)
    if item == "memory":
        raise MemoryError
    if item == "unpicklable":
        raise Unpicklable("lxml-style error log")
    if item == "unsendable":
        return lambda: None  # type: ignore[return-value]
    return item.upper()


def failed(item: str, failure: WorkerFailure) -> str:
    return f"{item}: {failure.kind}: {failure.message}"


ITEMS = ["a", "exit", "b", "kill", "system-exit", "memory", "unpicklable", "unsendable", "c"]
EXPECTED = [
    "A",
    "exit: died: the worker process died (exit code 3) while checking it",
    "B",
    "kill: died: the worker process died (signal 9, SIGKILL) while checking it",
    "system-exit: raised: unexpected SystemExit: 4",
    "memory: raised: unexpected MemoryError",
    "unpicklable: raised: unexpected Unpicklable: lxml-style error log",
    "unsendable: raised: its result cannot be sent back (AttributeError: Can't pickle local "
    "object 'work.<locals>.<lambda>')",
    "C",
]


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_every_item_gets_its_result_in_order_whatever_a_worker_does(jobs):
    assert run_all(work, ITEMS, on_failure=failed, jobs=jobs, label="checking") == EXPECTED


def test_a_hung_item_is_stopped_at_the_timeout_and_the_rest_go_on():
    results = run_all(
        work, ["a", "hang", "b"], on_failure=failed, jobs=1, timeout=1, label="checking"
    )
    assert results == [
        "A",
        "hang: timeout: still checking it after 1 s, the limit for one workbook: stopped "
        "(raise --timeout, or give 0 for no limit)",
        "B",
    ]


def test_no_timeout_with_zero_and_nothing_to_do():
    assert run_all(work, ["a"], on_failure=failed, timeout=0) == ["A"]
    assert run_all(work, [], on_failure=failed) == []


@pytest.mark.parametrize("timeout", [1e300, 10**400])
def test_an_astronomical_timeout_is_no_limit(timeout):
    """(more than select can wait: `check --timeout inf` was such a traceback)"""
    assert run_all(work, ["a", "b"], on_failure=failed, jobs=2, timeout=timeout) == ["A", "B"]


def test_a_timeout_that_is_not_seconds_is_refused_before_any_work(tmp_path):
    from opsreport.errors import UsageError

    with pytest.raises(UsageError, match="a timeout of nan: give seconds"):
        run_all(work, ["hang"], on_failure=failed, timeout=float("nan"))
    with pytest.raises(UsageError, match="a timeout of -1"):
        run_all(work, [], on_failure=failed, timeout=-1)
    with pytest.raises(UsageError, match="a timeout of inf"):
        run_all(work, ["a"], on_failure=failed, timeout=float("inf"))
    for argv in (["check", str(ZH_EXAMPLE)], ["build", str(ZH_EXAMPLE), "-f", "md"]):
        for value in ("nan", "inf"):
            result = CliRunner().invoke(app, [*argv, "--timeout", value])
            assert result.exit_code == 2, (argv, value, result.output)
            assert "is not a number of seconds (0: no limit)" in result.output
            assert "Traceback" not in result.output


def test_a_lone_crashing_item_is_still_a_result():
    assert run_all(work, ["kill"], on_failure=failed, label="building") == [
        "kill: died: the worker process died (signal 9, SIGKILL) while building it"
    ]


# --------------------------------------------------------------------------- check


def _fake_check(path: Path, **_: object) -> CheckResult:
    """check_file that crashes, hangs or exits for some names (runs in the worker)."""
    name = Path(path).stem
    if name == "segfault":
        import ctypes
        import faulthandler

        faulthandler.disable()  # pytest's would print the crash's stack here
        ctypes.string_at(0)  # a crash in C code: SIGSEGV
    if name == "killed":
        os.kill(os.getpid(), signal.SIGKILL)
    if name == "hangs":
        time.sleep(600)
    if name == "exits":
        sys.exit(2)
    return CheckResult(Path(path))


@forks
def test_check_files_reports_crashes_and_hangs_for_their_workbook(tmp_path, monkeypatch):
    monkeypatch.setattr(check, "check_file", _fake_check)
    names = ["a", "segfault", "b", "killed", "hangs", "exits", "c"]
    paths = [tmp_path / f"{name}.xlsx" for name in names]
    results = check_files(paths, jobs=2, timeout=2)
    assert [r.path for r in results] == paths
    assert [r.passed() for r in results] == [True, False, True, False, False, False, True]
    messages = {r.path.stem: str(r.errors[0]) for r in results if r.errors}
    assert messages == {
        "segfault": f"{paths[1]}: the worker process died (signal 11, SIGSEGV) while checking it",
        "killed": f"{paths[3]}: the worker process died (signal 9, SIGKILL) while checking it",
        "hangs": f"{paths[4]}: still checking it after 2 s, the limit for one workbook: "
        "stopped (raise --timeout, or give 0 for no limit)",
        "exits": f"{paths[5]}: unexpected SystemExit: 2",
    }
    assert [r.errors[0].code for r in results if r.errors] == [
        "worker-died",
        "worker-died",
        "worker-timeout",
        "worker-raised",
    ]


@forks
def test_the_check_command_goes_on_past_a_killed_worker_and_a_timeout(tmp_path, monkeypatch):
    monkeypatch.setattr(check, "check_file", _fake_check)
    for name in ("a", "killed", "hangs", "b"):
        (tmp_path / f"{name}.xlsx").write_bytes(b"")
    result = runner.invoke(app, ["check", str(tmp_path), "--jobs", "1", "--timeout", "1"])
    assert result.exit_code == 1, result.output
    assert "the worker process died (signal 9, SIGKILL) while checking it" in result.stdout
    assert "still checking it after 1 s" in result.stdout
    assert "2 passed, 2 failed" in result.stdout
    assert "Traceback" not in result.output


def test_a_loader_exception_of_any_kind_is_the_workbooks_error(tmp_path, monkeypatch):
    import opsreport.app.analysis
    import opsreport.app.build  # imported first: it keeps its own name for analyze

    def broken(path, **_):
        raise ValueError("lxml said no")

    monkeypatch.setattr(opsreport.app.analysis, "analyze", broken)
    result = check.check_file(tmp_path / "x.xlsx")
    assert [str(d) for d in result.errors] == [
        f"{tmp_path / 'x.xlsx'}: cannot be read: ValueError: lxml said no"
    ]


def test_one_good_and_five_damaged_workbooks_give_six_results_and_exit_1(tmp_path):
    """The issue's acceptance: six results, in order, exit 1."""
    one_good_five_damaged(tmp_path)
    result = runner.invoke(app, ["check", str(tmp_path), "--no-charts", "--jobs", "2"])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith(("ok ", "FAIL "))]
    assert [line.split()[:2] for line in lines] == [
        ["ok", str(tmp_path / "0-good.xlsx")],
        ["FAIL", str(tmp_path / "1-truncated.xlsx")],
        ["FAIL", str(tmp_path / "2-bad-crc.xlsx")],
        ["FAIL", str(tmp_path / "3-not-a-zip.xlsx")],
        ["FAIL", str(tmp_path / "4-truncated-xml.xlsx")],
        ["FAIL", str(tmp_path / "5-formula-error.xlsx")],
    ]
    assert "1 passed, 5 failed" in result.stdout
    assert "5-formula-error.xlsx › 指标 › G2" in result.stdout
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- output text


def _result_with(message: str, file: str = "book.xlsx") -> CheckResult:
    error = Diagnostic("error", message, Location(file, "kpis", 2, "B"))
    return CheckResult(Path(file), [error])


HOSTILE = "GMV\n::error file=x::owned \u202eevil [/] \x1b[31m"


def test_text_output_keeps_user_text_on_its_line():
    text = format_results([_result_with(HOSTILE, "a\nb.xlsx")])
    assert text.splitlines() == [
        "FAIL a\\nb.xlsx  (1 error(s), 0 warning(s), 0.00 s)",
        "     error: a\\nb.xlsx › kpis › B2: GMV\\n::error file=x::owned \\u202eevil [/] \\x1b[31m",
        "0 passed, 1 failed",
    ]


def test_github_output_has_only_our_workflow_commands():
    text = format_results([_result_with(HOSTILE)], "github")
    assert text.splitlines() == [
        "::error file=book.xlsx,title=kpis › B2::"
        "GMV\\n::error file=x::owned \\u202eevil [/] \\x1b[31m",
        "0 passed, 1 failed",
    ]


def test_json_output_keeps_the_data_exact():
    data = json.loads(format_results([_result_with(HOSTILE)], "json"))
    assert data["files"][0]["errors"][0]["message"] == HOSTILE


def test_error_lines_of_commands_are_neutralised(tmp_path):
    name = tmp_path / "bad\n::error::x.xlsx"
    name.write_bytes(b"not a workbook")
    result = runner.invoke(app, ["metrics", str(name)])
    assert result.exit_code == 1
    assert not [line for line in result.stderr.splitlines() if line.startswith("::")]
    assert "bad\\n::error::x.xlsx" in result.stderr


# --------------------------------------------------------------------------- batch build


def test_same_stem_in_two_subfolders_is_mirrored_and_a_real_collision_refused(tmp_path):
    stores = tmp_path / "stores"
    for sub in ("a", "b"):
        (stores / sub).mkdir(parents=True)
        shutil.copyfile(ZH_EXAMPLE, stores / sub / "x.xlsx")
    sources = workbook_sources([stores])
    out = tmp_path / "reports"
    assert plan_batch(sources, out) == [
        (stores / "a" / "x.xlsx", out / "a"),
        (stores / "b" / "x.xlsx", out / "b"),
    ]
    assert plan_batch(sources, None) == [
        (stores / "a" / "x.xlsx", None),
        (stores / "b" / "x.xlsx", None),
    ]
    with pytest.raises(OutputError) as refused:
        plan_batch(workbook_sources([stores / "a", stores / "b"]), out)
    assert str(refused.value) == (
        f"{stores / 'a' / 'x.xlsx'} and {stores / 'b' / 'x.xlsx'} would both be written as "
        f"{out / 'x'}.*; rename one, or build them into different -o folders (nothing was written)"
    )
    (stores / "a" / "X.xlsx").write_bytes(b"")  # one name on Windows and macOS
    with pytest.raises(OutputError, match="would both be written"):
        plan_batch(workbook_sources([stores / "a"]), out)


def test_build_many_writes_the_mirror_and_refuses_collisions_before_writing(tmp_path):
    stores = tmp_path / "stores"
    for sub in ("a", "b"):
        (stores / sub).mkdir(parents=True)
        shutil.copyfile(ZH_EXAMPLE, stores / sub / "x.xlsx")
    out = tmp_path / "reports"
    with pytest.raises(OutputError):
        batch.build_many(
            workbook_sources([stores / "a", stores / "b"]),
            output=out,
            formats=("md",),
            charts=False,
        )
    assert not out.exists()
    outcomes = batch.build_many(
        workbook_sources([stores]), output=out, formats=("md",), charts=False, jobs=2
    )
    assert [o.outputs for o in outcomes] == [(out / "a" / "x.md",), (out / "b" / "x.md",)]
    assert all(o.ok for o in outcomes)
    (stores / "v1.2").mkdir()  # a subfolder named like a file is still a folder
    shutil.copyfile(ZH_EXAMPLE, stores / "v1.2" / "y.xlsx")
    outcomes = batch.build_many(
        workbook_sources([stores]), output=out, formats=("md",), charts=False, jobs=1
    )
    assert [o.outputs for o in outcomes][-1] == (out / "v1.2" / "y.md",)


def test_the_batch_table_shows_names_as_typed(tmp_path):
    stores = tmp_path / "stores"
    stores.mkdir()
    shutil.copyfile(ZH_EXAMPLE, stores / "[red]x[bold].xlsx")
    shutil.copyfile(ZH_EXAMPLE, stores / "plain.xlsx")
    result = runner.invoke(
        app,
        ["build", str(stores), "-o", str(tmp_path / "out"), "-f", "md", "--jobs", "1"],
        env={"COLUMNS": "400"},
    )
    assert result.exit_code == 0, result.output
    assert "[red]x[bold].xlsx" in result.stdout.replace("\n", "")
    assert "2 built, 0 failed" in result.stdout


def test_workbook_sources_lists_a_workbook_named_twice_once(tmp_path):
    shutil.copyfile(ZH_EXAMPLE, tmp_path / "x.xlsx")
    (tmp_path / "~$x.xlsx").write_bytes(b"lock")
    assert workbook_sources(
        [tmp_path / "x.xlsx", tmp_path, Path(os.path.relpath(tmp_path / "x.xlsx"))]
    ) == [(tmp_path / "x.xlsx", None)]
