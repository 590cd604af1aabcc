"""present/json_text.indented_json writes exactly what ``json.dumps(..., indent=2)``
writes: every table of the examples, and rows of every shape."""

from __future__ import annotations

import json

import pytest

from opsreport.app.analysis import analyze
from opsreport.present.json_text import indented_json
from tests.conftest import EN_EXAMPLE, ZH_EXAMPLE

TABLES = [
    "kpis",
    "goals",
    "risks",
    "quarters",
    "breakdown",
    "resources",
    "plan",
    "value",
    "in_year",
]


def _stdlib(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)


@pytest.mark.parametrize("workbook", [ZH_EXAMPLE, EN_EXAMPLE])
def test_every_table_of_the_examples_is_written_as_json_dumps_writes_it(workbook):
    analysis = analyze(workbook)
    for table in TABLES:
        rows = analysis.rows(table)
        assert indented_json(rows) == _stdlib(rows), table


@pytest.mark.parametrize(
    "data",
    [
        [],
        {},
        [{}],
        [{"a": 1}],
        [{"a": 1.5, "b": None, "c": True, "d": 'x\ny, "z",\n    w', "e": [], "f": {}}],
        [{"a": [1, 2]}, {"b": {"c": [{"d": 1}]}}, {"e": 1}],  # nested: one level in
        [{"名称": "毛利率", "值": -0.0}, 3, "text", None, [1, [2]]],
        [{"a": 10**30, "b": 1e-7}],
        {"rows": [{"a": 1}]},
        "plain",
    ],
)
def test_rows_of_every_shape(data):
    assert indented_json(data) == _stdlib(data)


def test_nan_is_refused_as_json_dumps_refuses_it():
    for data in ([{"a": float("nan")}], [{"a": [float("inf")]}]):
        with pytest.raises(ValueError):
            indented_json(data)
