"""Bad input: the committed corpus of broken workbooks, hostile files, properties.

Every case gets a message a non-programmer can act on, naming the cell where
there is one; nothing raises past the CLI; nothing is written to the input.
"""

from __future__ import annotations

import importlib.util
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from opsreport.app.analysis import WorkbookError, analyze
from opsreport.cli import app
from opsreport.core.numbers import parse_number
from opsreport.core.records import Kpi
from opsreport.core.units import parse_unit
from opsreport.core.value_problem import ValueProblem
from opsreport.engine.metrics import compute_kpi

from .conftest import ROOT

_spec = importlib.util.spec_from_file_location(
    "make_bad_workbooks", ROOT / "scripts" / "make_bad_workbooks.py"
)
bad = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bad)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    return bad.build_corpus(tmp_path_factory.mktemp("bad"))


@pytest.mark.parametrize("name", list(bad.CASES))
def test_each_broken_workbook_gets_a_clear_message(corpus, name):
    _, outcome, fragment, cell = bad.CASES[name]
    path = corpus[name]
    before = path.read_bytes()
    if outcome == "fails":
        with pytest.raises(WorkbookError) as info:
            analyze(path)
        messages = [str(d) for d in info.value.errors]
        assert all(str(path) in m for m in messages)
        assert any(fragment in m for m in messages), messages
        if cell:
            assert any(d.location.cell == cell for d in info.value.errors), messages
        assert all(d.hint for d in info.value.errors), "every error says how to fix it"
    else:
        analysis = analyze(path)
        messages = [str(w) for w in analysis.warnings]
        assert not fragment or any(fragment in m for m in messages), messages
    assert path.read_bytes() == before  # the input is never written to


def test_cli_lists_every_problem_without_a_traceback(corpus):
    runner = CliRunner()
    for name, (_, outcome, _, _) in bad.CASES.items():
        result = runner.invoke(app, ["metrics", str(corpus[name]), "--json", "-q"])
        assert "Traceback" not in result.output
        assert result.exit_code == (1 if outcome == "fails" else 0), (name, result.output)


def test_check_fails_on_the_corpus_with_github_annotations(corpus):
    result = CliRunner().invoke(
        app, ["check", str(corpus["excel-error-values.xlsx"]), "--format", "github", "--no-charts"]
    )
    assert result.exit_code == 1
    assert "::error file=" in result.stdout and "title=kpis › F2" in result.stdout


def test_serials_text_and_weeks_read_correctly(corpus):
    import datetime as dt

    tasks = analyze(corpus["dates-as-serials-and-text.xlsx"]).report.tasks
    assert [(t.start, t.end) for t in tasks] == [
        (dt.date(2027, 1, 1), dt.date(2027, 3, 31)),
        (dt.date(2027, 4, 1), dt.date(2027, 6, 30)),
        (dt.date(2027, 7, 5), dt.date(2027, 10, 3)),  # ISO week 27 Monday … week 39 Sunday
    ]


def test_a_hostile_multi_megabyte_file_is_refused_quickly(tmp_path, monkeypatch):
    import zipfile

    path = tmp_path / "hostile.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for n in range(4):  # 4 × 256 MB of zeros, ~1 MB compressed
            archive.writestr(f"xl/worksheets/sheet{n}.xml", b"0" * (256 * 1024 * 1024))
    read = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(
        zipfile.ZipFile,
        "open",
        lambda self, name, *a, **k: read.append(name) or real_open(self, name, *a, **k),
    )
    with pytest.raises(WorkbookError, match="zip bomb"):
        analyze(path)
    assert not read, "refused from the zip directory, before any part is inflated"


# --------------------------------------------------------------------------- properties

numbers = st.decimals(
    min_value=Decimal("-1e9"),
    max_value=Decimal("1e9"),
    places=4,
    allow_nan=False,
    allow_infinity=False,
)


@given(numbers)
def test_a_formatted_number_reads_back(value):
    text = f"{value:,}"
    assert parse_number(text, unit=parse_unit("")) == value


@given(numbers, st.sampled_from(["万", "亿"]))
def test_magnitudes_convert_exactly(value, word):
    expected = value * (Decimal("1e4") if word == "万" else Decimal("1e8"))
    if abs(expected) >= Decimal("1e15"):  # beyond the 10^15 limit of values.parse_number
        with pytest.raises(ValueProblem, match=r"below 10\^15"):
            parse_number(f"{value}{word}", unit=parse_unit("元"))
        return
    assert parse_number(f"{value}{word}", unit=parse_unit("元")) == expected


