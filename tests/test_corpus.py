"""Real odd .xlsx files from other projects' test suites (../shared/xlsx-corpus).

None is an opsreport workbook, so each is tried as it is and once per sheet with
that sheet renamed to ``kpis``: the loader then really parses merged ranges,
error cells, lying dimensions, 1904 dates, rich text … Every attempt must end in
a reading or a WorkbookError with a message — never another exception — quickly.
"""

from __future__ import annotations

import contextlib
import re
import signal
import zipfile
from pathlib import Path

import pytest

from opsreport.app.analysis import WorkbookError, analyze

from .conftest import CORPUS

FILES = sorted(CORPUS.glob("*/*.xls*")) if CORPUS.exists() else []
pytestmark = pytest.mark.skipif(
    not FILES, reason="../shared/xlsx-corpus is not beside the repository"
)

_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"')


def with_sheet_renamed(source: Path, target: Path, index: int) -> bool:
    with zipfile.ZipFile(source) as zin:
        parts = [n for n in zin.namelist() if n.endswith("workbook.xml")]
        if not parts:
            return False
        names = _SHEET.findall(zin.read(parts[0]))
        if index >= len(names):
            return False
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = zin.read(info.filename)
                if info.filename == parts[0]:
                    data = data.replace(b'name="' + names[index] + b'"', b'name="kpis"', 1)
                zout.writestr(info, data)
    return True


class Hung(BaseException):  # not an Exception: no handler in the loader may swallow it
    pass


@contextlib.contextmanager
def deadline(seconds: int):
    """Fail a file that hangs the loader instead of hanging CI (generous: not a timing test)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(*_: object) -> None:
        raise Hung(f"still reading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def attempt(path: Path) -> str:
    with deadline(120):
        return _attempt(path)


def _attempt(path: Path) -> str:
    try:
        analysis = analyze(path)
        outcome = f"read {len(analysis.report.kpis)} KPIs"
    except WorkbookError as exc:
        assert exc.errors, "a WorkbookError always lists its errors"
        for diagnostic in exc.errors:
            assert str(path) in str(diagnostic) and diagnostic.message
        outcome = "error: " + exc.errors[0].message
    return outcome


def sheet_count(path: Path) -> int:
    if path.stat().st_size == 0 or not zipfile.is_zipfile(path):
        return 0
    with zipfile.ZipFile(path) as archive:
        parts = [n for n in archive.namelist() if n.endswith("workbook.xml")]
        return len(_SHEET.findall(archive.read(parts[0]))) if parts else 0


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_corpus_file_ends_in_a_reading_or_a_clear_error(path, tmp_path):
    assert attempt(path)  # as it is: not an opsreport workbook
    for index in range(sheet_count(path)):
        renamed = tmp_path / f"{path.stem}-{index}.xlsx"
        if with_sheet_renamed(path, renamed, index):
            attempt(renamed)


def corpus(name: str) -> Path:
    return next(p for p in FILES if p.name == name)


def test_known_refusals():
    assert "password-protected" in attempt(corpus("pass_protected.xlsx"))
    assert "empty" in attempt(corpus("empty_file.xlsx"))
    assert "Strict Open XML" in attempt(corpus("strict_iso_paths.xlsx"))
    assert "Excel 97" in attempt(corpus("dates-1904.xls"))


def with_part_replaced(source: Path, target: Path, part: str, old: bytes, new: bytes) -> None:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info, data.replace(old, new) if info.filename == part else data)


def test_formulas_without_cached_values_are_named(tmp_path):
    """LibreOffice 5 wrote C2 as <c t="str"><f>A2 + B2</f></c>: no value at all."""
    renamed = tmp_path / "missing-v.xlsx"
    with_sheet_renamed(corpus("missing-v-node-xlsx.xlsx"), renamed, 0)
    headed = tmp_path / "missing-v-headed.xlsx"  # headers A, B, A + B become name, target, actual
    strings = b'<t xml:space="preserve">A</t></si><si><t xml:space="preserve">B</t></si><si><t xml:space="preserve">A + B</t>'
    contract = b'<t xml:space="preserve">name</t></si><si><t xml:space="preserve">target</t></si><si><t xml:space="preserve">actual</t>'
    with_part_replaced(renamed, headed, "xl/sharedStrings.xml", strings, contract)
    with pytest.raises(WorkbookError) as info:
        analyze(headed)
    assert any(d.code == "formula_no_value" and d.location.cell == "C2" for d in info.value.errors)


def test_a_formula_whose_value_is_whitespace_has_a_value(tmp_path):
    renamed = tmp_path / "whitespace.xlsx"
    with_sheet_renamed(corpus("whitespace-xlsx.xlsx"), renamed, 0)
    with pytest.raises(WorkbookError) as info:
        analyze(renamed)
    assert not any(d.code == "formula_no_value" for d in info.value.errors)


def test_a_damaged_style_table_is_an_error_naming_the_sheet(tmp_path):
    renamed = tmp_path / "arrests.xlsx"
    with_sheet_renamed(corpus("los-angeles-arrests-xlsx.xlsx"), renamed, 0)
    assert attempt(renamed)  # no IndexError from openpyxl's style lookup escapes


def test_a_lying_dimension_is_not_trusted(tmp_path, monkeypatch):
    renamed = tmp_path / "issue174.xlsx"
    with_sheet_renamed(corpus("issue_174.xlsx"), renamed, 0)
    from opsreport.io import sheets

    rows = []
    real = sheets.scan_sheet
    monkeypatch.setattr(
        sheets, "scan_sheet", lambda *a, **k: (rows.append(r) or r for r in real(*a, **k))
    )
    attempt(renamed)  # claims A1:XFD1048576; must not iterate a million rows
    assert 0 < len(rows) < 100, len(rows)
