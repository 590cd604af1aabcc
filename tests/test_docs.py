"""docs/workbook.md cannot drift from the contract in schema.py (and the value vocabularies)."""

from __future__ import annotations

import re
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