@given(st.text(max_size=12))
def test_any_text_parses_or_is_refused_with_a_hint(text):
    try:
        result = parse_number(text, unit=parse_unit("万元"))
    except ValueProblem as problem:
        assert problem.message and problem.hint
    else:
        assert result is None or isinstance(result, Decimal)


@settings(max_examples=300)
@given(
    actual=numbers,
    target=numbers.filter(lambda v: v != 0),
    direction=st.sampled_from(["higher", "lower"]),
)
def test_attainment_is_at_least_100_exactly_when_the_variance_is_good(actual, target, direction):
    result = compute_kpi(Kpi(key="k", name="k", actual=actual, target=target, direction=direction))
    good = (actual - target) * (1 if direction == "higher" else -1) >= 0
    assert (result.attainment >= 1) == good
    assert (result.status == "met") == good
    assert result.good_vs_target == good


@given(actual=numbers, prior=numbers, base=numbers)
def test_the_engine_never_raises_or_returns_nan(actual, prior, base):
    result = compute_kpi(
        Kpi(key="k", name="k", actual=actual, prior_year=prior, base=base, target=prior)
    )
    for value in result.as_json().values():
        if isinstance(value, float):
            assert value == value and value not in (float("inf"), float("-inf"))


def test_csv_neutralises_formula_injection(make_workbook):
    from opsreport.present.tables import metrics_csv, neutralize

    assert neutralize('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert (
        neutralize("+1") == "'+1"
        and neutralize("-2") == "'-2"
        and neutralize("@SUM(A1)") == "'@SUM(A1)"
    )
    assert neutralize(-2) == -2 and neutralize("GMV") == "GMV"
    from openpyxl import load_workbook

    path = make_workbook({"kpis": [["name", "owner", "target", "actual"], ["x", "@admin", 10, -5]]})
    wb = load_workbook(path)
    wb["kpis"]["A2"].value = "=1+1"
    wb["kpis"]["A2"].data_type = "s"  # text that looks like a formula, as a user may type it
    wb.save(path)
    text = metrics_csv(analyze(path).metrics)
    assert text.startswith("\ufeff")
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0]["name"] == "'=1+1"
    assert rows[0]["actual"] == "-5"  # a number stays a number
    result = CliRunner().invoke(app, ["metrics", str(path), "--csv", "-q"])
    assert result.exit_code == 0 and "'=1+1" in result.stdout


# --------------------------------------------------------------------------- damaged bytes
# Whatever a byte of a workbook becomes, the loader answers with a reading or a WorkbookError
# naming the file: never lxml's, zipfile's, zlib's or openpyxl's own exception (issue 11).

from .hostile import cases_workbook as hostile  # noqa: E402

_GOOD = hostile.good_parts()
_PARTS = sorted(_GOOD)


def _only_a_reading_or_a_workbook_error(path: Path) -> None:
    from opsreport.io.workbook import load_report

    try:
        load_report(path)
    except WorkbookError as exc:
        assert exc.errors and all(str(path) in str(d) and d.message for d in exc.errors)


@settings(max_examples=150, derandomize=True, deadline=None)
@given(st.sampled_from(_PARTS), st.integers(min_value=0), st.binary(max_size=8),
       st.integers(min_value=0, max_value=8))  # fmt: skip
def test_any_change_to_a_part_ends_in_a_reading_or_a_clear_error(tmp_path_factory, part, where,
                                                                  new, drop):  # fmt: skip
    data = _GOOD[part]
    at = where % (len(data) + 1)
    path = tmp_path_factory.mktemp("fuzz") / "x.xlsx"
    hostile.write(path, hostile.replace_part(_GOOD, part, data[:at] + new + data[at + drop :]))
    _only_a_reading_or_a_workbook_error(path)


@settings(max_examples=150, derandomize=True, deadline=None)
@given(st.integers(min_value=0), st.integers(min_value=1, max_value=255))
def test_any_byte_of_the_zip_changed_ends_in_a_reading_or_a_clear_error(
    tmp_path_factory, where, xor
):
    data = bytearray(hostile.zip_bytes(_GOOD))
    data[where % len(data)] ^= xor
    path = tmp_path_factory.mktemp("fuzz") / "x.xlsx"
    path.write_bytes(bytes(data))
    _only_a_reading_or_a_workbook_error(path)
